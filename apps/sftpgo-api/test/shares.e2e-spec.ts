import { join } from 'node:path';
import type { TestResponse } from './support/http-client';
import { createUserWithToken, jsonBody } from './support/user-fixtures';
import { useTestServer } from './support/lifecycle';

const SHARE_ID = /^[2-9A-HJ-NP-Za-km-z]{22}$/;
const REDACTED = '[**redacted**]';
const NO_PASSWORD_FORBIDDEN = 'You are not authorized to share files/folders without a password';
const DAY = 86_400_000;
const READ = 1;
const WRITE = 2;
const READ_WRITE = 3;
const WIRE_ORDER = [
  'id',
  'name',
  'description',
  'scope',
  'paths',
  'username',
  'created_at',
  'updated_at',
  'last_use_at',
  'expires_at',
  'password',
  'max_tokens',
  'used_tokens',
  'allow_from',
];

interface ShareBody {
  id: string;
  name: string;
  description?: string;
  scope: number;
  paths: string[];
  username: string;
  created_at: number;
  updated_at: number;
  last_use_at?: number;
  expires_at?: number;
  password: string;
  max_tokens?: number;
  used_tokens?: number;
  allow_from?: string[];
}

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

/** `YYYY-MM-DD` of a local date. */
const localDate = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** The last allowed expiration for `maxDays` (SFTPGo: local midnight of now + maxDays + 1 days). */
const maxExpiration = (maxDays: number) => {
  const limit = new Date(Date.now() + (maxDays + 1) * DAY);
  return new Date(limit.getFullYear(), limit.getMonth(), limit.getDate());
};

const binaryCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const sortedBy = (values: string[], compare: (a: string, b: string) => number) =>
  values.every((value, i) => i === 0 || compare(values[i - 1], value) <= 0);
const caseInsensitiveCompare = (a: string, b: string) => binaryCompare(a.toLowerCase(), b.toLowerCase());

describe('user shares (/api/v2/user/shares)', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-shares-' });
  let alice: string;
  let bob: string;

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  const userWithToken = (username: string, extra: Record<string, unknown> = {}): Promise<string> =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);

  /** One call to the shares API with a user token. */
  const call = (token: string, method: string, path = '', body?: unknown) =>
    ctx.app.request(`/api/v2/user/shares${path}`, {
      method,
      bearer: token,
      ...(body === undefined ? {} : jsonBody(body)),
    });

  /** Creates a share and returns its id; asserts the 201 answer. */
  async function createShare(token: string, body: Record<string, unknown>): Promise<string> {
    const res = await call(token, 'POST', '', body);
    expect(outcome(res)).toEqual({ status: 201, body: { message: 'Share created' } });
    return String(res.headers['x-object-id']);
  }

  async function getShare(token: string, id: string): Promise<ShareBody> {
    const res = await call(token, 'GET', `/${id}`);
    expect(res.status).toBe(200);
    return res.json<ShareBody>();
  }

  /** The stored password column of a share. */
  async function storedPassword(id: string): Promise<string | null> {
    const rows = await ctx.db.query<{ password: string | null }>(
      'SELECT "password" FROM "shares" WHERE "share_id" = ?',
      [id],
    );
    expect(rows).toHaveLength(1);
    return rows[0].password;
  }

  /** A 400 with SFTPGo's validation error shape. */
  const validationError = (detail: string) => ({
    status: 400,
    body: { error: `Validation error: ${detail}`, message: '' },
  });

  beforeAll(async () => {
    alice = await userWithToken('alice', { filters: { allow_api_key_auth: true } });
    bob = await userWithToken('bob');
  });

  describe('create and read', () => {
    it('creates a share: 201, Location and X-Object-ID; GET gives SFTPGo fields in order', async () => {
      const before = Date.now();
      const expiresAt = Date.now() + 3 * DAY;
      const res = await call(alice, 'POST', '', {
        name: 'holiday pictures',
        description: 'for the family',
        scope: READ,
        paths: ['/photos', '/docs/report.pdf'],
        expires_at: expiresAt,
        max_tokens: 5,
        allow_from: ['192.0.2.0/24', '2001:db8::/32'],
      });
      expect(outcome(res)).toEqual({ status: 201, body: { message: 'Share created' } });
      const id = String(res.headers['x-object-id']);
      expect(id).toMatch(SHARE_ID);
      expect(res.headers.location).toBe(`/api/v2/user/shares/${id}`);

      const got = await getShare(alice, id);
      expect(got).toEqual({
        id,
        name: 'holiday pictures',
        description: 'for the family',
        scope: READ,
        paths: ['/photos', '/docs/report.pdf'],
        username: 'alice',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        expires_at: expiresAt,
        password: '',
        max_tokens: 5,
        allow_from: ['192.0.2.0/24', '2001:db8::/32'],
      });
      expect(Object.keys(got)).toEqual(WIRE_ORDER.filter((key) => key in got));
      expect(got.created_at).toBeGreaterThanOrEqual(before - 1000);
      expect(got.created_at).toBeLessThanOrEqual(Date.now() + 1000);
      expect(got.updated_at).toBe(got.created_at);
    });

    it('omits empty optional fields; the name defaults to the id; server-owned fields in the body are ignored', async () => {
      const res = await call(alice, 'POST', '', {
        id: 'client-chosen-id',
        username: 'bob',
        scope: WRITE,
        paths: ['/inbox'],
        created_at: 1,
        updated_at: 2,
        last_use_at: 3,
        used_tokens: 4,
      });
      expect(res.status).toBe(201);
      const id = String(res.headers['x-object-id']);
      expect(id).not.toBe('client-chosen-id');
      const got = await getShare(alice, id);
      expect(got).toEqual({
        id,
        name: id,
        scope: WRITE,
        paths: ['/inbox'],
        username: 'alice',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        password: '',
      });
      expect(got.created_at).toBeGreaterThan(1000);
      expect((await call(alice, 'GET', '/client-chosen-id')).status).toBe(404);
      expect((await call(bob, 'GET', `/${id}`)).status).toBe(404);
    });

    it('cleans the paths: blank entries dropped, relative from /, `..` clamped, `\\` a separator, duplicates removed', async () => {
      const id = await createShare(alice, {
        scope: READ,
        paths: ['', '  ', 'docs/../a', '/b/./c/', '\\d\\e', '/../../f', '/a', 'a'],
      });
      expect((await getShare(alice, id)).paths).toEqual(['/a', '/b/c', '/d/e', '/f']);
    });

    it('accepts the read-write scope (3) with one path, and sibling paths sharing a prefix', async () => {
      const rw = await createShare(alice, { scope: READ_WRITE, paths: ['/rw'] });
      expect((await getShare(alice, rw)).scope).toBe(READ_WRITE);
      const siblings = await createShare(alice, { scope: READ, paths: ['/s3', '/s3x', '/s3-y'] });
      expect((await getShare(alice, siblings)).paths).toEqual(['/s3', '/s3x', '/s3-y']);
    });

    it('works with a user API key', async () => {
      const keyRes = await ctx.app.request('/api/v2/apikeys', {
        method: 'POST',
        bearer: ctx.token,
        ...jsonBody({ name: 'alice key', scope: 2, user: 'alice' }),
      });
      expect(keyRes.status).toBe(201);
      const key = keyRes.json<{ key: string }>().key;
      const headers = { 'X-SFTPGO-API-KEY': key };
      const created = await ctx.app.request('/api/v2/user/shares', {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'via key', scope: READ, paths: ['/k'] }),
      });
      expect(outcome(created)).toEqual({ status: 201, body: { message: 'Share created' } });
      const id = String(created.headers['x-object-id']);
      const listed = await ctx.app.request('/api/v2/user/shares?limit=500', { headers });
      expect(listed.status).toBe(200);
      expect(listed.json<ShareBody[]>().map((s) => s.id)).toContain(id);
      const deleted = await ctx.app.request(`/api/v2/user/shares/${id}`, { method: 'DELETE', headers });
      expect(outcome(deleted)).toEqual({ status: 200, body: { message: 'Share deleted' } });
    });

    it('refuses requests without credentials', async () => {
      expect((await ctx.app.request('/api/v2/user/shares')).status).toBe(401);
      expect((await call(ctx.token, 'GET')).status).toBe(401);
    });
  });

  describe('list', () => {
    let carol: string;
    let ids: string[];

    beforeAll(async () => {
      carol = await userWithToken('carol');
      ids = [];
      for (let i = 0; i < 5; i += 1) ids.push(await createShare(carol, { scope: READ, paths: [`/p${i}`] }));
      await createShare(bob, { name: 'bob share', scope: READ, paths: ['/bob'] });
    });

    it("lists the caller's shares only, ordered by share id, passwords redacted", async () => {
      const res = await call(carol, 'GET');
      expect(res.status).toBe(200);
      const shares = res.json<ShareBody[]>();
      expect(shares.map((s) => s.id).sort()).toEqual([...ids].sort());
      expect(shares.every((s) => s.username === 'carol')).toBe(true);
      const listed = shares.map((s) => s.id);
      // MariaDB's default collation orders case-insensitively.
      expect(sortedBy(listed, binaryCompare) || sortedBy(listed, caseInsensitiveCompare)).toBe(true);
      const mine = (await call(alice, 'GET', '?limit=500')).json<ShareBody[]>();
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((s) => s.username === 'alice')).toBe(true);
    });

    it('pages with offset and limit, and orders DESC', async () => {
      const all = (await call(carol, 'GET')).json<ShareBody[]>().map((s) => s.id);
      const page = await call(carol, 'GET', '?offset=1&limit=2');
      expect(page.json<ShareBody[]>().map((s) => s.id)).toEqual(all.slice(1, 3));
      const desc = await call(carol, 'GET', '?order=DESC');
      expect(desc.json<ShareBody[]>().map((s) => s.id)).toEqual([...all].reverse());
      expect((await call(carol, 'GET', '?limit=0')).json()).toEqual([]);
      expect((await call(carol, 'GET', '?offset=10')).json()).toEqual([]);
    });

    it.each([
      ['limit=abc', 'invalid limit'],
      ['offset=x', 'invalid offset'],
      ['order=UP', 'invalid order'],
    ])('refuses %s with 400 %s', async (query, error) => {
      const res = await call(carol, 'GET', `?${query}`);
      expect(res.status).toBe(400);
      expect(res.json<{ error: string }>().error).toBe(error);
    });
  });

  describe('update and delete', () => {
    it('replaces the share: omitted fields are cleared; id, owner, created_at kept; updated_at moves', async () => {
      const id = await createShare(alice, {
        name: 'before',
        description: 'old',
        scope: READ,
        paths: ['/x'],
        expires_at: Date.now() + DAY,
        max_tokens: 3,
        allow_from: ['10.0.0.0/8'],
      });
      const before = await getShare(alice, id);
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await call(alice, 'PUT', `/${id}`, {
        id: 'other-id',
        username: 'bob',
        created_at: 5,
        name: 'after',
        scope: READ_WRITE,
        paths: ['y'],
      });
      expect(outcome(res)).toEqual({ status: 200, body: { message: 'Share updated' } });
      const after = await getShare(alice, id);
      expect(after).toEqual({
        id,
        name: 'after',
        scope: READ_WRITE,
        paths: ['/y'],
        username: 'alice',
        created_at: before.created_at,
        updated_at: expect.any(Number),
        password: '',
      });
      expect(after.updated_at).toBeGreaterThan(before.updated_at);
      expect((await call(alice, 'GET', '/other-id')).status).toBe(404);
    });

    it('keeps used_tokens and last_use_at across an update', async () => {
      const id = await createShare(alice, { name: 'counted', scope: READ, paths: ['/c'], max_tokens: 10 });
      await ctx.db.query('UPDATE "shares" SET "used_tokens" = 2, "last_use_at" = 1234 WHERE "share_id" = ?', [
        id,
      ]);
      const res = await call(alice, 'PUT', `/${id}`, {
        name: 'counted',
        scope: READ,
        paths: ['/c'],
        max_tokens: 20,
        used_tokens: 0,
        last_use_at: 0,
      });
      expect(res.status).toBe(200);
      const got = await getShare(alice, id);
      expect({ used: got.used_tokens, last: got.last_use_at, max: got.max_tokens }).toEqual({
        used: 2,
        last: 1234,
        max: 20,
      });
    });

    it('requires the name on update', async () => {
      const id = await createShare(alice, { name: 'named', scope: READ, paths: ['/n'] });
      expect(outcome(await call(alice, 'PUT', `/${id}`, { scope: READ, paths: ['/n'] }))).toEqual(
        validationError('name is mandatory'),
      );
      expect((await getShare(alice, id)).name).toBe('named');
    });

    it('deletes: 200, then 404 for GET, PUT and DELETE', async () => {
      const id = await createShare(alice, { name: 'gone', scope: READ, paths: ['/g'] });
      expect(outcome(await call(alice, 'DELETE', `/${id}`))).toEqual({
        status: 200,
        body: { message: 'Share deleted' },
      });
      const notFound = { status: 404, body: { error: 'Not Found', message: '' } };
      expect(outcome(await call(alice, 'GET', `/${id}`))).toEqual(notFound);
      expect(outcome(await call(alice, 'PUT', `/${id}`, { name: 'x', scope: READ, paths: ['/g'] }))).toEqual(
        notFound,
      );
      expect(outcome(await call(alice, 'DELETE', `/${id}`))).toEqual(notFound);
    });

    it("answers 404 to another user's GET, PUT and DELETE, and leaves the share alone", async () => {
      const id = await createShare(alice, { name: 'private', scope: READ, paths: ['/private'] });
      const notFound = { status: 404, body: { error: 'Not Found', message: '' } };
      expect(outcome(await call(bob, 'GET', `/${id}`))).toEqual(notFound);
      expect(
        outcome(await call(bob, 'PUT', `/${id}`, { name: 'stolen', scope: READ, paths: ['/'] })),
      ).toEqual(notFound);
      expect(outcome(await call(bob, 'DELETE', `/${id}`))).toEqual(notFound);
      const bobs = (await call(bob, 'GET', '?limit=500')).json<ShareBody[]>();
      expect(bobs.map((s) => s.id)).not.toContain(id);
      const got = await getShare(alice, id);
      expect({ name: got.name, paths: got.paths }).toEqual({ name: 'private', paths: ['/private'] });
    });
  });

  describe('validation', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['scope 0', { scope: 0, paths: ['/a'] }, 'invalid scope: 0'],
      ['scope 4', { scope: 4, paths: ['/a'] }, 'invalid scope: 4'],
      ['no scope', { paths: ['/a'] }, 'invalid scope: 0'],
      ['no paths', { scope: READ }, 'at least a shared path is required'],
      ['blank paths', { scope: READ, paths: ['', ' '] }, 'at least a shared path is required'],
      [
        'two paths, write scope',
        { scope: WRITE, paths: ['/a', '/b'] },
        'the write share scope requires exactly one path',
      ],
      [
        'two paths, read-write scope',
        { scope: READ_WRITE, paths: ['/a', '/b'] },
        'the write share scope requires exactly one path',
      ],
      ['nested paths', { scope: READ, paths: ['/a', '/a/b'] }, 'shared paths cannot be nested'],
      [
        'nested paths, child first',
        { scope: READ, paths: ['/a/b/c', '/a'] },
        'shared paths cannot be nested',
      ],
      ['root and another path', { scope: READ, paths: ['/', '/a'] }, 'shared paths cannot be nested'],
      [
        'expiration in the past',
        { scope: READ, paths: ['/a'], expires_at: Date.now() - 60_000 },
        'expiration must be in the future',
      ],
      ['negative max_tokens', { scope: READ, paths: ['/a'], max_tokens: -1 }, 'invalid max tokens'],
      [
        'redacted password',
        { scope: READ, paths: ['/a'], password: REDACTED },
        'cannot save a share with a redacted password',
      ],
      [
        'bare IP in allow_from',
        { scope: READ, paths: ['/a'], allow_from: ['192.168.1.1'] },
        'could not parse allow from entry "192.168.1.1" : invalid CIDR address: 192.168.1.1',
      ],
      [
        'bad mask in allow_from',
        { scope: READ, paths: ['/a'], allow_from: ['10.0.0.0/8', '10.0.0.0/33'] },
        'could not parse allow from entry "10.0.0.0/33" : invalid CIDR address: 10.0.0.0/33',
      ],
      [
        'name with a slash',
        { name: 'a/b', scope: READ, paths: ['/a'] },
        'Invalid input. Slashes (/ ), colons (:), control characters, and reserved system names are not allowed',
      ],
    ])('refuses %s with 400 and stores nothing', async (_what, body, detail) => {
      const count = (await call(alice, 'GET', '?limit=500')).json<ShareBody[]>().length;
      expect(outcome(await call(alice, 'POST', '', body))).toEqual(validationError(detail));
      expect((await call(alice, 'GET', '?limit=500')).json<ShareBody[]>()).toHaveLength(count);
    });

    it('applies the same rules on update', async () => {
      const id = await createShare(alice, { name: 'valid', scope: READ, paths: ['/v'] });
      const base = { name: 'valid', scope: READ, paths: ['/v'] };
      expect(outcome(await call(alice, 'PUT', `/${id}`, { ...base, scope: 9 }))).toEqual(
        validationError('invalid scope: 9'),
      );
      expect(outcome(await call(alice, 'PUT', `/${id}`, { ...base, paths: ['/a', '/a/b'] }))).toEqual(
        validationError('shared paths cannot be nested'),
      );
      expect(
        outcome(await call(alice, 'PUT', `/${id}`, { ...base, expires_at: Date.now() - 60_000 })),
      ).toEqual(validationError('expiration must be in the future'));
      expect(outcome(await call(alice, 'PUT', `/${id}`, { ...base, allow_from: ['::1'] }))).toEqual(
        validationError('could not parse allow from entry "::1" : invalid CIDR address: ::1'),
      );
      expect(outcome(await call(alice, 'PUT', `/${id}`, { ...base, max_tokens: -5 }))).toEqual(
        validationError('invalid max tokens'),
      );
      expect(await getShare(alice, id)).toMatchObject({ name: 'valid', scope: READ, paths: ['/v'] });
    });

    it('refuses wrong JSON types and a missing body with 400', async () => {
      for (const body of [
        { scope: '1', paths: ['/a'] },
        { scope: READ, paths: '/a' },
        { scope: READ, paths: [1] },
        { scope: READ, paths: ['/a'], allow_from: '10.0.0.0/8' },
        { scope: READ, paths: ['/a'], password: 12 },
        { scope: READ, paths: ['/a'], expires_at: 'tomorrow' },
      ]) {
        expect((await call(alice, 'POST', '', body)).status).toBe(400);
      }
      const noBody = await ctx.app.request('/api/v2/user/shares', { method: 'POST', bearer: alice });
      expect(noBody.status).toBe(400);
    });
  });

  describe('passwords', () => {
    /** True when no response text ever contains the stored hash or the plain password. */
    const leaks = (res: TestResponse, secrets: string[]) => secrets.some((s) => res.text.includes(s));

    it('hashes the password, shows it redacted, never sends the hash', async () => {
      const plain = 'Sh4re-Pa55word!';
      const id = await createShare(alice, { name: 'locked', scope: READ, paths: ['/l'], password: plain });
      const hash = await storedPassword(id);
      expect(hash).toMatch(/^\$2a\$/);
      expect(hash).not.toContain(plain);
      const got = await call(alice, 'GET', `/${id}`);
      expect(got.json<ShareBody>().password).toBe(REDACTED);
      const list = await call(alice, 'GET', '?limit=500');
      expect(list.json<ShareBody[]>().find((s) => s.id === id)?.password).toBe(REDACTED);
      expect(leaks(got, [hash!, plain])).toBe(false);
      expect(leaks(list, [hash!, plain, '$2a$'])).toBe(false);
    });

    it('on update: the redacted marker keeps the hash, a new value replaces it, "" removes it', async () => {
      const id = await createShare(alice, {
        name: 'pw',
        scope: READ,
        paths: ['/pw'],
        password: 'First-Pa55!',
      });
      const first = await storedPassword(id);
      const base = { name: 'pw', scope: READ, paths: ['/pw'] };

      expect((await call(alice, 'PUT', `/${id}`, { ...base, password: REDACTED })).status).toBe(200);
      expect(await storedPassword(id)).toBe(first);
      expect((await getShare(alice, id)).password).toBe(REDACTED);

      expect((await call(alice, 'PUT', `/${id}`, { ...base, password: 'Second-Pa55!' })).status).toBe(200);
      const second = await storedPassword(id);
      expect(second).toMatch(/^\$2a\$/);
      expect(second).not.toBe(first);

      expect((await call(alice, 'PUT', `/${id}`, { ...base, password: '' })).status).toBe(200);
      expect(await storedPassword(id)).toBeNull();
      expect((await getShare(alice, id)).password).toBe('');

      // The marker on a share without a password leaves it without one.
      expect((await call(alice, 'PUT', `/${id}`, { ...base, password: REDACTED })).status).toBe(200);
      expect(await storedPassword(id)).toBeNull();
    });

    it('stores an already hashed password as is', async () => {
      const bcryptHash = '$2a$10$ZBj.eQhSHpV5rGyv5v4uLu7PZ/HcxvBxnw8kXVvZRnDxVbLzCMyNa';
      const argonHash = '$argon2id$v=19$m=65536,t=1,p=2$c29tZXNhbHQ$ZXhhbXBsZWhhc2hleGFtcGxlaGFzaA';
      const a = await createShare(alice, { name: 'bc', scope: READ, paths: ['/h'], password: bcryptHash });
      const b = await createShare(alice, { name: 'ar', scope: READ, paths: ['/h'], password: argonHash });
      expect(await storedPassword(a)).toBe(bcryptHash);
      expect(await storedPassword(b)).toBe(argonHash);
      const res = await call(alice, 'GET', `/${a}`);
      expect(res.json<ShareBody>().password).toBe(REDACTED);
      expect(res.text).not.toContain('$2a$');
    });

    it("checks the password strength against the user's password_strength", async () => {
      const strict = await userWithToken('strict', { filters: { password_strength: 60 } });
      const weak = await call(strict, 'POST', '', { scope: READ, paths: ['/a'], password: 'abc123' });
      expect(weak.status).toBe(400);
      expect(weak.json<{ error: string }>().error).toContain('insecure password');
      const id = await createShare(strict, {
        scope: READ,
        paths: ['/a'],
        password: 'Very-l0ng & Str0ng share passphrase!',
      });
      const update = await call(strict, 'PUT', `/${id}`, {
        name: id,
        scope: READ,
        paths: ['/a'],
        password: 'abc',
      });
      expect(update.status).toBe(400);
      expect(update.json<{ error: string }>().error).toContain('insecure password');
      // The kept hash is not re-checked.
      expect(
        (await call(strict, 'PUT', `/${id}`, { name: id, scope: READ, paths: ['/a'], password: REDACTED }))
          .status,
      ).toBe(200);
    });
  });

  describe("the user's restrictions", () => {
    it('shares-disabled: 403 on every operation, before any lookup', async () => {
      const token = await userWithToken('noshares', { filters: { web_client: ['shares-disabled'] } });
      const id = await createShare(alice, { name: 'not theirs', scope: READ, paths: ['/a'] });
      const forbidden = { status: 403, body: { message: 'Forbidden' } };
      expect(outcome(await call(token, 'GET'))).toEqual(forbidden);
      expect(outcome(await call(token, 'POST', '', { scope: READ, paths: ['/b'] }))).toEqual(forbidden);
      for (const target of [id, 'missing']) {
        expect(outcome(await call(token, 'GET', `/${target}`))).toEqual(forbidden);
        expect(
          outcome(await call(token, 'PUT', `/${target}`, { name: 'x', scope: READ, paths: ['/b'] })),
        ).toEqual(forbidden);
        expect(outcome(await call(token, 'DELETE', `/${target}`))).toEqual(forbidden);
      }
      expect((await getShare(alice, id)).name).toBe('not theirs');
      const count = await ctx.db.query<{ n: number | string }>(
        'SELECT COUNT(*) AS "n" FROM "shares" s JOIN "users" u ON u."id" = s."user_id" WHERE u."username" = ?',
        ['noshares'],
      );
      expect(Number(count[0].n)).toBe(0);
    });

    it('shares-without-password-disabled: 403 without a password, on create and update', async () => {
      const token = await userWithToken('pwonly', {
        filters: { web_client: ['shares-without-password-disabled'] },
      });
      const forbidden = { status: 403, body: { message: NO_PASSWORD_FORBIDDEN } };
      expect(outcome(await call(token, 'POST', '', { scope: READ, paths: ['/a'] }))).toEqual(forbidden);
      expect(outcome(await call(token, 'POST', '', { scope: READ, paths: ['/a'], password: '' }))).toEqual(
        forbidden,
      );
      expect((await call(token, 'GET')).json()).toEqual([]);
      const id = await createShare(token, { name: 'ok', scope: READ, paths: ['/a'], password: 'Good-Pa55!' });
      const base = { name: 'ok', scope: READ, paths: ['/a'] };
      expect(outcome(await call(token, 'PUT', `/${id}`, { ...base, password: '' }))).toEqual(forbidden);
      expect(outcome(await call(token, 'PUT', `/${id}`, base))).toEqual(forbidden);
      expect((await call(token, 'PUT', `/${id}`, { ...base, password: REDACTED })).status).toBe(200);
      expect((await getShare(token, id)).password).toBe(REDACTED);
    });

    it('default_shares_expiration: applied when the body has no expires_at; a body value wins', async () => {
      const token = await userWithToken('defexp', { filters: { default_shares_expiration: 2 } });
      const before = Date.now();
      const id = await createShare(token, { scope: READ, paths: ['/a'] });
      const expiresAt = (await getShare(token, id)).expires_at ?? 0;
      expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * DAY);
      expect(expiresAt).toBeLessThanOrEqual(Date.now() + 2 * DAY);

      const chosen = Date.now() + 5 * DAY;
      const other = await createShare(token, { scope: READ, paths: ['/a'], expires_at: chosen });
      expect((await getShare(token, other)).expires_at).toBe(chosen);
      const never = await createShare(token, { scope: READ, paths: ['/a'], expires_at: 0 });
      expect((await getShare(token, never)).expires_at).toBeUndefined();
    });

    it('max_shares_expiration: the share must expire, before the limit, on create and update', async () => {
      const token = await userWithToken('maxexp', {
        filters: { default_shares_expiration: 1, max_shares_expiration: 3 },
      });
      const limit = maxExpiration(3);
      const tooLate = validationError(`the share must expire before ${localDate(limit)}`);
      expect(outcome(await call(token, 'POST', '', { scope: READ, paths: ['/a'], expires_at: 0 }))).toEqual(
        tooLate,
      );
      expect(outcome(await call(token, 'POST', '', { scope: READ, paths: ['/a'], expires_at: -1 }))).toEqual(
        tooLate,
      );
      expect(
        outcome(
          await call(token, 'POST', '', { scope: READ, paths: ['/a'], expires_at: limit.getTime() + 1 }),
        ),
      ).toEqual(tooLate);
      // The default (1 day) fits under the limit.
      const byDefault = await createShare(token, { scope: READ, paths: ['/a'] });
      expect((await getShare(token, byDefault)).expires_at).toBeGreaterThan(Date.now());
      const atLimit = await createShare(token, { scope: READ, paths: ['/a'], expires_at: limit.getTime() });
      expect((await getShare(token, atLimit)).expires_at).toBe(limit.getTime());

      const base = { name: 'm', scope: READ, paths: ['/a'] };
      expect(outcome(await call(token, 'PUT', `/${atLimit}`, base))).toEqual(tooLate);
      expect(
        outcome(await call(token, 'PUT', `/${atLimit}`, { ...base, expires_at: Date.now() + 10 * DAY })),
      ).toEqual(tooLate);
      expect(
        (await call(token, 'PUT', `/${atLimit}`, { ...base, expires_at: Date.now() + DAY })).status,
      ).toBe(200);
    });

    it('without max_shares_expiration a share may never expire', async () => {
      const id = await createShare(bob, { scope: READ, paths: ['/forever'] });
      expect((await getShare(bob, id)).expires_at).toBeUndefined();
    });
  });

  it('documents the operations and the Share schema in the served OpenAPI document', async () => {
    const doc = (await ctx.app.request('/openapi.json')).json<{
      paths: Record<string, Record<string, { operationId?: string }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
    }>();
    expect(doc.paths['/api/v2/user/shares'].get.operationId).toBe('get_user_shares');
    expect(doc.paths['/api/v2/user/shares'].post.operationId).toBe('add_share');
    expect(doc.paths['/api/v2/user/shares/{id}'].get.operationId).toBe('get_user_share_by_id');
    expect(doc.paths['/api/v2/user/shares/{id}'].put.operationId).toBe('update_user_share');
    expect(doc.paths['/api/v2/user/shares/{id}'].delete.operationId).toBe('delete_user_share');
    expect(Object.keys(doc.components.schemas.Share.properties ?? {}).sort()).toEqual([...WIRE_ORDER].sort());
  });

  it("deletes a user's shares with the user", async () => {
    const token = await userWithToken('leaving');
    const ids = [
      await createShare(token, { scope: READ, paths: ['/a'] }),
      await createShare(token, { scope: WRITE, paths: ['/b'], password: 'Leaving-Pa55!' }),
    ];
    const others = (await call(bob, 'GET', '?limit=500')).json<ShareBody[]>().length;
    expect(
      (await ctx.app.request('/api/v2/users/leaving', { method: 'DELETE', bearer: ctx.token })).status,
    ).toBe(200);

    const rows = await ctx.db.query<{ n: number | string }>(
      'SELECT COUNT(*) AS "n" FROM "shares" WHERE "share_id" IN (?, ?)',
      ids,
    );
    expect(Number(rows[0].n)).toBe(0);
    // A new account with the same name starts without shares; the others' shares are untouched.
    const again = await userWithToken('leaving');
    expect((await call(again, 'GET')).json()).toEqual([]);
    for (const id of ids) expect((await call(again, 'GET', `/${id}`)).status).toBe(404);
    expect((await call(bob, 'GET', '?limit=500')).json<ShareBody[]>()).toHaveLength(others);
  });
});
