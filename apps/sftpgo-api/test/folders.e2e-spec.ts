import * as bcrypt from 'bcrypt';
import type { TestDatabase } from './support/test-db';
import { useTestServer } from './support/lifecycle';

const JSON_HEADERS = { 'content-type': 'application/json' };
const S3_SECRET = 'folder-s3-secret-Zq8#mW2!vK7x';
const CRYPT_PASSPHRASE = 'folder-crypt-passphrase-Rt5$hN9@pL3q';

type Json = Record<string, unknown>;

/** Inserts an admin directly with the given permissions (the /admins API is another part's work). */
async function insertAdmin(db: TestDatabase, username: string, password: string, permissions: string[]) {
  const now = Date.now();
  await db.query(
    'INSERT INTO "admins" ("username", "password", "status", "permissions", "filters", "last_login", "created_at", "updated_at") VALUES (?, ?, 1, ?, ?, 0, ?, ?)',
    [username, await bcrypt.hash(password, 4), JSON.stringify(permissions), '{}', now, now],
  );
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

async function userUpdatedAt(db: TestDatabase, username: string): Promise<number> {
  const rows = await db.query<{ updated_at: number | string }>(
    'SELECT "updated_at" FROM "users" WHERE "username" = ?',
    [username],
  );
  return Number(rows[0].updated_at);
}

async function folderId(db: TestDatabase, name: string): Promise<number> {
  const rows = await db.query<{ id: number }>('SELECT "id" FROM "folders" WHERE "name" = ?', [name]);
  return Number(rows[0].id);
}

describe('virtual folders (/api/v2/folders)', () => {
  const ctx = useTestServer({ captureLogs: 'debug', token: true });

  const call = (path: string, method = 'GET', body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      bearer,
      ...(body === undefined ? {} : { headers: JSON_HEADERS, body: JSON.stringify(body) }),
    });

  it('creates a local folder: 201, Location, the stored object with the used quota from the body', async () => {
    const res = await call('/folders', 'POST', {
      name: 'f1',
      mapped_path: '/data/f1/',
      description: 'first folder',
      used_quota_size: 345,
      used_quota_files: 1,
      last_quota_update: 10,
      users: ['ignored'],
      groups: ['ignored'],
      unknown_field: true,
    });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/v2/folders/f1');
    const body = res.json();
    expect(body).toEqual({
      id: expect.any(Number),
      name: 'f1',
      mapped_path: '/data/f1',
      description: 'first folder',
      used_quota_size: 345,
      used_quota_files: 1,
      last_quota_update: 10,
      filesystem: {
        provider: 0,
        osconfig: {},
        s3config: {},
        gcsconfig: {},
        azblobconfig: {},
        cryptconfig: {},
        sftpconfig: {},
        httpconfig: {},
      },
    });
    expect(Object.keys(body)).toEqual([
      'id',
      'name',
      'mapped_path',
      'description',
      'used_quota_size',
      'used_quota_files',
      'last_quota_update',
      'filesystem',
    ]);
    const get = await call('/folders/f1');
    expect(get.status).toBe(200);
    expect(get.json()).toEqual(body);
  });

  it('escapes the name in the Location header and applies the naming rules on save and lookup', async () => {
    const res = await call('/folders', 'POST', { name: ' f~2.a ', mapped_path: '/data/f2' });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v2/folders/${encodeURIComponent('f~2.a')}`);
    expect(res.json().name).toBe('f~2.a');
    expect((await call(`/folders/${encodeURIComponent(' f~2.a')}`)).status).toBe(200);
    expect((await call('/folders/f~2.a', 'DELETE')).status).toBe(200);
  });

  it.each([
    ['a relative mapped_path', { name: 'bad', mapped_path: 'relative path' }, 'invalid folder mapped path'],
    ['no mapped_path on a local folder', { name: 'bad' }, 'invalid folder mapped path'],
    ['a missing name', { mapped_path: '/data/x' }, 'folder name is mandatory'],
    ['a name with a slash', { name: 'a/b', mapped_path: '/data/x' }, 'Invalid input'],
    ['an invalid provider', { name: 'bad', mapped_path: '/x', filesystem: { provider: 9 } }, 'provider'],
    [
      'an S3 folder without bucket',
      { name: 'bad', filesystem: { provider: 1, s3config: { region: 'us-east-1' } } },
      'bucket',
    ],
    [
      'a redacted secret',
      {
        name: 'bad',
        filesystem: {
          provider: 1,
          s3config: { bucket: 'b', region: 'r', access_key: 'k', access_secret: { status: 'Redacted' } },
        },
      },
      'cannot save a folder with a redacted secret',
    ],
    ['a negative used quota', { name: 'bad', mapped_path: '/x', used_quota_size: -1 }, 'used_quota_size'],
    [
      'a non-integer used quota',
      { name: 'bad', mapped_path: '/x', used_quota_files: 'a' },
      'used_quota_files',
    ],
  ])('refuses %s with 400 naming the problem', async (_case, body, message) => {
    const res = await call('/folders', 'POST', body);
    expect(res.status).toBe(400);
    const json = res.json<{ error: string; message: string }>();
    expect(json.error).toMatch(/^Validation error: /);
    expect(json.error).toContain(message);
    expect(json.message).toBe('');
  });

  it('refuses a duplicate name with 409', async () => {
    const res = await call('/folders', 'POST', { name: 'f1', mapped_path: '/data/other' });
    expect(res.status).toBe(409);
    expect(res.json().error).toMatch(/^duplicated key not allowed/);
  });

  it('answers 404 for a missing folder on GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call(
        '/folders/missing',
        method,
        method === 'PUT' ? { mapped_path: '/x' } : undefined,
      );
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'Not Found', message: '' });
    }
  });

  it('stores S3 and crypt secrets encrypted, shows only status and payload, never the clear text', async () => {
    const s3 = await call('/folders', 'POST', {
      name: 's3folder',
      filesystem: {
        provider: 1,
        s3config: {
          bucket: 'bucket',
          region: 'us-east-1',
          access_key: 'AKIAEXAMPLE',
          access_secret: { status: 'Plain', payload: S3_SECRET },
          key_prefix: 'prefix',
        },
      },
    });
    expect(s3.status).toBe(201);
    expect(s3.text).not.toContain(S3_SECRET);
    const created = s3.json<{ mapped_path?: string; filesystem: { s3config: Json } }>();
    expect(created.mapped_path).toBeUndefined();
    const secret = created.filesystem.s3config.access_secret as Json;
    expect(Object.keys(secret).sort()).toEqual(['payload', 'status']);
    expect(secret.status).toBe('AES-256-GCM');
    expect(created.filesystem.s3config.key_prefix).toBe('prefix/');

    const crypt = await call('/folders', 'POST', {
      name: 'cryptfolder',
      mapped_path: '/data/crypt',
      filesystem: {
        provider: 4,
        cryptconfig: { passphrase: { status: 'Plain', payload: CRYPT_PASSPHRASE } },
      },
    });
    expect(crypt.status).toBe(201);
    expect(crypt.text).not.toContain(CRYPT_PASSPHRASE);
    const passphrase = crypt.json<{ filesystem: { cryptconfig: Json } }>().filesystem.cryptconfig
      .passphrase as Json;
    expect(Object.keys(passphrase).sort()).toEqual(['payload', 'status']);

    const rows = await ctx.db.query<{ filesystem: string }>(
      'SELECT "filesystem" FROM "folders" WHERE "name" IN (?, ?)',
      ['s3folder', 'cryptfolder'],
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.filesystem).not.toContain(S3_SECRET);
      expect(row.filesystem).not.toContain(CRYPT_PASSPHRASE);
      expect(row.filesystem).toContain('"key"');
    }
    const list = await call('/folders');
    expect(list.text).not.toContain(S3_SECRET);
    expect(list.text).not.toContain(CRYPT_PASSPHRASE);
    expect(ctx.app.logs()).not.toContain(S3_SECRET);
    expect(ctx.app.logs()).not.toContain(CRYPT_PASSPHRASE);
  });

  it('keeps the stored secret when PUT sends back what GET returned; Plain replaces it', async () => {
    const before = await ctx.db.query<{ filesystem: string }>(
      'SELECT "filesystem" FROM "folders" WHERE "name" = ?',
      ['s3folder'],
    );
    const get = await call('/folders/s3folder');
    const folder = get.json<Json>();
    const put = await call('/folders/s3folder', 'PUT', { ...folder, description: 'updated' });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ message: 'Folder updated' });
    const after = await ctx.db.query<{ filesystem: string }>(
      'SELECT "filesystem" FROM "folders" WHERE "name" = ?',
      ['s3folder'],
    );
    const storedBefore = JSON.parse(before[0].filesystem) as { s3config: Json };
    const storedAfter = JSON.parse(after[0].filesystem) as { s3config: Json };
    expect(storedAfter.s3config.access_secret).toEqual(storedBefore.s3config.access_secret);

    const confidential = await call('/folders/s3folder?confidential_data=1');
    const full = confidential.json<{ filesystem: { s3config: Json } }>().filesystem.s3config
      .access_secret as Json;
    expect(full.key).toEqual(expect.any(String));
    expect(full.additional_data).toBe('folder_s3folder');
    expect(confidential.text).not.toContain(S3_SECRET);

    const replaced = await call('/folders/s3folder', 'PUT', {
      filesystem: {
        provider: 1,
        s3config: {
          bucket: 'bucket',
          region: 'us-east-1',
          access_key: 'AKIAEXAMPLE',
          access_secret: { status: 'Plain', payload: `${S3_SECRET}-new` },
        },
      },
    });
    expect(replaced.status).toBe(200);
    const stored = await ctx.db.query<{ filesystem: string }>(
      'SELECT "filesystem" FROM "folders" WHERE "name" = ?',
      ['s3folder'],
    );
    const newSecret = (JSON.parse(stored[0].filesystem) as { s3config: Json }).s3config.access_secret as Json;
    expect(newSecret.payload).not.toEqual((storedBefore.s3config.access_secret as Json).payload);
    expect(stored[0].filesystem).not.toContain(S3_SECRET);
    expect(ctx.app.logs()).not.toContain(S3_SECRET);
  });

  it('PUT changes only mapped_path, description and filesystem; used quota is untouched', async () => {
    const put = await call('/folders/f1', 'PUT', {
      name: 'renamed',
      mapped_path: '/data/f1-new',
      used_quota_size: 1,
      used_quota_files: 1,
      last_quota_update: 1,
    });
    expect(put.status).toBe(200);
    const folder = (await call('/folders/f1')).json();
    expect(folder).toMatchObject({
      name: 'f1',
      mapped_path: '/data/f1-new',
      used_quota_size: 345,
      used_quota_files: 1,
      last_quota_update: 10,
    });
    expect(folder.description).toBeUndefined();
    const bad = await call('/folders/f1', 'PUT', { mapped_path: 'relative' });
    expect(bad.status).toBe(400);
    expect(bad.json().error).toContain('invalid folder mapped path');
  });

  it('lists with offset, limit and order, paged by name', async () => {
    for (const name of ['p-a', 'p-b', 'p-c', 'p-d']) {
      expect((await call('/folders', 'POST', { name, mapped_path: `/data/${name}` })).status).toBe(201);
    }
    const all = (await call('/folders')).json<Json[]>().map((f) => f.name as string);
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['p-a', 'p-b', 'p-c', 'p-d', 'f1', 's3folder']));
    const asc = (await call('/folders?limit=2&offset=1')).json<Json[]>().map((f) => f.name);
    expect(asc).toEqual(all.slice(1, 3));
    const desc = (await call('/folders?limit=2&order=DESC')).json<Json[]>().map((f) => f.name);
    expect(desc).toEqual([...all].reverse().slice(0, 2));
    expect((await call(`/folders?offset=${all.length}`)).json()).toEqual([]);
    expect((await call('/folders?limit=a')).status).toBe(400);
    expect((await call('/folders?order=asc')).status).toBe(400);
  });

  it('shows users and groups mounting the folder, bumps their updated_at on update and delete', async () => {
    expect((await call('/folders', 'POST', { name: 'shared', mapped_path: '/data/shared' })).status).toBe(
      201,
    );
    const sharedId = await folderId(ctx.db, 'shared');
    const old = Date.now() - 60_000;
    const direct = await insertUser(ctx.db, 'direct-user', old);
    const viaGroup = await insertUser(ctx.db, 'group-user', old);
    await insertUser(ctx.db, 'other-user', old);
    await ctx.db.query(
      'INSERT INTO "users_folders_mapping" ("user_id", "folder_id", "virtual_path", "quota_size", "quota_files") VALUES (?, ?, ?, 0, 0)',
      [direct, sharedId, '/vdir'],
    );
    const group = await call('/groups', 'POST', {
      name: 'g-shared',
      virtual_folders: [{ name: 'shared', virtual_path: '/shared' }],
    });
    expect(group.status).toBe(201);
    const groupRows = await ctx.db.query<{ id: number }>('SELECT "id" FROM "groups" WHERE "name" = ?', [
      'g-shared',
    ]);
    await ctx.db.query(
      'INSERT INTO "users_groups_mapping" ("user_id", "group_id", "group_type") VALUES (?, ?, 2)',
      [viaGroup, Number(groupRows[0].id)],
    );

    const folder = (await call('/folders/shared')).json();
    expect(folder.users).toEqual(['direct-user']);
    expect(folder.groups).toEqual(['g-shared']);
    const listed = (await call('/folders')).json<Json[]>().find((f) => f.name === 'shared');
    expect(listed).toMatchObject({ users: ['direct-user'], groups: ['g-shared'] });
    expect((await call('/folders/f1')).json().users).toBeUndefined();

    expect((await call('/folders/shared', 'PUT', { mapped_path: '/data/shared2' })).status).toBe(200);
    const afterUpdate = await userUpdatedAt(ctx.db, 'direct-user');
    expect(afterUpdate).toBeGreaterThan(old);
    expect(await userUpdatedAt(ctx.db, 'group-user')).toBeGreaterThan(old);
    expect(await userUpdatedAt(ctx.db, 'other-user')).toBe(old);
    const groupView = (await call('/groups/g-shared')).json<{ virtual_folders: Json[] }>();
    expect(groupView.virtual_folders[0].mapped_path).toBe('/data/shared2');

    await ctx.db.query('UPDATE "users" SET "updated_at" = ?', [old]);
    const del = await call('/folders/shared', 'DELETE');
    expect(del.status).toBe(200);
    expect(del.json()).toEqual({ message: 'Folder deleted' });
    expect(await userUpdatedAt(ctx.db, 'direct-user')).toBeGreaterThan(old);
    expect(await userUpdatedAt(ctx.db, 'group-user')).toBeGreaterThan(old);
    expect(await userUpdatedAt(ctx.db, 'other-user')).toBe(old);
    const mappings = await ctx.db.query('SELECT "id" FROM "users_folders_mapping" WHERE "folder_id" = ?', [
      sharedId,
    ]);
    expect(mappings).toHaveLength(0);
    expect((await call('/groups/g-shared')).json().virtual_folders).toBeUndefined();
    expect((await call('/folders/shared')).status).toBe(404);
  });

  it('needs a token (401) and the manage_folders permission (403)', async () => {
    expect((await ctx.app.request('/api/v2/folders')).status).toBe(401);
    expect((await ctx.app.request('/api/v2/folders/f1', { method: 'DELETE' })).status).toBe(401);
    await insertAdmin(ctx.db, 'no-folders', 'pw-no-folders', ['manage_groups', 'view_users']);
    await insertAdmin(ctx.db, 'folders-admin', 'pw-folders', ['manage_folders']);
    const weak = await ctx.app.token({ username: 'no-folders', password: 'pw-no-folders' });
    for (const [path, method, body] of [
      ['/folders', 'GET', undefined],
      ['/folders', 'POST', { name: 'nope', mapped_path: '/x' }],
      ['/folders/f1', 'GET', undefined],
      ['/folders/f1', 'PUT', { mapped_path: '/x' }],
      ['/folders/f1', 'DELETE', undefined],
    ] as const) {
      const res = await call(path, method, body, weak);
      expect(res.status).toBe(403);
      expect(res.json()).toEqual({ message: 'Forbidden' });
    }
    const allowed = await ctx.app.token({ username: 'folders-admin', password: 'pw-folders' });
    expect((await call('/folders/f1', 'GET', undefined, allowed)).status).toBe(200);
    // confidential_data is for `*` admins only.
    const hidden = await call('/folders/s3folder?confidential_data=1', 'GET', undefined, allowed);
    const secret = hidden.json<{ filesystem: { s3config: Json } }>().filesystem.s3config
      .access_secret as Json;
    expect(secret.key).toBeUndefined();
  });

  it('documents the folder schemas under the reference names', async () => {
    const res = await ctx.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.json<{ paths: Json; components: { schemas: Json } }>();
    expect(doc.components.schemas).toHaveProperty('BaseVirtualFolder');
    expect(doc.components.schemas).toHaveProperty('VirtualFolder');
    expect(doc.paths).toHaveProperty('/api/v2/folders/{name}');
  });
});
