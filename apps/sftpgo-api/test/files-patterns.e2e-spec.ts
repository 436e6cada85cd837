import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { send, type TestRequest, type TestResponse } from './support/http-client';
import { createUserWithToken, jsonBody, userApiCall } from './support/user-fixtures';
import { useTestServer } from './support/lifecycle';
import { unzip } from './support/zip';
import { multipart } from './support/multipart';

// The effective-user cache's lifetime: how long a change made behind the server's back takes to show.
const CACHE_DELAY_MS = 2100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A multipart/form-data body with files in field `filenames`. */
const filesForm = (files: { filename: string; content: string }[]) =>
  multipart(files.map((file) => ({ field: 'filenames', ...file })));

/** A JSON POST whose (binary) answer is read as `body`. */
async function postBinary(url: string, token: string, body: string) {
  const res = await send(url, {
    method: 'POST',
    bearer: token,
    headers: { 'content-type': 'application/json' },
    body,
  });
  return { ...res, body: res.raw };
}

type Policy = 0 | 1;

/**
 * The file patterns of the users below: everywhere `*.exe` and `secret*` refused; in `/docs` only
 * `*.txt` and `sub*` allowed (so `/docs/b.md` is refused); in `/open` anything goes (a deeper set wins).
 */
const patterns = (policy: Policy) => [
  { path: '/', denied_patterns: ['*.exe', 'secret*'], deny_policy: policy },
  { path: '/docs', allowed_patterns: ['*.txt', 'sub*'], deny_policy: policy },
  { path: '/open', allowed_patterns: ['*'] },
];

describe('file pattern filters and the two-factor requirement on the user file API', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-patterns-' });

  beforeAll(async () => {
    const folder = await ctx.app.request('/api/v2/folders', {
      method: 'POST',
      bearer: ctx.token,
      ...jsonBody({ name: 'secretvault', mapped_path: join(ctx.root, 'vault') }),
    });
    expect(folder.status).toBe(201);
    mkdirSync(join(ctx.root, 'vault'), { recursive: true });
    writeFileSync(join(ctx.root, 'vault', 'in-vault.txt'), 'vault');
  });

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  const userWithToken = (username: string, extra: Record<string, unknown> = {}): Promise<string> =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);

  const call = (
    token: string,
    method: string,
    route: string,
    query: Record<string, string> = {},
    options: TestRequest = {},
  ): Promise<TestResponse> => userApiCall(ctx.app, token, method, route, query, options);

  const result = (res: TestResponse) => ({ status: res.status, body: res.json() });

  const names = (res: TestResponse) =>
    res
      .json<{ name: string }[]>()
      .map((e) => e.name)
      .sort();

  /** What a refused path looks like for `policy`: hidden -> missing (404), denied -> 403. */
  const refused = (policy: Policy, message: string) =>
    policy === 1
      ? { status: 404, body: { error: 'file does not exist', message } }
      : { status: 403, body: { error: 'permission denied', message } };

  const forbidden = (message: string) => ({ status: 403, body: { error: 'permission denied', message } });

  /** A home with allowed and refused entries (written on disk directly, as another protocol would). */
  function populate(home: string): void {
    for (const dir of ['secret', 'docs/sub', 'tree/deep', 'clean/inner', 'open', 'plain']) {
      mkdirSync(join(home, dir), { recursive: true });
    }
    const files: Record<string, string> = {
      'ok.txt': 'ok',
      'bad.exe': 'bad',
      'Shout.EXE': 'upper case',
      'secret/in.txt': 'in secret',
      'docs/a.txt': 'a',
      'docs/b.md': 'b',
      'docs/sub/c.txt': 'c',
      'tree/t.txt': 't',
      'tree/deep/x.exe': 'x',
      'clean/a.txt': 'a',
      'clean/inner/b.txt': 'b',
      'open/run.exe': 'allowed here',
      'plain/p.txt': 'p',
    };
    for (const [path, content] of Object.entries(files)) writeFileSync(join(home, path), content);
  }

  describe.each([
    [0 as Policy, 'deny'],
    [1 as Policy, 'hide'],
  ])('deny_policy %i (%s)', (policy, label) => {
    let token: string;
    let home: string;

    beforeAll(async () => {
      const username = `pat-${label}`;
      token = await userWithToken(username, {
        filters: { file_patterns: patterns(policy) },
        virtual_folders: [{ name: 'secretvault', virtual_path: '/secretvault' }],
      });
      home = homeOf(username);
      populate(home);
    });

    it('GET /user/dirs: refused entries hidden only with policy 1; a refused dir is not listed', async () => {
      const top = await call(token, 'GET', 'dirs', { path: '/' });
      expect(top.status).toBe(200);
      const visible = ['clean', 'docs', 'ok.txt', 'open', 'plain', 'tree'];
      expect(names(top)).toEqual(
        policy === 1 ? visible : [...visible, 'Shout.EXE', 'bad.exe', 'secret', 'secretvault'].sort(),
      );
      const docs = await call(token, 'GET', 'dirs', { path: '/docs' });
      expect(names(docs)).toEqual(policy === 1 ? ['a.txt', 'sub'] : ['a.txt', 'b.md', 'sub']);
      // `/open` has its own set (everything allowed): the `*.exe` of `/` does not apply there.
      expect(names(await call(token, 'GET', 'dirs', { path: '/open' }))).toEqual(['run.exe']);

      for (const path of ['/secret', '/secretvault']) {
        expect(result(await call(token, 'GET', 'dirs', { path }))).toEqual(
          refused(policy, 'Unable to get directory lister'),
        );
      }
      expect((await call(token, 'GET', 'dirs', { path: '/docs/sub' })).status).toBe(200);
    });

    it('GET and HEAD /user/files: a refused file is missing (policy 1) or forbidden (policy 0)', async () => {
      const ok = await call(token, 'GET', 'files', { path: '/ok.txt' });
      expect({ status: ok.status, text: ok.text }).toEqual({ status: 200, text: 'ok' });
      expect((await call(token, 'GET', 'files', { path: '/open/run.exe' })).text).toBe('allowed here');
      for (const path of ['/bad.exe', '/Shout.EXE', '/docs/b.md']) {
        const res = await call(token, 'GET', 'files', { path });
        const expected =
          policy === 1
            ? {
                status: 404,
                body: { error: 'file does not exist', message: 'Unable to stat the requested file' },
              }
            : {
                status: 403,
                body: {
                  error: `unable to read file ${JSON.stringify(path)}: permission denied`,
                  message: 'Forbidden',
                },
              };
        expect({ path, ...result(res) }).toEqual({ path, ...expected });
        const head = await call(token, 'HEAD', 'files', { path });
        expect({ path, status: head.status }).toEqual({ path, status: expected.status });
      }
      // As in SFTPGo, only the base name is matched: a file inside a refused directory is reachable by
      // its full path (its own name is allowed), even though the directory cannot be listed.
      expect((await call(token, 'GET', 'files', { path: '/secret/in.txt' })).text).toBe('in secret');
    });

    it('uploads (raw and multipart) to a refused name: always 403, nothing written', async () => {
      for (const path of ['/new.exe', '/docs/new.md', '/secret-plan.txt']) {
        expect(result(await call(token, 'POST', 'files/upload', { path }, { body: 'data' }))).toEqual(
          forbidden(`Unable to write file ${JSON.stringify(path)}`),
        );
        expect(existsSync(join(home, path))).toBe(false);
      }
      // Refused before any missing parent is created.
      const deep = await call(
        token,
        'POST',
        'files/upload',
        { path: '/made/x.exe', mkdir_parents: 'true' },
        { body: 'x' },
      );
      expect(result(deep)).toEqual(forbidden('Unable to write file "/made/x.exe"'));
      expect(existsSync(join(home, 'made'))).toBe(false);
      // A refused directory on the way is not created by mkdir_parents either.
      const parent = await call(
        token,
        'POST',
        'files/upload',
        { path: '/docs/nope/x.txt', mkdir_parents: 'true' },
        { body: 'x' },
      );
      expect(result(parent)).toEqual({
        status: 403,
        body: {
          error:
            'unable to check/create missing parent dir "/docs/nope" for virtual path "/docs/nope/x.txt": ' +
            'permission denied',
          message: 'Error checking parent directories',
        },
      });
      expect(existsSync(join(home, 'docs/nope'))).toBe(false);
      expect(
        (await call(token, 'POST', 'files/upload', { path: '/docs/new.txt' }, { body: 'fine' })).status,
      ).toBe(201);
      expect(readFileSync(join(home, 'docs/new.txt'), 'utf8')).toBe('fine');

      // Multipart: the allowed part is written, the refused one stops the upload with 403.
      const form = filesForm([
        { filename: 'first.txt', content: 'first' },
        { filename: 'second.exe', content: 'second' },
      ]);
      expect(result(await call(token, 'POST', 'files', { path: '/plain' }, form))).toEqual(
        forbidden('Unable to write file "/plain/second.exe"'),
      );
      expect(readFileSync(join(home, 'plain/first.txt'), 'utf8')).toBe('first');
      expect(existsSync(join(home, 'plain/second.exe'))).toBe(false);
    });

    it('POST /user/dirs: a refused name is 403, also for a parent made by mkdir_parents', async () => {
      for (const path of ['/new.exe', '/secret2', '/docs/other']) {
        expect(result(await call(token, 'POST', 'dirs', { path }))).toEqual(
          forbidden(`Unable to create directory ${JSON.stringify(path)}`),
        );
        expect(existsSync(join(home, path))).toBe(false);
      }
      const res = await call(token, 'POST', 'dirs', { path: '/docs/nope2/sub1', mkdir_parents: 'true' });
      expect(res.status).toBe(403);
      expect(res.json<{ message: string }>().message).toBe('Error checking parent directories');
      expect(existsSync(join(home, 'docs/nope2'))).toBe(false);
      expect((await call(token, 'POST', 'dirs', { path: '/docs/sub2' })).status).toBe(201);
      expect(statSync(join(home, 'docs/sub2')).isDirectory()).toBe(true);
    });

    it('DELETE /user/files and /user/dirs: the refused path gets its error; a refused entry in a tree 403', async () => {
      expect(result(await call(token, 'DELETE', 'files', { path: '/bad.exe' }))).toEqual(
        refused(policy, 'Unable to delete file "/bad.exe"'),
      );
      expect(existsSync(join(home, 'bad.exe'))).toBe(true);
      expect(result(await call(token, 'DELETE', 'dirs', { path: '/secret' }))).toEqual(
        refused(policy, 'Unable to delete directory "/secret"'),
      );
      expect(existsSync(join(home, 'secret/in.txt'))).toBe(true);
      // DELETE /user/dirs on a file is a file delete, with the same check.
      expect(result(await call(token, 'DELETE', 'dirs', { path: '/Shout.EXE' }))).toEqual(
        refused(policy, 'Unable to delete directory "/Shout.EXE"'),
      );

      // `/tree/deep/x.exe` is refused: nothing of the tree is deleted.
      expect(result(await call(token, 'DELETE', 'dirs', { path: '/tree' }))).toEqual(
        forbidden('Unable to delete directory "/tree"'),
      );
      expect(readdirSync(join(home, 'tree')).sort()).toEqual(['deep', 't.txt']);
      expect(existsSync(join(home, 'tree/deep/x.exe'))).toBe(true);

      expect((await call(token, 'DELETE', 'dirs', { path: '/clean' })).status).toBe(200);
      expect(existsSync(join(home, 'clean'))).toBe(false);
      writeFileSync(join(home, 'gone.txt'), 'g');
      expect((await call(token, 'DELETE', 'files', { path: '/gone.txt' })).status).toBe(200);
      expect(existsSync(join(home, 'gone.txt'))).toBe(false);
    });

    it('rename and move: refused source gets its error, refused target 403, refused entry in a tree 403', async () => {
      for (const [method, route] of [
        ['PATCH', 'files'],
        ['PATCH', 'dirs'],
        ['POST', 'file-actions/move'],
      ]) {
        const rename = (path: string, target: string) => call(token, method, route, { path, target });
        const label = `${method} ${route}`;
        expect({ label, ...result(await rename('/bad.exe', '/good.txt')) }).toEqual({
          label,
          ...refused(policy, 'Unable to rename "/bad.exe" => "/good.txt"'),
        });
        expect({ label, ...result(await rename('/ok.txt', '/ok.exe')) }).toEqual({
          label,
          ...forbidden('Unable to rename "/ok.txt" => "/ok.exe"'),
        });
        expect({ label, ...result(await rename('/tree', '/tree2')) }).toEqual({
          label,
          ...forbidden('Unable to rename "/tree" => "/tree2"'),
        });
        // A tree whose entries become refused under the target's patterns (`/docs` allows *.txt only).
        mkdirSync(join(home, 'plain/subdir'), { recursive: true });
        writeFileSync(join(home, 'plain/subdir/notes.md'), 'n');
        expect({ label, ...result(await rename('/plain/subdir', '/docs/subdir')) }).toEqual({
          label,
          ...forbidden('Unable to rename "/plain/subdir" => "/docs/subdir"'),
        });
        rmSync(join(home, 'plain/subdir'), { recursive: true });
        expect(existsSync(join(home, 'bad.exe'))).toBe(true);
        expect(existsSync(join(home, 'ok.txt'))).toBe(true);
        expect(existsSync(join(home, 'tree/deep/x.exe'))).toBe(true);
        expect(existsSync(join(home, 'tree2'))).toBe(false);
      }
      expect(result(await call(token, 'PATCH', 'files', { path: '/ok.txt', target: '/ok2.txt' }))).toEqual({
        status: 200,
        body: { message: '"/ok.txt" renamed to "/ok2.txt"' },
      });
      expect(
        (await call(token, 'POST', 'file-actions/move', { path: '/ok2.txt', target: '/ok.txt' })).status,
      ).toBe(200);
      expect(readFileSync(join(home, 'ok.txt'), 'utf8')).toBe('ok');
    });

    it('copy: refused source gets its error, refused target 403, refused entry in a tree 403', async () => {
      const copy = (path: string, target: string) =>
        call(token, 'POST', 'file-actions/copy', { path, target });
      expect(result(await copy('/bad.exe', '/c.txt'))).toEqual(
        refused(policy, 'Unable to copy "/bad.exe" => "/c.txt"'),
      );
      expect(result(await copy('/ok.txt', '/copy.exe'))).toEqual(
        forbidden('Unable to copy "/ok.txt" => "/copy.exe"'),
      );
      // Into a directory: the refused name is the file inside it.
      expect(result(await copy('/open/run.exe', '/plain/'))).toEqual(
        forbidden('Unable to copy "/open/run.exe" => "/plain/"'),
      );
      expect(result(await copy('/tree', '/treecopy'))).toEqual(
        forbidden('Unable to copy "/tree" => "/treecopy"'),
      );
      expect(existsSync(join(home, 'c.txt'))).toBe(false);
      expect(existsSync(join(home, 'copy.exe'))).toBe(false);
      expect(existsSync(join(home, 'plain/run.exe'))).toBe(false);
      expect(existsSync(join(home, 'treecopy'))).toBe(false);
      expect((await copy('/docs/a.txt', '/plain/a-copy.txt')).status).toBe(200);
      expect(readFileSync(join(home, 'plain/a-copy.txt'), 'utf8')).toBe('a');
    });

    it('PATCH /user/files/metadata: a refused path gets its error', async () => {
      const mtime = Date.UTC(2020, 0, 2, 3, 4, 5);
      const before = statSync(join(home, 'bad.exe')).mtimeMs;
      expect(
        result(
          await call(
            token,
            'PATCH',
            'files/metadata',
            { path: '/bad.exe' },
            jsonBody({ modification_time: mtime }),
          ),
        ),
      ).toEqual(refused(policy, 'Unable to set metadata for path "/bad.exe"'));
      expect(statSync(join(home, 'bad.exe')).mtimeMs).toBe(before);
      const ok = await call(
        token,
        'PATCH',
        'files/metadata',
        { path: '/ok.txt' },
        jsonBody({ modification_time: mtime }),
      );
      expect(ok.status).toBe(200);
      expect(statSync(join(home, 'ok.txt')).mtimeMs).toBe(mtime);
    });

    it('POST /user/streamzip: a refused requested path gets its error; refused entries inside are left out', async () => {
      for (const path of ['/bad.exe', '/secret']) {
        const res = await postBinary(
          `${ctx.app.url}/api/v2/user/streamzip`,
          token,
          JSON.stringify(['/ok.txt', path]),
        );
        expect({ status: res.status, body: JSON.parse(res.body.toString()) as unknown }).toEqual(
          refused(policy, `Unable to add ${JSON.stringify(path)} to the zip file`),
        );
      }
      const res = await postBinary(
        `${ctx.app.url}/api/v2/user/streamzip`,
        token,
        JSON.stringify(['/tree', '/docs', '/ok.txt']),
      );
      expect(res.status).toBe(200);
      const entries = unzip(res.body);
      expect(entries.map((e) => e.name).sort()).toEqual(
        [
          'docs/',
          'docs/a.txt',
          'docs/new.txt',
          'docs/sub/',
          'docs/sub/c.txt',
          'docs/sub2/',
          'ok.txt',
          'tree/',
          'tree/deep/',
          'tree/t.txt',
        ].sort(),
      );
      // The whole home: refused entries (and the refused mount) are not in it.
      const all = unzip((await postBinary(`${ctx.app.url}/api/v2/user/streamzip`, token, '["/"]')).body).map(
        (e) => e.name,
      );
      expect(all).toContain('open/run.exe');
      expect(all).toContain('tree/t.txt');
      const refusedEntry = /^(bad\.exe|Shout\.EXE|secret|docs\/b\.md|tree\/deep\/x\.exe)/;
      expect(all.filter((name) => refusedEntry.test(name))).toEqual([]);
    });
  });

  describe('patterns from groups', () => {
    it('applies the primary group patterns on `/` and the secondary group patterns below it', async () => {
      const primary = await ctx.app.request('/api/v2/groups', {
        method: 'POST',
        bearer: ctx.token,
        ...jsonBody({
          name: 'hide-exe',
          user_settings: {
            filters: { file_patterns: [{ path: '/', denied_patterns: ['*.exe'], deny_policy: 1 }] },
          },
        }),
      });
      expect(primary.status).toBe(201);
      const secondary = await ctx.app.request('/api/v2/groups', {
        method: 'POST',
        bearer: ctx.token,
        ...jsonBody({
          name: 'deny-md',
          user_settings: { filters: { file_patterns: [{ path: '/docs', denied_patterns: ['*.md'] }] } },
        }),
      });
      expect(secondary.status).toBe(201);
      const token = await userWithToken('grouped', {
        groups: [
          { name: 'hide-exe', type: 1 },
          { name: 'deny-md', type: 2 },
        ],
      });
      const home = homeOf('grouped');
      populate(home);

      expect(names(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual(
        ['Shout.EXE', 'clean', 'docs', 'ok.txt', 'open', 'plain', 'secret', 'tree']
          .filter((n) => !/\.exe$/i.test(n))
          .sort(),
      );
      expect((await call(token, 'GET', 'files', { path: '/bad.exe' })).status).toBe(404);
      // The secondary group's set on /docs (policy 0) wins there: listed, but forbidden.
      expect(names(await call(token, 'GET', 'dirs', { path: '/docs' }))).toEqual(['a.txt', 'b.md', 'sub']);
      expect((await call(token, 'GET', 'files', { path: '/docs/b.md' })).status).toBe(403);
      expect((await call(token, 'GET', 'files', { path: '/docs/a.txt' })).status).toBe(200);
      expect((await call(token, 'POST', 'files/upload', { path: '/x.exe' }, { body: 'x' })).status).toBe(403);
      expect((await call(token, 'DELETE', 'dirs', { path: '/tree' })).status).toBe(403);
      expect(existsSync(join(home, 'tree/deep/x.exe'))).toBe(true);
    });
  });

  describe('two-factor authentication requirements', () => {
    const requirementError = (protocols: string) => ({
      status: 403,
      body: {
        error:
          'Two-factor authentication requirements not met, please configure two-factor authentication for ' +
          `the following protocols: ${protocols}`,
        message: '',
      },
    });

    /** Arranges an enabled TOTP configuration for `protocols` directly in the database. */
    async function enableTotp(username: string, protocols: string[]): Promise<void> {
      const [row] = await ctx.db.query<{ filters: string }>(
        'SELECT "filters" FROM "users" WHERE "username" = ?',
        [username],
      );
      const filters = JSON.parse(row.filters) as Record<string, unknown>;
      filters.totp_config = {
        enabled: true,
        config_name: 'Default',
        secret: { status: 'Plain', payload: 'JBSWY3DPEHPK3PXP' },
        protocols,
      };
      await ctx.db.query('UPDATE "users" SET "filters" = ? WHERE "username" = ?', [
        JSON.stringify(filters),
        username,
      ]);
      await sleep(CACHE_DELAY_MS);
    }

    it('refuses every file route while HTTP two-factor authentication is required but not set up', async () => {
      const token = await userWithToken('mfa-http', { filters: { two_factor_protocols: ['HTTP'] } });
      writeFileSync(join(homeOf('mfa-http'), 'f.txt'), 'f');
      expect(result(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual(requirementError('HTTP'));
      expect(result(await call(token, 'GET', 'files', { path: '/f.txt' }))).toEqual(requirementError('HTTP'));
      expect(result(await call(token, 'POST', 'dirs', { path: '/d' }))).toEqual(requirementError('HTTP'));
      expect(result(await call(token, 'POST', 'files/upload', { path: '/u.txt' }, { body: 'u' }))).toEqual(
        requirementError('HTTP'),
      );
      expect(result(await call(token, 'DELETE', 'files', { path: '/f.txt' }))).toEqual(
        requirementError('HTTP'),
      );
      expect(
        result(await call(token, 'POST', 'file-actions/copy', { path: '/f.txt', target: '/g.txt' })),
      ).toEqual(requirementError('HTTP'));
      const zip = await postBinary(`${ctx.app.url}/api/v2/user/streamzip`, token, '["/f.txt"]');
      expect({ status: zip.status, body: JSON.parse(zip.body.toString()) as unknown }).toEqual(
        requirementError('HTTP'),
      );
      expect(existsSync(join(homeOf('mfa-http'), 'd'))).toBe(false);
      expect(existsSync(join(homeOf('mfa-http'), 'f.txt'))).toBe(true);
    });

    it('names every required protocol, in order, as SFTPGo does', async () => {
      const token = await userWithToken('mfa-two', { filters: { two_factor_protocols: ['HTTP', 'FTP'] } });
      expect(result(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual(requirementError('HTTP, FTP'));
      // TOTP for FTP only: HTTP is still missing; SFTPGo's message lists every required protocol.
      await enableTotp('mfa-two', ['FTP']);
      expect(result(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual(requirementError('HTTP, FTP'));
    });

    it('applies a requirement for another protocol too until TOTP covers it (SFTPGo MustSetSecondFactor)', async () => {
      const token = await userWithToken('mfa-ssh', { filters: { two_factor_protocols: ['SSH'] } });
      expect(result(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual(requirementError('SSH'));
      await enableTotp('mfa-ssh', ['SSH']);
      expect((await call(token, 'GET', 'dirs', { path: '/' })).status).toBe(200);
    });

    it('reads the requirement from the current user, groups included', async () => {
      const group = await ctx.app.request('/api/v2/groups', {
        method: 'POST',
        bearer: ctx.token,
        ...jsonBody({ name: 'mfa-group', user_settings: { filters: { two_factor_protocols: ['HTTP'] } } }),
      });
      expect(group.status).toBe(201);
      const token = await userWithToken('mfa-member', { groups: [{ name: 'mfa-group', type: 2 }] });
      expect(result(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual(requirementError('HTTP'));

      const plain = await userWithToken('mfa-later');
      expect((await call(plain, 'GET', 'dirs', { path: '/' })).status).toBe(200);
      const update = await ctx.app.request('/api/v2/users/mfa-later', {
        method: 'PUT',
        bearer: ctx.token,
        ...jsonBody({
          username: 'mfa-later',
          status: 1,
          home_dir: homeOf('mfa-later'),
          permissions: { '/': ['*'] },
          filters: { two_factor_protocols: ['HTTP'] },
        }),
      });
      expect(update.status).toBe(200);
      // The token was issued before the requirement: it applies at once all the same.
      expect(result(await call(plain, 'GET', 'dirs', { path: '/' }))).toEqual(requirementError('HTTP'));
    });

    it('checks a required password change first', async () => {
      const token = await userWithToken('mfa-pwd', {
        filters: { two_factor_protocols: ['HTTP'], require_password_change: true },
      });
      expect(result(await call(token, 'GET', 'dirs', { path: '/' }))).toEqual({
        status: 403,
        body: {
          error: 'Password change required. Please set a new password to continue to use your account',
          message: '',
        },
      });
    });
  });
});
