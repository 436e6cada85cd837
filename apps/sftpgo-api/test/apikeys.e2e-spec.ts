import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRequest, TestResponse } from './support/http-client';
import { createUserWithToken, jsonBody } from './support/user-fixtures';
import { useTestServer } from './support/lifecycle';

const BASE57 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const KEY_FORMAT = /^[2-9A-HJ-NP-Za-km-z]{22}\.[2-9A-HJ-NP-Za-km-z]{22}$/;
const CREATED_MESSAGE = 'API key created. This is the only time the API key is visible, please save it.';
const ADMIN_SCOPE = 1;
const USER_SCOPE = 2;

const NOT_VALID = 'the provided api key is not valid';
const WRONG_SCOPE = 'the provided api key is invalid for this request';
const NOT_AUTHENTICATED = 'the provided api key cannot be authenticated';
const ADMIN_REFUSED = 'the admin associated with the provided api key cannot be authenticated';
const USER_REFUSED = 'the user associated with the provided api key cannot be authenticated';
const KEY_AUTH_NOT_ALLOWED = 'API key authentication is not allowed';

const HOUR = 3_600_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A random base57 string of SFTPGo's shortuuid length (22). */
const randomBase57 = () => Array.from(randomBytes(22), (byte) => BASE57[byte % BASE57.length]).join('');

interface ApiKeyBody {
  id: string;
  name: string;
  scope: number;
  created_at: number;
  updated_at: number;
  last_use_at?: number;
  expires_at?: number;
  description?: string;
  user?: string;
  admin?: string;
}

/** A key as returned once on creation. */
interface CreatedKey {
  id: string;
  secret: string;
  key: string;
}

/** Status and `error` of a response, compared in one assertion so a failure shows both. */
const failure = (res: TestResponse) => {
  let error: unknown = res.text;
  try {
    error = res.json<{ error?: string }>().error;
  } catch {
    // not JSON: the raw text shows in the failed assertion
  }
  return { status: res.status, error };
};

/** True when `values` are in ascending order by `compare`. */
const sortedBy = (values: string[], compare: (a: string, b: string) => number) =>
  values.every((value, i) => i === 0 || compare(values[i - 1], value) <= 0);
const binaryCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const caseInsensitiveCompare = (a: string, b: string) => binaryCompare(a.toLowerCase(), b.toLowerCase());

describe('API keys (/api/v2/apikeys, X-SFTPGO-API-KEY)', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-apikeys-' });

  /** One admin API call with the default admin's token unless `bearer` is given. */
  const call = (method: string, path: string, body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      bearer,
      ...(body === undefined ? {} : jsonBody(body)),
    });

  /** One call authenticated by `key` only (plus whatever `options` adds). */
  const withKey = (key: string, method: string, path: string, options: TestRequest = {}) =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      ...options,
      headers: { ...options.headers, 'X-SFTPGO-API-KEY': key },
    });

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  /** Creates an API key and returns its parts; asserts the 201 answer. */
  async function createKey(body: Record<string, unknown>): Promise<CreatedKey> {
    const res = await call('POST', '/apikeys', body);
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
    const key = res.json<{ key: string }>().key;
    const [id, secret] = key.split('.');
    return { id, secret, key };
  }

  const getKey = async (id: string): Promise<ApiKeyBody> => {
    const res = await call('GET', `/apikeys/${encodeURIComponent(id)}`);
    expect(res.status).toBe(200);
    return res.json<ApiKeyBody>();
  };

  /** The key's `last_use_at` once written (a first use is written at once, allow ~2 s), else undefined. */
  async function waitForLastUse(id: string): Promise<number | undefined> {
    for (let i = 0; i < 20; i += 1) {
      const lastUse = (await getKey(id)).last_use_at;
      if (lastUse !== undefined) return lastUse;
      await sleep(100);
    }
    return undefined;
  }

  /** Creates an admin through the admin API. */
  async function createAdmin(username: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await call('POST', '/admins', {
      username,
      password: `${username}-Pa55!`,
      status: 1,
      permissions: ['view_users'],
      ...extra,
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
  }

  /** Creates a user through the admin API, its home on disk, without asking for a token. */
  async function createUser(username: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await call('POST', '/users', {
      username,
      password: `${username}-Pa55!`,
      status: 1,
      home_dir: homeOf(username),
      permissions: { '/': ['*'] },
      ...extra,
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
    mkdirSync(homeOf(username), { recursive: true });
  }

  /** The names in a user's listing of `/`, or the failure. */
  async function listRoot(key: string, options: TestRequest = {}): Promise<string[] | object> {
    const res = await withKey(key, 'GET', '/user/dirs?path=%2F', options);
    if (res.status !== 200) return failure(res);
    return res
      .json<{ name: string }[]>()
      .map((entry) => entry.name)
      .sort();
  }

  beforeAll(async () => {
    // operator: a limited admin that allows API key auth; keyadmin: a `*` admin that does.
    await createAdmin('operator', { filters: { allow_api_key_auth: true } });
    await createAdmin('keyadmin', { permissions: ['*'], filters: { allow_api_key_auth: true } });
    for (const username of ['alice', 'bob']) {
      await createUser(username, { filters: { allow_api_key_auth: true } });
      writeFileSync(join(homeOf(username), `${username}-marker.txt`), username);
    }
  });

  describe('management', () => {
    it('creates a key: 201, the key once, Location and X-Object-ID; client id, key and last_use_at ignored', async () => {
      const before = Date.now();
      const res = await call('POST', '/apikeys', {
        name: 'first key',
        scope: ADMIN_SCOPE,
        description: 'for the nightly job',
        id: 'client-chosen-id',
        key: 'client.chosen',
        last_use_at: 123,
      });
      expect(res.status).toBe(201);
      const body = res.json<{ message: string; key: string }>();
      expect(body).toEqual({ message: CREATED_MESSAGE, key: expect.stringMatching(KEY_FORMAT) });
      const [id, secret] = body.key.split('.');
      expect(id).not.toBe(secret);
      expect(res.headers.location).toBe(`/api/v2/apikeys/${id}`);
      expect(res.headers['x-object-id']).toBe(id);

      const got = await getKey(id);
      expect(got).toEqual({
        id,
        name: 'first key',
        scope: ADMIN_SCOPE,
        description: 'for the nightly job',
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      expect(got.created_at).toBeGreaterThanOrEqual(before - 1000);
      expect(got.created_at).toBeLessThanOrEqual(Date.now() + 1000);
      expect(got.updated_at).toBe(got.created_at);
      expect((await call('GET', '/apikeys/client-chosen-id')).status).toBe(404);

      // Every key gets its own id and secret.
      const other = await createKey({ name: 'second key', scope: USER_SCOPE });
      expect(other.id).not.toBe(id);
      expect(other.secret).not.toBe(secret);
    });

    it.each([
      ['a missing name', { scope: ADMIN_SCOPE }, 'name is mandatory'],
      ['an empty name', { name: '', scope: USER_SCOPE }, 'name is mandatory'],
      ['scope 3', { name: 'k', scope: 3 }, 'invalid scope'],
      ['scope 0', { name: 'k', scope: 0 }, 'invalid scope'],
      ['a missing scope', { name: 'k' }, 'invalid scope'],
      [
        'both user and admin (scope 2)',
        { name: 'k', scope: USER_SCOPE, user: 'alice', admin: 'operator' },
        '',
      ],
      [
        'both user and admin (scope 1)',
        { name: 'k', scope: ADMIN_SCOPE, user: 'alice', admin: 'operator' },
        '',
      ],
      ['an unknown user', { name: 'k', scope: USER_SCOPE, user: 'ghost-user' }, ''],
      ['an unknown admin', { name: 'k', scope: ADMIN_SCOPE, admin: 'ghost-admin' }, ''],
    ])('refuses %s with a 400 validation error', async (_case, body, fragment) => {
      const before = (await call('GET', '/apikeys?limit=500')).json<ApiKeyBody[]>().length;
      const res = await call('POST', '/apikeys', body);
      expect(failure(res)).toEqual({ status: 400, error: expect.stringMatching(/^Validation error: /) });
      expect(res.json<{ error: string }>().error).toContain(fragment);
      expect((await call('GET', '/apikeys?limit=500')).json<ApiKeyBody[]>()).toHaveLength(before);
    });

    it('refuses a body that is not JSON with 400', async () => {
      const res = await ctx.app.request('/api/v2/apikeys', {
        method: 'POST',
        bearer: ctx.token,
        headers: { 'content-type': 'application/json' },
        body: 'not json',
      });
      expect(res.status).toBe(400);
    });

    it('clears the user of an admin-scope key and the admin of a user-scope key', async () => {
      const adminKey = await createKey({ name: 'admin scoped', scope: ADMIN_SCOPE, user: 'alice' });
      const got = await getKey(adminKey.id);
      expect(got).not.toHaveProperty('user');
      expect(got).not.toHaveProperty('admin');
      const userKey = await createKey({ name: 'user scoped', scope: USER_SCOPE, admin: 'operator' });
      const gotUser = await getKey(userKey.id);
      expect(gotUser).not.toHaveProperty('admin');
      expect(gotUser).not.toHaveProperty('user');
      // And keeps the one matching the scope.
      const bound = await createKey({
        name: 'bound',
        scope: USER_SCOPE,
        user: 'bob',
        expires_at: 4102444800000,
      });
      expect(await getKey(bound.id)).toEqual({
        id: bound.id,
        name: 'bound',
        scope: USER_SCOPE,
        user: 'bob',
        expires_at: 4102444800000,
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
      });
      const boundAdmin = await createKey({ name: 'bound admin', scope: ADMIN_SCOPE, admin: 'operator' });
      expect((await getKey(boundAdmin.id)).admin).toBe('operator');
    });

    it('lists keys paged and ordered by id, never with a key field or a secret', async () => {
      const created: CreatedKey[] = [];
      for (let i = 0; i < 4; i += 1)
        created.push(await createKey({ name: `listed-${i}`, scope: USER_SCOPE }));
      const res = await call('GET', '/apikeys?limit=500');
      expect(res.status).toBe(200);
      const all = res.json<ApiKeyBody[]>();
      const ids = all.map((k) => k.id);
      for (const key of created) {
        expect(ids).toContain(key.id);
        expect(res.text).not.toContain(key.secret);
      }
      for (const key of all) {
        expect(key).not.toHaveProperty('key');
        expect(key).toEqual(
          expect.objectContaining({
            id: expect.any(String),
            name: expect.any(String),
            scope: expect.any(Number),
            created_at: expect.any(Number),
            updated_at: expect.any(Number),
          }),
        );
      }
      // Ordered by id in the database: binary or case-insensitive, depending on its collation.
      expect(sortedBy(ids, binaryCompare) || sortedBy(ids, caseInsensitiveCompare)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);

      const desc = (await call('GET', '/apikeys?order=DESC&limit=500')).json<ApiKeyBody[]>().map((k) => k.id);
      expect(desc).toEqual([...ids].reverse());
      const asc = (await call('GET', '/apikeys?order=ASC&limit=500')).json<ApiKeyBody[]>().map((k) => k.id);
      expect(asc).toEqual(ids);
      const page = (await call('GET', '/apikeys?offset=1&limit=2')).json<ApiKeyBody[]>().map((k) => k.id);
      expect(page).toEqual(ids.slice(1, 3));
      const descPage = (await call('GET', '/apikeys?order=DESC&offset=1&limit=1')).json<ApiKeyBody[]>();
      expect(descPage.map((k) => k.id)).toEqual([ids[ids.length - 2]]);
      expect((await call('GET', `/apikeys?offset=${ids.length}`)).json()).toEqual([]);
      const badOrder = await call('GET', '/apikeys?order=ASCa');
      expect(failure(badOrder)).toEqual({ status: 400, error: 'invalid order' });

      for (const key of created) {
        const one = await call('GET', `/apikeys/${key.id}`);
        expect(one.status).toBe(200);
        expect(one.json()).not.toHaveProperty('key');
        expect(one.text).not.toContain(key.secret);
      }
    });

    it('updates a key by replacing its fields; id, created_at and the secret are kept', async () => {
      const key = await createKey({
        name: 'to update',
        scope: USER_SCOPE,
        user: 'alice',
        description: 'old description',
      });
      const before = await getKey(key.id);
      await sleep(5);
      const res = await call('PUT', `/apikeys/${key.id}`, {
        name: 'updated',
        scope: USER_SCOPE,
        user: 'bob',
        id: 'another-id',
        created_at: 5,
      });
      expect({ status: res.status, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'API key updated' },
      });
      const after = await getKey(key.id);
      expect(after).toEqual({
        id: key.id,
        name: 'updated',
        scope: USER_SCOPE,
        user: 'bob',
        created_at: before.created_at,
        updated_at: expect.any(Number),
      });
      expect(after.updated_at).toBeGreaterThan(before.updated_at);
      // The secret did not change, and the key now acts as bob.
      expect(await listRoot(key.key)).toEqual(['bob-marker.txt']);
      const lastUse = await waitForLastUse(key.id);

      // Scope change: the admin kept, the user dropped.
      const toAdmin = await call('PUT', `/apikeys/${key.id}`, {
        name: 'now admin',
        scope: ADMIN_SCOPE,
        user: 'bob',
        description: 'd',
      });
      expect(toAdmin.status).toBe(200);
      expect(await getKey(key.id)).toEqual({
        id: key.id,
        name: 'now admin',
        scope: ADMIN_SCOPE,
        description: 'd',
        created_at: before.created_at,
        updated_at: expect.any(Number),
        // used just above: an update keeps it
        last_use_at: lastUse,
      });

      for (const [body, fragment] of [
        [{ scope: ADMIN_SCOPE }, 'name is mandatory'],
        [{ name: 'x', scope: 9 }, 'invalid scope'],
        [{ name: 'x', scope: USER_SCOPE, user: 'ghost-user' }, ''],
        [{ name: 'x', scope: ADMIN_SCOPE, admin: 'ghost-admin' }, ''],
        [{ name: 'x', scope: USER_SCOPE, user: 'alice', admin: 'operator' }, ''],
      ] as const) {
        const bad = await call('PUT', `/apikeys/${key.id}`, body);
        expect(failure(bad)).toEqual({ status: 400, error: expect.stringMatching(/^Validation error: /) });
        expect(bad.json<{ error: string }>().error).toContain(fragment);
      }
      expect((await getKey(key.id)).name).toBe('now admin');
    });

    it('answers 404 for an unknown id on GET, PUT and DELETE', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await call(
          method,
          `/apikeys/${randomBase57()}`,
          method === 'PUT' ? { name: 'x', scope: ADMIN_SCOPE } : undefined,
        );
        expect({ method, status: res.status, body: res.json() }).toEqual({
          method,
          status: 404,
          body: { error: 'Not Found', message: '' },
        });
      }
    });

    it('deletes a key: 200, then 404, and the key stops working at once', async () => {
      const key = await createKey({ name: 'to delete', scope: ADMIN_SCOPE, admin: 'operator' });
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(200);
      const res = await call('DELETE', `/apikeys/${key.id}`);
      expect({ status: res.status, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'API key deleted' },
      });
      expect((await call('GET', `/apikeys/${key.id}`)).status).toBe(404);
      expect((await call('DELETE', `/apikeys/${key.id}`)).status).toBe(404);
      expect(failure(await withKey(key.key, 'GET', '/users'))).toEqual({ status: 400, error: NOT_VALID });
      expect((await call('GET', '/apikeys?limit=500')).json<ApiKeyBody[]>().map((k) => k.id)).not.toContain(
        key.id,
      );
    });

    it('needs a token (401) and the * permission (403)', async () => {
      const key = await createKey({ name: 'perm check', scope: ADMIN_SCOPE });
      expect((await ctx.app.request('/api/v2/apikeys')).status).toBe(401);
      expect((await ctx.app.request(`/api/v2/apikeys/${key.id}`, { method: 'DELETE' })).status).toBe(401);
      await createAdmin('limited-admin', { permissions: ['view_users', 'add_users', 'manage_groups'] });
      const limited = await ctx.app.token({ username: 'limited-admin', password: 'limited-admin-Pa55!' });
      for (const [method, path, body] of [
        ['GET', '/apikeys', undefined],
        ['POST', '/apikeys', { name: 'nope', scope: ADMIN_SCOPE }],
        ['GET', `/apikeys/${key.id}`, undefined],
        ['PUT', `/apikeys/${key.id}`, { name: 'nope', scope: ADMIN_SCOPE }],
        ['DELETE', `/apikeys/${key.id}`, undefined],
      ] as const) {
        const res = await call(method, path, body, limited);
        expect({ method, path, status: res.status, body: res.json() }).toEqual({
          method,
          path,
          status: 403,
          body: { message: 'Forbidden' },
        });
      }
      expect((await getKey(key.id)).name).toBe('perm check');
    });
  });

  describe('expiration (can be kept or shortened, never extended or removed)', () => {
    const put = (id: string, expiresAt: number | undefined) =>
      call('PUT', `/apikeys/${id}`, {
        name: 'expiring',
        scope: ADMIN_SCOPE,
        ...(expiresAt === undefined ? {} : { expires_at: expiresAt }),
      });

    it('keeps or shortens the expiration, refuses to extend or remove it with 400', async () => {
      const initial = Date.now() + 2 * HOUR;
      const key = await createKey({ name: 'expiring', scope: ADMIN_SCOPE, expires_at: initial });
      expect((await getKey(key.id)).expires_at).toBe(initial);

      expect((await put(key.id, initial)).status).toBe(200);
      expect((await getKey(key.id)).expires_at).toBe(initial);
      const shorter = initial - HOUR;
      const shortened = await put(key.id, shorter);
      expect({ status: shortened.status, body: shortened.json() }).toEqual({
        status: 200,
        body: { message: 'API key updated' },
      });
      expect((await getKey(key.id)).expires_at).toBe(shorter);

      for (const [label, value] of [
        ['extended', shorter + 1],
        ['extended far', initial + 10 * HOUR],
        ['removed with 0', 0],
        ['removed by omission', undefined],
      ] as const) {
        const res = await put(key.id, value);
        expect({ label, status: res.status }).toEqual({ label, status: 400 });
        expect(res.json<{ error: string }>().error).toContain('expiration');
      }
      expect((await getKey(key.id)).expires_at).toBe(shorter);
    });

    it('lets a key without expiration get one', async () => {
      const key = await createKey({ name: 'expiring', scope: ADMIN_SCOPE });
      expect(await getKey(key.id)).not.toHaveProperty('expires_at');
      const later = Date.now() + HOUR;
      expect((await put(key.id, later)).status).toBe(200);
      expect((await getKey(key.id)).expires_at).toBe(later);
      // Updating without expiration again is now refused.
      expect((await put(key.id, undefined)).status).toBe(400);
    });

    it('stops a key shortened into the past: 401 cannot be authenticated', async () => {
      const key = await createKey({
        name: 'expiring',
        scope: ADMIN_SCOPE,
        admin: 'operator',
        expires_at: Date.now() + HOUR,
      });
      expect((await withKey(key.key, 'GET', '/version')).status).toBe(200);
      const past = Date.now() - 60_000;
      const res = await call('PUT', `/apikeys/${key.id}`, {
        name: 'expiring',
        scope: ADMIN_SCOPE,
        admin: 'operator',
        expires_at: past,
      });
      expect(res.status).toBe(200);
      expect((await getKey(key.id)).expires_at).toBe(past);
      expect(failure(await withKey(key.key, 'GET', '/version'))).toEqual({
        status: 401,
        error: NOT_AUTHENTICATED,
      });
      expect(failure(await withKey(key.key, 'GET', '/users'))).toEqual({
        status: 401,
        error: NOT_AUTHENTICATED,
      });
    });
  });

  describe('authenticating with a key', () => {
    it('an unbound admin key impersonates the admin named after the second dot', async () => {
      const key = await createKey({ name: 'generic admin', scope: ADMIN_SCOPE });
      const users = await withKey(`${key.key}.operator`, 'GET', '/users');
      expect(users.status).toBe(200);
      expect(users.json<{ username: string }[]>().map((u) => u.username)).toEqual(
        expect.arrayContaining(['alice', 'bob']),
      );
      expect((await withKey(`${key.key}.operator`, 'GET', '/version')).status).toBe(200);
      // operator has no `*`: the permission check applies to the impersonated admin.
      const roles = await withKey(`${key.key}.operator`, 'GET', '/roles');
      expect({ status: roles.status, body: roles.json() }).toEqual({
        status: 403,
        body: { message: 'Forbidden' },
      });
      // keyadmin has `*`.
      expect((await withKey(`${key.key}.keyadmin`, 'GET', '/roles')).status).toBe(200);
      // Without a username an unbound key identifies nobody.
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(401);
      expect((await withKey(key.key, 'GET', '/version')).status).toBe(401);
    });

    it('a bound admin key acts as its admin and ignores any username suffix', async () => {
      const key = await createKey({ name: 'bound admin', scope: ADMIN_SCOPE, admin: 'operator' });
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(200);
      expect((await withKey(key.key, 'GET', '/version')).status).toBe(200);
      for (const suffix of ['keyadmin', 'admin', 'ghost-admin']) {
        const users = await withKey(`${key.key}.${suffix}`, 'GET', '/users');
        expect({ suffix, status: users.status }).toEqual({ suffix, status: 200 });
        // Still operator: no `*`.
        const roles = await withKey(`${key.key}.${suffix}`, 'GET', '/roles');
        expect({ suffix, status: roles.status, body: roles.json() }).toEqual({
          suffix,
          status: 403,
          body: { message: 'Forbidden' },
        });
      }
    });

    it('an unbound user key impersonates the user named after the second dot (dots allowed)', async () => {
      await createUser('john.doe', { filters: { allow_api_key_auth: true } });
      writeFileSync(join(homeOf('john.doe'), 'john-marker.txt'), 'john');
      const key = await createKey({ name: 'generic user', scope: USER_SCOPE });
      expect(await listRoot(`${key.key}.alice`)).toEqual(['alice-marker.txt']);
      expect(await listRoot(`${key.key}.bob`)).toEqual(['bob-marker.txt']);
      expect(await listRoot(`${key.key}.john.doe`)).toEqual(['john-marker.txt']);
      const bare = await withKey(key.key, 'GET', '/user/dirs');
      expect(bare.status).toBe(401);
    });

    it('a bound user key acts as its user and ignores any username suffix', async () => {
      const key = await createKey({ name: 'bound user', scope: USER_SCOPE, user: 'alice' });
      expect(await listRoot(key.key)).toEqual(['alice-marker.txt']);
      for (const suffix of ['bob', 'ghost-user', 'john.doe', 'a.b.c']) {
        expect({ suffix, names: await listRoot(`${key.key}.${suffix}`) }).toEqual({
          suffix,
          names: ['alice-marker.txt'],
        });
      }
    });

    it('ignores a bearer token sent alongside the key (the key wins)', async () => {
      const adminKey = await createKey({ name: 'with bearer', scope: ADMIN_SCOPE, admin: 'operator' });
      // With the `*` admin's token the call would succeed; the key (operator) decides.
      const roles = await withKey(adminKey.key, 'GET', '/roles', { bearer: ctx.token });
      expect({ status: roles.status, body: roles.json() }).toEqual({
        status: 403,
        body: { message: 'Forbidden' },
      });
      expect((await withKey(adminKey.key, 'GET', '/users', { bearer: 'not.a.token' })).status).toBe(200);
      // A valid bearer does not rescue a refused key either.
      const unknown = await withKey(`${randomBase57()}.${randomBase57()}`, 'GET', '/users', {
        bearer: ctx.token,
      });
      expect(failure(unknown)).toEqual({ status: 400, error: NOT_VALID });
      const userKeyOnAdmin = await createKey({ name: 'user with bearer', scope: USER_SCOPE, user: 'alice' });
      expect(failure(await withKey(userKeyOnAdmin.key, 'GET', '/users', { bearer: ctx.token }))).toEqual({
        status: 403,
        error: WRONG_SCOPE,
      });

      const bobToken = await ctx.app.request('/api/v2/user/token', {
        basic: { username: 'bob', password: 'bob-Pa55!' },
      });
      expect(bobToken.status).toBe(200);
      const bearer = bobToken.json<{ access_token: string }>().access_token;
      expect(await listRoot(userKeyOnAdmin.key, { bearer })).toEqual(['alice-marker.txt']);
      expect(await listRoot(`${randomBase57()}.${randomBase57()}`, { bearer })).toEqual({
        status: 400,
        error: NOT_VALID,
      });
    });

    it('refuses a malformed key or an unknown id with 400', async () => {
      const known = await createKey({ name: 'known', scope: ADMIN_SCOPE, admin: 'operator' });
      for (const value of ['justonepart', known.id, `${randomBase57()}.${randomBase57()}`]) {
        for (const path of ['/users', '/user/dirs']) {
          const res = await withKey(value, 'GET', path);
          expect({ value, path, ...failure(res) }).toEqual({ value, path, status: 400, error: NOT_VALID });
        }
      }
      expect(failure(await withKey(`${randomBase57()}.${randomBase57()}.operator`, 'GET', '/users'))).toEqual(
        { status: 400, error: NOT_VALID },
      );
    });

    it('refuses a key used on the other API with 403', async () => {
      const userKey = await createKey({ name: 'user scope', scope: USER_SCOPE, user: 'alice' });
      const genericUser = await createKey({ name: 'generic user scope', scope: USER_SCOPE });
      const adminKey = await createKey({ name: 'admin scope', scope: ADMIN_SCOPE, admin: 'operator' });
      const genericAdmin = await createKey({ name: 'generic admin scope', scope: ADMIN_SCOPE });
      for (const [value, path] of [
        [userKey.key, '/users'],
        [userKey.key, '/version'],
        [`${genericUser.key}.alice`, '/users'],
        [`${genericUser.key}.operator`, '/users'],
        [adminKey.key, '/user/dirs'],
        [`${genericAdmin.key}.operator`, '/user/dirs'],
        [`${genericAdmin.key}.alice`, '/user/dirs'],
      ]) {
        const res = await withKey(value, 'GET', path);
        expect({ value, path, ...failure(res) }).toEqual({ value, path, status: 403, error: WRONG_SCOPE });
      }
    });

    it('refuses a wrong secret with 401, also once the right one was accepted', async () => {
      const key = await createKey({ name: 'secret check', scope: ADMIN_SCOPE, admin: 'operator' });
      const userKey = await createKey({ name: 'secret check user', scope: USER_SCOPE, user: 'alice' });
      const wrong = (k: CreatedKey) => `${k.id}.${randomBase57()}`;
      expect(failure(await withKey(wrong(key), 'GET', '/users'))).toEqual({
        status: 401,
        error: NOT_AUTHENTICATED,
      });
      expect(failure(await withKey(wrong(userKey), 'GET', '/user/dirs'))).toEqual({
        status: 401,
        error: NOT_AUTHENTICATED,
      });
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(200);
      expect(await listRoot(userKey.key)).toEqual(['alice-marker.txt']);
      for (const value of [
        wrong(key),
        `${key.id}.${key.secret.slice(0, 21)}`,
        `${key.id}.${key.secret}x`,
        `${key.id}.${key.secret.toLowerCase() === key.secret ? key.secret.toUpperCase() : key.secret.toLowerCase()}`,
      ]) {
        expect({ value, ...failure(await withKey(value, 'GET', '/users')) }).toEqual({
          value,
          status: 401,
          error: NOT_AUTHENTICATED,
        });
      }
      expect(failure(await withKey(wrong(userKey), 'GET', '/user/dirs'))).toEqual({
        status: 401,
        error: NOT_AUTHENTICATED,
      });
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(200);
    });

    it('refuses an expired key with 401', async () => {
      const key = await createKey({
        name: 'short lived',
        scope: USER_SCOPE,
        user: 'alice',
        expires_at: Date.now() + 1500,
      });
      expect(await listRoot(key.key)).toEqual(['alice-marker.txt']);
      await sleep(2000);
      expect(await listRoot(key.key)).toEqual({ status: 401, error: NOT_AUTHENTICATED });
    });

    it('refuses a missing, disabled, not allowed or IP-restricted admin with 401', async () => {
      await createAdmin('disabled-op', { status: 0, filters: { allow_api_key_auth: true } });
      await createAdmin('no-api-op');
      await createAdmin('elsewhere-op', {
        filters: { allow_api_key_auth: true, allow_list: ['127.0.0.2/32'] },
      });
      const generic = await createKey({ name: 'generic admin', scope: ADMIN_SCOPE });
      for (const username of ['ghost-admin', 'disabled-op', 'no-api-op', 'elsewhere-op']) {
        const res = await withKey(`${generic.key}.${username}`, 'GET', '/version');
        expect({ username, ...failure(res) }).toEqual({ username, status: 401, error: ADMIN_REFUSED });
      }
      // The allow list lets the admin in from the allowed address.
      const allowed = await withKey(`${generic.key}.elsewhere-op`, 'GET', '/users', {
        localAddress: '127.0.0.2',
      });
      expect(allowed.status).toBe(200);
      expect((await withKey(`${generic.key}.operator`, 'GET', '/users')).status).toBe(200);

      // The same for keys bound to such admins.
      for (const username of ['disabled-op', 'no-api-op', 'elsewhere-op']) {
        const bound = await createKey({ name: `bound to ${username}`, scope: ADMIN_SCOPE, admin: username });
        const res = await withKey(bound.key, 'GET', '/users');
        expect({ username, ...failure(res) }).toEqual({ username, status: 401, error: ADMIN_REFUSED });
      }
    });

    it('stops a bound admin key once its admin is disabled or loses allow_api_key_auth', async () => {
      await createAdmin('changing-op', { filters: { allow_api_key_auth: true } });
      const key = await createKey({ name: 'changing', scope: ADMIN_SCOPE, admin: 'changing-op' });
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(200);
      const update = (body: Record<string, unknown>) =>
        call('PUT', '/admins/changing-op', { status: 1, permissions: ['view_users'], ...body });
      expect((await update({ filters: { allow_api_key_auth: false } })).status).toBe(200);
      expect(failure(await withKey(key.key, 'GET', '/users'))).toEqual({ status: 401, error: ADMIN_REFUSED });
      expect((await update({ filters: { allow_api_key_auth: true } })).status).toBe(200);
      expect((await withKey(key.key, 'GET', '/users')).status).toBe(200);
      expect((await update({ status: 0, filters: { allow_api_key_auth: true } })).status).toBe(200);
      expect(failure(await withKey(key.key, 'GET', '/users'))).toEqual({ status: 401, error: ADMIN_REFUSED });
    });

    it('refuses a missing, disabled, expired, not allowed, HTTP-denied or IP-denied user with 401', async () => {
      const groupRes = await call('POST', '/groups', {
        name: 'api-key-group',
        user_settings: { filters: { allow_api_key_auth: true } },
      });
      expect(groupRes.status).toBe(201);
      await createUser('disabled-u', { status: 0, filters: { allow_api_key_auth: true } });
      await createUser('expired-u', {
        expiration_date: Date.now() - 60_000,
        filters: { allow_api_key_auth: true },
      });
      await createUser('no-api-u');
      await createUser('secondary-u', { groups: [{ name: 'api-key-group', type: 2 }] });
      await createUser('no-http-u', { filters: { allow_api_key_auth: true, denied_protocols: ['HTTP'] } });
      await createUser('denied-ip-u', { filters: { allow_api_key_auth: true, denied_ip: ['127.0.0.0/8'] } });
      await createUser('allowed-ip-u', { filters: { allow_api_key_auth: true, allowed_ip: ['10.0.0.0/8'] } });
      await createUser('primary-u', { groups: [{ name: 'api-key-group', type: 1 }] });
      writeFileSync(join(homeOf('primary-u'), 'primary-marker.txt'), 'p');

      const generic = await createKey({ name: 'generic user', scope: USER_SCOPE });
      for (const username of [
        'ghost-user',
        'disabled-u',
        'expired-u',
        'no-api-u',
        'secondary-u',
        'no-http-u',
        'denied-ip-u',
        'allowed-ip-u',
      ]) {
        const res = await withKey(`${generic.key}.${username}`, 'GET', '/user/dirs');
        expect({ username, ...failure(res) }).toEqual({ username, status: 401, error: USER_REFUSED });
      }
      // allow_api_key_auth inherited from the primary group.
      expect(await listRoot(`${generic.key}.primary-u`)).toEqual(['primary-marker.txt']);

      // The same for keys bound to such users.
      for (const username of ['disabled-u', 'expired-u', 'no-api-u', 'no-http-u', 'denied-ip-u']) {
        const bound = await createKey({ name: `bound to ${username}`, scope: USER_SCOPE, user: username });
        const res = await withKey(bound.key, 'GET', '/user/dirs');
        expect({ username, ...failure(res) }).toEqual({ username, status: 401, error: USER_REFUSED });
      }
    });

    it('refuses the session and credential endpoints to an admin key with 403', async () => {
      const key = await createKey({ name: 'star admin', scope: ADMIN_SCOPE, admin: 'keyadmin' });
      const target = await createKey({ name: 'target', scope: ADMIN_SCOPE });
      expect((await withKey(key.key, 'GET', '/roles')).status).toBe(200);
      for (const [method, path, body] of [
        ['GET', '/logout', undefined],
        ['GET', '/admin/profile', undefined],
        ['PUT', '/admin/profile', { email: 'k@example.com', allow_api_key_auth: true }],
        ['PUT', '/admin/changepwd', { current_password: 'keyadmin-Pa55!', new_password: 'N3w-Pa55word!' }],
        ['GET', '/apikeys', undefined],
        ['POST', '/apikeys', { name: 'from a key', scope: ADMIN_SCOPE }],
        ['GET', `/apikeys/${target.id}`, undefined],
        ['PUT', `/apikeys/${target.id}`, { name: 'changed by key', scope: ADMIN_SCOPE }],
        ['DELETE', `/apikeys/${target.id}`, undefined],
      ] as const) {
        const res = await withKey(key.key, method, path, body === undefined ? {} : jsonBody(body));
        expect({
          method,
          path,
          status: res.status,
          message: res.json<{ message: string }>().message,
        }).toEqual({
          method,
          path,
          status: 403,
          message: KEY_AUTH_NOT_ALLOWED,
        });
      }
      // Nothing changed.
      expect((await getKey(target.id)).name).toBe('target');
      expect((await call('GET', '/apikeys?limit=500')).json<ApiKeyBody[]>().map((k) => k.name)).not.toContain(
        'from a key',
      );
      await expect(ctx.app.token({ username: 'keyadmin', password: 'keyadmin-Pa55!' })).resolves.toEqual(
        expect.any(String),
      );
      // The key still works afterwards (no logout happened).
      expect((await withKey(key.key, 'GET', '/roles')).status).toBe(200);
    });

    it('refuses updating the impersonated admin itself with 400', async () => {
      const key = await createKey({ name: 'star admin', scope: ADMIN_SCOPE, admin: 'keyadmin' });
      const self = await withKey(
        key.key,
        'PUT',
        '/admins/keyadmin',
        jsonBody({ status: 1, permissions: ['*'], filters: { allow_api_key_auth: true }, description: 'x' }),
      );
      expect(failure(self)).toEqual({
        status: 400,
        error: 'updating the admin impersonated with an API key is not allowed',
      });
      const generic = await createKey({ name: 'generic star admin', scope: ADMIN_SCOPE });
      const viaSuffix = await withKey(
        `${generic.key}.keyadmin`,
        'PUT',
        '/admins/keyadmin',
        jsonBody({ status: 1, permissions: ['*'], filters: { allow_api_key_auth: true }, description: 'y' }),
      );
      expect(failure(viaSuffix)).toEqual({
        status: 400,
        error: 'updating the admin impersonated with an API key is not allowed',
      });
      expect((await call('GET', '/admins/keyadmin')).json()).not.toHaveProperty('description');
    });

    it('refuses the session and credential endpoints to a user key with 403', async () => {
      const key = await createKey({ name: 'user self', scope: USER_SCOPE, user: 'bob' });
      for (const [method, path, body] of [
        ['GET', '/user/logout', undefined],
        ['PUT', '/user/changepwd', { current_password: 'bob-Pa55!', new_password: 'N3w-Pa55word!' }],
        ['GET', '/user/profile', undefined],
        ['PUT', '/user/profile', { email: 'bob@example.com', allow_api_key_auth: true }],
      ] as const) {
        const res = await withKey(key.key, method, path, body === undefined ? {} : jsonBody(body));
        expect({
          method,
          path,
          status: res.status,
          message: res.json<{ message: string }>().message,
        }).toEqual({
          method,
          path,
          status: 403,
          message: KEY_AUTH_NOT_ALLOWED,
        });
      }
      // The password did not change.
      const login = await ctx.app.request('/api/v2/user/token', {
        basic: { username: 'bob', password: 'bob-Pa55!' },
      });
      expect(login.status).toBe(200);
      expect(await listRoot(key.key)).toEqual(['bob-marker.txt']);
    });

    it('records last_use_at on the first use, then at most once a minute', async () => {
      for (const [scope, body, use] of [
        [
          'admin',
          { name: 'usage admin', scope: ADMIN_SCOPE, admin: 'operator' },
          (k: string) => withKey(k, 'GET', '/users'),
        ],
        [
          'user',
          { name: 'usage user', scope: USER_SCOPE },
          (k: string) => withKey(`${k}.alice`, 'GET', '/user/dirs'),
        ],
      ] as const) {
        const key = await createKey(body);
        expect(await getKey(key.id)).not.toHaveProperty('last_use_at');
        // A failed attempt is no use.
        expect((await use(`${key.id}.${randomBase57()}`)).status).toBe(401);
        await sleep(300);
        expect(await getKey(key.id)).not.toHaveProperty('last_use_at');

        const before = Date.now();
        expect((await use(key.key)).status).toBe(200);
        const lastUse = await waitForLastUse(key.id);
        expect({ scope, lastUse }).toEqual({ scope, lastUse: expect.any(Number) });
        expect(lastUse).toBeGreaterThanOrEqual(before - 1000);
        expect(lastUse).toBeLessThanOrEqual(Date.now() + 1000);

        // A second use within the minute does not write it again.
        await sleep(50);
        expect((await use(key.key)).status).toBe(200);
        await sleep(1000);
        expect((await getKey(key.id)).last_use_at).toBe(lastUse);
      }
    });

    it('deletes keys bound to a user or an admin with that account', async () => {
      await createUser('cascade-u', { filters: { allow_api_key_auth: true } });
      await createAdmin('cascade-op', { filters: { allow_api_key_auth: true } });
      const userKey = await createKey({ name: 'cascade user', scope: USER_SCOPE, user: 'cascade-u' });
      const adminKey = await createKey({ name: 'cascade admin', scope: ADMIN_SCOPE, admin: 'cascade-op' });
      const unbound = await createKey({ name: 'cascade survivor', scope: USER_SCOPE });
      expect((await withKey(userKey.key, 'GET', '/user/dirs')).status).toBe(200);
      expect((await withKey(adminKey.key, 'GET', '/users')).status).toBe(200);
      expect((await withKey(`${unbound.key}.cascade-u`, 'GET', '/user/dirs')).status).toBe(200);

      expect((await call('DELETE', '/users/cascade-u')).status).toBe(200);
      expect((await call('DELETE', '/admins/cascade-op')).status).toBe(200);

      // The rows are gone with the accounts.
      expect((await call('GET', `/apikeys/${userKey.id}`)).status).toBe(404);
      expect((await call('GET', `/apikeys/${adminKey.id}`)).status).toBe(404);
      const ids = (await call('GET', '/apikeys?limit=500')).json<ApiKeyBody[]>().map((k) => k.id);
      expect(ids).not.toContain(userKey.id);
      expect(ids).not.toContain(adminKey.id);
      // An unbound key survives; it just no longer finds the user.
      expect(ids).toContain(unbound.id);
      expect(failure(await withKey(`${unbound.key}.cascade-u`, 'GET', '/user/dirs'))).toEqual({
        status: 401,
        error: USER_REFUSED,
      });
      // And the deleted keys are unknown keys from then on.
      expect({
        user: failure(await withKey(userKey.key, 'GET', '/user/dirs')),
        admin: failure(await withKey(adminKey.key, 'GET', '/users')),
      }).toEqual({
        user: { status: 400, error: NOT_VALID },
        admin: { status: 400, error: NOT_VALID },
      });
    });
  });

  it('runs a CI pipeline on the user file API with a user key: upload, download, list', async () => {
    await createUserWithToken(ctx.app, ctx.token, 'ci-user', homeOf('ci-user'), {
      filters: { allow_api_key_auth: true },
    });
    const { key } = await createKey({
      name: 'ci pipeline',
      scope: USER_SCOPE,
      user: 'ci-user',
      description: 'uploads build artifacts',
    });
    const artifact = `build ${randomBytes(8).toString('hex')}\n`;
    const upload = await withKey(key, 'POST', '/user/files/upload?path=%2Fa.txt&mkdir_parents=true', {
      body: artifact,
    });
    expect({ status: upload.status, body: upload.json() }).toEqual({
      status: 201,
      body: { message: 'Upload completed' },
    });
    expect(readFileSync(join(homeOf('ci-user'), 'a.txt'), 'utf8')).toBe(artifact);
    const nested = await withKey(
      key,
      'POST',
      '/user/files/upload?path=%2Fbuilds%2F42%2Fout.bin&mkdir_parents=true',
      {
        body: Buffer.from([1, 2, 3]),
        headers: { 'content-type': 'application/octet-stream' },
      },
    );
    expect(nested.status).toBe(201);

    const download = await withKey(key, 'GET', '/user/files?path=%2Fa.txt');
    expect(download.status).toBe(200);
    expect(download.text).toBe(artifact);
    expect(await listRoot(key)).toEqual(['a.txt', 'builds']);
    const builds = await withKey(key, 'GET', '/user/dirs?path=%2Fbuilds%2F42');
    expect(builds.status).toBe(200);
    expect(builds.json<{ name: string; size: number }[]>()).toEqual([
      expect.objectContaining({ name: 'out.bin', size: 3 }),
    ]);
  });
});
