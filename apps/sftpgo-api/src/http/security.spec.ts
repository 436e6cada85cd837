import { defaultBinding, type HttpSecurityConfig } from '@app/config';
import { PRIVATE_CACHE_CONTROL, SecurityPolicy } from './security';

function policy(extra: Partial<HttpSecurityConfig> = {}): SecurityPolicy {
  return new SecurityPolicy({ ...defaultBinding().security, enabled: true, ...extra });
}

describe('SecurityPolicy (unrolled/secure as SFTPGo configures it)', () => {
  it('checks the host, from the proxy header first, exact or by regex', () => {
    const exact = policy({ allowed_hosts: ['api.test:8080'], hosts_proxy_headers: ['X-Forwarded-Host'] });
    expect(exact.handle({ url: '/', headers: { host: 'API.test:8080' } }, false).kind).toBe('continue');
    expect(exact.handle({ url: '/', headers: { host: 'other' } }, false)).toEqual({
      kind: 'bad-host',
      host: 'other',
    });
    expect(
      exact.handle({ url: '/', headers: { host: 'api.test:8080', 'x-forwarded-host': 'evil' } }, false),
    ).toEqual({ kind: 'bad-host', host: 'evil' });
    const regex = policy({ allowed_hosts: ['^[a-z]+\\.example\\.com$'], allowed_hosts_are_regex: true });
    expect(regex.handle({ url: '/', headers: { host: 'www.example.com' } }, false).kind).toBe('continue');
    expect(regex.handle({ url: '/', headers: { host: 'www.example.com.evil' } }, false).kind).toBe(
      'bad-host',
    );
  });

  it('redirects plain HTTP to HTTPS unless a TLS proxy header says https', () => {
    const redirect = policy({
      https_redirect: true,
      https_proxy_headers: [{ key: 'X-Forwarded-Proto', value: 'https' }],
    });
    expect(redirect.handle({ url: '/a?b=1', headers: { host: 'h:80' } }, false)).toEqual({
      kind: 'redirect',
      location: 'https://h:80/a?b=1',
    });
    expect(
      redirect.handle({ url: '/a', headers: { host: 'h', 'x-forwarded-proto': 'https' } }, false).kind,
    ).toBe('continue');
    expect(redirect.handle({ url: '/a', headers: { host: 'h' } }, true).kind).toBe('continue');
  });

  it('sets HSTS on HTTPS only and the other headers always', () => {
    const headers = policy({
      sts_seconds: 100,
      sts_include_subdomains: true,
      sts_preload: true,
      content_type_nosniff: true,
      content_security_policy: "default-src 'none'",
      permissions_policy: 'camera=()',
      cross_origin_opener_policy: 'same-origin',
      cache_control: 'private',
    });
    const tls = headers.handle({ url: '/', headers: {} }, true);
    expect(tls).toEqual({
      kind: 'continue',
      headers: {
        'x-frame-options': 'DENY',
        'strict-transport-security': 'max-age=100; includeSubDomains; preload',
        'x-content-type-options': 'nosniff',
        'content-security-policy': "default-src 'none'",
        'permissions-policy': 'camera=()',
        'cross-origin-opener-policy': 'same-origin',
        'cache-control': PRIVATE_CACHE_CONTROL,
      },
    });
    const plain = headers.handle({ url: '/', headers: {} }, false);
    expect(plain.kind === 'continue' && plain.headers['strict-transport-security']).toBeFalsy();
  });
});
