import { UsersService } from '@app/users';
import * as bcrypt from 'bcrypt';
import { generateKeyPairSync } from 'node:crypto';
import type { TestResponse } from './support/http-client';
import type { TestDatabase } from './support/test-db';
import { useTestServer } from './support/lifecycle';
import { startTestServer } from './support/test-server';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// The admin state cache's lifetime (see admin-token.e2e-spec.ts).
const ADMIN_CACHE_MS = 2100;

const TLS_CERT = `-----BEGIN CERTIFICATE-----
MIIC/zCCAeegAwIBAgIUANHglhY8KoBiOtr9vu1VExxADC8wDQYJKoZIhvcNAQEL
BQAwDzENMAsGA1UEAwwEZnVsbDAeFw0yNjExMjcwODU2MzNaFw0zNjExMjQwODU2
MzNaMA8xDTALBgNVBAMMBGZ1bGwwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEK
AoIBAQC9+Xjd67d49oQ8BAEVwQJha7MYudiqLRkxOfPOsMYj53u8KLtf7GIPdbOR
3p0dCicM6oyetxSXAjozTuAz7z+4kkiwvVpWFKMJZRvwSqv/SMmV32seh7y+bO2H
IQRSFIBCa7q+H8HDYttdLYospP/eSTMn0ukpA7mESZhwJ0fkzii4Lgd8MhzXDqMm
CwJycWnHisax351oF9y6svMqvxzDkpiTXMHs8Gc42G/rtFK74tk/NJV0DjNCOvCN
Kxxl+hbLHd0YDcCk4fvJ1GAUbwxiEYy+VKw4nhe4HTP8rsYPodfUV+T8bU3MXwRa
pRidI9yknyw83TSBnw0EONh2f77LAgMBAAGjUzBRMB0GA1UdDgQWBBS4y3thxsWb
5u03xuQzm6ht7feCtDAfBgNVHSMEGDAWgBS4y3thxsWb5u03xuQzm6ht7feCtDAP
BgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQAGCFFYeWTnAYSVtsUs
WQX+iaAZVjDdtz0wtk0rFow+sLtZm3TSVhJlqSOZMjXqfqOsLvghUWdu2XEdi7VS
owJ7vhultRDpXqZRYP4FkTcTtOsxgiTOBZzHYrhuQoxzRSD6fEMy6sT5QVNY6Dku
d4p0B4JsmyGYa+/f4Gbvrc3Gr5ry57Hu6RN2c5cMl1+gxONFkUnm/FCpepWoKZGD
9O9rq3UYm9uxhVl7VBQif5/krc/14DKeIngIgBAW3yImhvbT3epXgMWFZrLnvbgU
NV+Y0E4dRBc6kHUqDEMKPh0PmZXTyUGKsunvVVtn7oGFbbCpDx2IM/yjW2U+JnTC
Ltj3
-----END CERTIFICATE-----
`;

/** An OpenSSH `ssh-ed25519` authorized-key line for a fresh key. */
function ed25519PublicKey(comment: string): string {
  const der = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'der' });
  const field = (data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    return Buffer.concat([length, data]);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(der.subarray(der.length - 32))]);
  return `ssh-ed25519 ${blob.toString('base64')} ${comment}`;
}

type Json = Record<string, unknown>;

function jsonBody(body: unknown): { headers: Record<string, string>; body: string } {
  return { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

function minimalUser(username: string, extra: Json = {}): Json {
  return {
    username,
    status: 1,
    password: `pw-${username}-Secret`,
    home_dir: `/srv/sftpgo/${username}`,
    permissions: { '/': ['*'] },
    ...extra,
  };
}

const EMPTY_FILESYSTEM = {
  provider: 0,
  osconfig: {},
  s3config: {},
  gcsconfig: {},
  azblobconfig: {},
  cryptconfig: {},
  sftpconfig: {},
  httpconfig: {},
};

/** Inserts an admin directly (the admin endpoints are another lib's). */
async function insertAdmin(
  db: TestDatabase,
  username: string,
  password: string,
  permissions: string[],
  options: { roleId?: number; filters?: Json } = {},
): Promise<void> {
  const now = Date.now();
  await db.query(
    'INSERT INTO "admins" ("username", "password", "status", "permissions", "filters", "last_login", "role_id", "created_at", "updated_at") VALUES (?, ?, 1, ?, ?, 0, ?, ?, ?)',
    [
      username,
      await bcrypt.hash(password, 4),
      JSON.stringify(permissions),
      JSON.stringify(options.filters ?? {}),
      options.roleId ?? null,
      now,
      now,
    ],
  );
}

async function insertRole(db: TestDatabase, name: string): Promise<number> {
  const now = Date.now();
  await db.query('INSERT INTO "roles" ("name", "created_at", "updated_at") VALUES (?, ?, ?)', [
    name,
    now,
    now,
  ]);
  const rows = await db.query<{ id: number }>('SELECT "id" FROM "roles" WHERE "name" = ?', [name]);
  return Number(rows[0].id);
}

async function insertFolder(db: TestDatabase, name: string, mappedPath: string): Promise<void> {
  await db.query(
    'INSERT INTO "folders" ("name", "path", "used_quota_size", "used_quota_files", "last_quota_update", "filesystem") VALUES (?, ?, 123, 2, 456, ?)',
    [name, mappedPath, JSON.stringify({ provider: 0 })],
  );
}

async function insertGroup(db: TestDatabase, name: string, userSettings: Json = {}): Promise<void> {
  const now = Date.now();
  await db.query(
    'INSERT INTO "groups" ("name", "user_settings", "created_at", "updated_at") VALUES (?, ?, ?, ?)',
    [name, JSON.stringify(userSettings), now, now],
  );
}

function expectValidation(res: TestResponse, fragment: string): void {
  expect({ status: res.status, error: res.json().error }).toEqual({
    status: 400,
    error: expect.stringContaining(fragment),
  });
  expect(res.json().error).toMatch(/^Validation error: /);
}

describe('users (/api/v2/users)', () => {
  const ctx = useTestServer({ token: true });

  const api = {
    post: (body: unknown, bearer = ctx.token, query = '') =>
      ctx.app.request(`/api/v2/users${query}`, { method: 'POST', bearer, ...jsonBody(body) }),
    put: (username: string, body: unknown, bearer = ctx.token, query = '') =>
      ctx.app.request(`/api/v2/users/${encodeURIComponent(username)}${query}`, {
        method: 'PUT',
        bearer,
        ...jsonBody(body),
      }),
    get: (username: string, bearer = ctx.token, query = '') =>
      ctx.app.request(`/api/v2/users/${encodeURIComponent(username)}${query}`, { bearer }),
    list: (query = '', bearer = ctx.token) => ctx.app.request(`/api/v2/users${query}`, { bearer }),
    delete: (username: string, bearer = ctx.token) =>
      ctx.app.request(`/api/v2/users/${encodeURIComponent(username)}`, { method: 'DELETE', bearer }),
  };

  async function create(username: string, extra: Json = {}): Promise<Json> {
    const res = await api.post(minimalUser(username, extra));
    expect({ status: res.status, body: res.json() }).toMatchObject({ status: 201 });
    return res.json();
  }

  describe('authentication and permissions', () => {
    it('answers 401 without a token on every operation', async () => {
      const calls = [
        ctx.app.request('/api/v2/users'),
        ctx.app.request('/api/v2/users', { method: 'POST', ...jsonBody(minimalUser('x')) }),
        ctx.app.request('/api/v2/users/x'),
        ctx.app.request('/api/v2/users/x', { method: 'PUT', ...jsonBody(minimalUser('x')) }),
        ctx.app.request('/api/v2/users/x', { method: 'DELETE' }),
      ];
      for (const res of await Promise.all(calls)) expect(res.status).toBe(401);
    });

    it('answers 403 to an admin missing the permission of each operation', async () => {
      await create('perm-target');
      await insertAdmin(ctx.db, 'viewer', 'viewer-pw', ['view_users']);
      await insertAdmin(ctx.db, 'adder', 'adder-pw', ['add_users', 'del_users']);
      const viewer = await ctx.app.token({ username: 'viewer', password: 'viewer-pw' });
      const adder = await ctx.app.token({ username: 'adder', password: 'adder-pw' });

      expect((await api.list('', viewer)).status).toBe(200);
      expect((await api.get('perm-target', viewer)).status).toBe(200);
      for (const res of [
        await api.post(minimalUser('nope'), viewer),
        await api.put('perm-target', minimalUser('perm-target'), viewer),
        await api.delete('perm-target', viewer),
        await api.list('', adder),
        await api.get('perm-target', adder),
        await api.put('perm-target', minimalUser('perm-target'), adder),
      ]) {
        expect({ status: res.status, body: res.json() }).toEqual({
          status: 403,
          body: { message: 'Forbidden' },
        });
      }
      expect((await api.post(minimalUser('by-adder'), adder)).status).toBe(201);
      expect((await api.delete('by-adder', adder)).status).toBe(200);
    });

    it('hides the password hash unless a `*` admin asks for confidential data', async () => {
      await create('confidential');
      expect((await api.get('confidential')).json().password).toBeUndefined();
      const full = (await api.get('confidential', ctx.token, '?confidential_data=1')).json();
      expect(String(full.password)).toMatch(/^\$2a\$/);
      const viewer = await ctx.app.token({ username: 'viewer', password: 'viewer-pw' });
      expect((await api.get('confidential', viewer, '?confidential_data=1')).json().password).toBeUndefined();
    });
  });

  describe('create, read, update, delete', () => {
    it('creates a minimal user: 201, Location, SFTPGo shape, no password', async () => {
      const before = Date.now();
      const res = await api.post(minimalUser('u1'));
      expect(res.status).toBe(201);
      expect(res.headers.location).toBe('/api/v2/users/u1');
      const body = res.json();
      expect(body).toEqual({
        id: expect.any(Number),
        status: 1,
        username: 'u1',
        has_password: true,
        home_dir: '/srv/sftpgo/u1',
        uid: 0,
        gid: 0,
        max_sessions: 0,
        quota_size: 0,
        quota_files: 0,
        permissions: { '/': ['*'] },
        upload_data_transfer: 0,
        download_data_transfer: 0,
        total_data_transfer: 0,
        created_at: expect.any(Number),
        updated_at: expect.any(Number),
        last_password_change: expect.any(Number),
        filters: {
          hooks: { external_auth_disabled: false, pre_login_disabled: false, check_password_disabled: false },
          totp_config: {},
        },
        filesystem: EMPTY_FILESYSTEM,
      });
      expect(body.created_at as number).toBeGreaterThanOrEqual(before);
      expect(body.last_password_change as number).toBeGreaterThanOrEqual(before);
      expect(res.text).not.toContain('pw-u1-Secret');
      const rows = await ctx.db.query<{ password: string }>(
        'SELECT "password" FROM "users" WHERE "username" = ?',
        ['u1'],
      );
      expect(await bcrypt.compare('pw-u1-Secret', rows[0].password)).toBe(true);

      const got = await api.get('u1');
      expect(got.status).toBe(200);
      expect(got.json()).toEqual(body);
    });

    it('escapes the username in the Location header', async () => {
      const res = await api.post(minimalUser('a.b~c_d-e'));
      expect(res.headers.location).toBe(`/api/v2/users/${encodeURIComponent('a.b~c_d-e')}`);
    });

    it('answers 404 for a missing user on GET, PUT and DELETE', async () => {
      for (const res of [
        await api.get('missing'),
        await api.put('missing', minimalUser('missing')),
        await api.delete('missing'),
        await api.delete('0'),
      ]) {
        expect({ status: res.status, body: res.json() }).toEqual({
          status: 404,
          body: { error: 'Not Found', message: '' },
        });
      }
    });

    it('refuses a duplicate username with 409', async () => {
      await create('dup');
      const res = await api.post(minimalUser('dup'));
      expect(res.status).toBe(409);
      expect(res.json().error).toMatch(/^duplicated key not allowed/);
    });

    it('updates with a full replace keeping id, username, created_at and server-managed fields', async () => {
      const created = await create('upd', { description: 'before', quota_files: 5 });
      await ctx.db.query(
        'UPDATE "users" SET "used_quota_size" = 77, "used_quota_files" = 3, "last_login" = 99 WHERE "username" = ?',
        ['upd'],
      );
      const res = await api.put('upd', {
        username: 'renamed-ignored',
        id: 999,
        status: 0,
        home_dir: '/srv/other',
        permissions: { '/': ['list'] },
        used_quota_size: 1,
        created_at: 5,
        last_login: 6,
      });
      expect({ status: res.status, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'User updated' },
      });
      const got = (await api.get('upd')).json();
      expect(got).toMatchObject({
        id: created.id,
        username: 'upd',
        status: 0,
        home_dir: '/srv/other',
        permissions: { '/': ['list'] },
        used_quota_size: 77,
        used_quota_files: 3,
        last_login: 99,
        created_at: created.created_at,
        quota_files: 0,
        has_password: true,
      });
      expect(got.description).toBeUndefined();
      expect(got.updated_at as number).toBeGreaterThan(created.updated_at as number);
      expect((await api.get('renamed-ignored')).status).toBe(404);
    });

    it('ignores server-managed fields on POST', async () => {
      const body = (
        await api.post(
          minimalUser('managed', {
            used_quota_size: 10,
            used_quota_files: 2,
            last_quota_update: 3,
            used_upload_data_transfer: 4,
            used_download_data_transfer: 5,
            last_login: 6,
            first_upload: 7,
            first_download: 8,
            created_at: 9,
            updated_at: 10,
            last_password_change: 11,
            has_password: false,
            id: 12345,
            oidc_custom_fields: { a: 1 },
          }),
        )
      ).json();
      for (const key of [
        'used_quota_size',
        'used_quota_files',
        'last_quota_update',
        'used_upload_data_transfer',
        'used_download_data_transfer',
        'last_login',
        'first_upload',
        'first_download',
        'oidc_custom_fields',
      ]) {
        expect({ key, value: body[key] }).toEqual({ key, value: undefined });
      }
      expect(body.id).not.toBe(12345);
      expect(body.created_at as number).toBeGreaterThan(1000);
      expect(body.has_password).toBe(true);
    });

    it('deletes a user and its mappings, and 404s afterwards', async () => {
      await insertFolder(ctx.db, 'del-folder', '/data/del-folder');
      await insertGroup(ctx.db, 'del-group');
      await create('to-delete', {
        virtual_folders: [{ name: 'del-folder', virtual_path: '/vf' }],
        groups: [{ name: 'del-group', type: 2 }],
      });
      const res = await api.delete('to-delete');
      expect({ status: res.status, body: res.json() }).toEqual({
        status: 200,
        body: { message: 'User deleted' },
      });
      expect((await api.get('to-delete')).status).toBe(404);
      const rows = await ctx.db.query<{ n: number }>(
        'SELECT COUNT(*) AS "n" FROM "users_folders_mapping" m JOIN "folders" f ON f."id" = m."folder_id" WHERE f."name" = ?',
        ['del-folder'],
      );
      expect(Number(rows[0].n)).toBe(0);
      const groupRefs = await ctx.db.query<{ n: number }>(
        'SELECT COUNT(*) AS "n" FROM "users_groups_mapping" m JOIN "groups" g ON g."id" = m."group_id" WHERE g."name" = ?',
        ['del-group'],
      );
      expect(Number(groupRefs[0].n)).toBe(0);
    });

    it('refuses a body that is not JSON with 400', async () => {
      const post = await ctx.app.request('/api/v2/users', {
        method: 'POST',
        bearer: ctx.token,
        headers: { 'content-type': 'application/json' },
        body: 'not json',
      });
      expect(post.status).toBe(400);
      await create('badjson');
      const put = await ctx.app.request('/api/v2/users/badjson', {
        method: 'PUT',
        bearer: ctx.token,
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(put.status).toBe(400);
    });

    it('checks the disconnect parameter of PUT', async () => {
      await create('disc');
      const bad = await api.put('disc', minimalUser('disc'), ctx.token, '?disconnect=a');
      expect(bad.status).toBe(400);
      expect(bad.json().error).toContain('invalid disconnect parameter');
      expect((await api.put('disc', minimalUser('disc'), ctx.token, '?disconnect=1')).status).toBe(200);
    });

    it('bumps updated_at on every update and keeps created_at', async () => {
      const created = await create('stamps');
      let last = created.updated_at as number;
      for (let i = 0; i < 3; i++) {
        expect((await api.put('stamps', minimalUser('stamps', { description: `v${i}` }))).status).toBe(200);
        const got = (await api.get('stamps')).json();
        expect(got.created_at).toBe(created.created_at);
        expect(got.updated_at as number).toBeGreaterThan(last);
        last = got.updated_at as number;
      }
    });
  });

  describe('passwords', () => {
    it('keeps the password when PUT omits it and removes it with ""', async () => {
      await create('pw');
      const [{ password: stored }] = await ctx.db.query<{ password: string }>(
        'SELECT "password" FROM "users" WHERE "username" = ?',
        ['pw'],
      );
      const { password: _omit, ...withoutPassword } = minimalUser('pw');
      expect((await api.put('pw', withoutPassword)).status).toBe(200);
      const after = await ctx.db.query<{ password: string }>(
        'SELECT "password" FROM "users" WHERE "username" = ?',
        ['pw'],
      );
      expect(after[0].password).toBe(stored);
      expect((await api.get('pw')).json().has_password).toBe(true);

      expect((await api.put('pw', { ...withoutPassword, password: '' })).status).toBe(200);
      expect((await api.get('pw')).json().has_password).toBeUndefined();
      const cleared = await ctx.db.query<{ password: string | null }>(
        'SELECT "password" FROM "users" WHERE "username" = ?',
        ['pw'],
      );
      expect(cleared[0].password ?? '').toBe('');
    });

    it('refuses a weak plain password under password_strength (user or primary group)', async () => {
      expectValidation(
        await api.post(minimalUser('weak-pw', { password: 'abc', filters: { password_strength: 50 } })),
        'insecure password',
      );
      await insertGroup(ctx.db, 'strict-group', { filters: { password_strength: 50 } });
      expectValidation(
        await api.post(
          minimalUser('weak-pw', { password: 'abc', groups: [{ name: 'strict-group', type: 1 }] }),
        ),
        'insecure password',
      );
      // A hash is not a password: its strength cannot be checked.
      const hash = await bcrypt.hash('abc', 4);
      await create('weak-pw', { password: hash, filters: { password_strength: 50 } });
    });

    it('creates a user without a password', async () => {
      const body = await create('nopw', { password: '' });
      expect(body.has_password).toBeUndefined();
      expect(body.last_password_change).toBeUndefined();
    });

    it.each([
      ['bcrypt $2a$', '$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
      ['bcrypt $2y$', '$2y$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy'],
      ['argon2id', '$argon2id$v=19$m=65536,t=1,p=2$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA'],
      ['pbkdf2', '$pbkdf2-sha256$150000$c2FsdA$aGFzaA'],
      ['sha512crypt', '$6$salt$hashhashhash'],
      ['md5 hex', '{MD5}5f4dcc3b5aa765d61d8327deb882cf99'],
    ])('stores a pre-hashed password (%s) as is', async (_name, hash) => {
      const username = `prehashed-${Math.random().toString(36).slice(2, 8)}`;
      await create(username, { password: hash });
      const rows = await ctx.db.query<{ password: string }>(
        'SELECT "password" FROM "users" WHERE "username" = ?',
        [username],
      );
      expect(rows[0].password).toBe(hash);
    });
  });

  describe('validation', () => {
    it.each<[string, Json, string]>([
      ['status out of range', { status: 3 }, 'invalid user status: 3'],
      ['empty username', { username: '' }, 'username is mandatory'],
      ['username with a slash', { username: 'a/b' }, 'Invalid input'],
      ['reserved username', { username: '__self__' }, 'reserved'],
      ['empty home_dir', { home_dir: '' }, 'home_dir is mandatory'],
      ['relative home_dir', { home_dir: 'relative_path' }, 'home_dir must be an absolute path'],
      ['uid out of range', { uid: 2147483648 }, 'uid'],
      ['negative gid', { gid: -1 }, 'gid'],
      ['wrong type', { quota_size: 'big' }, 'quota_size'],
      ['empty permissions', { permissions: {} }, 'please grant some permissions to this user'],
      ['root without permissions', { permissions: { '/': [] } }, '/'],
      [
        'no root permissions',
        { permissions: { '/somedir': ['list'] } },
        'permissions for the root dir "/" must be set',
      ],
      [
        'relative permission path',
        { permissions: { '/': ['*'], not_abs_path: ['list'] } },
        'non absolute path',
      ],
      ['unknown permission', { permissions: { '/': ['fly'] } }, 'invalid permission'],
      ['invalid email', { email: 'invalid@email' }, 'email "invalid@email" is not valid'],
      ['invalid additional email', { filters: { additional_emails: ['x@y'] } }, 'is not valid'],
      ['bare IP in allowed_ip', { filters: { allowed_ip: ['192.168.2.0'] } }, 'allowed'],
      ['all protocols denied', { filters: { denied_protocols: ['SSH', 'FTP', 'DAV', 'HTTP'] } }, 'protocols'],
      ['unknown web_client option', { filters: { web_client: ['fly'] } }, 'web client'],
      [
        'invalid day of week',
        { filters: { access_time: [{ day_of_week: 8, from: '10:00', to: '11:00' }] } },
        'invalid day of week',
      ],
      [
        'end before start',
        { filters: { access_time: [{ day_of_week: 1, from: '11:00', to: '10:58' }] } },
        'The end time cannot be earlier than the start time',
      ],
      ['invalid public key', { public_keys: ['not a key'] }, 'error parsing public key at position 0'],
      ['invalid provider', { filesystem: { provider: 9 } }, 'invalid filesystem provider'],
      ['S3 without bucket', { filesystem: { provider: 1, s3config: { region: 'r' } } }, 'bucket'],
      [
        'redacted secret',
        {
          filesystem: {
            provider: 1,
            s3config: { bucket: 'b', region: 'r', access_key: 'k', access_secret: { status: 'Redacted' } },
          },
        },
        'cannot save a user with a redacted secret',
      ],
      ['group type out of range', { groups: [{ name: 'g', type: 4 }] }, 'invalid group type'],
      [
        'two primary groups',
        {
          groups: [
            { name: 'vg1', type: 1 },
            { name: 'vg2', type: 1 },
          ],
        },
        'only one primary group is allowed',
      ],
      [
        'duplicated group',
        {
          groups: [
            { name: 'vg1', type: 2 },
            { name: 'vg1', type: 3 },
          ],
        },
        'the group "vg1" is duplicated',
      ],
      ['unknown group', { groups: [{ name: 'no-such-group', type: 2 }] }, 'no-such-group'],
      [
        'virtual folder without a path',
        { virtual_folders: [{ name: 'vf-valid' }] },
        'virtual path is mandatory',
      ],
      [
        'virtual folder quota mix',
        { virtual_folders: [{ name: 'vf-valid', virtual_path: '/v', quota_size: -1, quota_files: 1 }] },
        'quota',
      ],
      [
        'unknown virtual folder',
        { virtual_folders: [{ name: 'no-such-folder', virtual_path: '/v' }] },
        'no-such-folder',
      ],
    ])('refuses %s with 400 naming the problem', async (_case, override, fragment) => {
      if (!(await ctx.db.query('SELECT "id" FROM "groups" WHERE "name" = ?', ['vg1'])).length) {
        await insertGroup(ctx.db, 'vg1');
        await insertGroup(ctx.db, 'vg2');
        await insertFolder(ctx.db, 'vf-valid', '/data/vf-valid');
      }
      const res = await api.post({ ...minimalUser('invalid-user'), ...override });
      expectValidation(res, fragment);
      const username =
        typeof override.username === 'string' && override.username ? override.username : 'invalid-user';
      expect((await api.get(username)).status).toBe(404);
    });

    it('refuses a PUT with an invalid status and writes nothing', async () => {
      const created = await create('status-put', { status: 0 });
      expect(created.status).toBe(0);
      expectValidation(
        await api.put('status-put', minimalUser('status-put', { status: 2 })),
        'invalid user status: 2',
      );
      expect((await api.get('status-put')).json().status).toBe(0);
    });

    it('normalises permissions, zeroes negative bandwidth and per-direction transfer under a total', async () => {
      const body = await create('normalised', {
        permissions: { '/': ['*', 'list'], '/somedir/../otherdir/': ['list', 'list'] },
        upload_bandwidth: -5,
        download_bandwidth: -1,
        upload_data_transfer: 10,
        download_data_transfer: 20,
        total_data_transfer: 100,
      });
      expect(body.permissions).toEqual({ '/': ['*'], '/otherdir': ['list'] });
      expect(body.upload_bandwidth).toBeUndefined();
      expect(body.download_bandwidth).toBeUndefined();
      expect(body).toMatchObject({
        upload_data_transfer: 0,
        download_data_transfer: 0,
        total_data_transfer: 100,
      });
    });

    it('applies the anonymous settings', async () => {
      const body = await create('anon', {
        permissions: { '/': ['*'], '/in': ['upload'] },
        filters: { is_anonymous: true },
      });
      expect(body.permissions).toEqual({ '/': ['list', 'download'], '/in': ['list', 'download'] });
      const filters = body.filters as Json;
      expect(filters.denied_protocols).toEqual(expect.arrayContaining(['SSH', 'HTTP']));
      expect(filters.denied_login_methods).not.toContain('password');
    });

    it('never takes totp_config or recovery codes from an admin', async () => {
      const body = await create('totp', {
        filters: {
          totp_config: {
            enabled: true,
            config_name: 'Default',
            secret: { status: 'Plain', payload: 'ABCDEFGH' },
          },
          recovery_codes: [{ secret: { status: 'Plain', payload: 'RC-1' } }],
        },
      });
      expect((body.filters as Json).totp_config).toEqual({});
      expect((body.filters as Json).recovery_codes).toBeUndefined();
    });
  });

  describe('OpenAPI', () => {
    it('documents the user operations with the reference schema names', async () => {
      const doc = (await ctx.app.request('/openapi.json')).json<{
        paths: Record<string, Record<string, { operationId?: string }>>;
        components: { schemas: Record<string, unknown> };
      }>();
      expect(doc.paths['/api/v2/users'].get.operationId).toBe('get_users');
      expect(doc.paths['/api/v2/users'].post.operationId).toBe('add_user');
      expect(doc.paths['/api/v2/users/{username}'].get.operationId).toBe('get_user_by_username');
      expect(doc.paths['/api/v2/users/{username}'].put.operationId).toBe('update_user');
      expect(doc.paths['/api/v2/users/{username}'].delete.operationId).toBe('delete_user');
      for (const name of ['User', 'UserFilters', 'GroupMapping', 'FilesystemConfig', 'VirtualFolder']) {
        expect({ name, present: name in doc.components.schemas }).toEqual({ name, present: true });
      }
    });
  });

  describe('lists', () => {
    it('pages in the database ordered by username, with SFTPGo query errors', async () => {
      const names = ['list-c', 'list-a', 'list-e', 'list-b', 'list-d'];
      for (const name of names) await create(name);
      const all = (await api.list('?limit=500')).json<Json[]>().map((u) => u.username as string);
      const sorted = [...all].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(all).toEqual(sorted);
      const start = all.indexOf('list-a');
      const page = (await api.list(`?offset=${start + 1}&limit=2`)).json<Json[]>().map((u) => u.username);
      expect(page).toEqual(['list-b', 'list-c']);
      const desc = (await api.list('?order=DESC&limit=500')).json<Json[]>().map((u) => u.username);
      expect(desc).toEqual([...all].reverse());
      expect((await api.list('?limit=1')).json<Json[]>()).toHaveLength(1);
      expect((await api.list(`?offset=${all.length}`)).json()).toEqual([]);
      expect((await api.list('?limit=510')).status).toBe(200);
      expect((await api.list('?limit=a')).json()).toMatchObject({ error: 'invalid limit' });
      expect((await api.list('?offset=aa')).status).toBe(400);
      expect((await api.list('?order=ASCa')).json()).toMatchObject({ error: 'invalid order' });
    });

    it('never returns a password in a list', async () => {
      const res = await api.list('?limit=500');
      expect(res.status).toBe(200);
      for (const user of res.json<Json[]>()) expect(user.password).toBeUndefined();
    });
  });

  describe('roles', () => {
    let roleAdmin: string;

    beforeAll(async () => {
      const roleId = await insertRole(ctx.db, 'role1');
      await insertRole(ctx.db, 'role2');
      await insertAdmin(
        ctx.db,
        'role-admin',
        'role-admin-pw',
        ['add_users', 'edit_users', 'del_users', 'view_users'],
        {
          roleId,
        },
      );
      roleAdmin = await ctx.app.token({ username: 'role-admin', password: 'role-admin-pw' });
    });

    it('forces the role admin role on the users it creates and updates', async () => {
      const body = (await api.post(minimalUser('role-user', { role: 'role2' }), roleAdmin)).json();
      expect(body.role).toBe('role1');
      expect((await api.put('role-user', minimalUser('role-user', { role: '' }), roleAdmin)).status).toBe(
        200,
      );
      expect((await api.get('role-user')).json().role).toBe('role1');
    });

    it('lets a role admin see only its users and answers 404 for the others', async () => {
      await create('other-role-user', { role: 'role2' });
      await create('no-role-user');
      const listed = (await api.list('?limit=500', roleAdmin)).json<Json[]>().map((u) => u.username);
      expect(listed).toEqual(['role-user']);
      for (const res of [
        await api.get('other-role-user', roleAdmin),
        await api.get('no-role-user', roleAdmin),
        await api.put('other-role-user', minimalUser('other-role-user'), roleAdmin),
        await api.delete('other-role-user', roleAdmin),
      ]) {
        expect(res.status).toBe(404);
      }
      expect((await api.get('other-role-user')).json().role).toBe('role2');
      expect((await api.get('role-user', roleAdmin)).status).toBe(200);
      expect((await api.delete('role-user', roleAdmin)).status).toBe(200);
    });

    it('lets a super admin move a user to another role and out of any role', async () => {
      await create('mover', { role: 'role2' });
      expect((await api.put('mover', minimalUser('mover', { role: 'role1' }))).status).toBe(200);
      expect((await api.get('mover')).json().role).toBe('role1');
      expect((await api.put('mover', minimalUser('mover'))).status).toBe(200);
      expect((await api.get('mover')).json().role).toBeUndefined();
      expect((await api.get('mover', roleAdmin)).status).toBe(404);
    });

    it('refuses an unknown role with 409', async () => {
      const res = await api.post(minimalUser('ghost-role', { role: 'no-such-role' }));
      expect(res.status).toBe(409);
      expect((await api.get('ghost-role')).status).toBe(404);
    });
  });

  describe('default expiration from the creating admin', () => {
    it('applies default_users_expiration only when the body has none; 404 once the admin is gone', async () => {
      await insertAdmin(ctx.db, 'expirer', 'expirer-pw', ['add_users', 'view_users'], {
        filters: { preferences: { default_users_expiration: 30 } },
      });
      const expirer = await ctx.app.token({ username: 'expirer', password: 'expirer-pw' });
      const before = Date.now();
      const defaulted = (await api.post(minimalUser('exp-default'), expirer)).json();
      const expected = before + 30 * 86_400_000;
      expect(defaulted.expiration_date as number).toBeGreaterThanOrEqual(expected);
      expect(defaulted.expiration_date as number).toBeLessThan(expected + 60_000);
      const explicit = (
        await api.post(minimalUser('exp-explicit', { expiration_date: 1893456000000 }), expirer)
      ).json();
      expect(explicit.expiration_date).toBe(1893456000000);
      const zero = (await api.post(minimalUser('exp-zero', { expiration_date: 0 }), expirer)).json();
      expect(zero.expiration_date).toBeUndefined();

      // The admin deleted behind the server's back: refused either by the service (404, the calling
      // admin is gone, while its cached state is fresh) or by the token check (401, once it expired);
      // which one depends on timing, a user is never created.
      await sleep(ADMIN_CACHE_MS);
      expect((await api.list('', expirer)).status).toBe(200);
      await ctx.db.query('DELETE FROM "admins" WHERE "username" = ?', ['expirer']);
      const res = await api.post(minimalUser('exp-orphan'), expirer);
      expect([401, 404]).toContain(res.status);
      expect(await ctx.db.query('SELECT "id" FROM "users" WHERE "username" = ?', ['exp-orphan'])).toEqual([]);
    });
  });

  describe('round trip', () => {
    it('returns every field a user was created with', async () => {
      await insertRole(ctx.db, 'rt-role');
      await insertFolder(ctx.db, 'rt-folder', '/data/rt-folder');
      await insertGroup(ctx.db, 'rt-primary');
      await insertGroup(ctx.db, 'rt-secondary');
      await insertGroup(ctx.db, 'rt-member');
      const key = ed25519PublicKey('rt@example');
      const input = {
        status: 1,
        username: 'roundtrip',
        email: 'rt@example.com',
        description: 'every field',
        expiration_date: 1893456000000,
        password: 'Round-Trip-Pa55word!',
        public_keys: [key],
        home_dir: '/srv/sftpgo/roundtrip',
        virtual_folders: [{ name: 'rt-folder', virtual_path: '/vdir', quota_size: -1, quota_files: -1 }],
        uid: 1000,
        gid: 1001,
        max_sessions: 2,
        quota_size: 1048576,
        quota_files: 100,
        permissions: { '/': ['list', 'download'], '/sub': ['*'] },
        upload_bandwidth: 100,
        download_bandwidth: 200,
        upload_data_transfer: 10,
        download_data_transfer: 20,
        total_data_transfer: 0,
        filters: {
          allowed_ip: ['192.168.1.0/24'],
          denied_ip: ['10.0.0.0/8'],
          denied_login_methods: ['publickey'],
          denied_protocols: ['FTP'],
          file_patterns: [
            { path: '/sub', allowed_patterns: ['*.txt'], denied_patterns: ['*.exe'], deny_policy: 1 },
          ],
          max_upload_file_size: 1000,
          tls_username: 'CommonName',
          tls_certs: [TLS_CERT],
          hooks: { external_auth_disabled: true, pre_login_disabled: true, check_password_disabled: true },
          disable_fs_checks: true,
          web_client: ['shares-disabled'],
          allow_api_key_auth: true,
          user_type: 'LDAPUser',
          bandwidth_limits: [{ sources: ['172.16.0.0/12'], upload_bandwidth: 1, download_bandwidth: 2 }],
          external_auth_cache_time: 60,
          start_directory: '/sub',
          two_factor_protocols: ['SSH'],
          ftp_security: 1,
          default_shares_expiration: 1,
          max_shares_expiration: 5,
          password_expiration: 30,
          password_strength: 30,
          access_time: [{ day_of_week: 1, from: '08:00', to: '18:00' }],
          require_password_change: true,
          additional_emails: ['rt2@example.com'],
        },
        filesystem: { provider: 0, osconfig: { read_buffer_size: 2, write_buffer_size: 3 } },
        additional_info: 'for another system',
        groups: [
          { name: 'rt-primary', type: 1 },
          { name: 'rt-secondary', type: 2 },
          { name: 'rt-member', type: 3 },
        ],
        role: 'rt-role',
      };
      const created = await api.post(input);
      expect({ status: created.status, body: created.json() }).toMatchObject({ status: 201 });
      const got = (await api.get('roundtrip')).json();
      const { password: _password, ...expected } = input;
      expect(got).toMatchObject({
        ...expected,
        filters: { ...expected.filters, totp_config: {} },
        filesystem: { ...EMPTY_FILESYSTEM, osconfig: { read_buffer_size: 2, write_buffer_size: 3 } },
        virtual_folders: [
          {
            name: 'rt-folder',
            mapped_path: '/data/rt-folder',
            used_quota_size: 123,
            used_quota_files: 2,
            last_quota_update: 456,
            virtual_path: '/vdir',
            quota_size: -1,
            quota_files: -1,
            filesystem: EMPTY_FILESYSTEM,
          },
        ],
        has_password: true,
      });
      expect(got.password).toBeUndefined();
      expect(created.json()).toEqual(got);

      // Sending back what GET returned changes nothing but updated_at.
      expect((await api.put('roundtrip', got)).status).toBe(200);
      const again = (await api.get('roundtrip')).json();
      expect({ ...again, updated_at: 0 }).toEqual({ ...got, updated_at: 0 });
    });
  });

  describe('S3 user', () => {
    const SECRET = 'S3-access-secret-never-in-clear';

    it('stores the secret encrypted, never returns or logs it, and keeps it on a round-trip PUT', async () => {
      const logged = await startTestServer(ctx.db, { captureLogs: 'debug' });
      try {
        const adminToken = await logged.token();
        const s3 = {
          provider: 1,
          s3config: {
            bucket: 'my-bucket',
            region: 'eu-west-1',
            access_key: 'AKIAEXAMPLE',
            access_secret: { status: 'Plain', payload: SECRET },
            key_prefix: 'users/s3user/',
            endpoint: 'http://127.0.0.1:9000',
            force_path_style: true,
          },
        };
        const created = await logged.request('/api/v2/users', {
          method: 'POST',
          bearer: adminToken,
          ...jsonBody({
            username: 's3user',
            status: 1,
            password: 'pw',
            permissions: { '/': ['*'] },
            filesystem: s3,
          }),
        });
        expect(created.status).toBe(201);
        expect(created.text).not.toContain(SECRET);
        const body = created.json();
        // No users_base_dir: a remote user's home defaults under the temp dir.
        expect(body.home_dir as string).toMatch(/\/s3user$/);
        const fs = body.filesystem as { provider: number; s3config: Json };
        expect(fs.provider).toBe(1);
        expect(fs.s3config).toMatchObject({
          bucket: 'my-bucket',
          region: 'eu-west-1',
          access_key: 'AKIAEXAMPLE',
          key_prefix: 'users/s3user/',
          endpoint: 'http://127.0.0.1:9000',
          force_path_style: true,
        });
        const secret = fs.s3config.access_secret as Json;
        expect(Object.keys(secret).sort()).toEqual(['payload', 'status']);
        expect(secret.status).not.toBe('Plain');

        const [row] = await ctx.db.query<{ filesystem: string }>(
          'SELECT "filesystem" FROM "users" WHERE "username" = ?',
          ['s3user'],
        );
        expect(row.filesystem).not.toContain(SECRET);
        const storedSecret = (JSON.parse(row.filesystem) as { s3config: { access_secret: Json } }).s3config
          .access_secret;
        expect(storedSecret.payload).toBe(secret.payload);
        expect(storedSecret.key).toEqual(expect.any(String));

        const got = await logged.request('/api/v2/users/s3user', { bearer: adminToken });
        expect(got.text).not.toContain(SECRET);
        const list = await logged.request('/api/v2/users?limit=500', { bearer: adminToken });
        expect(list.text).not.toContain(SECRET);

        const put = await logged.request('/api/v2/users/s3user', {
          method: 'PUT',
          bearer: adminToken,
          ...jsonBody(got.json()),
        });
        expect(put.status).toBe(200);
        const [after] = await ctx.db.query<{ filesystem: string }>(
          'SELECT "filesystem" FROM "users" WHERE "username" = ?',
          ['s3user'],
        );
        expect(JSON.parse(after.filesystem)).toEqual(JSON.parse(row.filesystem));

        const confidential = await logged.request('/api/v2/users/s3user?confidential_data=1', {
          bearer: adminToken,
        });
        expect(confidential.text).not.toContain(SECRET);
        const revealed = (confidential.json().filesystem as { s3config: { access_secret: Json } }).s3config
          .access_secret;
        expect(revealed.key).toBe(storedSecret.key);

        const logs = logged.logs();
        expect(logs.length).toBeGreaterThan(0);
        expect(logs).not.toContain(SECRET);
      } finally {
        await logged.close();
      }
    });
  });

  describe('groups and the effective user', () => {
    it('stores memberships, returns the user as stored and merges the primary group for the file API', async () => {
      await insertFolder(ctx.db, 'eff-shared', '/data/eff-shared');
      await insertGroup(ctx.db, 'eff-primary', {
        home_dir: '/groups/%username%',
        permissions: { '/': ['list', 'download'], '/uploads': ['upload'] },
        filesystem: {
          provider: 1,
          s3config: { bucket: 'group-bucket', region: 'r', key_prefix: '%username%/' },
        },
        quota_files: 50,
      });
      await insertGroup(ctx.db, 'eff-secondary', { permissions: { '/': ['*'], '/extra': ['list'] } });
      const created = (
        await api.post(
          minimalUser('eff-user', {
            permissions: { '/': ['*'] },
            groups: [
              { name: 'eff-primary', type: 1 },
              { name: 'eff-secondary', type: 2 },
            ],
          }),
        )
      ).json();
      // As stored: the user's own settings only.
      expect(created.permissions).toEqual({ '/': ['*'] });
      expect(created.home_dir).toBe('/srv/sftpgo/eff-user');
      expect((created.filesystem as Json).provider).toBe(0);
      expect(created.virtual_folders).toBeUndefined();
      expect(created.groups).toEqual([
        { name: 'eff-primary', type: 1 },
        { name: 'eff-secondary', type: 2 },
      ]);
      const [group] = await ctx.db.query<{ id: number }>('SELECT "id" FROM "groups" WHERE "name" = ?', [
        'eff-secondary',
      ]);
      const [folder] = await ctx.db.query<{ id: number }>('SELECT "id" FROM "folders" WHERE "name" = ?', [
        'eff-shared',
      ]);
      await ctx.db.query(
        'INSERT INTO "groups_folders_mapping" ("group_id", "folder_id", "virtual_path", "quota_size", "quota_files") VALUES (?, ?, ?, 0, 0)',
        [group.id, folder.id, '/shared'],
      );

      const users = ctx.app.server.app.get(UsersService);
      const effective = await users.getEffectiveUser('eff-user');
      expect(effective).toMatchObject({
        username: 'eff-user',
        homeDir: '/groups/eff-user',
        quotaFiles: 50,
        permissions: { '/': ['list', 'download'], '/uploads': ['upload'], '/extra': ['list'] },
        filesystem: { provider: 1, s3config: { bucket: 'group-bucket', key_prefix: 'eff-user/' } },
        groups: [
          { name: 'eff-primary', type: 1 },
          { name: 'eff-secondary', type: 2 },
        ],
      });
      expect(effective?.virtualFolders.map((f) => [f.name, f.virtualPath, f.mappedPath])).toEqual([
        ['eff-shared', '/shared', '/data/eff-shared'],
      ]);
      expect(await users.getEffectiveUser('no-such-user')).toBeUndefined();

      // A referenced group cannot be deleted by SQL either (no cascade on memberships).
      await expect(ctx.db.query('DELETE FROM "groups" WHERE "name" = ?', ['eff-primary'])).rejects.toThrow();
    });
  });
});

describe('users with users_base_dir and naming rules', () => {
  const ctx = useTestServer({
    env: { SFTPGO_DATA_PROVIDER__USERS_BASE_DIR: '/srv/homes', SFTPGO_DATA_PROVIDER__NAMING_RULES: '7' },
    token: true,
  });

  it('defaults home_dir under users_base_dir and applies the naming rules on save and lookup', async () => {
    const res = await ctx.app.request('/api/v2/users', {
      method: 'POST',
      bearer: ctx.token,
      ...jsonBody({ username: ' uSeR@user.me ', status: 1, permissions: { '/': ['*'] } }),
    });
    expect(res.status).toBe(201);
    expect(res.json()).toMatchObject({ username: 'user@user.me', home_dir: '/srv/homes/user@user.me' });
    expect(res.headers.location).toBe(`/api/v2/users/${encodeURIComponent('user@user.me')}`);
    const got = await ctx.app.request(`/api/v2/users/${encodeURIComponent(' uSeR@user.me ')}`, {
      bearer: ctx.token,
    });
    expect(got.json().username).toBe('user@user.me');
    const del = await ctx.app.request(`/api/v2/users/${encodeURIComponent('USER@USER.ME')}`, {
      method: 'DELETE',
      bearer: ctx.token,
    });
    expect(del.status).toBe(200);
  });
});
