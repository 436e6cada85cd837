import { mkdirSync } from 'node:fs';
import type { TestRequest, TestResponse } from './http-client';
import type { TestServer } from './test-server';

/** A JSON request body with its content type. */
export const jsonBody = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/** The password every fixture user gets. */
export const userPassword = (username: string) => `${username}-Pa55!`;

/**
 * Creates a user through the admin API (home `homeDir`, created on disk too, all permissions unless
 * `extra` says otherwise) and returns a user token for it.
 */
export async function createUserWithToken(
  app: TestServer,
  adminToken: string,
  username: string,
  homeDir: string,
  extra: Record<string, unknown> = {},
): Promise<string> {
  const password = userPassword(username);
  const created = await app.request('/api/v2/users', {
    method: 'POST',
    bearer: adminToken,
    ...jsonBody({ username, password, status: 1, home_dir: homeDir, permissions: { '/': ['*'] }, ...extra }),
  });
  expect({ status: created.status, body: created.status === 201 ? '' : created.text }).toEqual({
    status: 201,
    body: '',
  });
  const res = await app.request('/api/v2/user/token', { basic: { username, password } });
  expect(res.status).toBe(200);
  mkdirSync(homeDir, { recursive: true });
  return res.json<{ access_token: string }>().access_token;
}

/** One call to the user API; `query` values are URL-encoded here unless `rawQuery` is given. */
export function userApiCall(
  app: TestServer,
  token: string,
  method: string,
  route: string,
  query: Record<string, string> = {},
  options: TestRequest & { rawQuery?: string } = {},
): Promise<TestResponse> {
  const qs = options.rawQuery ?? new URLSearchParams(query).toString().replaceAll('+', '%20');
  return app.request(`/api/v2/user/${route}${qs ? `?${qs}` : ''}`, { method, bearer: token, ...options });
}
