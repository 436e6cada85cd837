import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from './support/test-db';
import { freePort, startTestServer, type TestServer } from './support/test-server';

const REDIS = process.env.SFTPGO_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const REFUSAL = /^rate limit exceed, wait time to respect rate \S+, max wait time allowed 500ms$/;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `common.rate_limiters[0]` as environment variables. */
function limiterEnv(
  limiter: { average: number; period: number; burst: number; type: number },
  redisUrl = '',
) {
  return {
    SFTPGO_COMMON__RATE_LIMITERS__0__AVERAGE: String(limiter.average),
    SFTPGO_COMMON__RATE_LIMITERS__0__PERIOD: String(limiter.period),
    SFTPGO_COMMON__RATE_LIMITERS__0__BURST: String(limiter.burst),
    SFTPGO_COMMON__RATE_LIMITERS__0__TYPE: String(limiter.type),
    ...(redisUrl ? { SFTPGO_COMMON__RATE_LIMITERS_REDIS_URL: redisUrl } : {}),
  };
}

/** A Redis URL whose keys no other run shares. */
const redisUrl = () => `${REDIS}?key_prefix=sftpgo-e2e-${randomBytes(6).toString('hex')}:`;

describe('rate limiters (common.rate_limiters)', () => {
  let db: TestDatabase;
  const servers: TestServer[] = [];

  const start = async (env: Record<string, string>, captureLogs?: 'info') => {
    const server = await startTestServer(db, { env, captureLogs });
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  afterAll(async () => {
    await db.drop();
  });

  it('refuses the second request within a second with 429, Retry-After and SFTPGo error shape (global)', async () => {
    const app = await start(limiterEnv({ average: 1, period: 1000, burst: 1, type: 1 }));
    expect((await app.request('/healthz', { localAddress: '127.0.0.2' })).status).toBe(200);
    // Global: another address shares the bucket.
    const res = await app.request('/healthz', { localAddress: '127.0.0.3' });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.headers['x-retry-in']).toMatch(/^1\.\d+s$/);
    const body = res.json<{ error: string; message: string }>();
    expect(body).toEqual({ error: expect.stringMatching(REFUSAL) as string, message: 'Too Many Requests' });
    // API routes are limited before authentication.
    expect((await app.request('/api/v2/version', { localAddress: '127.0.0.2' })).status).toBe(429);
    await sleep(1100);
    expect((await app.request('/healthz', { localAddress: '127.0.0.3' })).status).toBe(200);
  });

  it('limits each source address on its own (per source)', async () => {
    const app = await start(limiterEnv({ average: 1, period: 1000, burst: 1, type: 2 }));
    expect((await app.request('/healthz', { localAddress: '127.0.0.2' })).status).toBe(200);
    expect((await app.request('/healthz', { localAddress: '127.0.0.2' })).status).toBe(429);
    expect((await app.request('/healthz', { localAddress: '127.0.0.3' })).status).toBe(200);
    expect((await app.request('/healthz', { localAddress: '127.0.0.3' })).status).toBe(429);
  });

  it('lets a burst through, then sleeps through a short wait instead of refusing', async () => {
    // 4 per second: max delay 125 ms, one token every 250 ms.
    const app = await start(limiterEnv({ average: 4, period: 1000, burst: 2, type: 2 }));
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/healthz')).status).toBe(200);
    const spent = performance.now();
    expect((await app.request('/healthz')).status).toBe(429);
    await sleep(170);
    // The next token comes 250 ms after the burst was spent: ~80 ms away, within the 125 ms max delay,
    // so the request is held until then rather than refused.
    expect((await app.request('/healthz')).status).toBe(200);
    expect(performance.now() - spent).toBeGreaterThanOrEqual(200);
  });

  it('skips the limiters for an address on the rate limiter safe list (IP list type 3)', async () => {
    // The first start creates the tables; the entry is then in place before the server under test starts.
    await (await start({})).close();
    servers.length = 0;
    const now = Date.now();
    await db.query(
      'INSERT INTO ip_lists (type, ipornet, mode, description, protocols, ip_type, first, last, created_at, updated_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [
        3,
        '127.0.0.4/32',
        1,
        'e2e',
        0,
        4,
        '00000000000000000000ffff7f000004',
        '00000000000000000000ffff7f000004',
        now,
        now,
      ],
    );
    const app = await start(limiterEnv({ average: 1, period: 1000, burst: 1, type: 1 }));
    for (let i = 0; i < 5; i++) {
      expect((await app.request('/healthz', { localAddress: '127.0.0.4' })).status).toBe(200);
    }
    expect((await app.request('/healthz', { localAddress: '127.0.0.5' })).status).toBe(200);
    expect((await app.request('/healthz', { localAddress: '127.0.0.5' })).status).toBe(429);
    await db.query('DELETE FROM ip_lists WHERE ipornet = ?', ['127.0.0.4/32']);
  });

  it('feeds the defender with per-source refusals when generate_defender_events is set', async () => {
    const app = await start({
      ...limiterEnv({ average: 1, period: 1000, burst: 1, type: 2 }),
      SFTPGO_COMMON__RATE_LIMITERS__0__GENERATE_DEFENDER_EVENTS: 'true',
      SFTPGO_COMMON__DEFENDER__ENABLED: '1',
      // LimitExceeded scores 3: the second refusal reaches the threshold.
      SFTPGO_COMMON__DEFENDER__THRESHOLD: '5',
    });
    expect((await app.request('/healthz', { localAddress: '127.0.0.10' })).status).toBe(200);
    expect((await app.request('/healthz', { localAddress: '127.0.0.10' })).status).toBe(429);
    expect((await app.request('/healthz', { localAddress: '127.0.0.10' })).status).toBe(429);
    const banned = await app.request('/healthz', { localAddress: '127.0.0.10' });
    expect(banned.status).toBe(403);
    expect(banned.json()).toEqual({ error: 'your IP address is blocked', message: '' });
    expect((await app.request('/healthz', { localAddress: '127.0.0.11' })).status).toBe(200);
  });

  it('refuses a bad limiter at start, naming the key', async () => {
    await expect(start({ ...limiterEnv({ average: 1, period: 50, burst: 1, type: 2 }) })).rejects.toThrow(
      'common.rate_limiters[0].period',
    );
  });

  describe('with Redis (common.rate_limiters_redis_url)', () => {
    it('shares one limit between two instances', async () => {
      const url = redisUrl();
      const env = limiterEnv({ average: 1, period: 1000, burst: 1, type: 2 }, url);
      const a = await start(env);
      const b = await start(env);
      expect((await a.request('/healthz', { localAddress: '127.0.0.6' })).status).toBe(200);
      const refused = await b.request('/healthz', { localAddress: '127.0.0.6' });
      expect(refused.status).toBe(429);
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.json()).toEqual({
        error: expect.stringMatching(REFUSAL) as string,
        message: 'Too Many Requests',
      });
      // Per source: another address has its own bucket on both instances.
      expect((await b.request('/healthz', { localAddress: '127.0.0.7' })).status).toBe(200);
      expect((await a.request('/healthz', { localAddress: '127.0.0.7' })).status).toBe(429);
      await sleep(1100);
      expect((await b.request('/healthz', { localAddress: '127.0.0.6' })).status).toBe(200);
    });

    it('holds a burst shared by the instances (global)', async () => {
      const env = limiterEnv({ average: 1, period: 1000, burst: 3, type: 1 }, redisUrl());
      const a = await start(env);
      const b = await start(env);
      expect((await a.request('/healthz')).status).toBe(200);
      expect((await b.request('/healthz')).status).toBe(200);
      expect((await a.request('/healthz', { localAddress: '127.0.0.8' })).status).toBe(200);
      expect((await b.request('/healthz', { localAddress: '127.0.0.9' })).status).toBe(429);
    });

    it('lets requests through, with one warning, while Redis is unreachable', async () => {
      const down = `redis://127.0.0.1:${await freePort()}/0`;
      const app = await start(limiterEnv({ average: 1, period: 1000, burst: 1, type: 1 }, down), 'info');
      for (let i = 0; i < 5; i++) expect((await app.request('/healthz')).status).toBe(200);
      const warnings = app.logs().match(/rate limiter storage unavailable/g) ?? [];
      expect(warnings).toHaveLength(1);
    });
  });
});
