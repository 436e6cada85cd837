import * as bcrypt from 'bcrypt';
import type { TestDatabase } from './support/test-db';
import { useTestServer } from './support/lifecycle';
import { ADMIN, startTestServer } from './support/test-server';

const JSON_HEADERS = { 'content-type': 'application/json' };
const CLEAR_PASSWORD = 'Clear-Admin-Password-4711';

interface AdminBody {
  id: number;
  status: number;
  username: string;
  email?: string;
  permissions: string[];
  filters: Record<string, unknown>;
  description?: string;
  additional_info?: string;
  groups?: { name: string; options: { add_to_users_as: number } }[];
  created_at: number;
  updated_at: number;
  last_login: number;
  role?: string;
  password?: string;
}

async function insertGroup(db: TestDatabase, name: string): Promise<void> {
  await db.query(
    'INSERT INTO "groups" ("name", "user_settings", "created_at", "updated_at") VALUES (?, ?, 1, 1)',
    [name, '{}'],
  );
}

async function storedAdmin(db: TestDatabase, username: string) {
  const rows = await db.query<{ password: string; filters: string; updated_at: string | number }>(
    'SELECT "password", "filters", "updated_at" FROM "admins" WHERE "username" = ?',
    [username],
  );
  return rows[0];
}

describe('admins (/api/v2/admins, /api/v2/admin/profile, /api/v2/admin/changepwd)', () => {
  const ctx = useTestServer({ captureLogs: 'debug', token: true });

  const call = (method: string, path: string, body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      bearer,
      headers: body === undefined ? {} : JSON_HEADERS,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const tokenFor = (username: string, password: string) => ctx.app.token({ username, password });
  const create = (body: Record<string, unknown>) =>
    call('POST', '/admins', { status: 1, password: 'pwd-of-admin', permissions: ['view_users'], ...body });

  beforeAll(async () => {
    await insertGroup(ctx.db, 'g1');
    await insertGroup(ctx.db, 'g2');
    expect((await call('POST', '/roles', { name: 'role1' })).status).toBe(201);
  });

  it('returns the default admin with the filters SFTPGo always sends, never a password', async () => {
    const res = await call('GET', `/admins/${ADMIN.username}`);
    expect(res.status).toBe(200);
    const admin = res.json<AdminBody>();
    expect(admin).toEqual({
      id: expect.any(Number),
      status: 1,
      username: ADMIN.username,
      permissions: ['*'],
      filters: { require_two_factor: false, totp_config: {}, preferences: {} },
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      last_login: expect.any(Number),
    });
    expect(admin.last_login).toBeGreaterThan(0);
  });

  it('creates an admin with every field set: 201, Location, round trip; 2FA data from the body dropped', async () => {
    const body = {
      id: 1234,
      status: 1,
      username: 'full-admin',
      description: 'an admin with everything',
      password: CLEAR_PASSWORD,
      email: 'full@example.com',
      permissions: ['add_users', 'edit_users', 'view_users', 'add_users', 'disable_mfa'],
      filters: {
        allow_list: ['192.0.2.0/24', '127.0.0.0/8', '192.0.2.0/24', '2001:db8::/32'],
        allow_api_key_auth: true,
        require_password_change: true,
        require_two_factor: true,
        totp_config: {
          enabled: true,
          config_name: 'Default',
          secret: { status: 'Plain', payload: 'TOTPSECRET' },
        },
        recovery_codes: [{ secret: { status: 'Plain', payload: 'RC-1' }, used: false }],
        preferences: { hide_user_page_sections: 7, default_users_expiration: 30 },
      },
      additional_info: 'free text',
      groups: [
        { name: 'g2', options: { add_to_users_as: 2 } },
        { name: ' g1 ', options: { add_to_users_as: 1 } },
      ],
      role: 'role1',
      created_at: 5,
      updated_at: 6,
      last_login: 7,
      unknown_field: 'ignored',
    };
    const res = await call('POST', '/admins', body);
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe('/api/v2/admins/full-admin');
    const created = res.json<AdminBody>();
    const expected = {
      id: expect.any(Number),
      status: 1,
      username: 'full-admin',
      email: 'full@example.com',
      permissions: ['add_users', 'edit_users', 'view_users', 'disable_mfa'],
      filters: {
        allow_list: ['192.0.2.0/24', '127.0.0.0/8', '2001:db8::/32'],
        allow_api_key_auth: true,
        require_password_change: true,
        require_two_factor: true,
        totp_config: {},
        preferences: { hide_user_page_sections: 7, default_users_expiration: 30 },
      },
      description: 'an admin with everything',
      additional_info: 'free text',
      groups: [
        { name: 'g1', options: { add_to_users_as: 1 } },
        { name: 'g2', options: { add_to_users_as: 2 } },
      ],
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
      last_login: 0,
      role: 'role1',
    };
    expect(created).toEqual(expected);
    expect(created.id).not.toBe(1234);
    expect(created.created_at).toBeGreaterThan(7);
    const get = await call('GET', '/admins/full-admin');
    expect(get.json()).toEqual(created);
    const row = await storedAdmin(ctx.db, 'full-admin');
    expect(row.password.startsWith('$2a$')).toBe(true);
    expect(await bcrypt.compare(CLEAR_PASSWORD, row.password)).toBe(true);
    expect(row.filters).not.toContain('TOTPSECRET');
    // The clear password is nowhere: not in responses, not in the logs.
    expect(get.text).not.toContain(CLEAR_PASSWORD);
    expect((await call('GET', '/admins')).text).not.toContain(CLEAR_PASSWORD);
    expect(ctx.app.logs()).not.toContain(CLEAR_PASSWORD);
  });

  it('stores pre-hashed passwords as they are and trims plain ones', async () => {
    const hash = (await bcrypt.hash('imported-pwd', 4)).replace(/^\$2[ab]\$/, '$2y$');
    expect((await create({ username: 'prehashed', password: hash })).status).toBe(201);
    expect((await storedAdmin(ctx.db, 'prehashed')).password).toBe(hash);
    await expect(tokenFor('prehashed', 'imported-pwd')).resolves.toEqual(expect.any(String));
    expect((await create({ username: 'spaced', password: '  spaced-pwd  ' })).status).toBe(201);
    await expect(tokenFor('spaced', 'spaced-pwd')).resolves.toEqual(expect.any(String));
  });

  it.each([
    ['no username', { username: '' }, 'Validation error: username is mandatory'],
    ['a slash in the username', { username: 'a/b' }, 'Validation error: Invalid input.'],
    ['a reserved username', { username: '__self__' }, 'Validation error: this username is reserved'],
    ['no password', { username: 'x1', password: undefined }, 'Validation error: please set a password'],
    ['a blank password', { username: 'x1', password: '   ' }, 'Validation error: please set a password'],
    [
      'no permissions',
      { username: 'x1', permissions: [] },
      'Validation error: please grant some permissions to this admin',
    ],
    [
      'null permissions',
      { username: 'x1', permissions: null },
      'Validation error: please grant some permissions to this admin',
    ],
    [
      'an unknown permission',
      { username: 'x1', permissions: ['fly'] },
      'Validation error: invalid permission: "fly"',
    ],
    [
      'a role admin with *',
      { username: 'x1', permissions: ['*'], role: 'role1' },
      'Validation error: a role admin cannot be a super admin',
    ],
    [
      'an invalid email',
      { username: 'x1', email: 'x@email' },
      'Validation error: email "x@email" is not valid',
    ],
    [
      'a bare IP in allow_list',
      { username: 'x1', filters: { allow_list: ['192.0.2.1'] } },
      'Validation error: could not parse allow list entry "192.0.2.1"',
    ],
    [
      'a group without name',
      { username: 'x1', groups: [{ name: '' }] },
      'Validation error: group name is mandatory',
    ],
    [
      'a missing group',
      { username: 'x1', groups: [{ name: 'nogroup' }] },
      'Validation error: group "nogroup" does not exist',
    ],
    [
      'two primary groups',
      {
        username: 'x1',
        groups: [
          { name: 'g1', options: { add_to_users_as: 1 } },
          { name: 'g2', options: { add_to_users_as: 1 } },
        ],
      },
      'Validation error: only one primary group is allowed',
    ],
    [
      'an invalid group mode',
      { username: 'x1', groups: [{ name: 'g1', options: { add_to_users_as: 5 } }] },
      'Validation error: invalid mode to add groups to new users: 5',
    ],
    ['a wrong type', { username: 'x1', status: 'enabled' }, 'Validation error: status must be an integer'],
    [
      'a wrong nested type',
      { username: 'x1', filters: { allow_api_key_auth: 'yes' } },
      'Validation error: filters.allow_api_key_auth must be a boolean',
    ],
  ])('refuses %s with 400', async (_case, body, error) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(res.json<{ error: string }>().error.startsWith(error)).toBe(true);
    expect((await call('GET', '/admins/x1')).status).toBe(404);
  });

  it('refuses a body that is not JSON with 400', async () => {
    expect((await call('POST', '/admins', 'no json')).status).toBe(400);
    expect((await call('PUT', '/admins/full-admin', '{')).status).toBe(400);
    // No body at all, with or without a JSON content type (the global pipe reads it as {}).
    expect((await call('POST', '/admins')).status).toBe(400);
    expect(
      (await ctx.app.request('/api/v2/admins', { method: 'POST', bearer: ctx.token, headers: JSON_HEADERS }))
        .status,
    ).toBe(400);
    expect((await call('PUT', '/admin/changepwd')).status).toBe(400);
  });

  it('refuses a duplicate username and a missing role with 409', async () => {
    const dup = await create({ username: 'full-admin' });
    expect(dup.status).toBe(409);
    expect(dup.json<{ error: string }>().error).toMatch(/^duplicated key not allowed/);
    const role = await create({ username: 'x2', role: 'norole' });
    expect(role.status).toBe(409);
    expect((await call('GET', '/admins/x2')).status).toBe(404);
  });

  it('lists admins paged and ordered by username in the database', async () => {
    const names = (await call('GET', '/admins')).json<AdminBody[]>().map((a) => a.username);
    expect(names).toEqual(['admin', 'full-admin', 'prehashed', 'spaced']);
    const page = (await call('GET', '/admins?limit=1&offset=1')).json<AdminBody[]>().map((a) => a.username);
    expect(page).toEqual(['full-admin']);
    const desc = (await call('GET', '/admins?order=DESC')).json<AdminBody[]>().map((a) => a.username);
    expect(desc).toEqual([...names].reverse());
    expect((await call('GET', '/admins?limit=510&offset=0&order=ASC')).status).toBe(200);
    expect((await call('GET', '/admins?offset=10')).json()).toEqual([]);
    for (const query of ['limit=a', 'offset=aa', 'order=ASCa']) {
      expect((await call('GET', `/admins?${query}`)).status).toBe(400);
    }
  });

  it('updates another admin: full replace, name/2FA kept, empty password keeps the old one', async () => {
    // 2FA data arrives through the TOTP endpoints; arrange it directly.
    const stored = await storedAdmin(ctx.db, 'prehashed');
    const filters = JSON.parse(stored.filters) as Record<string, unknown>;
    filters.totp_config = {
      enabled: true,
      config_name: 'Default',
      secret: { status: 'AES-256-GCM', payload: 'abcdef', key: 'k'.repeat(64), additional_data: 'prehashed' },
    };
    await ctx.db.query('UPDATE "admins" SET "filters" = ? WHERE "username" = ?', [
      JSON.stringify(filters),
      'prehashed',
    ]);
    const before = (await call('GET', '/admins/prehashed')).json<AdminBody>();
    expect(before.filters.totp_config).toEqual({
      enabled: true,
      config_name: 'Default',
      secret: { status: 'AES-256-GCM', payload: 'abcdef' },
    });
    const res = await call('PUT', '/admins/prehashed', {
      username: 'renamed',
      status: 1,
      password: '',
      email: 'pre@example.com',
      permissions: ['view_conns'],
      filters: { totp_config: { enabled: false }, preferences: { default_users_expiration: 3 } },
      groups: [{ name: 'g2' }],
      role: 'role1',
    });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ message: 'Admin updated' });
    const after = (await call('GET', '/admins/prehashed')).json<AdminBody>();
    expect(after).toEqual({
      ...before,
      email: 'pre@example.com',
      permissions: ['view_conns'],
      filters: {
        require_two_factor: false,
        totp_config: before.filters.totp_config,
        preferences: { default_users_expiration: 3 },
      },
      groups: [{ name: 'g2', options: { add_to_users_as: 0 } }],
      role: 'role1',
      updated_at: expect.any(Number),
    });
    expect(after.updated_at).toBeGreaterThan(before.updated_at);
    await expect(tokenFor('prehashed', 'imported-pwd')).resolves.toEqual(expect.any(String));
    // Omitted fields are cleared (full replace), a new password replaces the old one.
    expect(
      (
        await call('PUT', '/admins/prehashed', {
          status: 1,
          permissions: ['view_conns'],
          password: 'new-pwd',
        })
      ).status,
    ).toBe(200);
    const cleared = (await call('GET', '/admins/prehashed')).json<AdminBody>();
    expect(cleared).not.toHaveProperty('email');
    expect(cleared).not.toHaveProperty('groups');
    expect(cleared).not.toHaveProperty('role');
    await expect(tokenFor('prehashed', 'imported-pwd')).rejects.toThrow(/401/);
    await expect(tokenFor('prehashed', 'new-pwd')).resolves.toEqual(expect.any(String));
    expect((await call('PUT', '/admins/prehashed', { status: 1, permissions: [] })).status).toBe(400);
  });

  it('applies permission and status changes to the admin at once', async () => {
    expect((await create({ username: 'changing', permissions: ['view_users'] })).status).toBe(201);
    const own = await tokenFor('changing', 'pwd-of-admin');
    expect((await call('GET', '/roles', undefined, own)).status).toBe(403);
    expect((await call('PUT', '/admins/changing', { status: 1, permissions: ['*'] })).status).toBe(200);
    expect((await call('GET', '/roles', undefined, own)).status).toBe(200);
    expect((await call('PUT', '/admins/changing', { status: 0, permissions: ['*'] })).status).toBe(200);
    expect((await call('GET', '/roles', undefined, own)).status).toBe(401);
    await expect(tokenFor('changing', 'pwd-of-admin')).rejects.toThrow(/401/);
  });

  it('answers 404 for a missing admin on GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await call(
        method,
        '/admins/missing',
        method === 'PUT' ? { status: 1, permissions: ['*'] } : undefined,
      );
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'Not Found', message: '' });
    }
  });

  describe('an admin updating or deleting itself', () => {
    let selfToken: string;
    const selfBody = { status: 1, permissions: ['*'], email: 'me@example.com' };

    beforeAll(async () => {
      expect((await create({ username: 'me', permissions: ['*'] })).status).toBe(201);
      selfToken = await tokenFor('me', 'pwd-of-admin');
    });

    it.each([
      [
        'change its permissions',
        { ...selfBody, permissions: ['view_users'] },
        'you cannot change your permissions',
      ],
      ['disable itself', { ...selfBody, status: 0 }, 'you cannot disable yourself'],
      [
        'add a role',
        { ...selfBody, permissions: ['view_users'], role: 'role1' },
        'you cannot change your permissions',
      ],
      ['add a role (same permissions)', { ...selfBody, role: 'role1' }, 'you cannot add/change your role'],
    ])('cannot %s (400)', async (_case, body, error) => {
      const res = await call('PUT', '/admins/me', body, selfToken);
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error, message: '' });
    });

    it('keeps its 2FA and password-change requirements silently, saves the rest', async () => {
      const res = await call(
        'PUT',
        '/admins/me',
        {
          ...selfBody,
          permissions: ['*', '*'],
          filters: { require_password_change: true, require_two_factor: true },
        },
        selfToken,
      );
      expect(res.status).toBe(200);
      const me = (await call('GET', '/admins/me', undefined, selfToken)).json<AdminBody>();
      expect(me.email).toBe('me@example.com');
      expect(me.filters).toEqual({ require_two_factor: false, totp_config: {}, preferences: {} });
    });

    it('cannot delete itself (400); another admin can', async () => {
      const res = await call('DELETE', '/admins/me', undefined, selfToken);
      expect(res.status).toBe(400);
      expect(res.json()).toEqual({ error: 'you cannot delete yourself', message: '' });
      const other = await call('DELETE', '/admins/me');
      expect(other.status).toBe(200);
      expect(other.json()).toEqual({ message: 'Admin deleted' });
      expect((await call('GET', '/admins/me')).status).toBe(404);
      // A deleted admin's tokens stop working at once.
      expect((await call('GET', '/admin/profile', undefined, selfToken)).status).toBe(401);
    });
  });

  it('needs a token (401) and the * permission (403) on /admins', async () => {
    for (const method of ['GET', 'POST'])
      expect((await ctx.app.request('/api/v2/admins', { method })).status).toBe(401);
    expect((await ctx.app.request('/api/v2/admins/admin')).status).toBe(401);
    expect((await ctx.app.request('/api/v2/admin/profile')).status).toBe(401);
    expect((await ctx.app.request('/api/v2/admin/changepwd', { method: 'PUT' })).status).toBe(401);
    expect(
      (await create({ username: 'limited', permissions: ['view_users', 'add_users', 'manage_groups'] }))
        .status,
    ).toBe(201);
    const limited = await tokenFor('limited', 'pwd-of-admin');
    for (const [method, path, body] of [
      ['GET', '/admins', undefined],
      ['POST', '/admins', { username: 'zz', password: 'p', status: 1, permissions: ['*'] }],
      ['GET', '/admins/admin', undefined],
      ['PUT', '/admins/limited', { status: 1, permissions: ['*'] }],
      ['DELETE', '/admins/admin', undefined],
    ] as const) {
      const res = await call(method, path, body, limited);
      expect(res.status).toBe(403);
      expect(res.json()).toEqual({ message: 'Forbidden' });
    }
    // The profile needs no permission.
    expect((await call('GET', '/admin/profile', undefined, limited)).status).toBe(200);
  });

  it('reads and updates the profile (email, description, allow_api_key_auth only)', async () => {
    expect((await create({ username: 'profiled', description: 'old', additional_info: 'kept' })).status).toBe(
      201,
    );
    const own = await tokenFor('profiled', 'pwd-of-admin');
    expect((await call('GET', '/admin/profile', undefined, own)).json()).toEqual({
      description: 'old',
      allow_api_key_auth: false,
    });
    const res = await call(
      'PUT',
      '/admin/profile',
      { email: 'p@example.com', description: 'new', allow_api_key_auth: true, permissions: ['*'] },
      own,
    );
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ message: 'Profile updated' });
    expect((await call('GET', '/admin/profile', undefined, own)).json()).toEqual({
      email: 'p@example.com',
      description: 'new',
      allow_api_key_auth: true,
    });
    const admin = (await call('GET', '/admins/profiled')).json<AdminBody>();
    expect(admin).toMatchObject({ permissions: ['view_users'], additional_info: 'kept' });
    expect(admin.filters.allow_api_key_auth).toBe(true);
    const bad = await call('PUT', '/admin/profile', { email: 'x@email' }, own);
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: string }>().error).toBe('Validation error: email "x@email" is not valid');
    expect((await call('PUT', '/admin/profile', '{', own)).status).toBe(400);
  });

  it('changes the password: checks, clears require_password_change, ends the old tokens', async () => {
    expect(
      (
        await create({
          username: 'pwd-changer',
          permissions: ['*'],
          filters: { require_password_change: true },
        })
      ).status,
    ).toBe(201);
    const own = await tokenFor('pwd-changer', 'pwd-of-admin');
    const other = await tokenFor('pwd-changer', 'pwd-of-admin');
    // A pending password change blocks the permission-guarded routes and the profile update.
    expect((await call('GET', '/admins', undefined, own)).json()).toEqual({
      error: 'Password change required. Please set a new password to continue to use your account',
      message: 'Forbidden',
    });
    expect((await call('PUT', '/admin/profile', {}, own)).status).toBe(403);
    expect((await call('GET', '/admin/profile', undefined, own)).status).toBe(200);
    for (const [body, error] of [
      [{}, 'Validation error: please provide the current password and the new one two times'],
      [
        { current_password: 'pwd-of-admin' },
        'Validation error: please provide the current password and the new one two times',
      ],
      [
        { current_password: 'pwd-of-admin', new_password: 'pwd-of-admin' },
        'Validation error: the new password must be different from the current one',
      ],
      [
        { current_password: 'wrong', new_password: 'next-pwd' },
        'Validation error: current password does not match',
      ],
    ] as const) {
      const res = await call('PUT', '/admin/changepwd', body, own);
      expect(res.status).toBe(400);
      expect(res.json<{ error: string }>().error).toBe(error);
    }
    const ok = await call(
      'PUT',
      '/admin/changepwd',
      { current_password: 'pwd-of-admin', new_password: 'next-pwd' },
      own,
    );
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ message: 'Password updated' });
    // Tokens carry a stamp of the password: every token issued before the change is refused.
    for (const old of [own, other]) {
      const res = await call('GET', '/admin/profile', undefined, old);
      expect(res.status).toBe(401);
    }
    await expect(tokenFor('pwd-changer', 'pwd-of-admin')).rejects.toThrow(/401/);
    const fresh = await tokenFor('pwd-changer', 'next-pwd');
    expect((await call('GET', '/admins', undefined, fresh)).status).toBe(200);
    const admin = (await call('GET', '/admins/pwd-changer')).json<AdminBody>();
    expect(admin.filters).not.toHaveProperty('require_password_change');
    expect(ctx.app.logs()).not.toContain('next-pwd');
  });

  it('creates role admins and shows their role', async () => {
    const res = await create({
      username: 'role-admin',
      permissions: ['add_users', 'view_users'],
      role: ' role1 ',
    });
    expect(res.status).toBe(201);
    expect(res.json<AdminBody>().role).toBe('role1');
    const roleToken = await tokenFor('role-admin', 'pwd-of-admin');
    expect((await call('GET', '/admins', undefined, roleToken)).status).toBe(403);
    const role = (await call('GET', '/roles/role1')).json<{ admins?: string[] }>();
    expect(role.admins).toContain('role-admin');
  });

  it('removes the group choices with the admin', async () => {
    expect((await call('DELETE', '/admins/full-admin')).status).toBe(200);
    const rows = await ctx.db.query('SELECT * FROM "admins_groups_mapping"');
    expect(rows).toEqual([]);
  });

  it('applies the ASCII username rule when naming_rules lacks bit 1', async () => {
    const strict = await startTestServer(ctx.db, { env: { SFTPGO_DATA_PROVIDER__NAMING_RULES: '0' } });
    try {
      const strictToken = await strict.token();
      const res = await strict.request('/api/v2/admins', {
        method: 'POST',
        bearer: strictToken,
        headers: JSON_HEADERS,
        body: JSON.stringify({ username: 'città', password: 'p', status: 1, permissions: ['*'] }),
      });
      expect(res.status).toBe(400);
      expect(res.json<{ error: string }>().error).toBe(
        'Validation error: username "città" is not valid, the following characters are allowed: a-zA-Z0-9-_.~',
      );
    } finally {
      await strict.close();
    }
  });
});
