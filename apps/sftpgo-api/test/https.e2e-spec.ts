import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { createTestPki, type TestPki } from './support/certs';
import { readResponse, requestHeaders, send, type TestResponse } from './support/http-client';
import { createTestDatabase, type TestDatabase } from './support/test-db';
import { ADMIN, freePort, startTestServer, type TestServer } from './support/test-server';
import { jsonBody, userPassword } from './support/user-fixtures';

interface TlsRequest {
  method?: string;
  bearer?: string;
  basic?: { username: string; password: string };
  /** Client certificate name in the PKI (none when undefined). */
  client?: string;
  body?: string;
  headers?: Record<string, string>;
  maxVersion?: 'TLSv1.2' | 'TLSv1.3';
}

type TlsResponse = TestResponse & { serverCertificateCn: string };

/**
 * HTTPS bindings (issue 8): certificates, client certificates verified against the CA with the CRL
 * checked at the handshake, `tls_username: CommonName`, HSTS, start-up refusals and reload.
 */
describe('HTTPS bindings and client certificates', () => {
  let db: TestDatabase;
  let pki: TestPki;
  let app: TestServer;
  let httpsPort: number;
  let httpPort: number;
  let adminToken: string;

  function tlsSend(path: string, options: TlsRequest = {}): Promise<TlsResponse> {
    const headers = requestHeaders(options);
    const client = options.client ? pki.issued(options.client) : undefined;
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: httpsPort,
          path,
          method: options.method ?? 'GET',
          headers,
          agent: false,
          ca: readFileSync(pki.caCert),
          cert: client ? readFileSync(client.cert) : undefined,
          key: client ? readFileSync(client.key) : undefined,
          maxVersion: options.maxVersion,
        },
        (res) => {
          const serverCertificateCn = String(
            (res.socket as TLSSocket).getPeerCertificate().subject?.CN ?? '',
          );
          readResponse(res).then((response) => resolve({ ...response, serverCertificateCn }), reject);
        },
      );
      req.on('error', reject);
      if (options.body !== undefined) req.write(options.body);
      req.end();
    });
  }

  const httpsConfig = (extra: Record<string, unknown> = {}) => ({
    httpd: {
      certificate_file: join(pki.dir, 'live.crt'),
      certificate_key_file: join(pki.dir, 'live.key'),
      ca_certificates: [pki.caCert],
      ca_revocation_lists: [pki.crlDer],
      bindings: [
        {
          address: '127.0.0.1',
          port: httpsPort,
          enable_https: true,
          client_auth_type: 1,
          min_tls_version: 12,
          tls_cipher_suites: [
            'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
            'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
          ],
          security: { enabled: true, sts_seconds: 31536000, sts_include_subdomains: true },
        },
        { address: '127.0.0.1', port: httpPort },
      ],
      ...extra,
    },
  });

  async function createUser(username: string, filters: Record<string, unknown>): Promise<void> {
    const res = await send(`http://127.0.0.1:${httpPort}/api/v2/users`, {
      method: 'POST',
      bearer: adminToken,
      ...jsonBody({
        username,
        password: userPassword(username),
        status: 1,
        home_dir: join(pki.dir, 'homes', username),
        permissions: { '/': ['*'] },
        filters,
      }),
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
  }

  beforeAll(async () => {
    db = await createTestDatabase();
    pki = createTestPki(['alice', 'carol', 'revoked'], ['revoked']);
    copyFileSync(pki.issued('server').cert, join(pki.dir, 'live.crt'));
    copyFileSync(pki.issued('server').key, join(pki.dir, 'live.key'));
    mkdirSync(join(pki.dir, 'homes'));
    httpsPort = await freePort();
    httpPort = await freePort();
    app = await startTestServer(db, {
      env: { SFTPGO_HTTPD__BINDINGS__0__PORT: String(httpsPort) },
      configFile: httpsConfig(),
    });
    expect(app.server.urls).toEqual([`https://127.0.0.1:${httpsPort}`, `http://127.0.0.1:${httpPort}`]);
    const res = await send(`http://127.0.0.1:${httpPort}/api/v2/token`, { basic: ADMIN });
    adminToken = res.json<{ access_token: string }>().access_token;
    await createUser('alice', { tls_username: 'CommonName' });
    await createUser('carol', { tls_username: 'CommonName', allow_api_key_auth: true });
    await createUser('dave', { tls_username: 'None' });
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (pki) rmSync(pki.dir, { recursive: true, force: true });
  });

  it('refuses the handshake without a client certificate', async () => {
    await expect(tlsSend('/healthz')).rejects.toThrow(/certificate required|ECONNRESET|socket hang up/);
  });

  it('refuses the handshake with a revoked client certificate (CRL, DER)', async () => {
    await expect(tlsSend('/healthz', { client: 'revoked' })).rejects.toThrow();
    // Node drops the connection once the handshake's verification failed; the same certificate is
    // accepted by a server without the CRL, so the CRL is what refuses it.
    const controlPort = await freePort();
    const saved = httpsPort;
    const config = httpsConfig({ ca_revocation_lists: [] });
    config.httpd.bindings = [{ ...config.httpd.bindings[0], port: controlPort }];
    const control = await startTestServer(db, {
      env: { SFTPGO_HTTPD__BINDINGS__0__PORT: String(controlPort) },
      configFile: config,
    });
    httpsPort = controlPort;
    try {
      expect((await tlsSend('/healthz', { client: 'revoked' })).status).toBe(200);
    } finally {
      httpsPort = saved;
      await control.close();
    }
    await expect(tlsSend('/healthz', { client: 'alice', maxVersion: 'TLSv1.2' })).resolves.toMatchObject({
      status: 200,
    });
  });

  it('serves a valid client certificate: admin token and JWT, HSTS on HTTPS', async () => {
    const token = await tlsSend('/api/v2/token', { client: 'alice', basic: ADMIN });
    expect(token.status).toBe(200);
    const jwt = token.json<{ access_token: string }>().access_token;
    const version = await tlsSend('/api/v2/version', { client: 'alice', bearer: jwt });
    expect(version.status).toBe(200);
    expect(version.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(version.serverCertificateCn).toBe('127.0.0.1');
  });

  it('tls_username CommonName: the certificate CN must be the username (token, JWT, API key)', async () => {
    const basic = (username: string) => ({ username, password: userPassword(username) });
    const own = await tlsSend('/api/v2/user/token', { client: 'alice', basic: basic('alice') });
    expect(own.status).toBe(200);
    const jwt = own.json<{ access_token: string }>().access_token;
    expect((await tlsSend('/api/v2/user/dirs', { client: 'alice', bearer: jwt })).status).toBe(200);

    const mismatch = await tlsSend('/api/v2/user/token', { client: 'alice', basic: basic('carol') });
    expect(mismatch.status).toBe(403);
    expect(mismatch.json()).toEqual({
      error: 'TLS certificate common name "alice" does not match the username "carol"',
      message: 'Forbidden',
    });
    // carol's token obtained on the plain binding (no certificates there), used with alice's certificate.
    const plain = await send(`http://127.0.0.1:${httpPort}/api/v2/user/token`, { basic: basic('carol') });
    expect(plain.status).toBe(200);
    const carolJwt = plain.json<{ access_token: string }>().access_token;
    // Token IP binding: same client IP (127.0.0.1) on both bindings.
    expect((await tlsSend('/api/v2/user/dirs', { client: 'alice', bearer: carolJwt })).status).toBe(403);
    expect((await tlsSend('/api/v2/user/dirs', { client: 'carol', bearer: carolJwt })).status).toBe(200);

    const created = await send(`http://127.0.0.1:${httpPort}/api/v2/apikeys`, {
      method: 'POST',
      bearer: adminToken,
      ...jsonBody({ name: 'carol key', scope: 2, user: 'carol' }),
    });
    const key = created.json<{ key: string }>().key;
    const withKey = (client: string) =>
      tlsSend('/api/v2/user/dirs', { client, headers: { 'x-sftpgo-api-key': key } });
    expect((await withKey('alice')).status).toBe(403);
    expect((await withKey('carol')).status).toBe(200);

    // tls_username None: any valid certificate will do.
    expect((await tlsSend('/api/v2/user/token', { client: 'alice', basic: basic('dave') })).status).toBe(200);
  });

  it('honours min_tls_version (13 refuses a TLS 1.2 client)', async () => {
    const strictPort = await freePort();
    const strict = await startTestServer(db, {
      env: {
        SFTPGO_HTTPD__BINDINGS__0__PORT: String(strictPort),
        SFTPGO_HTTPD__BINDINGS__0__ENABLE_HTTPS: 'true',
        SFTPGO_HTTPD__BINDINGS__0__MIN_TLS_VERSION: '13',
        SFTPGO_HTTPD__BINDINGS__0__CERTIFICATE_FILE: pki.issued('server').cert,
        SFTPGO_HTTPD__BINDINGS__0__CERTIFICATE_KEY_FILE: pki.issued('server').key,
      },
    });
    const saved = httpsPort;
    httpsPort = strictPort;
    try {
      expect((await tlsSend('/healthz')).status).toBe(200);
      await expect(tlsSend('/healthz', { maxVersion: 'TLSv1.2' })).rejects.toThrow();
    } finally {
      httpsPort = saved;
      await strict.close();
    }
  });

  it('reloads certificates without a restart; unusable files keep the previous ones', async () => {
    const next = pki.issue('server2', 'reloaded', true);
    copyFileSync(next.cert, join(pki.dir, 'live.crt'));
    copyFileSync(next.key, join(pki.dir, 'live.key'));
    expect(app.server.reloadCertificates()).toEqual([]);
    const after = await tlsSend('/healthz', { client: 'alice' });
    expect({ status: after.status, cn: after.serverCertificateCn }).toEqual({ status: 200, cn: 'reloaded' });

    writeFileSync(join(pki.dir, 'live.key'), 'not a key');
    const errors = app.server.reloadCertificates();
    expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('httpd.certificate_key_file')]);
    expect((await tlsSend('/healthz', { client: 'alice' })).serverCertificateCn).toBe('reloaded');
  });

  it.each([
    [
      'HTTPS without any certificate',
      { SFTPGO_HTTPD__BINDINGS__0__ENABLE_HTTPS: '1' },
      /httpd\.bindings\[0\]\.enable_https: no certificate/,
    ],
    [
      'a certificate file that does not exist',
      {
        SFTPGO_HTTPD__BINDINGS__0__ENABLE_HTTPS: '1',
        SFTPGO_HTTPD__CERTIFICATE_FILE: '/nonexistent/cert.pem',
        SFTPGO_HTTPD__CERTIFICATE_KEY_FILE: '/nonexistent/key.pem',
      },
      /httpd\.certificate_file: cannot read "\/nonexistent\/cert\.pem"/,
    ],
    [
      'an unknown cipher suite',
      { SFTPGO_HTTPD__BINDINGS__0__TLS_CIPHER_SUITES: 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_NOPE' },
      /httpd\.bindings\[0\]\.tls_cipher_suites\[1\]: unknown or unsupported cipher suite "TLS_NOPE"/,
    ],
    [
      'client certificates without a CA',
      {
        SFTPGO_HTTPD__BINDINGS__0__ENABLE_HTTPS: '1',
        SFTPGO_HTTPD__BINDINGS__0__CLIENT_AUTH_TYPE: '1',
        SFTPGO_HTTPD__CERTIFICATE_FILE: 'x.pem',
        SFTPGO_HTTPD__CERTIFICATE_KEY_FILE: 'y.pem',
      },
      /httpd\.bindings\[0\]\.client_auth_type: 1 needs httpd\.ca_certificates/,
    ],
  ])('refuses to start with %s', async (_name, env, message) => {
    await expect(startTestServer(db, { env })).rejects.toThrow(message);
  });
});
