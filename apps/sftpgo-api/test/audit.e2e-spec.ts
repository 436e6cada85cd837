import { join } from 'node:path';
import { eventually } from './support/eventually';
import type { TestResponse } from './support/http-client';
import { useTestServer } from './support/lifecycle';
import { TEST_DRIVER } from './support/test-db';
import { ADMIN } from './support/test-server';
import { createUserWithToken, jsonBody } from './support/user-fixtures';

/** One `provider_events` row as a test reads it (bigints as numbers, `object_data` parsed). */
interface EventRow {
  timestamp: number;
  action: string;
  username: string;
  ip: string;
  object_type: string;
  object_name: string;
  role: string;
  data: Record<string, unknown> | null;
  raw: string | null;
}

const S3_SECRET = 'audit-S3-secret-never-stored';
const USER_PASSWORD = 'audit-user-Pa55word!';

/** Defender on (for a host to delete), with a threshold no test of this file reaches. */
const CONFIG = {
  common: {
    defender: {
      enabled: true,
      driver: 'memory',
      ban_time: 30,
      threshold: 100,
      score_invalid: 2,
      score_valid: 1,
      observation_time: 30,
      login_delay: { success: 0, password_failed: 0 },
    },
  },
};

describe(`audit trail (${TEST_DRIVER})`, () => {
  const ctx = useTestServer({
    token: true,
    tempDir: 'sftpgo-audit-',
    captureLogs: 'info',
    configFile: CONFIG,
  });

  const call = (method: string, path: string, body?: unknown, bearer = ctx.token): Promise<TestResponse> =>
    ctx.app.request(`/api/v2${path}`, { method, bearer, ...(body === undefined ? {} : jsonBody(body)) });

  /** Asserts a 2xx answer (with its body on failure). */
  async function ok(res: Promise<TestResponse>, status = 200): Promise<TestResponse> {
    const done = await res;
    expect({ status: done.status, body: done.status === status ? '' : done.text }).toEqual({
      status,
      body: '',
    });
    return done;
  }

  async function events(type: string, name: string): Promise<EventRow[]> {
    const rows = await ctx.db.query<Record<string, unknown>>(
      'SELECT * FROM "provider_events" WHERE "object_type" = ? AND "object_name" = ? ORDER BY "id"',
      [type, name],
    );
    return rows.map((row) => {
      const raw = (row.object_data as string | null) ?? null;
      return {
        timestamp: Number(row.timestamp),
        action: String(row.action),
        username: String(row.username),
        ip: String(row.ip),
        object_type: String(row.object_type),
        object_name: String(row.object_name),
        role: String(row.role),
        data: raw === null ? null : (JSON.parse(raw) as Record<string, unknown>),
        raw,
      };
    });
  }

  /** Waits for `count` events of the object (rows are written just after the response). */
  const eventsOf = (type: string, name: string, count: number): Promise<EventRow[]> =>
    eventually(async () => {
      const rows = await events(type, name);
      expect(rows).toHaveLength(count);
      return rows;
    });

  /** What every event of the default admin from loopback says, beside its action. */
  const byAdmin = (action: string, type: string, name: string) => ({
    action,
    username: ADMIN.username,
    ip: '127.0.0.1',
    role: '',
    object_type: type,
    object_name: name,
  });

  it('records a user add, update and delete; the object without its password, hash or secrets', async () => {
    const before = Date.now();
    const created = await ok(
      call('POST', '/users', {
        username: 'audited',
        password: USER_PASSWORD,
        status: 1,
        permissions: { '/': ['*'] },
        filesystem: {
          provider: 1,
          s3config: {
            bucket: 'bucket',
            region: 'eu-west-1',
            access_key: 'AKIAAUDIT',
            access_secret: { status: 'Plain', payload: S3_SECRET },
          },
        },
      }),
      201,
    );
    const encrypted = created.json<{ filesystem: { s3config: { access_secret: { payload: string } } } }>()
      .filesystem.s3config.access_secret.payload;
    const updated = { ...created.json(), description: 'changed' };
    await ok(call('PUT', '/users/audited', updated));
    await ok(call('DELETE', '/users/audited'));

    const rows = await eventsOf('user', 'audited', 3);
    expect(rows).toEqual([
      expect.objectContaining(byAdmin('add', 'user', 'audited')),
      expect.objectContaining({ ...byAdmin('update', 'user', 'audited'), data: null }),
      expect.objectContaining({ ...byAdmin('delete', 'user', 'audited'), data: null }),
    ]);
    expect(rows[0].timestamp).toBeGreaterThanOrEqual(before);
    expect(rows[0].timestamp).toBeLessThanOrEqual(Date.now());
    expect(rows[0].data).toMatchObject({
      username: 'audited',
      has_password: true,
      filesystem: { provider: 1, s3config: { bucket: 'bucket', access_key: 'AKIAAUDIT' } },
    });
    expect(rows[0].data).not.toHaveProperty('password');
    expect(rows[0].raw).not.toContain(USER_PASSWORD);
    expect(rows[0].raw).not.toContain(S3_SECRET);
    expect(rows[0].raw).not.toContain(encrypted);
    expect(rows[0].raw).not.toMatch(/\$2[aby]\$|\$argon2/);
  });

  it('never stores the password hash, even when the admin asks for confidential data', async () => {
    await ok(
      call('POST', '/users?confidential_data=1', {
        username: 'confidential',
        password: USER_PASSWORD,
        status: 1,
        home_dir: join(ctx.root, 'confidential'),
        permissions: { '/': ['*'] },
      }),
      201,
    );
    const [stored] = await ctx.db.query<{ password: string }>(
      'SELECT "password" FROM "users" WHERE "username" = ?',
      ['confidential'],
    );
    const [row] = await eventsOf('user', 'confidential', 1);
    expect(row.data).toMatchObject({ username: 'confidential', has_password: true });
    expect(row.raw).not.toContain(stored.password);
    expect(row.raw).not.toContain(USER_PASSWORD);
  });

  it.each([
    ['group', '/groups', { name: 'g-audit', description: 'd' }],
    ['folder', '/folders', { name: 'f-audit', description: 'd', mapped_path: '/srv/f-audit' }],
    ['role', '/roles', { name: 'r-audit', description: 'd' }],
  ])('records a %s add (with the object), update and delete', async (type, path, body) => {
    const created = await ok(call('POST', path, body), 201);
    await ok(call('PUT', `${path}/${body.name}`, { ...body, description: 'changed' }));
    await ok(call('DELETE', `${path}/${body.name}`));
    const rows = await eventsOf(type, body.name, 3);
    expect(rows).toEqual([
      expect.objectContaining({ ...byAdmin('add', type, body.name), data: created.json() }),
      expect.objectContaining({ ...byAdmin('update', type, body.name), data: null }),
      expect.objectContaining({ ...byAdmin('delete', type, body.name), data: null }),
    ]);
  });

  it('records an admin add, update and delete, and the profile and password changes of the caller', async () => {
    const password = 'audit-admin-Pa55!';
    const created = await ok(
      call('POST', '/admins', { username: 'audit-admin', password, status: 1, permissions: ['*'] }),
      201,
    );
    await ok(
      call('PUT', '/admins/audit-admin', {
        ...created.json<Record<string, unknown>>(),
        description: 'changed',
      }),
    );
    const token = await ctx.app.token({ username: 'audit-admin', password });
    await ok(call('PUT', '/admin/profile', { email: 'audit@example.com' }, token));
    await ok(
      call('PUT', '/admin/changepwd', { current_password: password, new_password: `${password}2` }, token),
    );
    await ok(call('DELETE', '/admins/audit-admin'));

    const rows = await eventsOf('admin', 'audit-admin', 5);
    const self = { username: 'audit-admin', ip: '127.0.0.1', action: 'update', object_name: 'audit-admin' };
    expect(rows).toEqual([
      expect.objectContaining({ ...byAdmin('add', 'admin', 'audit-admin'), data: created.json() }),
      expect.objectContaining(byAdmin('update', 'admin', 'audit-admin')),
      expect.objectContaining({ ...self, data: null }),
      expect.objectContaining({ ...self, data: null }),
      expect.objectContaining(byAdmin('delete', 'admin', 'audit-admin')),
    ]);
    for (const row of rows) {
      expect(row.raw ?? '').not.toContain(password);
      expect(row.raw ?? '').not.toMatch(/\$2[aby]\$|\$argon2/);
    }
  });

  it('records API keys by their id (X-Object-ID), never the key', async () => {
    const created = await ok(call('POST', '/apikeys', { name: 'audit key', scope: 1 }), 201);
    const id = String(created.headers['x-object-id']);
    const { key } = created.json<{ key: string }>();
    await ok(call('PUT', `/apikeys/${id}`, { name: 'audit key', scope: 1, description: 'changed' }));
    await ok(call('DELETE', `/apikeys/${id}`));
    const rows = await eventsOf('api_key', id, 3);
    expect(rows).toEqual([
      expect.objectContaining({ ...byAdmin('add', 'api_key', id), data: null }),
      expect.objectContaining(byAdmin('update', 'api_key', id)),
      expect.objectContaining(byAdmin('delete', 'api_key', id)),
    ]);
    expect(
      (await ctx.db.query('SELECT "id" FROM "provider_events" WHERE "object_data" LIKE ?', [`%${key}%`]))
        .length,
    ).toBe(0);
  });

  it('records IP list entries as <type>_<network as stored>', async () => {
    await ok(call('POST', '/iplists/3', { type: 3, ipornet: '10.99.0.1', mode: 1 }), 201);
    await ok(call('PUT', `/iplists/3/${encodeURIComponent('10.99.0.1/32')}`, { mode: 1, description: 'x' }));
    await ok(call('DELETE', `/iplists/3/${encodeURIComponent('10.99.0.1/32')}`));
    const rows = await eventsOf('ip_list_entry', '3_10.99.0.1/32', 3);
    expect(rows.map((row) => row.action)).toEqual(['add', 'update', 'delete']);
    expect(rows[0]).toMatchObject(byAdmin('add', 'ip_list_entry', '3_10.99.0.1/32'));
  });

  it('records a defender host removal by its id', async () => {
    const ip = '127.0.0.77';
    const failed = await ctx.app.request('/api/v2/token', {
      basic: { username: ADMIN.username, password: 'wrong' },
      localAddress: ip,
    });
    expect(failed.status).toBe(401);
    const id = Buffer.from(ip).toString('hex');
    await ok(call('DELETE', `/defender/hosts/${id}`));
    const [row] = await eventsOf('defender_host', id, 1);
    expect(row).toMatchObject(byAdmin('delete', 'defender_host', id));
  });

  it('records user-side shares with the user as the actor', async () => {
    const userToken = await createUserWithToken(ctx.app, ctx.token, 'sharer', join(ctx.root, 'sharer'));
    const body = { name: 'audit share', scope: 1, paths: ['/'], password: 'share-Pa55!' };
    const created = await ok(call('POST', '/user/shares', body, userToken), 201);
    const id = String(created.headers['x-object-id']);
    await ok(call('PUT', `/user/shares/${id}`, { ...body, description: 'changed' }, userToken));
    await ok(call('DELETE', `/user/shares/${id}`, undefined, userToken));
    const rows = await eventsOf('share', id, 3);
    const asUser = { username: 'sharer', ip: '127.0.0.1', role: '', object_name: id, data: null };
    expect(rows).toEqual([
      expect.objectContaining({ ...asUser, action: 'add' }),
      expect.objectContaining({ ...asUser, action: 'update' }),
      expect.objectContaining({ ...asUser, action: 'delete' }),
    ]);
  });

  it("records a role admin's role, and the client IP it came from", async () => {
    await ok(call('POST', '/roles', { name: 'audit-role' }), 201);
    const password = 'role-admin-Pa55!';
    await ok(
      call('POST', '/admins', {
        username: 'role-admin',
        password,
        status: 1,
        role: 'audit-role',
        permissions: ['add_users', 'edit_users', 'del_users', 'view_users'],
      }),
      201,
    );
    const token = await ctx.app.token({ username: 'role-admin', password }, '127.0.0.5');
    const res = await ctx.app.request('/api/v2/users', {
      method: 'POST',
      bearer: token,
      localAddress: '127.0.0.5',
      ...jsonBody({
        username: 'role-user',
        password: USER_PASSWORD,
        status: 1,
        home_dir: join(ctx.root, 'role-user'),
        permissions: { '/': ['*'] },
      }),
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
    const [row] = await eventsOf('user', 'role-user', 1);
    expect(row).toMatchObject({
      action: 'add',
      username: 'role-admin',
      ip: '127.0.0.5',
      role: 'audit-role',
      data: expect.objectContaining({ username: 'role-user', role: 'audit-role' }),
    });
  });

  it('records nothing for a change that fails (400, 404, 403)', async () => {
    expect((await call('POST', '/users', { username: 'invalid-user' })).status).toBe(400);
    expect((await call('PUT', '/groups/no-such-group', { name: 'no-such-group' })).status).toBe(404);
    expect((await call('DELETE', '/folders/no-such-folder')).status).toBe(404);
    expect((await call('DELETE', '/roles/no-such-role')).status).toBe(404);
    const viewer = 'audit-viewer';
    await ok(
      call('POST', '/admins', {
        username: viewer,
        password: 'viewer-Pa55!',
        status: 1,
        permissions: ['view_users'],
      }),
      201,
    );
    const token = await ctx.app.token({ username: viewer, password: 'viewer-Pa55!' });
    expect((await call('DELETE', '/users/confidential', undefined, token)).status).toBe(403);
    // A change made after the failed ones is recorded: by then theirs would be too.
    await ok(call('POST', '/roles', { name: 'after-failures' }), 201);
    await eventsOf('role', 'after-failures', 1);
    for (const [type, name] of [
      ['user', 'invalid-user'],
      ['group', 'no-such-group'],
      ['folder', 'no-such-folder'],
      ['role', 'no-such-role'],
    ]) {
      expect(await events(type, name)).toEqual([]);
    }
    expect((await events('user', 'confidential')).map((row) => row.action)).toEqual(['add']);
  });

  it('writes one structured log line per change: who, what, from where, never the object', async () => {
    await ok(call('POST', '/roles', { name: 'logged-role' }), 201);
    await eventsOf('role', 'logged-role', 1);
    const lines = ctx.app
      .logs()
      .split('\n')
      .filter((line) => line.includes('"audit":true'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toContainEqual(
      expect.objectContaining({
        context: 'audit',
        action: 'add',
        object_type: 'role',
        object_name: 'logged-role',
        username: ADMIN.username,
        ip: '127.0.0.1',
        role: '',
      }),
    );
    const all = ctx.app.logs();
    expect(all).not.toContain(USER_PASSWORD);
    expect(all).not.toContain(S3_SECRET);
    expect(lines.every((line) => !('object_data' in line))).toBe(true);
  });
});
