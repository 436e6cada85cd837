import type { TestResponse } from './support/http-client';
import { jsonBody } from './support/user-fixtures';
import { useTestServer } from './support/lifecycle';
import { ADMIN, startTestServer, type TestServer } from './support/test-server';

interface Entry {
  ipornet: string;
  description?: string;
  type: number;
  mode: number;
  protocols: number;
  created_at: number;
  updated_at: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Status and body of a response, compared in one assertion so a failure shows both. */
const outcome = (res: TestResponse) => {
  let body: unknown = res.text;
  try {
    body = res.json();
  } catch {
    // not JSON: the raw text shows in the failed assertion
  }
  return { status: res.status, body };
};

const invalid = (detail: string) => ({
  status: 400,
  body: { error: `Validation error: ${detail}`, message: '' },
});
const NOT_FOUND = { status: 404, body: { error: 'Not Found', message: '' } };
const NOT_ALLOWED = { status: 403, body: { error: 'you are not allowed to connect', message: 'Forbidden' } };

describe('IP lists (/api/v2/iplists)', () => {
  const ctx = useTestServer({ token: true });

  /** One admin API call from 127.0.0.1 with the default admin's token unless `bearer` is given. */
  const call = (method: string, path: string, body?: unknown, bearer = ctx.token, server = ctx.app) =>
    server.request(`/api/v2${path}`, { method, bearer, ...(body === undefined ? {} : jsonBody(body)) });

  const add = async (type: number, entry: Record<string, unknown>, server = ctx.app, bearer = ctx.token) => {
    const res = await call('POST', `/iplists/${type}`, { type, mode: 1, ...entry }, bearer, server);
    expect(outcome(res)).toEqual({ status: 201, body: { message: 'Entry added' } });
    return res;
  };

  const get = async (type: number, ipornet: string): Promise<Entry> => {
    const res = await call('GET', `/iplists/${type}/${encodeURIComponent(ipornet)}`);
    expect({ ipornet, status: res.status }).toEqual({ ipornet, status: 200 });
    return res.json<Entry>();
  };

  const list = async (type: number, query = ''): Promise<string[]> => {
    const res = await call('GET', `/iplists/${type}${query}`);
    expect({ query, status: res.status }).toEqual({ query, status: 200 });
    return res.json<Entry[]>().map((entry) => entry.ipornet);
  };

  describe('create and read', () => {
    it('adds entries with 201, a Location and SFTPGo normalisation', async () => {
      const before = Date.now();
      const res = await add(1, { ipornet: '192.168.1.1', description: 'office' });
      expect(res.headers.location).toBe('/api/v2/iplists/1/192.168.1.1%2F32');
      const entry = await get(1, '192.168.1.1/32');
      expect(entry).toEqual({
        ipornet: '192.168.1.1/32',
        description: 'office',
        type: 1,
        mode: 1,
        protocols: 0,
        created_at: entry.created_at,
        updated_at: entry.created_at,
      });
      expect(entry.created_at).toBeGreaterThanOrEqual(before);

      const cases: [Record<string, unknown>, number, string, string][] = [
        [{ ipornet: '2001:db8::1' }, 1, '2001:db8::1/128', '/api/v2/iplists/1/2001:db8::1%2F128'],
        [{ ipornet: '::ffff:34.56.78.90/120' }, 1, '34.56.78.0/24', '/api/v2/iplists/1/34.56.78.0%2F24'],
        [{ ipornet: '::ffff:10.9.8.7' }, 3, '10.9.8.7/32', '/api/v2/iplists/3/10.9.8.7%2F32'],
        [{ ipornet: '172.16.0.1/12', mode: 2 }, 2, '172.16.0.1/12', '/api/v2/iplists/2/172.16.0.1%2F12'],
        [
          { ipornet: '2001:db8:abcd::/48', mode: 1 },
          2,
          '2001:db8:abcd::/48',
          '/api/v2/iplists/2/2001:db8:abcd::%2F48',
        ],
      ];
      for (const [body, type, ipornet, location] of cases) {
        expect((await add(type, body)).headers.location).toBe(location);
        expect(await get(type, ipornet)).toMatchObject({ ipornet, type, mode: (body.mode as number) ?? 1 });
      }
      // The description is omitted when empty; the network is looked up as stored.
      expect(await get(1, '2001:db8::1/128')).not.toHaveProperty('description');
      expect(outcome(await call('GET', '/iplists/1/192.168.1.1'))).toEqual(NOT_FOUND);
      expect(outcome(await call('GET', '/iplists/3/192.168.1.1%2F32'))).toEqual(NOT_FOUND);
    });

    it('uses the body type (the path type is ignored on POST, as SFTPGo)', async () => {
      const res = await call('POST', '/iplists/1', { type: 3, mode: 1, ipornet: '10.20.30.0/24' });
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/api/v2/iplists/3/10.20.30.0%2F24');
      expect((await get(3, '10.20.30.0/24')).type).toBe(3);
    });

    it('stores all four protocol bits as 0 and keeps others', async () => {
      await add(3, { ipornet: '10.30.0.0/16', protocols: 15 });
      expect((await get(3, '10.30.0.0/16')).protocols).toBe(0);
      await add(3, { ipornet: '10.31.0.0/16', protocols: 9 });
      expect((await get(3, '10.31.0.0/16')).protocols).toBe(9);
    });

    it('refuses a duplicate with 409, while the same network under another key is distinct', async () => {
      await add(1, { ipornet: '192.168.0.0/24' });
      const dup = await call('POST', '/iplists/1', { type: 1, mode: 1, ipornet: '192.168.0.0/24' });
      expect(dup.status).toBe(409);
      // A bare IP is normalised before the check.
      expect((await call('POST', '/iplists/1', { type: 1, mode: 1, ipornet: '192.168.1.1' })).status).toBe(
        409,
      );
      await add(1, { ipornet: '192.168.0.1/24' });
      // The same network in another list is another entry.
      await add(3, { ipornet: '192.168.0.0/24' });
    });

    it('validates as SFTPGo (400)', async () => {
      const post = (type: number, body: unknown) => call('POST', `/iplists/${type}`, body);
      expect(outcome(await post(1, { type: 4, mode: 1, ipornet: '10.0.0.1' }))).toEqual(
        invalid('invalid list type 4'),
      );
      expect(outcome(await post(1, { mode: 1, ipornet: '10.0.0.1' }))).toEqual(
        invalid('invalid list type 0'),
      );
      expect(outcome(await post(1, { type: 1, mode: 2, ipornet: '10.0.0.1' }))).toEqual(
        invalid('invalid list mode'),
      );
      expect(outcome(await post(3, { type: 3, ipornet: '10.0.0.1' }))).toEqual(invalid('invalid list mode'));
      expect(outcome(await post(2, { type: 2, mode: 3, ipornet: '10.0.0.1' }))).toEqual(
        invalid('invalid list mode: 3'),
      );
      expect(outcome(await post(1, { type: 1, mode: 1, ipornet: '10.0.0' }))).toEqual(
        invalid('invalid IP "10.0.0"'),
      );
      expect(outcome(await post(1, { type: 1, mode: 1 }))).toEqual(invalid('invalid IP ""'));
      expect(outcome(await post(1, { type: 1, mode: 1, ipornet: '10.0.0.0/33' }))).toEqual(
        invalid(
          'invalid network "10.0.0.0/33": netip.ParsePrefix("10.0.0.0/33"): prefix length out of range',
        ),
      );
      expect(outcome(await post(1, { type: 1, mode: 1, ipornet: 'abc/8' }))).toEqual(
        invalid('invalid network "abc/8": netip.ParsePrefix("abc/8"): ParseAddr("abc"): unable to parse IP'),
      );
      expect(outcome(await post(1, { type: 1, mode: 1, ipornet: '10.0.0.1', protocols: 16 }))).toEqual(
        invalid('invalid protocols: 16'),
      );
      expect(
        (await post(1, { type: 1, mode: 1, ipornet: '10.0.0.1', description: 'x'.repeat(513) })).status,
      ).toBe(400);
      expect((await post(1, { type: '1', mode: 1, ipornet: '10.0.0.1' })).status).toBe(400);
      const noBody = await ctx.app.request('/api/v2/iplists/1', { method: 'POST', bearer: ctx.token });
      expect(noBody.status).toBe(400);
      expect(outcome(await call('GET', '/iplists/x'))).toEqual({
        status: 400,
        body: { error: 'invalid list type', message: '' },
      });
      expect(outcome(await call('GET', '/iplists/4'))).toEqual(invalid('invalid list type 4'));
      expect(outcome(await call('GET', '/iplists/0/10.0.0.1%2F32'))).toEqual(invalid('invalid list type 0'));
      expect(outcome(await call('DELETE', '/iplists/7/10.0.0.1%2F32'))).toEqual(
        invalid('invalid list type 7'),
      );
      expect(outcome(await call('GET', '/iplists/1?limit=abc'))).toEqual({
        status: 400,
        body: { error: 'invalid limit', message: '' },
      });
      expect(outcome(await call('GET', '/iplists/1?order=UP'))).toEqual({
        status: 400,
        body: { error: 'invalid order', message: '' },
      });
      // Nothing of the refused entries was stored.
      expect(outcome(await call('GET', '/iplists/1/10.0.0.1%2F32'))).toEqual(NOT_FOUND);
    });

    it('needs a token (401) and the * permission (403)', async () => {
      expect((await ctx.app.request('/api/v2/iplists/1')).status).toBe(401);
      const created = await call('POST', '/admins', {
        username: 'limited',
        password: 'limited-Pa55!',
        status: 1,
        permissions: ['view_users', 'manage_defender', 'view_defender'],
      });
      expect(created.status).toBe(201);
      const limited = await ctx.app.token({ username: 'limited', password: 'limited-Pa55!' });
      for (const [method, path, body] of [
        ['GET', '/iplists/1', undefined],
        ['POST', '/iplists/1', { type: 1, mode: 1, ipornet: '10.0.0.1' }],
        ['GET', '/iplists/1/192.168.1.1%2F32', undefined],
        ['PUT', '/iplists/1/192.168.1.1%2F32', { mode: 1 }],
        ['DELETE', '/iplists/1/192.168.1.1%2F32', undefined],
      ] as const) {
        expect({ method, path, ...outcome(await call(method, path, body, limited)) }).toEqual({
          method,
          path,
          status: 403,
          body: { message: 'Forbidden' },
        });
      }
    });
  });

  describe('update and delete', () => {
    it('updates description, mode and protocols; type and network come from the path', async () => {
      await add(2, { ipornet: '10.40.0.0/16', description: 'first', mode: 2 });
      const before = await get(2, '10.40.0.0/16');
      const res = await call('PUT', '/iplists/2/10.40.0.0%2F16', {
        type: 1,
        ipornet: '10.99.0.0/16',
        mode: 1,
        protocols: 8,
        description: 'second',
      });
      expect(outcome(res)).toEqual({ status: 200, body: { message: 'Entry updated' } });
      const after = await get(2, '10.40.0.0/16');
      expect(after).toMatchObject({
        ipornet: '10.40.0.0/16',
        type: 2,
        mode: 1,
        protocols: 8,
        description: 'second',
      });
      expect(after.created_at).toBe(before.created_at);
      expect(after.updated_at).toBeGreaterThan(before.updated_at);
      expect(outcome(await call('GET', '/iplists/1/10.99.0.0%2F16'))).toEqual(NOT_FOUND);
      // An omitted description is cleared, as SFTPGo.
      expect((await call('PUT', '/iplists/2/10.40.0.0%2F16', { mode: 2 })).status).toBe(200);
      expect(await get(2, '10.40.0.0/16')).not.toHaveProperty('description');
    });

    it('answers 404 for a missing entry and 400 for a bad mode', async () => {
      expect(outcome(await call('PUT', '/iplists/2/10.41.0.0%2F16', { mode: 1 }))).toEqual(NOT_FOUND);
      expect(outcome(await call('PUT', '/iplists/2/10.40.0.0%2F16', { mode: 5 }))).toEqual(
        invalid('invalid list mode: 5'),
      );
      await add(1, { ipornet: '10.42.0.0/16' });
      expect(outcome(await call('PUT', '/iplists/1/10.42.0.0%2F16', { mode: 2 }))).toEqual(
        invalid('invalid list mode'),
      );
    });

    it('deletes with 200, then 404', async () => {
      await add(3, { ipornet: '2001:db8:dead::/48' });
      const path = `/iplists/3/${encodeURIComponent('2001:db8:dead::/48')}`;
      expect(outcome(await call('DELETE', path))).toEqual({
        status: 200,
        body: { message: 'Entry deleted' },
      });
      expect(outcome(await call('GET', path))).toEqual(NOT_FOUND);
      expect(outcome(await call('DELETE', path))).toEqual(NOT_FOUND);
    });
  });

  describe('listing', () => {
    const networks = Array.from({ length: 12 }, (_, i) => `100.64.${i}.0/24`);
    const ascending = [...networks].sort();

    beforeAll(async () => {
      for (const ipornet of networks) await add(1, { ipornet, description: ipornet });
      await add(1, { ipornet: '100.65.0.0/16' });
    });

    it('filters by prefix and orders by ipornet, ASC or DESC', async () => {
      expect(await list(1, '?filter=100.64.')).toEqual(ascending);
      expect(await list(1, '?filter=100.64.&order=DESC')).toEqual([...ascending].reverse());
      expect(await list(1, '?filter=100.64.1')).toEqual(ascending.filter((n) => n.startsWith('100.64.1')));
      expect(await list(1, '?filter=100.6')).toEqual([...ascending, '100.65.0.0/16']);
      expect(await list(1, '?filter=100.64._')).toEqual([]);
      const all = await list(1, '?limit=500');
      expect(all).toEqual([...all].sort());
      expect(all).toContain('2001:db8::1/128');
    });

    it('pages with from (keyset) and limit', async () => {
      const pages: string[][] = [];
      let from = '';
      for (;;) {
        const page = await list(
          1,
          `?filter=100.64.&limit=5${from ? `&from=${encodeURIComponent(from)}` : ''}`,
        );
        if (page.length === 0) break;
        pages.push(page);
        from = page[page.length - 1];
      }
      expect(pages.map((page) => page.length)).toEqual([5, 5, 2]);
      expect(pages.flat()).toEqual(ascending);
      expect(
        await list(1, `?filter=100.64.&order=DESC&limit=3&from=${encodeURIComponent(ascending[5])}`),
      ).toEqual(ascending.slice(2, 5).reverse());
      expect(await list(1, '?limit=0')).toEqual([]);
      const defaults = await call('GET', '/iplists/1');
      expect(defaults.json<Entry[]>().length).toBeLessThanOrEqual(100);
      expect(defaults.json<Entry[]>()[0]).not.toHaveProperty('first');
    });
  });

  describe('enforcement (common.allowlist_status = 1)', () => {
    let guarded: TestServer;
    let guardedToken: string;

    beforeAll(async () => {
      // The allow entry for the admin's own address comes first, through the server without the allow list.
      await add(1, { ipornet: '127.0.0.1' });
      await add(1, { ipornet: '127.0.0.0/8', protocols: 1 }); // SSH only: no effect on HTTP
      guarded = await startTestServer(ctx.db, { env: { SFTPGO_COMMON__ALLOWLIST_STATUS: '1' } });
      guardedToken = await guarded.token();
    });

    afterAll(async () => {
      await guarded?.close();
    });

    const fromIp = (localAddress: string, path = '/api/v2/token') =>
      guarded.request(path, { basic: ADMIN, localAddress });

    /** The status `ip` gets from the guarded server once it is `expected`, or after 10 s. */
    async function statusOnceSettled(ip: string, expected: number): Promise<number> {
      let status = 0;
      for (let i = 0; i < 50; i += 1) {
        status = (await fromIp(ip)).status;
        if (status === expected) break;
        await sleep(200);
      }
      return status;
    }

    it('lets listed addresses in and refuses the others with 403 before anything else', async () => {
      expect((await fromIp('127.0.0.1')).status).toBe(200);
      expect(outcome(await fromIp('127.0.0.9'))).toEqual(NOT_ALLOWED);
      expect(outcome(await fromIp('127.0.0.9', '/healthz'))).toEqual(NOT_ALLOWED);
      expect(outcome(await fromIp('127.0.0.9', '/api/v2/no-such-route'))).toEqual(NOT_ALLOWED);
    });

    it("applies this instance's writes at once and another instance's within seconds", async () => {
      // Written through the guarded server: effective at once.
      await add(1, { ipornet: '127.0.0.8/31' }, guarded, guardedToken);
      expect((await fromIp('127.0.0.9')).status).toBe(200);
      expect(
        outcome(
          await call(
            'DELETE',
            `/iplists/1/${encodeURIComponent('127.0.0.8/31')}`,
            undefined,
            guardedToken,
            guarded,
          ),
        ),
      ).toEqual({ status: 200, body: { message: 'Entry deleted' } });
      expect(outcome(await fromIp('127.0.0.9'))).toEqual(NOT_ALLOWED);

      // Written through the other server on the same database: picked up by the periodic sync.
      await add(1, { ipornet: '127.0.0.9' });
      expect(await statusOnceSettled('127.0.0.9', 200)).toBe(200);
      expect((await call('PUT', '/iplists/1/127.0.0.9%2F32', { mode: 1, protocols: 2 })).status).toBe(200);
      expect(await statusOnceSettled('127.0.0.9', 403)).toBe(403);
      expect(outcome(await fromIp('127.0.0.9'))).toEqual(NOT_ALLOWED);
      await add(1, { ipornet: '127.0.0.10' });
      expect(await statusOnceSettled('127.0.0.10', 200)).toBe(200);
      expect((await call('DELETE', '/iplists/1/127.0.0.10%2F32')).status).toBe(200);
      expect(await statusOnceSettled('127.0.0.10', 403)).toBe(403);
      expect((await fromIp('127.0.0.1')).status).toBe(200);
    });
  });
});
