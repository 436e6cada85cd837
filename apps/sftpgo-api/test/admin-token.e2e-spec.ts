import * as bcrypt from 'bcrypt';
import { send } from './support/http-client';
import { createTestDatabase, type TestDatabase } from './support/test-db';
import { ADMIN, jwtPayload, startTestServer, type TestServer } from './support/test-server';

const BASIC_CHALLENGE = 'Basic realm="SFTPGo"';
// The admin state cache's lifetime: how long another instance's change may take to be seen.
const CROSS_INSTANCE_DELAY_MS = 2100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Inserts an admin directly, as another instance (or a restored SFTPGo backup) would. */
async function insertAdmin(
  db: TestDatabase,
  username: string,
  passwordHash: string,
  status = 1,
): Promise<void> {
  const now = Date.now();
  await db.query(
    'INSERT INTO "admins" ("username", "password", "status", "permissions", "filters", "last_login", "created_at", "updated_at") VALUES (?, ?, ?, ?, ?, 0, ?, ?)',
    [username, passwordHash, status, '["*"]', '{}', now, now],
  );
}

describe('admin tokens (GET /api/v2/token, /api/v2/logout)', () => {
  let db: TestDatabase;
  let app: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestServer(db);
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('creates the default admin on first start, with every permission and a bcrypt hash', async () => {
    const rows = await db.query<{ username: string; status: number; permissions: string; password: string }>(
      'SELECT "username", "status", "permissions", "password" FROM "admins"',
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].username).toBe(ADMIN.username);
    expect(Number(rows[0].status)).toBe(1);
    expect(JSON.parse(rows[0].permissions)).toEqual(['*']);
    expect(rows[0].password.startsWith('$2a$')).toBe(true);
  });

  it('issues an HS256 token bound to the API audience and the client IP', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await app.request('/api/v2/token', { basic: ADMIN });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json<{ access_token: string; expires_at: string }>();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at']);
    expect(body.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const header = JSON.parse(Buffer.from(body.access_token.split('.')[0], 'base64url').toString());
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = jwtPayload(body.access_token);
    expect(claims.aud).toEqual(['API', '127.0.0.1']);
    expect(claims.username).toBe(ADMIN.username);
    expect(claims.permissions).toEqual(['*']);
    expect(claims.jti).toMatch(/^[0-9a-v]{20}$/);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.nbf).toBe((claims.iat as number) - 10);
    const exp = claims.exp as number;
    expect(exp - before).toBeGreaterThanOrEqual(20 * 60 - 1);
    expect(exp - before).toBeLessThanOrEqual(20 * 60 + 2);
    expect(Date.parse(body.expires_at) / 1000).toBe(exp);
    const version = await app.request('/api/v2/version', { bearer: body.access_token });
    expect(version.status).toBe(200);
  });

  it.each([
    ['a wrong password', { username: ADMIN.username, password: 'wrong' }],
    ['an unknown admin', { username: 'nobody', password: ADMIN.password }],
    ['a blank password', { username: ADMIN.username, password: '   ' }],
  ])('refuses %s with 401, the Basic challenge and SFTPGo error body', async (_case, basic) => {
    const res = await app.request('/api/v2/token', { basic });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(BASIC_CHALLENGE);
    expect(res.json()).toEqual({ error: 'invalid credentials', message: 'Unauthorized' });
  });

  it('refuses missing credentials with 401 and the Basic challenge', async () => {
    for (const headers of [{}, { authorization: 'Bearer abc' }, { authorization: 'Basic !!!' }] as Record<
      string,
      string
    >[]) {
      const res = await app.request('/api/v2/token', { headers });
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toBe(BASIC_CHALLENGE);
      expect(res.json()).toEqual({ message: 'Unauthorized' });
    }
  });

  it('refuses a disabled admin', async () => {
    await insertAdmin(db, 'disabled-admin', await bcrypt.hash('secret', 4), 0);
    const res = await app.request('/api/v2/token', {
      basic: { username: 'disabled-admin', password: 'secret' },
    });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(BASIC_CHALLENGE);
    expect(res.json()).toEqual({ error: 'invalid credentials', message: 'Unauthorized' });
  });

  it('trims admin passwords and applies the naming rules to the username (default 5: trim)', async () => {
    const res = await app.request('/api/v2/token', {
      basic: { username: ` ${ADMIN.username} `, password: ` ${ADMIN.password} ` },
    });
    expect(res.status).toBe(200);
  });

  it('accepts bcrypt hashes made elsewhere ($2a$, $2b$, $2y$) and argon2id', async () => {
    const b = await bcrypt.hash('imported', 4);
    await insertAdmin(db, 'imported-2b', b.replace(/^\$2a\$/, '$2b$'));
    await insertAdmin(db, 'imported-2y', b.replace(/^\$2[ab]\$/, '$2y$'));
    const argon2 = await import('argon2');
    await insertAdmin(
      db,
      'imported-argon',
      await argon2.hash('imported', { type: argon2.argon2id, memoryCost: 1024 }),
    );
    for (const username of ['imported-2b', 'imported-2y', 'imported-argon']) {
      const ok = await app.request('/api/v2/token', { basic: { username, password: 'imported' } });
      expect({ username, status: ok.status }).toEqual({ username, status: 200 });
      const wrong = await app.request('/api/v2/token', { basic: { username, password: 'imported!' } });
      expect({ username, status: wrong.status }).toEqual({ username, status: 401 });
    }
  });

  it('refuses requests without a token, with a malformed or forged token', async () => {
    const none = await app.request('/api/v2/version');
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ error: 'no token found', message: 'Unauthorized' });
    expect(none.headers['www-authenticate']).toBeUndefined();
    const garbage = await app.request('/api/v2/version', { bearer: 'abcde' });
    expect(garbage.status).toBe(401);
    const token = await app.token();
    const [h, p] = token.split('.');
    const forged = await app.request('/api/v2/version', { bearer: `${h}.${p}.${'A'.repeat(43)}` });
    expect(forged.status).toBe(401);
    expect(forged.json<{ message: string }>().message).toBe('Unauthorized');
    const cookie = await app.request('/api/v2/version', { headers: { cookie: `jwt=${token}` } });
    expect(cookie.status).toBe(401);
  });

  it('refuses a logged-out token, also after a restart on the same database', async () => {
    const token = await app.token();
    const kept = await app.token();
    const logout = await app.request('/api/v2/logout', { bearer: token });
    expect(logout.status).toBe(200);
    expect(logout.json()).toEqual({ message: 'Your token has been invalidated' });
    const after = await app.request('/api/v2/version', { bearer: token });
    expect(after.status).toBe(401);
    expect(after.json()).toEqual({ message: 'Your token is no longer valid' });
    expect((await app.request('/api/v2/logout', { bearer: token })).status).toBe(401);

    await app.close();
    app = await startTestServer(db);
    const revoked = await app.request('/api/v2/version', { bearer: token });
    expect(revoked.status).toBe(401);
    expect(revoked.json()).toEqual({ message: 'Your token is no longer valid' });
    // Same signing passphrase: a token that was not logged out survives the restart.
    expect((await app.request('/api/v2/version', { bearer: kept })).status).toBe(200);
  });

  it('sees a logout made by another instance sharing the database', async () => {
    const other = await startTestServer(db);
    try {
      const token = await app.token();
      expect((await other.request('/api/v2/version', { bearer: token })).status).toBe(200);
      expect((await other.request('/api/v2/logout', { bearer: token })).status).toBe(200);
      await sleep(CROSS_INSTANCE_DELAY_MS * 2);
      const res = await app.request('/api/v2/version', { bearer: token });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: 'Your token is no longer valid' });
    } finally {
      await other.close();
    }
  });

  it('answers every one of 20 concurrent first requests of a fresh token', async () => {
    await insertAdmin(db, 'burst-admin', await bcrypt.hash('secret', 4));
    const token = await app.token({ username: 'burst-admin', password: 'secret' });
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () =>
        Promise.race([
          app.request('/api/v2/version', { bearer: token }).then((res) => res.status),
          sleep(10_000).then(() => 'no answer'),
        ]),
      ),
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
  });

  it('refuses a token used from another client IP', async () => {
    const token = await app.token(ADMIN, '127.0.0.1');
    expect((await app.request('/api/v2/version', { bearer: token, localAddress: '127.0.0.1' })).status).toBe(
      200,
    );
    const res = await app.request('/api/v2/version', { bearer: token, localAddress: '127.0.0.2' });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'Your token is not valid' });
  });

  it('stops a token as soon as its admin is deleted, disabled or changes password', async () => {
    for (const name of ['to-delete', 'to-disable', 'to-repassword']) {
      await insertAdmin(db, name, await bcrypt.hash('secret', 4));
    }
    const tokens: Record<string, string> = {};
    for (const name of ['to-delete', 'to-disable', 'to-repassword']) {
      tokens[name] = await app.token({ username: name, password: 'secret' });
      expect((await app.request('/api/v2/version', { bearer: tokens[name] })).status).toBe(200);
    }
    await db.query('DELETE FROM "admins" WHERE "username" = ?', ['to-delete']);
    await db.query('UPDATE "admins" SET "status" = 0 WHERE "username" = ?', ['to-disable']);
    await db.query('UPDATE "admins" SET "password" = ? WHERE "username" = ?', [
      await bcrypt.hash('changed', 4),
      'to-repassword',
    ]);
    await sleep(CROSS_INSTANCE_DELAY_MS);
    for (const name of Object.keys(tokens)) {
      const res = await app.request('/api/v2/version', { bearer: tokens[name] });
      expect({ name, status: res.status, body: res.json() }).toEqual({
        name,
        status: 401,
        body: { message: 'Your token is no longer valid' },
      });
    }
    // Re-enabling does not revive a refused token.
    await db.query('UPDATE "admins" SET "status" = 1 WHERE "username" = ?', ['to-disable']);
    await sleep(CROSS_INSTANCE_DELAY_MS);
    expect((await app.request('/api/v2/version', { bearer: tokens['to-disable'] })).status).toBe(401);
    expect((await app.request('/api/v2/version', { bearer: await app.token() })).status).toBe(200);
  });

  it('never writes a password, a token or an Authorization header to the logs', async () => {
    const other = await startTestServer(db, { captureLogs: 'debug' });
    try {
      const token = await other.token();
      await other.request('/api/v2/version', { bearer: token, headers: { 'x-request-id': 'log-check' } });
      await other.request('/api/v2/token', {
        basic: { username: ADMIN.username, password: 'wrong-secret-pw' },
      });
      await other.request('/api/v2/logout', { bearer: token });
      const logs = other.logs();
      expect(logs).toContain('"id":"log-check"');
      for (const secret of [
        ADMIN.password,
        'wrong-secret-pw',
        token,
        token.split('.')[2],
        'Bearer',
        'Basic ',
      ]) {
        expect({ secret, found: logs.includes(secret) }).toEqual({ secret, found: false });
      }
    } finally {
      await other.close();
    }
  });

  it('with token_validation 2, refuses a token once its admin was updated', async () => {
    const other = await startTestServer(db, { env: { SFTPGO_HTTPD__TOKEN_VALIDATION: '2' } });
    try {
      await insertAdmin(db, 'signature-check', await bcrypt.hash('secret', 4));
      const token = await other.token({ username: 'signature-check', password: 'secret' });
      expect((await other.request('/api/v2/version', { bearer: token })).status).toBe(200);
      await db.query('UPDATE "admins" SET "updated_at" = "updated_at" + 1 WHERE "username" = ?', [
        'signature-check',
      ]);
      await sleep(CROSS_INSTANCE_DELAY_MS);
      const res = await other.request('/api/v2/version', { bearer: token });
      expect(res.status).toBe(401);
      expect(res.json()).toEqual({ message: 'Your token is no longer valid' });
    } finally {
      await other.close();
    }
  });

  it('keeps working with IP binding off (token_validation 1)', async () => {
    const other = await startTestServer(db, { env: { SFTPGO_HTTPD__TOKEN_VALIDATION: '1' } });
    try {
      const token = await other.token(ADMIN, '127.0.0.1');
      const res = await send(`${other.url}/api/v2/version`, { bearer: token, localAddress: '127.0.0.3' });
      expect(res.status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
