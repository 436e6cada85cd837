import { useTestServer } from './support/lifecycle';
import { TEST_DRIVER } from './support/test-db';
import { startTestServer, type TestServer } from './support/test-server';
import { jsonBody } from './support/user-fixtures';

/** What SFTPGo answers for the services this server does not run: inactive, Go's nil slices as `null`. */
const NO_SSH = {
  is_active: false,
  bindings: null,
  ssh_commands: null,
  host_keys: null,
  authentications: null,
  macs: null,
  kex_algorithms: null,
  ciphers: null,
  public_key_algorithms: null,
};
const NO_FTP = { is_active: false, bindings: null, passive_port_range: { start: 0, end: 0 } };
const NO_WEBDAV = { is_active: false, bindings: null };
const NO_MFA = { is_active: false, totp_configs: null };

describe(`GET /api/v2/status (${TEST_DRIVER})`, () => {
  const ctx = useTestServer({ token: true });

  /** Creates an admin with `permissions` and returns a token of theirs. */
  async function adminToken(app: TestServer, username: string, permissions: string[]): Promise<string> {
    const password = `${username}-Pa55!`;
    const created = await app.request('/api/v2/admins', {
      method: 'POST',
      bearer: ctx.token,
      ...jsonBody({ username, password, status: 1, permissions }),
    });
    expect(created.status).toBe(201);
    return app.token({ username, password });
  }

  it("answers SFTPGo's ServicesStatus: only the data provider is active with the default configuration", async () => {
    const res = await ctx.app.request('/api/v2/status', { bearer: ctx.token });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.json()).toEqual({
      ssh: NO_SSH,
      ftp: NO_FTP,
      webdav: NO_WEBDAV,
      data_provider: { driver: TEST_DRIVER, is_active: true, error: '' },
      defender: { is_active: false },
      mfa: NO_MFA,
      allow_list: { is_active: false },
      rate_limiters: { is_active: false, protocols: null },
    });
  });

  it('needs an admin with view_status (401 without credentials, 403 without the permission)', async () => {
    const anonymous = await ctx.app.request('/api/v2/status');
    expect(anonymous.status).toBe(401);
    const withoutPermission = await adminToken(ctx.app, 'no-status', ['view_users', 'view_conns']);
    const refused = await ctx.app.request('/api/v2/status', { bearer: withoutPermission });
    expect({ status: refused.status, body: refused.json() }).toEqual({
      status: 403,
      body: { message: 'Forbidden' },
    });
    const withPermission = await adminToken(ctx.app, 'status-viewer', ['view_status']);
    expect((await ctx.app.request('/api/v2/status', { bearer: withPermission })).status).toBe(200);
  });

  it('reports the defender, the allow list and the rate limiters as the configuration sets them', async () => {
    // The allow list only lets listed addresses in: the tests' own address first.
    const allowed = await ctx.app.request('/api/v2/iplists/1', {
      method: 'POST',
      bearer: ctx.token,
      ...jsonBody({ type: 1, ipornet: '127.0.0.1/32', mode: 1, protocols: 0 }),
    });
    expect(allowed.status).toBe(201);
    const configured = await startTestServer(ctx.db, {
      env: {
        SFTPGO_COMMON__DEFENDER__ENABLED: 'true',
        SFTPGO_COMMON__ALLOWLIST_STATUS: '1',
        SFTPGO_COMMON__RATE_LIMITERS__0__AVERAGE: '1000',
        SFTPGO_COMMON__RATE_LIMITERS__0__PROTOCOLS: 'HTTP,SSH',
      },
    });
    try {
      const res = await configured.request('/api/v2/status', { bearer: await configured.token() });
      expect(res.status).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        data_provider: { driver: TEST_DRIVER, is_active: true, error: '' },
        defender: { is_active: true },
        allow_list: { is_active: true },
        rate_limiters: { is_active: true },
      });
      expect([...(body.rate_limiters as { protocols: string[] }).protocols].sort()).toEqual(['HTTP', 'SSH']);
      // What does not exist here stays off, whatever the configuration.
      expect(body).toMatchObject({ ssh: NO_SSH, ftp: NO_FTP, webdav: NO_WEBDAV, mfa: NO_MFA });
    } finally {
      await configured.close();
    }
  });

  it('is described by the served OpenAPI document', async () => {
    const doc = (await ctx.app.request('/openapi.json')).json<{
      paths: Record<string, { get?: { operationId?: string; responses: Record<string, unknown> } }>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>();
    const operation = doc.paths['/api/v2/status']?.get;
    expect(operation?.operationId).toBe('get_status');
    expect(JSON.stringify(operation?.responses['200'])).toContain('#/components/schemas/ServicesStatus');
    expect(Object.keys(doc.components.schemas.ServicesStatus.properties ?? {}).sort()).toEqual(
      ['allow_list', 'data_provider', 'defender', 'ftp', 'mfa', 'rate_limiters', 'ssh', 'webdav'].sort(),
    );
    expect(Object.keys(doc.components.schemas.DataProviderStatus.properties ?? {}).sort()).toEqual([
      'driver',
      'error',
      'is_active',
    ]);
  });
});
