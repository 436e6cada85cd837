import { useTestServer } from './support/lifecycle';
import { jwtPayload } from './support/test-server';

const BASIC_CHALLENGE = 'Basic realm="SFTPGo"';
const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('user tokens and self-service (/api/v2/user/token, logout, profile, changepwd)', () => {
  const ctx = useTestServer({ token: true });

  /** Creates a user through the admin API. */
  async function createUser(username: string, extra: Record<string, unknown> = {}): Promise<void> {
    const res = await ctx.app.request('/api/v2/users', {
      method: 'POST',
      bearer: ctx.token,
      ...json({
        username,
        password: `${username}-Pa55!`,
        status: 1,
        home_dir: `/srv/${username}`,
        permissions: { '/': ['*'] },
        ...extra,
      }),
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
  }

  const credentials = (username: string) => ({ username, password: `${username}-Pa55!` });

  async function userToken(username: string): Promise<string> {
    const res = await ctx.app.request('/api/v2/user/token', { basic: credentials(username) });
    expect(res.status).toBe(200);
    return res.json<{ access_token: string }>().access_token;
  }

  async function updateUser(username: string, changes: Record<string, unknown>): Promise<void> {
    const current = (await ctx.app.request(`/api/v2/users/${username}`, { bearer: ctx.token })).json();
    const res = await ctx.app.request(`/api/v2/users/${username}`, {
      method: 'PUT',
      bearer: ctx.token,
      ...json({ ...current, ...changes }),
    });
    expect(res.status).toBe(200);
  }

  it('issues an APIUser token bound to the client IP, with the web client restrictions as permissions', async () => {
    await createUser('alice', { filters: { web_client: ['write-disabled'] } });
    const res = await ctx.app.request('/api/v2/user/token', { basic: credentials('alice') });
    expect(res.status).toBe(200);
    const body = res.json<{ access_token: string; expires_at: string }>();
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_at']);
    const claims = jwtPayload(body.access_token);
    expect(claims.aud).toEqual(['APIUser', '127.0.0.1']);
    expect(claims.username).toBe('alice');
    expect(claims.permissions).toEqual(['write-disabled']);
    const rows = await ctx.db.query<{ last_login: string | number }>(
      'SELECT "last_login" FROM "users" WHERE "username" = ?',
      ['alice'],
    );
    expect(Number(rows[0].last_login)).toBeGreaterThan(0);
  });

  it('refuses wrong credentials, disabled, expired and password-less users with 401 and the challenge', async () => {
    await createUser('bob');
    await createUser('disabled-user', { status: 0 });
    await createUser('expired-user', { expiration_date: Date.now() - 60_000 });
    await createUser('no-password', { password: '' });
    const cases = [
      { username: 'bob', password: 'wrong' },
      { username: 'nobody', password: 'whatever' },
      { username: 'bob', password: ' bob-Pa55! ' }, // user passwords are not trimmed
      credentials('disabled-user'),
      credentials('expired-user'),
      { username: 'no-password', password: 'anything' },
    ];
    for (const basic of cases) {
      const res = await ctx.app.request('/api/v2/user/token', { basic });
      expect({ user: basic.username, status: res.status, body: res.json() }).toEqual({
        user: basic.username,
        status: 401,
        body: { error: 'invalid credentials', message: 'Unauthorized' },
      });
      expect(res.headers['www-authenticate']).toBe(BASIC_CHALLENGE);
    }
    const none = await ctx.app.request('/api/v2/user/token');
    expect(none.status).toBe(401);
    expect(none.json()).toEqual({ message: 'Unauthorized' });
    expect(none.headers['www-authenticate']).toBe(BASIC_CHALLENGE);
  });

  it('answers 403 when HTTP, password login or the client IP is denied (also through a group)', async () => {
    await createUser('no-http', { filters: { denied_protocols: ['HTTP'] } });
    await createUser('no-password-login', { filters: { denied_login_methods: ['password'] } });
    await createUser('elsewhere', { filters: { allowed_ip: ['10.0.0.0/8'] } });
    const group = await ctx.app.request('/api/v2/groups', {
      method: 'POST',
      bearer: ctx.token,
      ...json({ name: 'no-http-group', user_settings: { filters: { denied_protocols: ['HTTP'] } } }),
    });
    expect(group.status).toBe(201);
    await createUser('grouped', { groups: [{ name: 'no-http-group', type: 2 }] });
    for (const username of ['no-http', 'no-password-login', 'elsewhere', 'grouped']) {
      const res = await ctx.app.request('/api/v2/user/token', { basic: credentials(username) });
      expect({ username, status: res.status, message: res.json<{ message: string }>().message }).toEqual({
        username,
        status: 403,
        message: 'Forbidden',
      });
    }
  });

  it('keeps admin and user tokens apart', async () => {
    await createUser('carol');
    const user = await userToken('carol');
    const onAdmin = await ctx.app.request('/api/v2/version', { bearer: user });
    expect(onAdmin.status).toBe(401);
    expect(onAdmin.json()).toEqual({ message: 'Your token audience is not valid' });
    const onUser = await ctx.app.request('/api/v2/user/profile', { bearer: ctx.token });
    expect(onUser.status).toBe(401);
    expect(onUser.json()).toEqual({ message: 'Your token audience is not valid' });
    expect((await ctx.app.request('/api/v2/user/logout', { bearer: ctx.token })).status).toBe(401);
    expect((await ctx.app.request('/api/v2/user/profile')).status).toBe(401);
  });

  it('logs out a user token for good', async () => {
    await createUser('dave');
    const token = await userToken('dave');
    const res = await ctx.app.request('/api/v2/user/logout', { bearer: token });
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ message: 'Your token has been invalidated' });
    const after = await ctx.app.request('/api/v2/user/profile', { bearer: token });
    expect(after.status).toBe(401);
    expect(after.json()).toEqual({ message: 'Your token is no longer valid' });
  });

  it('stops a user token at once when the admin disables the user', async () => {
    await createUser('erin');
    const token = await userToken('erin');
    expect((await ctx.app.request('/api/v2/user/profile', { bearer: token })).status).toBe(200);
    await updateUser('erin', { status: 0 });
    const res = await ctx.app.request('/api/v2/user/profile', { bearer: token });
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ message: 'Your token is no longer valid' });
  });

  it('reads and updates the profile within the web client restrictions', async () => {
    await createUser('frank', { email: 'frank@example.com', description: 'first' });
    const token = await userToken('frank');
    const profile = await ctx.app.request('/api/v2/user/profile', { bearer: token });
    expect(profile.status).toBe(200);
    expect(profile.json()).toEqual({ email: 'frank@example.com', description: 'first' });
    const put = await ctx.app.request('/api/v2/user/profile', {
      method: 'PUT',
      bearer: token,
      ...json({
        email: 'f@example.org',
        description: 'second',
        allow_api_key_auth: true,
        additional_emails: ['x@example.net'],
      }),
    });
    expect(put.status).toBe(200);
    expect(put.json()).toEqual({ message: 'Profile updated' });
    expect((await ctx.app.request('/api/v2/user/profile', { bearer: token })).json()).toEqual({
      email: 'f@example.org',
      description: 'second',
      allow_api_key_auth: true,
      additional_emails: ['x@example.net'],
    });
    const bad = await ctx.app.request('/api/v2/user/profile', {
      method: 'PUT',
      bearer: token,
      ...json({ email: 'x@email' }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json<{ error: string }>().error).toContain('Validation error: email');

    await createUser('locked', {
      email: 'locked@example.com',
      filters: {
        web_client: [
          'info-change-disabled',
          'api-key-auth-change-disabled',
          'publickey-change-disabled',
          'tls-cert-change-disabled',
        ],
      },
    });
    const lockedToken = await userToken('locked');
    const refused = await ctx.app.request('/api/v2/user/profile', {
      method: 'PUT',
      bearer: lockedToken,
      ...json({ email: 'new@example.com' }),
    });
    expect(refused.status).toBe(403);
    expect(refused.json()).toEqual({ message: 'You are not allowed to change anything' });

    await createUser('partly', {
      email: 'partly@example.com',
      filters: { web_client: ['info-change-disabled'] },
    });
    const partlyToken = await userToken('partly');
    const partial = await ctx.app.request('/api/v2/user/profile', {
      method: 'PUT',
      bearer: partlyToken,
      ...json({ email: 'changed@example.com', allow_api_key_auth: true }),
    });
    expect(partial.status).toBe(200);
    expect((await ctx.app.request('/api/v2/user/profile', { bearer: partlyToken })).json()).toEqual({
      email: 'partly@example.com',
      allow_api_key_auth: true,
    });
  });

  it('changes the password: checks the current one, then every old token and the old password stop working', async () => {
    await createUser('grace');
    const token = await userToken('grace');
    const other = await userToken('grace');
    const put = (body: unknown) =>
      ctx.app.request('/api/v2/user/changepwd', { method: 'PUT', bearer: token, ...json(body) });
    expect((await put({ current_password: 'wrong', new_password: 'N3w-Pa55word!' })).status).toBe(400);
    const same = await put({ current_password: 'grace-Pa55!', new_password: 'grace-Pa55!' });
    expect(same.status).toBe(400);
    expect(same.json<{ error: string }>().error).toContain(
      'the new password must be different from the current one',
    );
    expect((await put({ current_password: 'grace-Pa55!' })).status).toBe(400);
    const ok = await put({ current_password: 'grace-Pa55!', new_password: 'N3w-Pa55word!' });
    expect(ok.status).toBe(200);
    expect(ok.json()).toEqual({ message: 'Password updated' });
    for (const old of [token, other]) {
      expect((await ctx.app.request('/api/v2/user/profile', { bearer: old })).status).toBe(401);
    }
    expect((await ctx.app.request('/api/v2/user/token', { basic: credentials('grace') })).status).toBe(401);
    expect(
      (
        await ctx.app.request('/api/v2/user/token', {
          basic: { username: 'grace', password: 'N3w-Pa55word!' },
        })
      ).status,
    ).toBe(200);

    await createUser('henry', { filters: { web_client: ['password-change-disabled'] } });
    const henry = await userToken('henry');
    const refused = await ctx.app.request('/api/v2/user/changepwd', {
      method: 'PUT',
      bearer: henry,
      ...json({ current_password: 'henry-Pa55!', new_password: 'N3w-Pa55word!' }),
    });
    expect(refused.status).toBe(403);
  });
});
