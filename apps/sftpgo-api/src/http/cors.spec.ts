import { defaultConfig, type HttpCorsConfig } from '@app/config';
import { CorsPolicy, type CorsRequest } from './cors';

function policy(extra: Partial<HttpCorsConfig> = {}): CorsPolicy {
  return new CorsPolicy({ ...defaultConfig().httpd.cors, enabled: true, ...extra });
}

const preflight = (origin: string, method: string, headers?: string): CorsRequest => ({
  method: 'OPTIONS',
  headers: {
    origin,
    'access-control-request-method': method,
    ...(headers === undefined ? {} : { 'access-control-request-headers': headers }),
  },
});

describe('CorsPolicy (rs/cors semantics)', () => {
  it('with the defaults allows any origin, GET/POST/HEAD and the simple headers', () => {
    const cors = policy();
    expect(cors.handle(preflight('https://a.test', 'POST', 'Content-Type'))).toEqual({
      answer: 204,
      headers: {
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'Content-Type',
      },
    });
    expect(
      cors.handle(preflight('https://a.test', 'PUT')).headers['access-control-allow-origin'],
    ).toBeUndefined();
    expect(
      cors.handle(preflight('https://a.test', 'GET', 'Authorization')).headers['access-control-allow-origin'],
    ).toBeUndefined();
  });

  it('matches exact and wildcard origins case-insensitively, echoing the origin', () => {
    const cors = policy({ allowed_origins: ['https://exact.test', 'https://*.example.com'] });
    for (const origin of ['https://exact.test', 'HTTPS://Exact.test', 'https://a.b.example.com']) {
      expect(cors.handle(preflight(origin, 'GET')).headers['access-control-allow-origin']).toBe(origin);
    }
    for (const origin of ['https://example.com', 'https://exact.test.evil', 'http://a.example.com']) {
      expect(cors.handle(preflight(origin, 'GET')).headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('answers preflights with options_success_status, or passes them on', () => {
    expect(policy({ options_success_status: 200 }).handle(preflight('https://a.test', 'GET')).answer).toBe(
      200,
    );
    expect(
      policy({ options_passthrough: true }).handle(preflight('https://a.test', 'GET')).answer,
    ).toBeUndefined();
    // An OPTIONS without Access-Control-Request-Method is an actual request.
    expect(
      policy().handle({ method: 'OPTIONS', headers: { origin: 'https://a.test' } }).answer,
    ).toBeUndefined();
  });

  it('adds credentials, max age, private network and any header when configured', () => {
    const cors = policy({
      allowed_headers: ['*'],
      allow_credentials: true,
      max_age: -1,
      allow_private_network: true,
    });
    const req = preflight('https://a.test', 'GET', 'X-Anything');
    req.headers['access-control-request-private-network'] = 'true';
    expect(cors.handle(req).headers).toMatchObject({
      'access-control-allow-headers': 'X-Anything',
      'access-control-allow-credentials': 'true',
      'access-control-max-age': '0',
      'access-control-allow-private-network': 'true',
    });
  });

  it('decorates actual requests of allowed origins and methods only', () => {
    const cors = policy({
      allowed_origins: ['https://a.test'],
      exposed_headers: ['X-Request-ID', 'Location'],
    });
    expect(cors.handle({ method: 'GET', headers: { origin: 'https://a.test' } }).headers).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'https://a.test',
      'access-control-expose-headers': 'X-Request-ID, Location',
    });
    expect(cors.handle({ method: 'DELETE', headers: { origin: 'https://a.test' } }).headers).toEqual({
      vary: 'Origin',
    });
    expect(cors.handle({ method: 'GET', headers: {} }).headers).toEqual({ vary: 'Origin' });
  });
});
