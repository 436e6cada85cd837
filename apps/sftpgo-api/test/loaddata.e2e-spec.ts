import * as argon2 from 'argon2';
import * as bcrypt from 'bcrypt';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { useTestServer, type TestContext } from './support/lifecycle';
import type { TestResponse } from './support/http-client';
import { eventually } from './support/eventually';
import { jsonBody } from './support/user-fixtures';

type Json = Record<string, unknown>;

/** A `$2a$` hash (what SFTPGo writes): the bcrypt package writes `$2b$`, the same algorithm. */
const bcrypt2a = async (plain: string) => (await bcrypt.hash(plain, 4)).replace(/^\$2b\$/, '$2a$');

const api = (ctx: TestContext, method: string, path: string, body?: unknown, bearer = ctx.token) =>
  ctx.app.request(`/api/v2${path}`, {
    method,
    bearer,
    ...(body === undefined ? {} : jsonBody(body)),
  });

const load = (ctx: TestContext, backup: unknown, query = '', bearer = ctx.token) =>
  ctx.app.request(`/api/v2/loaddata${query ? `?${query}` : ''}`, {
    method: 'POST',
    bearer,
    headers: { 'content-type': 'application/json' },
    body: typeof backup === 'string' ? backup : JSON.stringify(backup),
  });

const expectStatus = (res: TestResponse, status: number) =>
  expect({ status: res.status, body: res.status === status ? '' : res.text }).toEqual({ status, body: '' });

const userToken = async (ctx: TestContext, username: string, password: string) =>
  ctx.app.request('/api/v2/user/token', { basic: { username, password } });

/** A minimal valid local user for backups. */
const user = (root: string, username: string, extra: Json = {}): Json => ({
  username,
  status: 1,
  password: `${username}-Secret-1!`,
  home_dir: join(root, username),
  permissions: { '/': ['*'] },
  ...extra,
});

describe('loaddata: a hand-written SFTPGo v2.7 backup', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-load-' });
  let backup: Json;

  beforeAll(async () => {
    const root = ctx.root;
    backup = {
      version: 17,
      ip_lists: [
        { ipornet: '192.168.1.0/24', type: 1, mode: 1, protocols: 0, description: 'office' },
        { ipornet: '10.9.9.9/32', type: 2, mode: 2, protocols: 8, description: 'bad host' },
      ],
      roles: [{ id: 7, name: 'ops', description: 'operators', created_at: 1, updated_at: 2 }],
      folders: [
        {
          id: 3,
          name: 'shared',
          mapped_path: join(root, 'shared'),
          description: 'shared folder',
          used_quota_size: 1234,
          used_quota_files: 5,
          last_quota_update: 1700000000000,
          filesystem: { provider: 0 },
          users: ['alice'],
        },
      ],
      groups: [
        {
          id: 2,
          name: 'staff',
          description: 'staff group',
          user_settings: { max_sessions: 2, permissions: { '/': ['*'] }, filesystem: { provider: 0 } },
          virtual_folders: [
            { name: 'shared', virtual_path: '/group-shared', quota_size: -1, quota_files: -1 },
          ],
        },
      ],
      users: [
        {
          id: 10,
          username: 'alice',
          status: 1,
          password: await bcrypt2a('alice-Old-Pass-1'),
          home_dir: join(root, 'alice'),
          permissions: { '/': ['*'] },
          quota_size: 0,
          role: 'ops',
          groups: [{ name: 'staff', type: 1 }],
          virtual_folders: [
            {
              name: 'shared',
              mapped_path: join(root, 'shared'),
              virtual_path: '/shared',
              quota_size: -1,
              quota_files: -1,
            },
          ],
          filesystem: { provider: 0 },
          filters: { allow_api_key_auth: true },
          created_at: 1600000000000,
          updated_at: 1600000000000,
        },
        {
          id: 11,
          username: 'bob',
          status: 1,
          password: await argon2.hash('bob-Old-Pass-1', { type: argon2.argon2id }),
          home_dir: join(root, 'bob'),
          permissions: { '/': ['list', 'download'] },
          filesystem: { provider: 0 },
        },
      ],
      admins: [
        {
          id: 5,
          username: 'carol',
          status: 1,
          password: await bcrypt2a('carol-Old-Pass-1'),
          permissions: ['*'],
          filters: { allow_api_key_auth: true },
          description: 'restored admin',
          groups: [{ name: 'staff', options: { add_to_users_as: 1 } }],
        },
      ],
      api_keys: [
        {
          id: 'RestoredKeyId0000000001',
          name: 'carol key',
          key: 'plain-key-secret',
          scope: 1,
          admin: 'carol',
          created_at: 1600000000000,
          updated_at: 1600000000000,
        },
      ],
      shares: [
        {
          id: 'restoredshare1',
          name: 'alice share',
          scope: 1,
          paths: ['/'],
          username: 'alice',
          password: await bcrypt2a('share-pass'),
          created_at: 1600000000000,
          updated_at: 1600000000000,
          max_tokens: 10,
          used_tokens: 2,
        },
      ],
      event_actions: [],
      event_rules: [],
      configs: null,
    };
  });

  it('loads: 200 Data restored; users and the admin log in with their old passwords', async () => {
    const res = await load(ctx, backup);
    expectStatus(res, 200);
    expect(res.json()).toEqual({ message: 'Data restored' });
    expect((await userToken(ctx, 'alice', 'alice-Old-Pass-1')).status).toBe(200);
    expect((await userToken(ctx, 'bob', 'bob-Old-Pass-1')).status).toBe(200);
    expect((await userToken(ctx, 'bob', 'wrong')).status).toBe(401);
    const carol = await ctx.app.token({ username: 'carol', password: 'carol-Old-Pass-1' });
    expect(carol).toEqual(expect.any(String));
  });

  it('stores the objects as the backup says (mappings, role, used quota of folders)', async () => {
    const alice = (await api(ctx, 'GET', '/users/alice')).json<Json>();
    expect(alice).toMatchObject({
      username: 'alice',
      role: 'ops',
      groups: [{ name: 'staff', type: 1 }],
      virtual_folders: [expect.objectContaining({ name: 'shared', virtual_path: '/shared' })],
    });
    const folder = (await api(ctx, 'GET', '/folders/shared')).json<Json>();
    expect(folder).toMatchObject({
      used_quota_size: 1234,
      used_quota_files: 5,
      last_quota_update: 1700000000000,
    });
    const group = (await api(ctx, 'GET', '/groups/staff')).json<Json>();
    expect(group).toMatchObject({ name: 'staff', description: 'staff group', users: ['alice'] });
    expect(group.virtual_folders).toEqual([
      expect.objectContaining({ name: 'shared', virtual_path: '/group-shared' }),
    ]);
    const role = (await api(ctx, 'GET', '/roles/ops')).json<Json>();
    expect(role).toMatchObject({ name: 'ops', description: 'operators', users: ['alice'] });
    const admin = (await api(ctx, 'GET', '/admins/carol')).json<Json>();
    expect(admin).toMatchObject({
      username: 'carol',
      permissions: ['*'],
      description: 'restored admin',
      groups: [{ name: 'staff', options: { add_to_users_as: 1 } }],
    });
    expect((await api(ctx, 'GET', '/iplists/1/192.168.1.0%2F24')).json<Json>()).toMatchObject({
      description: 'office',
    });
    expect((await api(ctx, 'GET', '/iplists/2/10.9.9.9%2F32')).json<Json>()).toMatchObject({
      mode: 2,
      protocols: 8,
    });
  });

  it('keeps the API key id (its plain key hashed: it authenticates) and the share with its tokens', async () => {
    const key = (await api(ctx, 'GET', '/apikeys/RestoredKeyId0000000001')).json<Json>();
    expect(key).toMatchObject({
      id: 'RestoredKeyId0000000001',
      admin: 'carol',
      scope: 1,
      created_at: 1600000000000,
    });
    const viaKey = await ctx.app.request('/api/v2/admins/carol', {
      headers: { 'x-sftpgo-api-key': 'RestoredKeyId0000000001.plain-key-secret' },
    });
    expectStatus(viaKey, 200);
    const tokenRes = await userToken(ctx, 'alice', 'alice-Old-Pass-1');
    const aliceToken = tokenRes.json<{ access_token: string }>().access_token;
    const share = await ctx.app.request('/api/v2/user/shares/restoredshare1', { bearer: aliceToken });
    expectStatus(share, 200);
    expect(share.json()).toMatchObject({
      id: 'restoredshare1',
      used_tokens: 2,
      max_tokens: 10,
      username: 'alice',
    });
  });

  it('loads the same backup again (mode 0 updates): same objects, passwords unchanged', async () => {
    expectStatus(await load(ctx, backup), 200);
    expect((await userToken(ctx, 'alice', 'alice-Old-Pass-1')).status).toBe(200);
    const users = (await api(ctx, 'GET', '/users')).json<Json[]>();
    expect(users.map((u) => u.username).sort()).toEqual(['alice', 'bob']);
  });
});

describe('loaddata: all or nothing, modes, options', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-load2-' });

  const expectError = async (res: TestResponse, status: number, text: string) => {
    expect(res.status).toBe(status);
    const body = res.json<{ error?: string; message: string }>();
    expect(`${body.error ?? ''} ${body.message}`).toContain(text);
  };
  const expectMissing = async (path: string) => expect((await api(ctx, 'GET', path)).status).toBe(404);

  it('a bad user at the end: 400 naming it, nothing before it created', async () => {
    const res = await load(ctx, {
      roles: [{ name: 'r-bad' }],
      folders: [{ name: 'f-bad', mapped_path: join(ctx.root, 'f-bad') }],
      groups: [{ name: 'g-bad' }],
      users: [
        user(ctx.root, 'good1'),
        user(ctx.root, 'good2'),
        user(ctx.root, 'bad3', { home_dir: 'relative/dir' }),
      ],
    });
    await expectError(res, 400, 'users[2] "bad3": Validation error: home_dir must be an absolute path');
    for (const path of ['/roles/r-bad', '/folders/f-bad', '/groups/g-bad', '/users/good1', '/users/good2']) {
      await expectMissing(path);
    }
  });

  it('a dangling group reference: 400 naming the user, nothing created', async () => {
    const res = await load(ctx, {
      groups: [{ name: 'g-ok' }],
      users: [
        user(ctx.root, 'dangling', {
          groups: [
            { name: 'g-ok', type: 2 },
            { name: 'nogroup', type: 2 },
          ],
        }),
      ],
    });
    await expectError(res, 400, 'users[0] "dangling": Validation error: group "nogroup" does not exist');
    await expectMissing('/groups/g-ok');
  });

  it('a reference to an object of the same backup resolves (group, folder, role, owner)', async () => {
    const res = await load(ctx, {
      roles: [{ name: 'r-ref' }],
      folders: [{ name: 'f-ref', mapped_path: join(ctx.root, 'f-ref') }],
      groups: [{ name: 'g-ref' }],
      users: [
        user(ctx.root, 'refuser', {
          role: 'r-ref',
          groups: [{ name: 'g-ref', type: 1 }],
          virtual_folders: [{ name: 'f-ref', virtual_path: '/v' }],
        }),
      ],
      shares: [{ id: 'refshare', name: 'ref', scope: 1, paths: ['/'], username: 'refuser' }],
    });
    expectStatus(res, 200);
    expect((await api(ctx, 'GET', '/users/refuser')).json<Json>()).toMatchObject({ role: 'r-ref' });
  });

  it('wrong types and shapes: 4xx naming the object, nothing created', async () => {
    await expectError(
      await load(ctx, { roles: [{ name: 'r-types' }], users: [user(ctx.root, 'types', { uid: 'abc' })] }),
      400,
      'users[0] "types": Validation error',
    );
    await expectMissing('/roles/r-types');
    await expectError(await load(ctx, { users: {} }), 400, 'users must be an array');
    await expectError(await load(ctx, { admins: ['x'] }), 400, 'admins[0] must be an object');
    await expectError(await load(ctx, '{not json'), 400, 'invalid input_file');
    await expectError(await load(ctx, '[]'), 400, 'invalid input_file');
    await expectError(
      await load(ctx, { roles: [{ name: 'r-dup' }], api_keys: [{ id: 'k1', name: 'k', scope: 1 }] }),
      400,
      'api_keys[0] "k1": Validation error',
    );
    await expectMissing('/roles/r-dup');
    await expectError(
      await load(ctx, {
        roles: [{ name: 'r-share' }],
        shares: [{ id: 's1', name: 's', scope: 1, paths: ['/'], username: 'ghost' }],
      }),
      400,
      'shares[0] "s1"',
    );
    await expectMissing('/roles/r-share');
  });

  it('an empty body is a 400; no content type is fine; event rules and configs are ignored', async () => {
    await expectError(await load(ctx, ''), 400, 'request body is required');
    const noType = await ctx.app.request('/api/v2/loaddata', {
      method: 'POST',
      bearer: ctx.token,
      body: JSON.stringify({ roles: [{ name: 'r-notype' }] }),
    });
    expectStatus(noType, 200);
    const events = await load(ctx, {
      roles: [{ name: 'r-events' }],
      event_actions: [{ name: 'a1', type: 0 }],
      event_rules: [{ name: 'r1', trigger: 1 }],
      configs: { sftpd: {} },
    });
    expectStatus(events, 200);
    expect((await api(ctx, 'GET', '/roles/r-notype')).status).toBe(200);
    expect((await api(ctx, 'GET', '/roles/r-events')).status).toBe(200);
  });

  it('mode 1 adds new objects only; mode 0 and 2 update existing ones', async () => {
    expectStatus(await load(ctx, { users: [user(ctx.root, 'm1', { description: 'v1' })] }), 200);
    expectStatus(
      await load(
        ctx,
        {
          users: [user(ctx.root, 'm1', { description: 'v2' }), user(ctx.root, 'm2', { description: 'new' })],
        },
        'mode=1',
      ),
      200,
    );
    expect((await api(ctx, 'GET', '/users/m1')).json<Json>().description).toBe('v1');
    expect((await api(ctx, 'GET', '/users/m2')).json<Json>().description).toBe('new');
    expectStatus(await load(ctx, { users: [user(ctx.root, 'm1', { description: 'v2' })] }, 'mode=0'), 200);
    expect((await api(ctx, 'GET', '/users/m1')).json<Json>().description).toBe('v2');
    expectStatus(await load(ctx, { users: [user(ctx.root, 'm1', { description: 'v3' })] }, 'mode=2'), 200);
    expect((await api(ctx, 'GET', '/users/m1')).json<Json>().description).toBe('v3');
    expect((await userToken(ctx, 'm1', 'm1-Secret-1!')).status).toBe(200);
    // One audit record per restored object (skipped ones none): add once, then two updates.
    const events = await ctx.db.query<{ action: string; username: string; ip: string }>(
      'SELECT "action", "username", "ip" FROM "provider_events" WHERE "object_type" = ? AND "object_name" = ? ORDER BY "id"',
      ['user', 'm1'],
    );
    expect(events.map((e) => e.action)).toEqual(['add', 'update', 'update']);
    expect(events[0]).toMatchObject({ username: 'admin', ip: '127.0.0.1' });
  });

  it('scan-quota: 0 none, 1 every restored user and folder, 2 users with a quota limit (and folders)', async () => {
    const fileIn = (dir: string) => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'f.bin'), Buffer.alloc(10));
    };
    for (const scan of ['0', '1', '2']) {
      for (const name of [`scan-f${scan}`, `scan-l${scan}`, `scan-u${scan}`]) fileIn(join(ctx.root, name));
      const res = await load(
        ctx,
        {
          folders: [{ name: `scan-f${scan}`, mapped_path: join(ctx.root, `scan-f${scan}`) }],
          users: [user(ctx.root, `scan-l${scan}`, { quota_size: 1000 }), user(ctx.root, `scan-u${scan}`)],
        },
        `scan-quota=${scan}`,
      );
      expectStatus(res, 200);
    }
    const used = async (path: string) => (await api(ctx, 'GET', path)).json<Json>().used_quota_files ?? 0;
    await eventually(async () => {
      expect(await used('/folders/scan-f1')).toBe(1);
      expect(await used('/folders/scan-f2')).toBe(1);
      expect(await used('/users/scan-l1')).toBe(1);
      expect(await used('/users/scan-u1')).toBe(1);
      expect(await used('/users/scan-l2')).toBe(1);
    });
    // Not scanned: no scan-quota, or a user without quota limits with scan-quota=2.
    expect(await used('/folders/scan-f0')).toBe(0);
    expect(await used('/users/scan-l0')).toBe(0);
    expect(await used('/users/scan-u2')).toBe(0);
  });

  it('non-integer mode or scan-quota: 400 with SFTPGo texts', async () => {
    await expectError(
      await load(ctx, {}, 'mode=abc'),
      400,
      'invalid mode: strconv.Atoi: parsing "abc": invalid syntax',
    );
    await expectError(
      await load(ctx, {}, 'scan-quota=1.5'),
      400,
      'invalid scan_quota: strconv.Atoi: parsing "1.5"',
    );
    await expectError(await load(ctx, {}, 'mode='), 400, 'invalid mode');
  });

  it('a body over 20 MiB is a 413; just under is parsed', async () => {
    const big = JSON.stringify({ roles: [], padding: 'x'.repeat(20 * 1024 * 1024) });
    expect((await load(ctx, big)).status).toBe(413);
    const fits = JSON.stringify({ roles: [{ name: 'r-big' }], padding: 'x'.repeat(2 * 1024 * 1024) });
    expectStatus(await load(ctx, fits), 200);
  });

  describe('GET ?input-file=', () => {
    let backups: string;
    let outside: string;

    beforeAll(() => {
      backups = ctx.app.server.config.data_provider.backups_path;
      mkdirSync(join(backups, 'sub'), { recursive: true });
      writeFileSync(join(backups, 'sub', 'b1.json'), JSON.stringify({ roles: [{ name: 'from-file' }] }));
      outside = mkdtempSync(join(tmpdir(), 'sftpgo-outside-'));
      writeFileSync(join(outside, 'evil.json'), JSON.stringify({ roles: [{ name: 'evil' }] }));
      symlinkSync(join(outside, 'evil.json'), join(backups, 'link.json'));
      symlinkSync(outside, join(backups, 'linkdir'));
    });
    afterAll(() => rmSync(outside, { recursive: true, force: true }));

    const fromFile = (query: string, bearer = ctx.token) =>
      ctx.app.request(`/api/v2/loaddata?${query}`, { bearer });

    it('loads a file relative to backups_path, or absolute inside it', async () => {
      expectStatus(await fromFile('input-file=sub/b1.json'), 200);
      expect((await api(ctx, 'GET', '/roles/from-file')).status).toBe(200);
      expectStatus(
        await fromFile(`input-file=${encodeURIComponent(join(backups, 'sub', 'b1.json'))}&mode=1`),
        200,
      );
    });

    it('refuses traversal, absolute paths outside, symlinks out, missing files, no name: 400', async () => {
      for (const name of [
        '../evil.json',
        `sub/../../${'x'}.json`,
        join(outside, 'evil.json'),
        'link.json',
        'linkdir/evil.json',
        'missing.json',
        '/etc/passwd',
      ]) {
        await expectError(
          await fromFile(`input-file=${encodeURIComponent(name)}`),
          400,
          'invalid input_file',
        );
      }
      await expectError(await fromFile('mode=0'), 400, 'invalid input_file');
      await expectMissing('/roles/evil');
    });

    it('refuses a file over 20 MiB: 400', async () => {
      writeFileSync(join(backups, 'big.json'), Buffer.alloc(20 * 1024 * 1024 + 1, 0x20));
      await expectError(await fromFile('input-file=big.json'), 400, 'size too big');
    });
  });

  it('needs the * permission (403 for another admin), also for GET', async () => {
    const created = await api(ctx, 'POST', '/admins', {
      username: 'limited',
      password: 'limited-Pass-1',
      status: 1,
      permissions: ['add_users', 'edit_users', 'view_users'],
    });
    expectStatus(created, 201);
    const token = await ctx.app.token({ username: 'limited', password: 'limited-Pass-1' });
    expect((await load(ctx, { roles: [{ name: 'r-perm' }] }, '', token)).status).toBe(403);
    expect((await ctx.app.request('/api/v2/loaddata?input-file=x.json', { bearer: token })).status).toBe(403);
    await expectMissing('/roles/r-perm');
  });
});

describe('loaddata: round trip through /dumpdata into a fresh server', () => {
  const a = useTestServer({ token: true, tempDir: 'sftpgo-rt-a-' });
  const b = useTestServer({ token: true });

  it('reproduces every object and every login', async () => {
    const root = a.root;
    const steps: [string, unknown][] = [
      ['/roles', { name: 'rt-role', description: 'round trip' }],
      ['/folders', { name: 'rt-folder', mapped_path: join(root, 'rt-folder') }],
      ['/groups', { name: 'rt-group', user_settings: { max_sessions: 3 } }],
      [
        '/users',
        user(root, 'rt-user', {
          password: 'rt-user-Pass-1',
          role: 'rt-role',
          groups: [{ name: 'rt-group', type: 1 }],
          virtual_folders: [{ name: 'rt-folder', virtual_path: '/f' }],
          filters: { allow_api_key_auth: true },
        }),
      ],
      ['/admins', { username: 'rt-admin', password: 'rt-admin-Pass-1', status: 1, permissions: ['*'] }],
      ['/iplists/1', { ipornet: '172.16.0.0/16', type: 1, mode: 1, description: 'rt' }],
    ];
    for (const [path, body] of steps) expectStatus(await api(a, 'POST', path, body), 201);
    const key = await api(a, 'POST', '/apikeys', { name: 'rt-key', scope: 2, user: 'rt-user' });
    expectStatus(key, 201);
    const fullKey = key.json<{ key: string }>().key;
    const ut = (await userToken(a, 'rt-user', 'rt-user-Pass-1')).json<{ access_token: string }>()
      .access_token;
    const share = await a.app.request('/api/v2/user/shares', {
      method: 'POST',
      bearer: ut,
      ...jsonBody({ name: 'rt-share', scope: 1, paths: ['/'], password: 'share-Pass-1' }),
    });
    expectStatus(share, 201);
    const shareId = String(share.headers['x-object-id']);
    expect(shareId).toMatch(/^[A-Za-z0-9]{22}$/);

    const dump = await a.app.request('/api/v2/dumpdata?output-data=1', { bearer: a.token });
    expectStatus(dump, 200);
    const loaded = await load(b, dump.text);
    expectStatus(loaded, 200);
    // The dump has A's default admin (another hash of the same password): B's old token ends with it.
    const bToken = await b.app.token();

    for (const path of [
      '/roles/rt-role',
      '/folders/rt-folder',
      '/groups/rt-group',
      '/users/rt-user',
      '/admins/rt-admin',
      '/iplists/1/172.16.0.0%2F16',
    ]) {
      const [x, y] = [await api(a, 'GET', path), await api(b, 'GET', path, undefined, bToken)];
      expectStatus(y, 200);
      const strip = (o: Json) => {
        const { id: _id, created_at: _c, updated_at: _u, last_login: _l, ...rest } = o;
        void [_id, _c, _u, _l];
        return rest;
      };
      expect(strip(y.json<Json>())).toEqual(strip(x.json<Json>()));
    }
    expect((await userToken(b, 'rt-user', 'rt-user-Pass-1')).status).toBe(200);
    expect(await b.app.token({ username: 'rt-admin', password: 'rt-admin-Pass-1' })).toEqual(
      expect.any(String),
    );
    mkdirSync(join(root, 'rt-user'), { recursive: true });
    const viaKey = await b.app.request('/api/v2/user/dirs?path=%2F', {
      headers: { 'x-sftpgo-api-key': fullKey },
    });
    expectStatus(viaKey, 200);
    const bt = (await userToken(b, 'rt-user', 'rt-user-Pass-1')).json<{ access_token: string }>()
      .access_token;
    expectStatus(await b.app.request(`/api/v2/user/shares/${shareId}`, { bearer: bt }), 200);
    const publicShare = await b.app.request(`/api/v2/shares/${shareId}`, {
      basic: { username: 'rt-user', password: 'share-Pass-1' },
    });
    expect(publicShare.status).toBe(200);
    const wrongPassword = await b.app.request(`/api/v2/shares/${shareId}`, {
      basic: { username: 'rt-user', password: 'wrong' },
    });
    expect(wrongPassword.status).toBe(401);
  });
});
