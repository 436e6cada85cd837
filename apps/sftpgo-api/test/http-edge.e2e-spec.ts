import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { send, type TestRequest, type TestResponse } from './support/http-client';
import { createTestDatabase, type TestDatabase } from './support/test-db';
import { ADMIN, freePort, startTestServer, type TestServer } from './support/test-server';
import { jsonBody, userPassword } from './support/user-fixtures';

const ADMIN_SCOPE = 1;
const USER_SCOPE = 2;
const NOT_FOUND = { status: 404, body: { message: 'Not Found' } };
const CSP = "default-src 'none'";
const PERMISSIONS = 'camera=(), microphone=()';

const result = (res: TestResponse) => ({ status: res.status, body: res.text ? (res.json() as unknown) : '' });

/**
 * The HTTP edge (issue 8): client IP behind proxies, header and body limits, per-binding REST and
 * login-method switches, CORS and security headers. One server, several bindings, each with its
 * own switches; clients pick their source address among 127.x.y.z.
 */
describe('HTTP edge: bindings, client IP, limits, CORS, security headers', () => {
  let db: TestDatabase;
  let app: TestServer;
  let root: string;
  let adminToken: string;
  const ports = { main: 0, noRest: 0, noAdminLogin: 0, noUserLogin: 0, allOff: 0, redirect: 0 };
  let adminKey: string;
  let userKey: string;

  const on = (port: number, path: string, options?: TestRequest) =>
    send(`http://127.0.0.1:${port}${path}`, options);
  /** Through the trusted proxy (peer 127.0.0.1) or from an untrusted peer, claiming `forwarded`. */
  const viaProxy = (path: string, forwarded: string, options: TestRequest = {}) =>
    app.request(path, {
      ...options,
      localAddress: '127.0.0.1',
      headers: { ...options.headers, 'x-forwarded-for': forwarded },
    });
  const forged = (path: string, forwarded: string, options: TestRequest = {}) =>
    app.request(path, {
      ...options,
      localAddress: '127.0.0.2',
      headers: { ...options.headers, 'x-forwarded-for': forwarded },
    });

  async function createUser(username: string, filters: Record<string, unknown> = {}): Promise<void> {
    const home = join(root, username);
    mkdirSync(home, { recursive: true });
    const res = await app.request('/api/v2/users', {
      method: 'POST',
      bearer: adminToken,
      ...jsonBody({
        username,
        password: userPassword(username),
        status: 1,
        home_dir: home,
        permissions: { '/': ['*'] },
        filters,
      }),
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
  }

  async function createKey(body: Record<string, unknown>): Promise<string> {
    const res = await app.request('/api/v2/apikeys', {
      method: 'POST',
      bearer: adminToken,
      ...jsonBody(body),
    });
    expect(res.status).toBe(201);
    return res.json<{ key: string }>().key;
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    root = mkdtempSync(join(tmpdir(), 'sftpgo-edge-'));
    for (const name of Object.keys(ports) as (keyof typeof ports)[]) ports[name] = await freePort();
    const binding = (port: number, extra: Record<string, unknown> = {}) => ({
      address: '127.0.0.1',
      port,
      ...extra,
    });
    app = await startTestServer(db, {
      env: { SFTPGO_HTTPD__BINDINGS__0__PORT: String(ports.main) },
      configFile: {
        httpd: {
          bindings: [
            binding(ports.main, {
              proxy_allowed: ['127.0.0.1', '10.0.0.0/8'],
              client_ip_proxy_header: 'X-Forwarded-For',
              security: {
                enabled: true,
                allowed_hosts: [`127.0.0.1:${ports.main}`],
                sts_seconds: 3600,
                content_type_nosniff: true,
                content_security_policy: CSP,
                permissions_policy: PERMISSIONS,
                cross_origin_opener_policy: 'same-origin',
                cache_control: 'private',
              },
            }),
            binding(ports.noRest, { enable_rest_api: false }),
            binding(ports.noAdminLogin, { disabled_login_methods: 16 + 64 }),
            binding(ports.noUserLogin, { disabled_login_methods: 32 + 128 }),
            binding(ports.allOff, {
              enable_rest_api: false,
              enable_web_admin: false,
              enable_web_client: false,
            }),
            binding(ports.redirect, {
              security: {
                enabled: true,
                https_redirect: true,
                https_host: 'secure.example.com:8443',
                https_proxy_headers: [{ key: 'X-Forwarded-Proto', value: 'https' }],
                sts_seconds: 60,
                sts_include_subdomains: true,
              },
            }),
          ],
          cors: {
            enabled: true,
            allowed_origins: ['https://*.example.com'],
            allowed_methods: ['GET', 'POST'],
            allowed_headers: ['Authorization', 'Content-Type'],
            exposed_headers: ['X-Request-ID'],
            allow_credentials: true,
            max_age: 600,
          },
        },
      },
    });
    adminToken = await app.token();
    const keyAdmin = await app.request('/api/v2/admins', {
      method: 'POST',
      bearer: adminToken,
      ...jsonBody({
        username: 'keyadmin',
        password: 'keyadmin-Pa55!',
        status: 1,
        permissions: ['*'],
        filters: { allow_api_key_auth: true },
      }),
    });
    expect(keyAdmin.status).toBe(201);
    await createUser('keyuser', { allow_api_key_auth: true });
    adminKey = await createKey({ name: 'admin key', scope: ADMIN_SCOPE, admin: 'keyadmin' });
    userKey = await createKey({ name: 'user key', scope: USER_SCOPE, user: 'keyuser' });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  describe('client IP behind proxies', () => {
    const userToken = (
      username: string,
      request: (path: string, opts: TestRequest) => Promise<TestResponse>,
    ) => request('/api/v2/user/token', { basic: { username, password: userPassword(username) } });

    it('honours the proxy header only from an allowed proxy (user allowed_ip, token IP binding)', async () => {
      await createUser('proxied', { allowed_ip: ['192.0.2.10/32'] });
      const viaTrusted = (path: string, opts: TestRequest) => viaProxy(path, '192.0.2.10', opts);
      const res = await userToken('proxied', viaTrusted);
      expect(res.status).toBe(200);
      const token = res.json<{ access_token: string }>().access_token;
      // The token is bound to the forwarded address: used through the proxy it works, directly not.
      expect((await viaProxy('/api/v2/user/dirs', '192.0.2.10', { bearer: token })).status).toBe(200);
      expect(result(await app.request('/api/v2/user/dirs', { bearer: token }))).toEqual({
        status: 401,
        body: { message: 'Your token is not valid' },
      });
      // The same header from a peer that is not an allowed proxy is ignored: the peer's IP counts.
      expect((await userToken('proxied', (p, o) => forged(p, '192.0.2.10', o))).status).toBe(403);
      expect((await forged('/api/v2/user/dirs', '192.0.2.10', { bearer: token })).status).toBe(401);
      // Without the header, or with a value that is not an IP, the proxy's own address counts.
      expect(
        (await userToken('proxied', (p, o) => app.request(p, { ...o, localAddress: '127.0.0.1' }))).status,
      ).toBe(403);
      expect((await userToken('proxied', (p, o) => viaProxy(p, 'not-an-ip', o))).status).toBe(403);
    });

    it('picks the rightmost address of a list (client_ip_header_depth 0)', async () => {
      await createUser('listed', { allowed_ip: ['192.0.2.20/32'] });
      const login = (forwarded: string) =>
        viaProxy('/api/v2/user/token', forwarded, {
          basic: { username: 'listed', password: userPassword('listed') },
        });
      expect((await login('198.51.100.1, 192.0.2.20')).status).toBe(200);
      expect((await login('192.0.2.20, 198.51.100.1')).status).toBe(403);
    });

    it("drives a share's allow_from the same way", async () => {
      await createUser('sharer');
      writeFileSync(join(root, 'sharer', 'file.txt'), 'shared');
      const userTokenRes = await userToken('sharer', (p, o) => app.request(p, o));
      const token = userTokenRes.json<{ access_token: string }>().access_token;
      const created = await app.request('/api/v2/user/shares', {
        method: 'POST',
        bearer: token,
        ...jsonBody({ name: 'by ip', scope: 1, paths: ['/file.txt'], allow_from: ['198.51.100.7/32'] }),
      });
      expect(created.status).toBe(201);
      const id = String(created.headers['x-object-id']);
      const path = `/api/v2/shares/${id}?compress=false`;
      const allowed = await viaProxy(path, '198.51.100.7');
      expect({ status: allowed.status, text: allowed.text }).toEqual({ status: 200, text: 'shared' });
      const refused = { status: 403, body: { error: 'login is not allowed from this IP', message: '' } };
      expect(result(await forged(path, '198.51.100.7'))).toEqual(refused);
      expect(result(await app.request(path))).toEqual(refused);
    });
  });

  describe('header and body limits', () => {
    // SFTPGo decodes JSON through a 1 MiB MaxBytesReader (and answers 400); 413 here says what to fix.
    it('refuses a JSON body over 1 MiB with 413 and reads one just under it', async () => {
      const res = await app.request('/api/v2/users', {
        method: 'POST',
        bearer: adminToken,
        ...jsonBody({ username: 'big', description: 'x'.repeat(1024 * 1024 + 10) }),
      });
      expect(result(res)).toEqual({
        status: 413,
        body: { error: 'http: request body too large', message: '' },
      });
      const under = await app.request('/api/v2/users', {
        method: 'POST',
        bearer: adminToken,
        ...jsonBody({ username: 'big', description: 'x'.repeat(1000 * 1000) }),
      });
      // Parsed, then refused by validation (no password, no home), not by size.
      expect(under.status).toBe(400);
      expect(under.text).not.toContain('too large');
    });

    it('serves 90 headers and refuses more than 100 with 431', async () => {
      const headers = (count: number) =>
        Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-extra-${i}`, String(i)]));
      expect((await app.request('/healthz', { headers: headers(90) })).status).toBe(200);
      const res = await app.request('/healthz', { headers: headers(120) });
      expect(result(res)).toEqual({
        status: 431,
        body: { error: 'too many request headers', message: 'Request Header Fields Too Large' },
      });
    });

    it('refuses headers over 16 KiB (431 or connection closed)', async () => {
      const outcome = await app.request('/healthz', { headers: { 'x-big': 'a'.repeat(17 * 1024) } }).then(
        (res) => res.status,
        () => 'closed',
      );
      expect([431, 'closed']).toContain(outcome);
      expect((await app.request('/healthz', { headers: { 'x-big': 'a'.repeat(8 * 1024) } })).status).toBe(
        200,
      );
    });
  });

  describe('per-binding switches', () => {
    it('enable_rest_api false: every /api/v2 route is 404 on that binding only, /healthz answers', async () => {
      expect(result(await on(ports.noRest, '/api/v2/version', { bearer: adminToken }))).toEqual(NOT_FOUND);
      expect(result(await on(ports.noRest, '/api/v2/token', { basic: ADMIN }))).toEqual(NOT_FOUND);
      expect(result(await on(ports.noRest, '/api/v2/user/token', { basic: ADMIN }))).toEqual(NOT_FOUND);
      expect(result(await on(ports.noRest, '/api/v2/shares/x'))).toEqual(NOT_FOUND);
      expect(result(await on(ports.noRest, '/api/v2'))).toEqual(NOT_FOUND);
      const health = await on(ports.noRest, '/healthz');
      expect({ status: health.status, text: health.text }).toEqual({ status: 200, text: 'ok' });
      expect((await app.request('/api/v2/version', { bearer: adminToken })).status).toBe(200);
    });

    it('a binding with everything off is not started', async () => {
      await expect(on(ports.allOff, '/healthz')).rejects.toThrow(/ECONNREFUSED/);
    });

    it('disabled_login_methods 16 + 64: no admin token route, admin API keys ignored', async () => {
      expect(result(await on(ports.noAdminLogin, '/api/v2/token', { basic: ADMIN }))).toEqual(NOT_FOUND);
      expect(
        (
          await on(ports.noAdminLogin, '/api/v2/user/token', {
            basic: { username: 'keyuser', password: userPassword('keyuser') },
          })
        ).status,
      ).toBe(200);
      const keyOnly = await on(ports.noAdminLogin, '/api/v2/version', {
        headers: { 'x-sftpgo-api-key': adminKey },
      });
      expect(result(keyOnly)).toEqual({
        status: 401,
        body: { error: 'no token found', message: 'Unauthorized' },
      });
      // Ignored, not refused: a bearer token next to it still authenticates.
      const both = await on(ports.noAdminLogin, '/api/v2/version', {
        bearer: adminToken,
        headers: { 'x-sftpgo-api-key': adminKey },
      });
      expect(both.status).toBe(200);
      expect(
        (await on(ports.noAdminLogin, '/api/v2/user/dirs', { headers: { 'x-sftpgo-api-key': userKey } }))
          .status,
      ).toBe(200);
      // The other bindings keep both.
      expect(
        (await app.request('/api/v2/version', { headers: { 'x-sftpgo-api-key': adminKey } })).status,
      ).toBe(200);
    });

    it('disabled_login_methods 32 + 128: no user token route, user API keys ignored', async () => {
      expect(
        result(
          await on(ports.noUserLogin, '/api/v2/user/token', {
            basic: { username: 'keyuser', password: userPassword('keyuser') },
          }),
        ),
      ).toEqual(NOT_FOUND);
      expect((await on(ports.noUserLogin, '/api/v2/token', { basic: ADMIN })).status).toBe(200);
      const keyOnly = await on(ports.noUserLogin, '/api/v2/user/dirs', {
        headers: { 'x-sftpgo-api-key': userKey },
      });
      expect(keyOnly.status).toBe(401);
      expect(
        (await on(ports.noUserLogin, '/api/v2/version', { headers: { 'x-sftpgo-api-key': adminKey } }))
          .status,
      ).toBe(200);
      expect(
        (await app.request('/api/v2/user/dirs', { headers: { 'x-sftpgo-api-key': userKey } })).status,
      ).toBe(200);
    });

    it('refuses to start when the REST API is on and 16 + 32 + 64 + 128 are all disabled', async () => {
      await expect(
        startTestServer(db, { env: { SFTPGO_HTTPD__BINDINGS__0__DISABLED_LOGIN_METHODS: '240' } }),
      ).rejects.toThrow(/httpd\.bindings\[0\]\.disabled_login_methods/);
    });
  });

  describe('CORS (httpd.cors, rs/cors semantics)', () => {
    const preflight = (origin: string, method: string, headers = 'authorization') =>
      app.request('/api/v2/token', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': method,
          'access-control-request-headers': headers,
        },
      });

    it('answers an allowed preflight with 204 and the CORS headers', async () => {
      const res = await preflight('https://app.example.com', 'GET');
      expect(res.status).toBe(204);
      expect(res.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-allow-methods': 'GET',
        'access-control-allow-headers': 'authorization',
        'access-control-allow-credentials': 'true',
        'access-control-max-age': '600',
      });
      expect(res.headers.vary).toContain('Origin');
    });

    it('answers a refused preflight (origin, method or header) without CORS headers', async () => {
      for (const res of [
        await preflight('https://evil.test', 'GET'),
        await preflight('https://app.example.com', 'DELETE'),
        await preflight('https://app.example.com', 'GET', 'x-custom'),
      ]) {
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBeUndefined();
      }
    });

    it('decorates actual requests from allowed origins only', async () => {
      const allowed = await app.request('/healthz', { headers: { origin: 'https://app.example.com' } });
      expect(allowed.headers).toMatchObject({
        'access-control-allow-origin': 'https://app.example.com',
        'access-control-expose-headers': 'X-Request-ID',
        'access-control-allow-credentials': 'true',
      });
      const refused = await app.request('/healthz', { headers: { origin: 'https://example.org' } });
      expect(refused.status).toBe(200);
      expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  describe('security headers (binding security)', () => {
    it('refuses a Host that is not allowed with 403', async () => {
      const res = await app.request('/healthz', { headers: { host: 'evil.test' } });
      const message = 'The host "evil.test" is not allowed';
      expect(result(res)).toEqual({ status: 403, body: { error: message, message } });
    });

    it('sets the configured headers on every response (no HSTS over plain HTTP)', async () => {
      for (const res of [await app.request('/healthz'), await app.request('/api/v2/version')]) {
        expect(res.headers).toMatchObject({
          'x-content-type-options': 'nosniff',
          'content-security-policy': CSP,
          'permissions-policy': PERMISSIONS,
          'cross-origin-opener-policy': 'same-origin',
          'x-frame-options': 'DENY',
          'cache-control': 'no-cache, no-store, max-age=0, must-revalidate, private',
        });
        expect(res.headers['strict-transport-security']).toBeUndefined();
      }
      // Bindings without `security` set none of them.
      expect((await on(ports.noAdminLogin, '/healthz')).headers['x-frame-options']).toBeUndefined();
    });

    it('redirects plain HTTP to https_host (307), HSTS when a TLS proxy says https', async () => {
      const res = await on(ports.redirect, '/api/v2/version?x=1');
      expect(res.status).toBe(307);
      expect(res.headers.location).toBe('https://secure.example.com:8443/api/v2/version?x=1');
      const proxied = await on(ports.redirect, '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
      expect(proxied.status).toBe(200);
      expect(proxied.headers['strict-transport-security']).toBe('max-age=60; includeSubDomains');
    });
  });
});
