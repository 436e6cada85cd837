import type { TestDatabase } from './support/test-db';
import { useTestServer } from './support/lifecycle';

const JSON_HEADERS = { 'content-type': 'application/json' };

interface RoleBody {
  id: number;
  name: string;
  description?: string;
  created_at: number;
  updated_at: number;
  users?: string[];
  admins?: string[];
}

/** Inserts a user row directly (the users endpoints are another lib's concern). */
async function insertUser(db: TestDatabase, username: string, roleId: number | null): Promise<void> {
  await db.query(
    'INSERT INTO "users" ("username", "status", "home_dir", "permissions", "role_id", "created_at", "updated_at") VALUES (?, 1, ?, ?, ?, 1, 1)',
    [username, `/srv/${username}`, '{"/":["*"]}', roleId],
  );
}

describe('roles (/api/v2/roles)', () => {
  const ctx = useTestServer({ token: true });

  const send = (method: string, path: string, body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      bearer,
      headers: body === undefined ? {} : JSON_HEADERS,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('creates a role: 201, Location, the role with timestamps', async () => {
    const before = Date.now();
    const ok = await send('POST', '/roles', { name: 'role1', description: 'first', id: 99, users: ['x'] });
    expect(ok.status).toBe(201);
    expect(ok.headers.location).toBe('/api/v2/roles/role1');
    const role = ok.json<RoleBody>();
    expect(role).toEqual({
      id: expect.any(Number),
      name: 'role1',
      description: 'first',
      created_at: expect.any(Number),
      updated_at: expect.any(Number),
    });
    expect(role.id).not.toBe(99);
    expect(role.created_at).toBeGreaterThanOrEqual(before);
    expect(role.updated_at).toBe(role.created_at);
    const get = await send('GET', '/roles/role1');
    expect(get.status).toBe(200);
    expect(get.json()).toEqual(role);
  });

  it('applies the naming rules (trim) on save and lookup, and escapes the Location', async () => {
    const res = await send('POST', '/roles', { name: ' role~2 ' });
    expect(res.status).toBe(201);
    expect(res.json<RoleBody>().name).toBe('role~2');
    expect(res.headers.location).toBe(`/api/v2/roles/${encodeURIComponent('role~2')}`);
    expect((await send('GET', `/roles/${encodeURIComponent(' role~2 ')}`)).status).toBe(200);
    expect(res.json<RoleBody>()).not.toHaveProperty('description');
  });

  it.each([
    [{}, 'Validation error: name is mandatory'],
    [{ name: '' }, 'Validation error: name is mandatory'],
    [{ name: 'a/b' }, 'Validation error: Invalid input.'],
    [{ name: 'con' }, 'Validation error: Invalid input.'],
    [{ name: 'trailing.' }, 'Validation error: Invalid input.'],
    [{ name: 7 }, 'Validation error: name must be a string'],
    [{ name: 'ok', description: 'd'.repeat(513) }, 'Validation error: description is too long'],
  ])('refuses an invalid body (%#) with 400', async (body, error) => {
    const res = await send('POST', '/roles', body);
    expect(res.status).toBe(400);
    expect(res.json<{ error: string }>().error.startsWith(error)).toBe(true);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const res = await send('POST', '/roles', 'no json');
    expect(res.status).toBe(400);
  });

  it('refuses a duplicate name with 409', async () => {
    const res = await send('POST', '/roles', { name: 'role1' });
    expect(res.status).toBe(409);
    expect(res.json<{ error: string }>().error).toMatch(/^duplicated key not allowed/);
  });

  it('updates only the description, with a later updated_at', async () => {
    const before = (await send('GET', '/roles/role1')).json<RoleBody>();
    const res = await send('PUT', '/roles/role1', { name: 'renamed', description: 'changed', created_at: 5 });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ message: 'Role updated' });
    const after = (await send('GET', '/roles/role1')).json<RoleBody>();
    expect(after).toMatchObject({ id: before.id, name: 'role1', description: 'changed' });
    expect(after.created_at).toBe(before.created_at);
    expect(after.updated_at).toBeGreaterThan(before.updated_at);
    // A full replace: an omitted description is removed.
    expect((await send('PUT', '/roles/role1', {})).status).toBe(200);
    expect((await send('GET', '/roles/role1')).json()).not.toHaveProperty('description');
    const tooLong = await send('PUT', '/roles/role1', { description: 'x'.repeat(600) });
    expect(tooLong.status).toBe(400);
  });

  it('answers 404 for a missing role on GET, PUT and DELETE', async () => {
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const res = await send(method, '/roles/missing', method === 'PUT' ? {} : undefined);
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ error: 'Not Found', message: '' });
    }
  });

  it('lists roles paged and ordered by name in the database', async () => {
    for (const name of ['r-c', 'r-a', 'r-b'])
      expect((await send('POST', '/roles', { name })).status).toBe(201);
    const all = (await send('GET', '/roles')).json<RoleBody[]>().map((r) => r.name);
    expect(all).toEqual(['r-a', 'r-b', 'r-c', 'role1', 'role~2']);
    const page = (await send('GET', '/roles?limit=1&offset=1')).json<RoleBody[]>().map((r) => r.name);
    expect(page).toEqual(['r-b']);
    const desc = (await send('GET', '/roles?order=DESC&limit=2')).json<RoleBody[]>().map((r) => r.name);
    expect(desc).toEqual(['role~2', 'role1']);
    expect((await send('GET', '/roles?offset=5')).json()).toEqual([]);
    expect((await send('GET', '/roles?limit=510')).status).toBe(200);
    for (const [query, error] of [
      ['limit=a', 'invalid limit'],
      ['offset=aa', 'invalid offset'],
      ['order=ASCa', 'invalid order'],
    ]) {
      const res = await send('GET', `/roles?${query}`);
      expect(res.status).toBe(400);
      expect(res.json<{ error: string }>().error).toBe(error);
    }
  });

  it('shows admins and users holding the role; refuses deleting a role an admin holds', async () => {
    expect((await send('POST', '/roles', { name: 'shared' })).status).toBe(201);
    const role = (await send('GET', '/roles/shared')).json<RoleBody>();
    await insertUser(ctx.db, 'user-b', role.id);
    await insertUser(ctx.db, 'user-a', role.id);
    await insertUser(ctx.db, 'user-free', null);
    const admin = await send('POST', '/admins', {
      username: 'role-admin',
      password: 'secret-pwd',
      status: 1,
      permissions: ['add_users', 'view_users'],
      role: 'shared',
    });
    expect(admin.status).toBe(201);
    const withRefs = (await send('GET', '/roles/shared')).json<RoleBody>();
    expect(withRefs.users).toEqual(['user-a', 'user-b']);
    expect(withRefs.admins).toEqual(['role-admin']);
    const listed = (await send('GET', '/roles')).json<RoleBody[]>().find((r) => r.name === 'shared');
    expect(listed).toEqual(withRefs);

    const refused = await send('DELETE', '/roles/shared');
    expect(refused.status).toBe(400);
    expect(refused.json()).toEqual({
      error: 'Validation error: the role "shared" is referenced, it cannot be removed',
      message: '',
    });

    expect((await send('DELETE', '/admins/role-admin')).status).toBe(200);
    const deleted = await send('DELETE', '/roles/shared');
    expect(deleted.status).toBe(200);
    expect(deleted.json()).toEqual({ message: 'Role deleted' });
    expect((await send('GET', '/roles/shared')).status).toBe(404);
    // The users stay, without the role and with a new updated_at.
    const users = await ctx.db.query<{
      username: string;
      role_id: number | null;
      updated_at: number | string;
    }>('SELECT "username", "role_id", "updated_at" FROM "users" ORDER BY "username"');
    expect(users.map((u) => [u.username, u.role_id])).toEqual([
      ['user-a', null],
      ['user-b', null],
      ['user-free', null],
    ]);
    expect(Number(users[0].updated_at)).toBeGreaterThan(1);
    expect(Number(users[2].updated_at)).toBe(1);
  });

  it('needs a token (401) and the * permission (403)', async () => {
    const noToken = await ctx.app.request('/api/v2/roles');
    expect(noToken.status).toBe(401);
    expect((await ctx.app.request('/api/v2/roles/role1', { method: 'DELETE' })).status).toBe(401);
    const created = await send('POST', '/admins', {
      username: 'limited',
      password: 'limited-pwd',
      status: 1,
      permissions: ['view_users', 'manage_groups'],
    });
    expect(created.status).toBe(201);
    const limited = await ctx.app.token({ username: 'limited', password: 'limited-pwd' });
    for (const [method, path, body] of [
      ['GET', '/roles', undefined],
      ['POST', '/roles', { name: 'nope' }],
      ['GET', '/roles/role1', undefined],
      ['PUT', '/roles/role1', {}],
      ['DELETE', '/roles/role1', undefined],
    ] as const) {
      const res = await send(method, path, body, limited);
      expect(res.status).toBe(403);
      expect(res.json()).toEqual({ message: 'Forbidden' });
    }
    expect((await send('GET', '/roles/role1')).status).toBe(200);
  });
});
