import { send } from './support/http-client';
import { useTestServer } from './support/lifecycle';
import { ADMIN, freePort, startTestServer } from './support/test-server';

describe('public endpoints and HTTP conventions', () => {
  const ctx = useTestServer({ token: true });

  it('GET /healthz answers ok as plain text without credentials (HEAD too)', async () => {
    const res = await ctx.app.request('/healthz');
    expect(res.status).toBe(200);
    expect(res.text).toBe('ok');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    const head = await ctx.app.request('/healthz', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.text).toBe('');
    expect((await ctx.app.request('/api/v2/healthz')).status).toBe(404);
  });

  it('GET /api/v2/version needs an admin token and returns VersionInfo', async () => {
    expect((await ctx.app.request('/api/v2/version')).status).toBe(401);
    const res = await ctx.app.request('/api/v2/version', { bearer: ctx.token });
    expect(res.status).toBe(200);
    const body = res.json<{ version: string; build_date: string; commit_hash: string; features: string[] }>();
    expect(Object.keys(body).sort()).toEqual(['build_date', 'commit_hash', 'features', 'version']);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.features).toEqual(expect.arrayContaining(['+sqlite', '+mysql', '+pgsql']));
    for (const feature of body.features) expect(feature).toMatch(/^[+-][a-z0-9]+$/);
  });

  it('serves the OpenAPI document generated from the code, and Swagger UI', async () => {
    const res = await ctx.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json<{
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string }>>;
    }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.paths['/api/v2/token'].get.operationId).toBe('get_token');
    expect(doc.paths['/api/v2/logout'].get.operationId).toBe('logout');
    expect(doc.paths['/api/v2/version'].get.operationId).toBe('get_version');
    const ui = await ctx.app.request('/openapi');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger');
  });

  it('answers unknown routes with 404 in SFTPGo shape and strips trailing slashes', async () => {
    const missing = await ctx.app.request('/api/v2/no/such/route', { bearer: ctx.token });
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ message: 'Not Found' });
    expect((await ctx.app.request('/api/v2/version/', { bearer: ctx.token })).status).toBe(200);
  });

  it('sets the Server header and a request id (echoing a sane X-Request-ID)', async () => {
    const res = await ctx.app.request('/healthz', { headers: { 'x-request-id': 'abc-123' } });
    expect(res.headers.server).toMatch(/^SFTPGo\//);
    expect(res.headers['x-request-id']).toBe('abc-123');
    const generated = await ctx.app.request('/healthz', {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    });
    expect(generated.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves every configured binding from one application', async () => {
    const second = await freePort();
    const other = await startTestServer(ctx.db, {
      env: {
        SFTPGO_HTTPD__BINDINGS__1__ADDRESS: '127.0.0.1',
        SFTPGO_HTTPD__BINDINGS__1__PORT: String(second),
      },
    });
    try {
      const fromFirst = await other.token();
      const res = await send(`http://127.0.0.1:${second}/api/v2/version`, { bearer: fromFirst });
      expect(res.status).toBe(200);
      expect((await send(`http://127.0.0.1:${second}/healthz`)).text).toBe('ok');
    } finally {
      await other.close();
    }
    await expect(send(`http://127.0.0.1:${second}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('finishes in-flight requests on shutdown, then refuses new connections', async () => {
    // A slow password hash keeps the token request in flight while the server is asked to stop.
    const other = await startTestServer(ctx.db, {
      env: { SFTPGO_DATA_PROVIDER__PASSWORD_HASHING__BCRYPT_OPTIONS__COST: '12' },
    });
    const created = await ctx.db.query<{ password: string }>(
      'SELECT "password" FROM "admins" WHERE "username" = ?',
      [ADMIN.username],
    );
    expect(created[0].password).toBeDefined();
    const slowAdmin = { username: 'slow-admin', password: 'slow-password' };
    const bcrypt = await import('bcrypt');
    const now = Date.now();
    await ctx.db.query(
      'INSERT INTO "admins" ("username", "password", "status", "permissions", "filters", "last_login", "created_at", "updated_at") VALUES (?, ?, 1, ?, ?, 0, ?, ?)',
      [slowAdmin.username, await bcrypt.hash(slowAdmin.password, 13), '["*"]', '{}', now, now],
    );
    const inFlight = other.request('/api/v2/token', { basic: slowAdmin });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = other.close();
    const res = await inFlight;
    await closing;
    expect(res.status).toBe(200);
    await expect(send(`${other.url}/healthz`)).rejects.toThrow(/ECONNREFUSED/);
  });
});
