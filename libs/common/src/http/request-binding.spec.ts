import type { IncomingMessage } from 'node:http';
import {
  attachBinding,
  type BindingContext,
  clientCertificateName,
  clientIp,
  forwardedIp,
  isLoginMethodDisabled,
  tlsUsernameProblem,
} from './request-binding';

function binding(extra: Partial<BindingContext> = {}): BindingContext {
  return {
    isTrustedProxy: (peer) => peer === '10.0.0.1',
    clientIpHeader: 'x-forwarded-for',
    clientIpHeaderDepth: 0,
    disabledLoginMethods: 0,
    clientCertificates: false,
    ...extra,
  };
}

function request(
  peer: string,
  headers: Record<string, string | string[]> = {},
  socket: object = {},
): IncomingMessage {
  return { socket: { remoteAddress: peer, ...socket }, headers } as unknown as IncomingMessage;
}

describe('forwardedIp', () => {
  it('counts from the right, across comma-separated values and repeated headers', () => {
    expect(forwardedIp('1.1.1.1, 2.2.2.2, 3.3.3.3', 0)).toBe('3.3.3.3');
    expect(forwardedIp('1.1.1.1, 2.2.2.2, 3.3.3.3', 1)).toBe('2.2.2.2');
    expect(forwardedIp('1.1.1.1, 2.2.2.2, 3.3.3.3', 2)).toBe('1.1.1.1');
    expect(forwardedIp(['1.1.1.1', '2.2.2.2,3.3.3.3'], 2)).toBe('1.1.1.1');
    expect(forwardedIp('::ffff:4.4.4.4', 0)).toBe('4.4.4.4');
    expect(forwardedIp('2001:db8::1', 0)).toBe('2001:db8::1');
  });

  it('gives nothing past the list, for an empty entry or for a non-IP', () => {
    expect(forwardedIp('1.1.1.1', 1)).toBeUndefined();
    expect(forwardedIp(undefined, 0)).toBeUndefined();
    expect(forwardedIp('1.1.1.1, ', 0)).toBeUndefined();
    expect(forwardedIp('evil.example', 0)).toBeUndefined();
    expect(forwardedIp('1.1.1.1:8080', 0)).toBeUndefined();
  });
});

describe('clientIp', () => {
  it('is the peer without a binding, or when the peer is not a trusted proxy', () => {
    expect(clientIp(request('::ffff:127.0.0.1', { 'x-forwarded-for': '9.9.9.9' }))).toBe('127.0.0.1');
    const raw = request('10.0.0.2', { 'x-forwarded-for': '9.9.9.9' });
    attachBinding(raw, binding());
    expect(clientIp(raw)).toBe('10.0.0.2');
  });

  it("is the header's address from a trusted proxy, the peer when the header is bad or absent", () => {
    const good = request('10.0.0.1', { 'x-forwarded-for': '8.8.8.8, 9.9.9.9' });
    attachBinding(good, binding({ clientIpHeaderDepth: 1 }));
    expect(clientIp({ raw: good })).toBe('8.8.8.8');
    const bad = request('10.0.0.1', { 'x-forwarded-for': 'garbage' });
    attachBinding(bad, binding());
    expect(clientIp(bad)).toBe('10.0.0.1');
    const none = request('10.0.0.1');
    attachBinding(none, binding());
    expect(clientIp(none)).toBe('10.0.0.1');
    const noHeader = request('10.0.0.1', { 'x-forwarded-for': '9.9.9.9' });
    attachBinding(noHeader, binding({ clientIpHeader: '' }));
    expect(clientIp(noHeader)).toBe('10.0.0.1');
  });

  it('is computed once per request', () => {
    const raw = request('10.0.0.1', { 'x-forwarded-for': '9.9.9.9' });
    attachBinding(raw, binding());
    expect(clientIp(raw)).toBe('9.9.9.9');
    raw.headers['x-forwarded-for'] = '7.7.7.7';
    expect(clientIp({ raw })).toBe('9.9.9.9');
  });
});

describe('login methods and client certificates', () => {
  it('reads the binding bits', () => {
    const raw = request('1.1.1.1');
    expect(isLoginMethodDisabled(raw, 16)).toBe(false);
    attachBinding(raw, binding({ disabledLoginMethods: 16 + 128 }));
    expect(isLoginMethodDisabled(raw, 16)).toBe(true);
    expect(isLoginMethodDisabled(raw, 32)).toBe(false);
    expect(isLoginMethodDisabled(raw, 128)).toBe(true);
  });

  it('gives the certificate CN only on client-certificate bindings', () => {
    const socket = { getPeerCertificate: () => ({ subject: { CN: 'alice' } }) };
    const plain = request('1.1.1.1', {}, socket);
    attachBinding(plain, binding());
    expect(clientCertificateName(plain)).toBeUndefined();
    const mtls = request('1.1.1.1', {}, socket);
    attachBinding(mtls, binding({ clientCertificates: true }));
    expect(clientCertificateName(mtls)).toBe('alice');
  });

  it('refuses a CommonName user whose certificate names somebody else', () => {
    expect(tlsUsernameProblem('alice', 'alice', 'CommonName')).toBeUndefined();
    expect(tlsUsernameProblem(undefined, 'alice', 'CommonName')).toBeUndefined();
    expect(tlsUsernameProblem('bob', 'alice', 'None')).toBeUndefined();
    expect(tlsUsernameProblem('bob', 'alice', '')).toBeUndefined();
    expect(tlsUsernameProblem('bob', 'alice', 'CommonName')).toBe(
      'TLS certificate common name "bob" does not match the username "alice"',
    );
  });
});
