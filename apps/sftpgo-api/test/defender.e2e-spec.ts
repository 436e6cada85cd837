import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestRequest, TestResponse } from './support/http-client';
import { createTestDatabase, TEST_DRIVER, type TestDatabase } from './support/test-db';
import { useTestServer } from './support/lifecycle';
import { ADMIN, startTestServer, type TestServer } from './support/test-server';
import { createUserWithToken, jsonBody } from './support/user-fixtures';

const BLOCKED = { error: 'your IP address is blocked', message: '' };
const LOGIN_DELAY_MS = 100;

/** `common.defender` of these tests: low threshold, SFTPGo's scores (valid 1, invalid 2). */
const defender = (driver: 'memory' | 'provider') => ({
  common: {
    defender: {
      enabled: true,
      driver,
      ban_time: 30,
      ban_time_increment: 50,
      threshold: 5,
      score_invalid: 2,
      score_valid: 1,
      observation_time: 30,
      login_delay: { success: 0, password_failed: LOGIN_DELAY_MS },
    },
  },
});

const hexOf = (ip: string) => Buffer.from(ip).toString('hex');

/** 32 hex digits of the IPv4-mapped IPv6 form of an IPv4 address (the `ip_lists` range columns). */
const mappedHex = (ip: string) =>
  '00000000000000000000ffff' +
  ip
    .split('.')
    .map((part) => Number(part).toString(16).padStart(2, '0'))
    .join('');

/** Inserts a defender list (type 2) entry for one IPv4 address straight into `ip_lists`. */
async function insertDefenderListEntry(db: TestDatabase, ip: string, mode: number): Promise<void> {
  const now = Date.now();
  await db.query(
    'INSERT INTO ip_lists (type, ipornet, mode, description, protocols, ip_type, first, last, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [2, `${ip}/32`, mode, 'e2e', 0, 4, mappedHex(ip), mappedHex(ip), now, now],
  );
}

describe(`defender (${TEST_DRIVER})`, () => {
  let db: TestDatabase;
  let app: TestServer;
  let admin: string;
  let root: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    // First start creates the schema; the defender list rows go in before the real start, so that an
    // IP list kept in memory loads them.
    const first = await startTestServer(db);
    await first.close();
    await insertDefenderListEntry(db, '127.0.0.9', 1);
    await insertDefenderListEntry(db, '127.0.0.15', 2);
    app = await startTestServer(db, { configFile: defender('memory') });
    admin = await app.token();
    root = mkdtempSync(join(tmpdir(), 'sftpgo-defender-'));
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const api = (path: string, options: TestRequest = {}) => app.request(`/api/v2${path}`, options);
  const result = (res: TestResponse) => ({ status: res.status, body: res.text ? res.json() : undefined });

  /** Repeats `attempt` from `ip` until the host is refused with 403; returns the number of 401s before. */
  async function failUntilBanned(attempt: () => Promise<TestResponse>, max = 10): Promise<number> {
    for (let failures = 0; failures <= max; failures++) {
      const res = await attempt();
      if (res.status === 403) {
        expect(res.json()).toEqual(BLOCKED);
        return failures;
      }
      expect(res.status).toBeGreaterThanOrEqual(400);
    }
    throw new Error(`not banned after ${max} failures`);
  }

  /** Every request from a banned host is refused, /healthz and a correct login included. */
  async function expectBlocked(ip: string): Promise<void> {
    for (const res of [
      await app.request('/healthz', { localAddress: ip }),
      await api('/token', { basic: ADMIN, localAddress: ip }),
      await api('/defender/hosts', { bearer: admin, localAddress: ip }),
    ]) {
      expect(result(res)).toEqual({ status: 403, body: BLOCKED });
    }
  }

  async function unban(ip: string): Promise<void> {
    const res = await api(`/defender/hosts/${hexOf(ip)}`, { method: 'DELETE', bearer: admin });
    expect(result(res)).toEqual({ status: 200, body: { message: 'OK' } });
  }

  describe('wrong admin passwords', () => {
    const ip = '127.0.0.7';

    it('ban the guessing host (score_valid 1, threshold 5) while another keeps working', async () => {
      const wrong = () =>
        api('/token', { basic: { username: ADMIN.username, password: 'wrong' }, localAddress: ip });
      const started = Date.now();
      const first = await wrong();
      expect(Date.now() - started).toBeGreaterThanOrEqual(LOGIN_DELAY_MS - 5);
      expect(result(first)).toEqual({
        status: 401,
        body: { error: 'invalid credentials', message: 'Unauthorized' },
      });
      expect(await failUntilBanned(wrong)).toBe(4);
      await expectBlocked(ip);
      expect((await api('/token', { basic: ADMIN, localAddress: '127.0.0.8' })).status).toBe(200);
      expect((await app.request('/healthz', { localAddress: '127.0.0.8' })).status).toBe(200);
    });

    it('list and get the banned host, unban it, and it works again', async () => {
      const list = await api('/defender/hosts', { bearer: admin });
      expect(list.status).toBe(200);
      const entry = list.json<Record<string, unknown>[]>().find((host) => host.ip === ip);
      expect(entry).toEqual({
        id: hexOf(ip),
        ip,
        ban_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      // Banned for 30 minutes, plus 15 for each request refused since.
      const banEnd = Date.parse(String(entry?.ban_time));
      expect(banEnd).toBeGreaterThan(Date.now() + 30 * 60_000);

      const one = await api(`/defender/hosts/${hexOf(ip)}`, { bearer: admin });
      expect(one.status).toBe(200);
      expect(one.json()).toEqual({ ip, ban_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/) });

      await unban(ip);
      expect((await api('/token', { basic: ADMIN, localAddress: ip })).status).toBe(200);
      expect(result(await api(`/defender/hosts/${hexOf(ip)}`, { bearer: admin }))).toEqual({
        status: 404,
        body: { error: 'Not Found', message: '' },
      });
      expect(result(await api(`/defender/hosts/${hexOf(ip)}`, { method: 'DELETE', bearer: admin }))).toEqual({
        status: 404,
        body: { message: 'Not found' },
      });
    });

    it('an unknown admin weighs score_invalid', async () => {
      const other = '127.0.0.10';
      const res = await api('/token', { basic: { username: 'nobody', password: 'x' }, localAddress: other });
      expect(res.status).toBe(401);
      const host = await api(`/defender/hosts/${hexOf(other)}`, { bearer: admin });
      expect(result(host)).toEqual({
        status: 200,
        body: { ip: other, score: 2, ban_time: '0001-01-01T00:00:00Z' },
      });
      const list = await api('/defender/hosts', { bearer: admin });
      expect(list.json<unknown[]>()).toContainEqual({ id: hexOf(other), ip: other, score: 2 });
      await unban(other);
    });
  });

  describe('wrong API keys', () => {
    it('unknown key ids (score_invalid) get the host banned', async () => {
      const ip = '127.0.0.11';
      const attempt = () =>
        api('/admins', { headers: { 'X-SFTPGO-API-KEY': 'unknownid.secret' }, localAddress: ip });
      expect((await attempt()).status).toBe(400);
      expect(await failUntilBanned(attempt)).toBe(2);
      await expectBlocked(ip);
      const other = await app.token(ADMIN, '127.0.0.8');
      expect((await api('/admins', { bearer: other, localAddress: '127.0.0.8' })).status).toBe(200);
      await unban(ip);
    });

    it('wrong secrets of a real key (score_valid) get the host banned; malformed keys do not count', async () => {
      const ip = '127.0.0.12';
      const created = await api('/apikeys', {
        method: 'POST',
        bearer: admin,
        ...jsonBody({ name: 'defender', scope: 1, admin: ADMIN.username }),
      });
      expect(created.status).toBe(201);
      const [keyId] = created.json<{ key: string }>().key.split('.');
      const malformed = await api('/admins', {
        headers: { 'X-SFTPGO-API-KEY': 'malformed' },
        localAddress: ip,
      });
      expect(malformed.status).toBe(400);
      expect((await api(`/defender/hosts/${hexOf(ip)}`, { bearer: admin })).status).toBe(404);
      const attempt = () =>
        api('/admins', { headers: { 'X-SFTPGO-API-KEY': `${keyId}.wrong` }, localAddress: ip });
      expect(await failUntilBanned(attempt)).toBe(5);
      await expectBlocked(ip);
      await unban(ip);
    });
  });

  describe('wrong share passwords', () => {
    it('get the host banned while another address downloads the share', async () => {
      const user = await createUserWithToken(app, admin, 'sharer', join(root, 'sharer'));
      const created = await api('/user/shares', {
        method: 'POST',
        bearer: user,
        ...jsonBody({ name: 'guarded', scope: 1, paths: ['/'], password: 'Share-Pa55word!' }),
      });
      expect(created.status).toBe(201);
      const id = String(created.headers['x-object-id']);
      const ip = '127.0.0.13';
      const attempt = () =>
        api(`/shares/${id}`, { basic: { username: 'any', password: 'wrong' }, localAddress: ip });
      expect(await failUntilBanned(attempt)).toBe(5);
      await expectBlocked(ip);
      const good = await api(`/shares/${id}`, {
        basic: { username: 'any', password: 'Share-Pa55word!' },
        localAddress: '127.0.0.14',
      });
      expect(good.status).toBe(200);
      await unban(ip);
    });
  });

  describe('defender IP list', () => {
    it('never bans a host on the list with mode 1 (safe)', async () => {
      const ip = '127.0.0.9';
      for (let i = 0; i < 8; i++) {
        const res = await api('/token', { basic: { username: 'nobody', password: 'x' }, localAddress: ip });
        expect(res.status).toBe(401);
      }
      expect((await api('/token', { basic: ADMIN, localAddress: ip })).status).toBe(200);
      expect((await api(`/defender/hosts/${hexOf(ip)}`, { bearer: admin })).status).toBe(404);
    });

    it('always bans a host on the list with mode 2 (deny)', async () => {
      await expectBlocked('127.0.0.15');
    });
  });

  describe('permissions', () => {
    it('view_defender lists, manage_defender unbans', async () => {
      const viewer = { username: 'defender-viewer', password: 'Viewer-Pa55word!' };
      const created = await api('/admins', {
        method: 'POST',
        bearer: admin,
        ...jsonBody({ ...viewer, status: 1, permissions: ['view_defender'] }),
      });
      expect(created.status).toBe(201);
      const token = await app.token(viewer);
      expect((await api('/defender/hosts', { bearer: token })).status).toBe(200);
      expect((await api(`/defender/hosts/${hexOf('127.0.0.1')}`, { bearer: token })).status).toBe(404);
      expect(
        (await api(`/defender/hosts/${hexOf('127.0.0.1')}`, { method: 'DELETE', bearer: token })).status,
      ).toBe(403);
      expect(result(await api('/defender/hosts/zz', { bearer: admin }))).toEqual({
        status: 400,
        body: { error: 'invalid host id', message: '' },
      });
      expect(result(await api(`/defender/hosts/${hexOf('nope')}`, { bearer: admin }))).toEqual({
        status: 400,
        body: { error: 'ip address "nope" is not valid', message: '' },
      });
    });
  });
});

describe(`defender disabled (${TEST_DRIVER})`, () => {
  const ctx = useTestServer();

  it('lists nothing, refuses single hosts with 500 and never bans', async () => {
    const admin = await ctx.app.token();
    for (let i = 0; i < 20; i++) {
      const res = await ctx.app.request('/api/v2/token', {
        basic: { username: 'nobody', password: 'x' },
        localAddress: '127.0.0.7',
      });
      expect(res.status).toBe(401);
    }
    const list = await ctx.app.request('/api/v2/defender/hosts', { bearer: admin });
    expect({ status: list.status, body: list.json() }).toEqual({ status: 200, body: [] });
    const one = await ctx.app.request(`/api/v2/defender/hosts/${hexOf('127.0.0.7')}`, { bearer: admin });
    expect({ status: one.status, body: one.json() }).toEqual({
      status: 500,
      body: { error: 'defender is disabled', message: '' },
    });
  });
});

// Two instances on one database with `driver: provider`: a ban made through one is enforced by the other.
const shared = TEST_DRIVER === 'sqlite' ? describe.skip : describe;
shared(`defender provider driver, two instances (${TEST_DRIVER})`, () => {
  let db: TestDatabase;
  let first: TestServer;
  let second: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    first = await startTestServer(db, { configFile: defender('provider') });
    second = await startTestServer(db, { configFile: defender('provider') });
  });

  afterAll(async () => {
    await first?.close();
    await second?.close();
    await db?.drop();
  });

  /** Polls `check` until it holds (the instances read the banned hosts every second). */
  async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met in time');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('shares bans and unbans between the instances', async () => {
    const ip = '127.0.0.16';
    const wrong = () =>
      first.request('/api/v2/token', {
        basic: { username: ADMIN.username, password: 'wrong' },
        localAddress: ip,
      });
    let failures = 0;
    while ((await wrong()).status === 401) failures++;
    // The provider driver bans once the score is over the threshold (SFTPGo).
    expect(failures).toBe(6);
    await eventually(async () => (await second.request('/healthz', { localAddress: ip })).status === 403);
    const blocked = await second.request('/api/v2/token', { basic: ADMIN, localAddress: ip });
    expect({ status: blocked.status, body: blocked.json() }).toEqual({ status: 403, body: BLOCKED });
    expect((await second.request('/healthz', { localAddress: '127.0.0.17' })).status).toBe(200);

    const token = await second.token();
    const hosts = await second.request('/api/v2/defender/hosts', { bearer: token });
    expect(hosts.json<{ ip: string }[]>().map((host) => host.ip)).toContain(ip);
    const deleted = await second.request(`/api/v2/defender/hosts/${hexOf(ip)}`, {
      method: 'DELETE',
      bearer: token,
    });
    expect(deleted.status).toBe(200);
    expect((await second.request('/healthz', { localAddress: ip })).status).toBe(200);
    await eventually(async () => (await first.request('/healthz', { localAddress: ip })).status === 200);
    expect((await first.request('/api/v2/token', { basic: ADMIN, localAddress: ip })).status).toBe(200);
  });
});

// The provider driver's SQL on every database, SQLite included: one instance.
describe(`defender provider driver (${TEST_DRIVER})`, () => {
  const ctx = useTestServer({ configFile: defender('provider') });

  it('scores, bans over the threshold, lists and unbans', async () => {
    const ip = '127.0.0.18';
    const admin = await ctx.app.token();
    const unknown = await ctx.app.request('/api/v2/token', {
      basic: { username: 'nobody', password: 'x' },
      localAddress: ip,
    });
    expect(unknown.status).toBe(401);
    const scored = await ctx.app.request(`/api/v2/defender/hosts/${hexOf(ip)}`, { bearer: admin });
    expect({ status: scored.status, body: scored.json() }).toEqual({
      status: 200,
      body: { ip, score: 2, ban_time: '0001-01-01T00:00:00Z' },
    });
    let failures = 1;
    const wrong = { basic: { username: ADMIN.username, password: 'wrong' }, localAddress: ip };
    while ((await ctx.app.request('/api/v2/token', wrong)).status === 401) failures++;
    // 2 + 4 x 1 = 6 > 5.
    expect(failures).toBe(5);
    const list = await ctx.app.request('/api/v2/defender/hosts', { bearer: admin });
    expect(list.json()).toEqual([{ id: hexOf(ip), ip, ban_time: expect.any(String) }]);
    const deleted = await ctx.app.request(`/api/v2/defender/hosts/${hexOf(ip)}`, {
      method: 'DELETE',
      bearer: admin,
    });
    expect(deleted.status).toBe(200);
    expect((await ctx.app.request('/api/v2/token', { basic: ADMIN, localAddress: ip })).status).toBe(200);
    expect((await ctx.app.request('/api/v2/defender/hosts', { bearer: admin })).json()).toEqual([]);
  });
});
