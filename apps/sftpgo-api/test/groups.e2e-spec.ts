import * as bcrypt from 'bcrypt';
import type { TestDatabase } from './support/test-db';
import { useTestServer } from './support/lifecycle';

const JSON_HEADERS = { 'content-type': 'application/json' };
const SFTP_PASSWORD = 'group-sftp-password-Hq4%tY8&bN1w';
const S3_SECRET = 'group-s3-secret-Lp6^dF3*zX9c';

type Json = Record<string, unknown>;

const EMPTY_FS = {
  provider: 0,
  osconfig: {},
  s3config: {},
  gcsconfig: {},
  azblobconfig: {},
  cryptconfig: {},
  sftpconfig: {},
  httpconfig: {},
};
const NO_HOOKS = { external_auth_disabled: false, pre_login_disabled: false, check_password_disabled: false };

/** Inserts an admin directly with the given permissions; returns its id. */
async function insertAdmin(
  db: TestDatabase,
  username: string,
  password: string,
  permissions: string[],
): Promise<number> {
  const now = Date.now();
  await db.query(
    'INSERT INTO "admins" ("username", "password", "status", "permissions", "filters", "last_login", "created_at", "updated_at") VALUES (?, ?, 1, ?, ?, 0, ?, ?)',
    [username, await bcrypt.hash(password, 4), JSON.stringify(permissions), '{}', now, now],
  );
  const rows = await db.query<{ id: number }>('SELECT "id" FROM "admins" WHERE "username" = ?', [username]);
  return Number(rows[0].id);
}

/** Inserts a user directly (the /users API is another part's work); returns its id. */
async function insertUser(db: TestDatabase, username: string, updatedAt: number): Promise<number> {
  await db.query(
    'INSERT INTO "users" ("username", "status", "home_dir", "permissions", "created_at", "updated_at") VALUES (?, 1, ?, ?, ?, ?)',
    [username, `/srv/${username}`, '{"/":["*"]}', updatedAt, updatedAt],
  );
  const rows = await db.query<{ id: number }>('SELECT "id" FROM "users" WHERE "username" = ?', [username]);
  return Number(rows[0].id);
}

async function groupRow(db: TestDatabase, name: string) {
  const rows = await db.query<{ id: number; user_settings: string; description: string | null }>(
    'SELECT "id", "user_settings", "description" FROM "groups" WHERE "name" = ?',
    [name],
  );
  return rows[0];
}

describe('groups (/api/v2/groups)', () => {
  const ctx = useTestServer({ captureLogs: 'debug', token: true });

  const call = (path: string, method = 'GET', body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      bearer,
      ...(body === undefined ? {} : { headers: JSON_HEADERS, body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    for (const name of ['vf1', 'vf2', 'vf3']) {
      const res = await call('/folders', 'POST', {
        name,
        mapped_path: `/data/${name}`,
        used_quota_size: 123,
        used_quota_files: 2,
        last_quota_update: 456,
      });
      expect(res.status).toBe(201);
    }
  });

  it('creates a minimal group: 201, Location and SFTPGo shape', async () => {
    const before = Date.now();
    const res = await call('/groups', 'POST', { name: 'g1', unknown: 'ignored' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/v2/groups/g1');
    const body = res.json();
    expect(body).toEqual({
      id: expect.any(Number),
      name: 'g1',
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      user_settings: {
        max_sessions: 0,
        quota_size: 0,
        quota_files: 0,
        upload_bandwidth: 0,
        download_bandwidth: 0,
        upload_data_transfer: 0,
        download_data_transfer: 0,
        total_data_transfer: 0,
        filters: { hooks: NO_HOOKS },
        filesystem: EMPTY_FS,
      },
    });
    expect(body.created_at).toBeGreaterThanOrEqual(before);
    expect(body.updated_at).toBe(body.created_at);
    expect((await call('/groups/g1')).json()).toEqual(body);
  });

  it('round-trips a group with every field set; tls_certs and user_type are dropped', async () => {
    const input = {
      name: 'full',
      description: 'a group with everything',
      user_settings: {
        home_dir: '/srv/groups/%username%/',
        max_sessions: 2,
        quota_size: 1000,
        quota_files: 10,
        permissions: { '/': ['*'], '/sub/../dir': ['list', 'download', 'list'] },
        upload_bandwidth: 64,
        download_bandwidth: 128,
        upload_data_transfer: 10,
        download_data_transfer: 20,
        total_data_transfer: 0,
        expires_in: 30,
        filters: {
          allowed_ip: ['192.168.1.0/24'],
          denied_ip: ['10.0.0.0/8'],
          denied_login_methods: ['password'],
          denied_protocols: ['FTP'],
          file_patterns: [{ path: '/dir', allowed_patterns: ['*.TXT'], deny_policy: 1 }],
          max_upload_file_size: 1024,
          tls_username: 'CommonName',
          tls_certs: ['-----BEGIN CERTIFICATE-----\nignored\n-----END CERTIFICATE-----'],
          hooks: { external_auth_disabled: true },
          disable_fs_checks: true,
          web_client: ['write-disabled'],
          allow_api_key_auth: true,
          user_type: 'LDAPUser',
          bandwidth_limits: [{ sources: ['127.0.0.0/8'], upload_bandwidth: 10, download_bandwidth: 20 }],
          start_directory: '/dir',
          two_factor_protocols: ['SSH'],
          ftp_security: 1,
          default_shares_expiration: 5,
          max_shares_expiration: 10,
          password_expiration: 90,
          password_strength: 50,
          access_time: [{ day_of_week: 1, from: '08:00', to: '18:00' }],
        },
        filesystem: {
          provider: 5,
          sftpconfig: {
            endpoint: '127.0.0.1:2022',
            username: 'remote',
            password: { status: 'Plain', payload: SFTP_PASSWORD },
            prefix: '/base',
          },
        },
      },
      virtual_folders: [
        { name: 'vf1', virtual_path: '/vdir1/', quota_size: -1, quota_files: -1, mapped_path: '/ignored' },
        { name: 'vf2', virtual_path: 'vdir2', quota_size: 100, quota_files: 1, subpath: '/%username%/sub' },
      ],
    };
    const res = await call('/groups', 'POST', input);
    expect(res.status).toBe(201);
    expect(res.text).not.toContain(SFTP_PASSWORD);
    const body = res.json<Json & { user_settings: Json & { filters: Json; filesystem: Json } }>();
    expect(body).toMatchObject({ name: 'full', description: 'a group with everything' });
    const settings = body.user_settings;
    expect(settings).toMatchObject({
      home_dir: '/srv/groups/%username%',
      max_sessions: 2,
      quota_size: 1000,
      quota_files: 10,
      permissions: { '/': ['*'], '/dir': ['list', 'download'] },
      upload_bandwidth: 64,
      download_bandwidth: 128,
      upload_data_transfer: 10,
      download_data_transfer: 20,
      total_data_transfer: 0,
      expires_in: 30,
    });
    expect(settings.filters).toMatchObject({
      allowed_ip: ['192.168.1.0/24'],
      denied_ip: ['10.0.0.0/8'],
      denied_login_methods: ['password'],
      denied_protocols: ['FTP'],
      max_upload_file_size: 1024,
      tls_username: 'CommonName',
      hooks: { ...NO_HOOKS, external_auth_disabled: true },
      disable_fs_checks: true,
      web_client: ['write-disabled'],
      allow_api_key_auth: true,
      start_directory: '/dir',
      two_factor_protocols: ['SSH'],
      ftp_security: 1,
      default_shares_expiration: 5,
      max_shares_expiration: 10,
      password_expiration: 90,
      password_strength: 50,
    });
    expect(settings.filters).not.toHaveProperty('tls_certs');
    expect(settings.filters).not.toHaveProperty('user_type');
    const sftp = (settings.filesystem as { provider: number; sftpconfig: Json }).sftpconfig;
    expect((settings.filesystem as { provider: number }).provider).toBe(5);
    expect(sftp).toMatchObject({ endpoint: '127.0.0.1:2022', username: 'remote', prefix: '/base' });
    expect(Object.keys(sftp.password as Json).sort()).toEqual(['payload', 'status']);
    expect(body.virtual_folders).toEqual([
      {
        id: expect.any(Number),
        name: 'vf1',
        mapped_path: '/data/vf1',
        used_quota_size: 123,
        used_quota_files: 2,
        last_quota_update: 456,
        filesystem: EMPTY_FS,
        virtual_path: '/vdir1',
        quota_size: -1,
        quota_files: -1,
      },
      {
        id: expect.any(Number),
        name: 'vf2',
        mapped_path: '/data/vf2',
        used_quota_size: 123,
        used_quota_files: 2,
        last_quota_update: 456,
        filesystem: EMPTY_FS,
        virtual_path: '/vdir2',
        quota_size: 100,
        quota_files: 1,
        subpath: '/%username%/sub',
      },
    ]);
    const get = await call('/groups/full');
    expect(get.json()).toEqual(body);

    const stored = await groupRow(ctx.db, 'full');
    expect(stored.user_settings).not.toContain(SFTP_PASSWORD);
    expect(ctx.app.logs()).not.toContain(SFTP_PASSWORD);
    const folders = await ctx.db.query('SELECT "id" FROM "groups_folders_mapping" WHERE "group_id" = ?', [
      stored.id,
    ]);
    expect(folders).toHaveLength(2);
  });

  it('a total transfer limit zeroes the upload and download ones', async () => {
    const res = await call('/groups', 'POST', {
      name: 'transfer',
      user_settings: { upload_data_transfer: 10, download_data_transfer: 20, total_data_transfer: 30 },
    });
    expect(res.status).toBe(201);
    expect(res.json<{ user_settings: Json }>().user_settings).toMatchObject({
      upload_data_transfer: 0,
      download_data_transfer: 0,
      total_data_transfer: 30,
    });
  });

  it.each([
    ['a missing name', { name: '' }, 'name is mandatory'],
    ['a name with a slash', { name: 'a/b' }, 'Invalid input'],
    [
      'a virtual folder without virtual_path',
      { virtual_folders: [{ name: 'vf1' }] },
      'virtual path is mandatory',
    ],
    [
      'a virtual folder without name',
      { virtual_folders: [{ virtual_path: '/v' }] },
      'folder name is mandatory',
    ],
    [
      'a missing folder',
      { virtual_folders: [{ name: 'nope', virtual_path: '/v' }] },
      'folder "nope" does not exist',
    ],
    [
      'the same folder twice',
      {
        virtual_folders: [
          { name: 'vf1', virtual_path: '/a' },
          { name: 'vf1', virtual_path: '/b' },
        ],
      },
      'the folder "vf1" is duplicated',
    ],
    [
      'two folders on the same virtual path',
      {
        virtual_folders: [
          { name: 'vf1', virtual_path: '/a' },
          { name: 'vf2', virtual_path: '/a/' },
        ],
      },
      'overlaps',
    ],
    ['a mount on /', { virtual_folders: [{ name: 'vf1', virtual_path: '/' }] }, 'invalid virtual folder'],
    [
      'quota -1 with files 1',
      { virtual_folders: [{ name: 'vf1', virtual_path: '/a', quota_size: -1, quota_files: 1 }] },
      'must be both -1 or >= 0',
    ],
    [
      'quota -2',
      { virtual_folders: [{ name: 'vf1', virtual_path: '/a', quota_size: -2, quota_files: 0 }] },
      'invalid quota_size',
    ],
    [
      'a non-canonical subpath',
      { virtual_folders: [{ name: 'vf1', virtual_path: '/a', subpath: '/x/../y' }] },
      'invalid subpath',
    ],
    [
      'a subpath longer than 191',
      { virtual_folders: [{ name: 'vf1', virtual_path: '/a', subpath: `/${'s'.repeat(200)}` }] },
      'invalid subpath',
    ],
    ['virtual_folders not a list', { virtual_folders: { name: 'vf1' } }, 'virtual_folders'],
    [
      'an SFTP filesystem without endpoint',
      { user_settings: { filesystem: { provider: 5, sftpconfig: { username: 'u' } } } },
      'endpoint cannot be empty',
    ],
    ['a relative permission key', { user_settings: { permissions: { a: ['*'] } } }, 'non absolute path'],
    ['a null root permission', { user_settings: { permissions: { '/': null } } }, 'no permissions granted'],
    [
      'an alias of the root',
      { user_settings: { permissions: { '/': ['*'], '/..': ['list'] } } },
      'cannot set permissions for invalid subdirectory',
    ],
    ['an unknown permission', { user_settings: { permissions: { '/': ['fly'] } } }, 'invalid permission'],
    [
      'a relative home_dir',
      { user_settings: { home_dir: 'relative path' } },
      'home_dir must be an absolute path',
    ],
    [
      'an invalid web client option',
      { user_settings: { filters: { web_client: ['not-an-option'] } } },
      'invalid web client options',
    ],
    ['an invalid IP filter', { user_settings: { filters: { allowed_ip: ['192.168.2.0'] } } }, 'allowed'],
    ['a negative max_sessions', { user_settings: { max_sessions: -1 } }, 'user_settings.max_sessions'],
    ['a negative expires_in', { user_settings: { expires_in: -1 } }, 'user_settings.expires_in'],
    ['a non-integer quota', { user_settings: { quota_size: 'big' } }, 'user_settings.quota_size'],
    [
      'a redacted secret',
      {
        user_settings: {
          filesystem: {
            provider: 1,
            s3config: { bucket: 'b', region: 'r', access_key: 'k', access_secret: { status: 'Redacted' } },
          },
        },
      },
      'cannot save a group with a redacted secret',
    ],
  ])('refuses %s with 400 naming the problem, writing nothing', async (_case, body, message) => {
    const res = await call('/groups', 'POST', { name: 'invalid', ...body });
    expect(res.status).toBe(400);
    const json = res.json<{ error: string; message: string }>();
    expect(json.error).toMatch(/^Validation error: /);
    expect(json.error).toContain(message);
    expect(await groupRow(ctx.db, 'invalid')).toBeUndefined();
  });

  it('refuses a duplicate name with 409', async () => {
    const res = await call('/groups', 'POST', { name: 'g1' });
    expect(res.status).toBe(409);
    expect(res.json().error).toMatch(/^duplicated key not allowed/);
  });

  it('answers 404 for a missing group on GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call('/groups/missing', method, method === 'PUT' ? {} : undefined);
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'Not Found', message: '' });
    }
  });

  it('PUT sending back the GET body keeps the stored secrets; confidential_data shows them to * admins', async () => {
    const before = await groupRow(ctx.db, 'full');
    const got = (await call('/groups/full')).json<Json>();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const put = await call('/groups/full', 'PUT', got);
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ message: 'Group updated' });
    const after = await groupRow(ctx.db, 'full');
    const secret = (row: { user_settings: string }) =>
      (JSON.parse(row.user_settings) as { filesystem: { sftpconfig: Json } }).filesystem.sftpconfig.password;
    expect(secret(after)).toEqual(secret(before));
    const again = (await call('/groups/full')).json<Json>();
    expect(again.created_at).toBe(got.created_at);
    expect(again.updated_at as number).toBeGreaterThan(got.updated_at as number);
    expect({ ...again, updated_at: 0 }).toEqual({ ...got, updated_at: 0 });

    const confidential = await call('/groups/full?confidential_data=1');
    const password = confidential.json<{ user_settings: { filesystem: { sftpconfig: Json } } }>()
      .user_settings.filesystem.sftpconfig.password as Json;
    expect(password.key).toEqual(expect.any(String));
    expect(password.additional_data).toBe('group_full');
    expect(confidential.text).not.toContain(SFTP_PASSWORD);
    expect(ctx.app.logs()).not.toContain(SFTP_PASSWORD);
  });

  it('stores an S3 secret encrypted and confidential_data on POST only helps * admins', async () => {
    const res = await call('/groups?confidential_data=1', 'POST', {
      name: 's3group',
      user_settings: {
        filesystem: {
          provider: 1,
          s3config: {
            bucket: 'bucket',
            region: 'eu-west-1',
            access_key: 'AKIAEXAMPLE',
            access_secret: { status: 'Plain', payload: S3_SECRET },
          },
        },
      },
    });
    expect(res.status).toBe(201);
    expect(res.text).not.toContain(S3_SECRET);
    const secret = res.json<{ user_settings: { filesystem: { s3config: Json } } }>().user_settings.filesystem
      .s3config.access_secret as Json;
    expect(secret).toMatchObject({ status: 'AES-256-GCM', additional_data: 'group_s3group' });
    expect((await groupRow(ctx.db, 's3group')).user_settings).not.toContain(S3_SECRET);
    const list = await call('/groups');
    expect(list.text).not.toContain(S3_SECRET);
    for (const group of list.json<{ user_settings: { filesystem: { s3config: Json } } }[]>()) {
      const s3 = group.user_settings.filesystem.s3config.access_secret as Json | undefined;
      if (s3) expect(Object.keys(s3).sort()).toEqual(['payload', 'status']);
    }
    expect(ctx.app.logs()).not.toContain(S3_SECRET);
  });

  it('PUT is a full replace, atomic on failure, and bumps the members', async () => {
    const old = Date.now() - 60_000;
    const member = await insertUser(ctx.db, 'member', old);
    await insertUser(ctx.db, 'outsider', old);
    const full = await groupRow(ctx.db, 'full');
    await ctx.db.query(
      'INSERT INTO "users_groups_mapping" ("user_id", "group_id", "group_type") VALUES (?, ?, 1)',
      [member, full.id],
    );
    const stored = (await call('/groups/full')).json<Json>();

    const failing = await call('/groups/full', 'PUT', {
      description: 'should not be saved',
      virtual_folders: [
        { name: 'vf3', virtual_path: '/v3' },
        { name: 'missing', virtual_path: '/m' },
      ],
    });
    expect(failing.status).toBe(400);
    expect((await call('/groups/full')).json()).toEqual(stored);
    expect(
      Number(
        (
          await ctx.db.query<{ u: number }>('SELECT "updated_at" AS "u" FROM "users" WHERE "id" = ?', [
            member,
          ])
        )[0].u,
      ),
    ).toBe(old);

    const put = await call('/groups/full', 'PUT', {
      name: 'ignored-rename',
      virtual_folders: [{ name: 'vf3', virtual_path: '/v3' }],
    });
    expect(put.status).toBe(200);
    const updated = (await call('/groups/full')).json<Json>();
    expect(updated.name).toBe('full');
    expect(updated.description).toBeUndefined();
    expect(updated.user_settings).toEqual({
      max_sessions: 0,
      quota_size: 0,
      quota_files: 0,
      upload_bandwidth: 0,
      download_bandwidth: 0,
      upload_data_transfer: 0,
      download_data_transfer: 0,
      total_data_transfer: 0,
      filters: { hooks: NO_HOOKS },
      filesystem: EMPTY_FS,
    });
    expect((updated.virtual_folders as Json[]).map((f) => f.name)).toEqual(['vf3']);
    expect(updated.users).toEqual(['member']);
    const times = await ctx.db.query<{ username: string; updated_at: number | string }>(
      'SELECT "username", "updated_at" FROM "users" WHERE "username" IN (?, ?)',
      ['member', 'outsider'],
    );
    const byName = Object.fromEntries(times.map((row) => [row.username, Number(row.updated_at)]));
    expect(byName.member).toBeGreaterThan(old);
    expect(byName.outsider).toBe(old);
  });

  it('lists with offset, limit and order, paged by name, with mounts and back-references', async () => {
    for (const name of ['l-a', 'l-b', 'l-c'])
      expect((await call('/groups', 'POST', { name })).status).toBe(201);
    const all = (await call('/groups')).json<Json[]>();
    const names = all.map((g) => g.name as string);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['g1', 'full', 'l-a', 'l-b', 'l-c']));
    expect(all.find((g) => g.name === 'full')).toMatchObject({ users: ['member'] });
    expect((all.find((g) => g.name === 'full')?.virtual_folders as Json[])[0].name).toBe('vf3');
    const page = (await call('/groups?offset=1&limit=2')).json<Json[]>().map((g) => g.name);
    expect(page).toEqual(names.slice(1, 3));
    const desc = (await call('/groups?order=DESC&limit=3')).json<Json[]>().map((g) => g.name);
    expect(desc).toEqual([...names].reverse().slice(0, 3));
    expect((await call(`/groups?offset=${names.length}`)).json()).toEqual([]);
    expect((await call('/groups?offset=x')).status).toBe(400);
  });

  it('folder back-references show the group; admins proposing the group are listed', async () => {
    const folder = (await call('/folders/vf3')).json();
    expect(folder.groups).toEqual(['full']);
    const adminId = await insertAdmin(ctx.db, 'group-admin', 'pw-group-admin', ['*']);
    const full = await groupRow(ctx.db, 'full');
    await ctx.db.query(
      'INSERT INTO "admins_groups_mapping" ("admin_id", "group_id", "options") VALUES (?, ?, ?)',
      [adminId, full.id, '{"add_to_users_as":1}'],
    );
    expect((await call('/groups/full')).json().admins).toEqual(['group-admin']);
  });

  it('DELETE is refused while a user references the group; admin mappings and mounts cascade', async () => {
    const refused = await call('/groups/full', 'DELETE');
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({
      error: 'Validation error: the group "full" is referenced, it cannot be removed',
      message: '',
    });
    const full = await groupRow(ctx.db, 'full');
    await ctx.db.query('DELETE FROM "users_groups_mapping" WHERE "group_id" = ?', [full.id]);
    const deleted = await call('/groups/full', 'DELETE');
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({ message: 'Group deleted' });
    expect(
      await ctx.db.query('SELECT "id" FROM "admins_groups_mapping" WHERE "group_id" = ?', [full.id]),
    ).toHaveLength(0);
    expect(
      await ctx.db.query('SELECT "id" FROM "groups_folders_mapping" WHERE "group_id" = ?', [full.id]),
    ).toHaveLength(0);
    expect((await call('/folders/vf3')).json().groups).toBeUndefined();
    expect((await call('/groups/full')).status).toBe(404);
    expect((await call('/groups/full', 'PUT', {})).status).toBe(404);
    expect((await call('/groups/full', 'DELETE')).status).toBe(404);
  });

  it('needs a token (401) and the manage_groups permission (403)', async () => {
    expect((await ctx.app.request('/api/v2/groups')).status).toBe(401);
    expect((await ctx.app.request('/api/v2/groups', { method: 'POST' })).status).toBe(401);
    await insertAdmin(ctx.db, 'no-groups', 'pw-no-groups', ['manage_folders', 'view_users']);
    await insertAdmin(ctx.db, 'groups-admin', 'pw-groups', ['manage_groups']);
    const weak = await ctx.app.token({ username: 'no-groups', password: 'pw-no-groups' });
    for (const [path, method, body] of [
      ['/groups', 'GET', undefined],
      ['/groups', 'POST', { name: 'nope' }],
      ['/groups/g1', 'GET', undefined],
      ['/groups/g1', 'PUT', {}],
      ['/groups/g1', 'DELETE', undefined],
    ] as const) {
      const res = await call(path, method, body, weak);
      expect(res.status).toBe(403);
      expect(res.json()).toEqual({ message: 'Forbidden' });
    }
    const allowed = await ctx.app.token({ username: 'groups-admin', password: 'pw-groups' });
    expect((await call('/groups/g1', 'GET', undefined, allowed)).status).toBe(200);
    const hidden = await call('/groups/s3group?confidential_data=1', 'GET', undefined, allowed);
    const secret = hidden.json<{ user_settings: { filesystem: { s3config: Json } } }>().user_settings
      .filesystem.s3config.access_secret as Json;
    expect(secret.key).toBeUndefined();
  });

  it('documents the group schemas under the reference names', async () => {
    const doc = (await ctx.app.request('/openapi.json')).json<{ components: { schemas: Json } }>();
    expect(doc.components.schemas).toHaveProperty('Group');
    expect(doc.components.schemas).toHaveProperty('GroupUserSettings');
  });
});
