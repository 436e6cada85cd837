import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestResponse } from './support/http-client';
import { useTestServer } from './support/lifecycle';
import { jsonBody, userPassword } from './support/user-fixtures';

type Json = Record<string, unknown>;

const SECTIONS = [
  'users',
  'groups',
  'folders',
  'admins',
  'api_keys',
  'shares',
  'event_actions',
  'event_rules',
  'roles',
  'ip_lists',
  'configs',
  'version',
];
const CRYPT_PASSPHRASE = 'dump-crypt-passphrase-Rt5$hN9@pL3q';
const FOLDER_PASSPHRASE = 'dump-folder-passphrase-Kq2#vB8!';
const SHARE_PASSWORD = 'share-Secret-Pa55!';
const OPERATOR_PASSWORD = 'operator-Pa55!';

const outcome = (res: TestResponse) => ({ status: res.status, body: res.json() });

describe('GET /api/v2/dumpdata', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-dump-', captureLogs: 'info' });
  const ids: { adminKey: string; userKey: string; share: string } = { adminKey: '', userKey: '', share: '' };
  let operatorToken: string;

  const call = async (method: string, path: string, body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, { method, bearer, ...(body === undefined ? {} : jsonBody(body)) });

  const created = async (method: string, path: string, body: unknown, bearer = ctx.token) => {
    const res = await call(method, path, body, bearer);
    expect({ path, status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      path,
      status: 201,
      body: '',
    });
    return res;
  };

  const dump = (query: string, bearer = ctx.token) =>
    ctx.app.request(`/api/v2/dumpdata?${query}`, { bearer });
  const backupsPath = () => join(ctx.app.configDir, 'backups');

  beforeAll(async () => {
    await created('POST', '/roles', { name: 'r1', description: 'first role' });
    await created('POST', '/folders', {
      name: 'f1',
      mapped_path: join(ctx.root, 'f1'),
      used_quota_size: 345,
      used_quota_files: 3,
    });
    await created('POST', '/folders', {
      name: 'cf',
      mapped_path: join(ctx.root, 'cf'),
      filesystem: {
        provider: 4,
        cryptconfig: { passphrase: { status: 'Plain', payload: FOLDER_PASSPHRASE } },
      },
    });
    await created('POST', '/groups', {
      name: 'g1',
      description: 'group one',
      user_settings: { max_sessions: 2 },
      virtual_folders: [{ name: 'cf', virtual_path: '/gvf' }],
    });
    await created('POST', '/admins', {
      username: 'operator',
      password: OPERATOR_PASSWORD,
      status: 1,
      permissions: ['add_users', 'view_users'],
      role: 'r1',
      groups: [{ name: 'g1', options: { add_to_users_as: 1 } }],
      filters: { allow_api_key_auth: true },
    });
    operatorToken = await ctx.app.token({ username: 'operator', password: OPERATOR_PASSWORD });
    await created('POST', '/users', {
      username: 'u1',
      password: userPassword('u1'),
      status: 1,
      home_dir: join(ctx.root, 'u1'),
      permissions: { '/': ['*'] },
      role: 'r1',
      groups: [{ name: 'g1', type: 2 }],
      virtual_folders: [{ name: 'f1', virtual_path: '/vf', quota_size: -1, quota_files: -1 }],
      filesystem: {
        provider: 4,
        cryptconfig: { passphrase: { status: 'Plain', payload: CRYPT_PASSPHRASE } },
      },
      filters: { allow_api_key_auth: true },
    });
    mkdirSync(join(ctx.root, 'u1'), { recursive: true });
    ids.adminKey = String(
      (await created('POST', '/apikeys', { name: 'admin key', scope: 1, admin: 'operator' })).headers[
        'x-object-id'
      ],
    );
    ids.userKey = String(
      (await created('POST', '/apikeys', { name: 'user key', scope: 2, user: 'u1' })).headers['x-object-id'],
    );
    const userToken = (
      await ctx.app.request('/api/v2/user/token', { basic: { username: 'u1', password: userPassword('u1') } })
    ).json<{ access_token: string }>().access_token;
    const share = await created(
      'POST',
      '/user/shares',
      { name: 'share one', scope: 1, paths: ['/'], password: SHARE_PASSWORD },
      userToken,
    );
    ids.share = String(share.headers['x-object-id']);
    await created('POST', '/iplists/1', { type: 1, ipornet: '10.0.0.0/8', mode: 1, description: 'allowed' });
    await created('POST', '/iplists/2', { type: 2, ipornet: '192.168.1.1', mode: 2 });
    await created('POST', '/iplists/3', { type: 3, ipornet: '172.16.0.0/12', mode: 1 });
  });

  describe('output-data=1', () => {
    let res: TestResponse;
    let data: Json;
    const section = <T = Json>(name: string) => data[name] as T[];
    const named = (name: string, key: string, value: string) =>
      section(name).find((item) => item[key] === value) as Json;

    beforeAll(async () => {
      res = await dump('output-data=1');
      data = res.json();
    });

    it('answers the whole backup as an attachment, every section in SFTPGo order, version 17', () => {
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="sftpgo-backup.json"');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(Object.keys(data)).toEqual(SECTIONS);
      expect(data).toMatchObject({ event_actions: [], event_rules: [], configs: null, version: 17 });
    });

    it('never contains a plain secret, only hashes and encrypted secrets', () => {
      for (const plain of [
        CRYPT_PASSPHRASE,
        FOLDER_PASSPHRASE,
        SHARE_PASSWORD,
        OPERATOR_PASSWORD,
        userPassword('u1'),
      ]) {
        expect(res.text).not.toContain(plain);
      }
    });

    it('has users as the confidential GET shows them: hash, groups, virtual folders, secrets with key', async () => {
      const user = named('users', 'username', 'u1');
      expect(user).toEqual((await call('GET', '/users/u1?confidential_data=1')).json());
      expect(user.password).toMatch(/^\$2[aby]\$/);
      expect(user).toMatchObject({ id: expect.any(Number), role: 'r1', groups: [{ name: 'g1', type: 2 }] });
      expect(user.virtual_folders).toEqual([
        expect.objectContaining({
          name: 'f1',
          virtual_path: '/vf',
          used_quota_size: 345,
          used_quota_files: 3,
        }),
      ]);
      const passphrase = (user.filesystem as { cryptconfig: { passphrase: Json } }).cryptconfig.passphrase;
      expect(passphrase).toMatchObject({
        status: expect.any(String),
        payload: expect.any(String),
        key: expect.any(String),
        additional_data: 'u1',
      });
      expect(passphrase.status).not.toBe('Plain');
    });

    it('has groups with their mounts and folders with their used quota, no back-references', async () => {
      const group = named('groups', 'name', 'g1');
      const fullGroup = (await call('GET', '/groups/g1?confidential_data=1')).json();
      delete fullGroup.users;
      delete fullGroup.admins;
      expect(group).toEqual(fullGroup);
      expect(group.virtual_folders).toEqual([expect.objectContaining({ name: 'cf', virtual_path: '/gvf' })]);
      expect(group).not.toHaveProperty('users');

      const f1 = named('folders', 'name', 'f1');
      expect(f1).toMatchObject({ id: expect.any(Number), used_quota_size: 345, used_quota_files: 3 });
      expect(f1).not.toHaveProperty('users');
      const cf = named('folders', 'name', 'cf');
      const fullCf = (await call('GET', '/folders/cf?confidential_data=1')).json();
      delete fullCf.groups;
      expect(cf).toEqual(fullCf);
      expect(JSON.stringify(cf)).toContain('"key"');
    });

    it('has admins with their password hash, role and groups', async () => {
      const operator = named('admins', 'username', 'operator');
      const { password, ...rest } = operator;
      expect(password).toMatch(/^\$2[aby]\$/);
      expect(rest).toEqual((await call('GET', '/admins/operator')).json());
      expect(operator).toMatchObject({
        role: 'r1',
        groups: [{ name: 'g1', options: { add_to_users_as: 1 } }],
      });
      expect(Object.keys(operator).slice(0, 4)).toEqual(['id', 'status', 'username', 'password']);
      expect(named('admins', 'username', 'admin').password).toMatch(/^\$2[aby]\$/);
    });

    it('has API keys with their stored hash, and shares with their password hash', async () => {
      const adminKey = named('api_keys', 'id', ids.adminKey);
      expect(adminKey).toEqual({
        ...(await call('GET', `/apikeys/${ids.adminKey}`)).json(),
        key: expect.stringMatching(/^\$hmac-sha256\$/),
      });
      expect(adminKey).toMatchObject({ name: 'admin key', scope: 1, admin: 'operator' });
      expect(named('api_keys', 'id', ids.userKey)).toMatchObject({
        scope: 2,
        user: 'u1',
        key: expect.stringMatching(/^\$hmac-sha256\$/),
      });
      expect(named('shares', 'id', ids.share)).toMatchObject({
        name: 'share one',
        username: 'u1',
        scope: 1,
        paths: ['/'],
        password: expect.stringMatching(/^\$2[aby]\$/),
      });
    });

    it('has roles without back-references and the three IP lists', () => {
      expect(section('roles')).toEqual([
        {
          id: expect.any(Number),
          name: 'r1',
          description: 'first role',
          created_at: expect.any(Number),
          updated_at: expect.any(Number),
        },
      ]);
      expect(section('ip_lists').map((entry) => [entry.type, entry.ipornet, entry.mode])).toEqual([
        [1, '10.0.0.0/8', 1],
        [2, '192.168.1.1/32', 2],
        [3, '172.16.0.0/12', 1],
      ]);
      expect(named('ip_lists', 'ipornet', '10.0.0.0/8').description).toBe('allowed');
    });

    it('pretty-prints with indent=1 (same content)', async () => {
      const pretty = await dump('output-data=1&indent=1');
      expect(pretty.status).toBe(200);
      expect(pretty.text.startsWith('{\n  "users": [\n    {\n      "id": ')).toBe(true);
      expect(pretty.text).toContain('\n  "event_actions": [],\n');
      expect(pretty.text.endsWith('\n  "configs": null,\n  "version": 17\n}')).toBe(true);
      expect(Object.keys(pretty.json())).toEqual(SECTIONS);
      expect(pretty.json<Json>().users).toEqual(data.users);
    });
  });

  describe('scopes', () => {
    it('limits the dump to the listed scopes; the others are null', async () => {
      const res = await dump('output-data=1&scopes=users,%20roles,users');
      expect(res.status).toBe(200);
      const data = res.json();
      expect(Object.keys(data)).toEqual(SECTIONS);
      expect((data.users as Json[]).map((u) => u.username)).toEqual(['u1']);
      expect((data.roles as Json[]).map((r) => r.name)).toEqual(['r1']);
      for (const key of SECTIONS.filter((k) => !['users', 'roles', 'configs', 'version'].includes(k))) {
        expect({ key, value: data[key] }).toEqual({ key, value: null });
      }
      expect(data.version).toBe(17);
    });

    it('maps actions and rules to the event sections; unknown scopes match nothing', async () => {
      const events = (await dump('output-data=1&scopes=actions,rules')).json();
      expect(events).toMatchObject({ event_actions: [], event_rules: [], users: null, ip_lists: null });
      const unknown = (await dump('output-data=1&scopes=nothing')).json();
      expect(Object.values(unknown)).toEqual([...Array(SECTIONS.length - 1).fill(null), 17]);
      const apiKeys = (await dump('output-data=1&scopes=api_keys,ip_lists,shares')).json();
      expect((apiKeys.api_keys as Json[]).length).toBe(2);
      expect((apiKeys.ip_lists as Json[]).length).toBe(3);
      expect((apiKeys.shares as Json[]).length).toBe(1);
      expect(apiKeys.admins).toBeNull();
    });
  });

  describe('output-file', () => {
    it('writes the backup under backups_path with mode 0600, atomically, and overwrites', async () => {
      const first = await dump('output-file=nightly/backup.json&scopes=users');
      expect(outcome(first)).toEqual({ status: 200, body: { message: 'Data saved' } });
      const file = join(backupsPath(), 'nightly', 'backup.json');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(backupsPath()).mode & 0o777).toBe(0o700);
      const written = JSON.parse(readFileSync(file, 'utf8')) as Json;
      expect((written.users as Json[]).map((u) => u.username)).toEqual(['u1']);
      expect(written.admins).toBeNull();

      const second = await dump('output-file=nightly/backup.json&indent=1');
      expect(outcome(second)).toEqual({ status: 200, body: { message: 'Data saved' } });
      const text = readFileSync(file, 'utf8');
      expect(text.startsWith('{\n  "users": [')).toBe(true);
      const full = JSON.parse(text) as Json;
      expect(full).toEqual((await dump('output-data=1')).json());
      // The temp file was renamed into place: nothing else is left beside it.
      expect(readdirSync(join(backupsPath(), 'nightly'))).toEqual(['backup.json']);
      // One log line per dump: who, scopes, where, how many; never a hash.
      expect(ctx.app.logs()).toContain(
        `admin \\"admin\\" dumped data (scopes: users) to \\"${file}\\": users=1`,
      );
      expect(ctx.app.logs()).not.toContain('$2');
    });

    it('follows a symlink that stays inside backups_path', async () => {
      mkdirSync(join(backupsPath(), 'real'), { recursive: true });
      symlinkSync(join(backupsPath(), 'real'), join(backupsPath(), 'alias'));
      expect((await dump('output-file=alias/b.json&scopes=roles')).status).toBe(200);
      expect(existsSync(join(backupsPath(), 'real', 'b.json'))).toBe(true);
    });

    it('refuses a missing, absolute or `..` path with SFTPGo texts, and writes nothing', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'sftpgo-dump-outside-'));
      try {
        expect(outcome(await dump(''))).toEqual({
          status: 400,
          body: { error: 'invalid or missing output-file', message: '' },
        });
        expect(outcome(await dump('output-file=%20%20'))).toEqual({
          status: 400,
          body: { error: 'invalid or missing output-file', message: '' },
        });
        const absolute = join(outside, 'abs.json');
        expect(outcome(await dump(`output-file=${encodeURIComponent(absolute)}`))).toEqual({
          status: 400,
          body: { error: `invalid output-file "${absolute}": it must be a relative path`, message: '' },
        });
        for (const name of ['../escape.json', 'a/../../escape.json', '..', 'x..y.json']) {
          expect(outcome(await dump(`output-file=${encodeURIComponent(name)}`))).toEqual({
            status: 400,
            body: { error: `invalid output-file "${name}"`, message: '' },
          });
        }
        expect(readdirSync(outside)).toEqual([]);
        expect(existsSync(join(ctx.app.configDir, 'escape.json'))).toBe(false);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('refuses a symlink leading out of backups_path, creating nothing outside', async () => {
      const outside = mkdtempSync(join(tmpdir(), 'sftpgo-dump-outside-'));
      try {
        symlinkSync(outside, join(backupsPath(), 'escape'));
        for (const name of ['escape/x.json', 'escape/sub/x.json']) {
          expect(outcome(await dump(`output-file=${encodeURIComponent(name)}`))).toEqual({
            status: 400,
            body: { error: `invalid output-file "${name}"`, message: '' },
          });
        }
        // A symlink as the file itself is replaced, never written through.
        symlinkSync(join(outside, 'target.json'), join(backupsPath(), 'planted.json'));
        expect((await dump('output-file=planted.json&scopes=roles')).status).toBe(200);
        expect(lstatSync(join(backupsPath(), 'planted.json')).isFile()).toBe(true);
        expect(readdirSync(outside)).toEqual([]);
      } finally {
        rmSync(outside, { recursive: true, force: true });
      }
    });

    it('answers 500 when the target is a directory, leaving no temp file', async () => {
      mkdirSync(join(backupsPath(), 'adir', 'inner'), { recursive: true });
      const res = await dump('output-file=adir/inner&scopes=roles');
      expect(res.status).toBe(500);
      expect(readdirSync(join(backupsPath(), 'adir'))).toEqual(['inner']);
    });
  });

  describe('paging', () => {
    it('reads every row of large sections, page after page, in order', async () => {
      const now = Date.now();
      const names = Array.from({ length: 450 }, (_, i) => `bulk-${String(i).padStart(3, '0')}`);
      for (const name of names) {
        await ctx.db.query(
          'INSERT INTO "roles" ("name", "description", "created_at", "updated_at") VALUES (?, ?, ?, ?)',
          [name, null, now, now],
        );
        await ctx.db.query(
          'INSERT INTO "users" ("username", "status", "home_dir", "permissions", "created_at", "updated_at") VALUES (?, 1, ?, ?, ?, ?)',
          [name, `/srv/${name}`, '{"/":["*"]}', now, now],
        );
      }
      const res = await dump('output-data=1&scopes=roles,users');
      expect(res.status).toBe(200);
      const data = res.json<{ roles: Json[]; users: Json[] }>();
      expect(data.roles.map((r) => r.name)).toEqual([...names, 'r1']);
      expect(data.users.map((u) => u.username)).toEqual([...names, 'u1']);
    });
  });

  it('requires the `*` permission', async () => {
    const res = await dump('output-data=1', operatorToken);
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('$2');
    expect((await ctx.app.request('/api/v2/dumpdata?output-data=1')).status).toBe(401);
  });
});
