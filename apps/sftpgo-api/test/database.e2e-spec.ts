import { createTestDatabase, TEST_DRIVER, type TestDatabase } from './support/test-db';
import { ADMIN, startTestServer, type TestServer } from './support/test-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe(`data provider (${TEST_DRIVER})`, () => {
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

  it('runs the committed migrations once on a fresh database, and not again on restart', async () => {
    const applied = await db.query<{ name: string }>('SELECT "name" FROM "schema_migrations"');
    expect(applied.map((m) => m.name)).toEqual([
      'Initial1764230400000',
      'AdminApi1764316800000',
      'ApiKeys1764403200000',
      'Shares1764489600000',
      'Security1764576000000',
      'Operations1764662400000',
    ]);
    await app.close();
    app = await startTestServer(db);
    const again = await db.query<{ name: string }>('SELECT "name" FROM "schema_migrations"');
    expect(again).toHaveLength(6);
    expect((await app.request('/api/v2/token', { basic: ADMIN })).status).toBe(200);
  });

  it('stores timestamps as epoch milliseconds and updates last_login on login', async () => {
    const before = Date.now();
    await app.token();
    const rows = await db.query<{ last_login: string | number; created_at: string | number }>(
      'SELECT "last_login", "created_at" FROM "admins" WHERE "username" = ?',
      [ADMIN.username],
    );
    expect(Number(rows[0].last_login)).toBeGreaterThanOrEqual(before - 1000);
    expect(Number(rows[0].created_at)).toBeGreaterThan(1_700_000_000_000);
  });

  const connected = TEST_DRIVER === 'sqlite' ? it.skip : it;
  connected('answers 5xx, never crashes, and recovers when its database connections are cut', async () => {
    const token = await app.token();
    await db.killConnections();
    const statuses: number[] = [];
    // Each request may meet a dead pooled connection (503) until the pool has replaced them.
    for (let i = 0; i < 20; i++) {
      const res = await app.request('/api/v2/token', { basic: ADMIN });
      statuses.push(res.status);
      if (res.status !== 200)
        expect(res.json()).toEqual({
          error: 'the data provider is not available',
          message: 'Service Unavailable',
        });
      if (statuses.slice(-3).every((s) => s === 200) && statuses.length >= 3) break;
      await sleep(100);
    }
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses.slice(-3)).toEqual([200, 200, 200]);
    await sleep(2100); // the cached admin state expires: the next request reads the database again
    expect((await app.request('/api/v2/version', { bearer: token })).status).toBe(200);
  });
});
