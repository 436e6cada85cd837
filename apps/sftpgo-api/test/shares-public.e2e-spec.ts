import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { send, type TestRequest, type TestResponse } from './support/http-client';
import { useTestServer } from './support/lifecycle';
import { createUserWithToken, jsonBody } from './support/user-fixtures';
import { unzip } from './support/zip';
import { multipart } from './support/multipart';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A binary response (the shared client decodes text). */
interface BinaryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request whose (binary) answer is read as `body`. */
async function getBinary(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<BinaryResponse> {
  const res = await send(url, { method, headers });
  return { status: res.status, headers: res.headers, body: res.raw };
}

const zipContents = (zip: Buffer): Record<string, string> =>
  Object.fromEntries(unzip(zip).map((e) => [e.name, e.data.toString('utf8')]));

const basicAuth = (username: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
});

describe('public share endpoints /api/v2/shares/{id}', () => {
  const ctx = useTestServer({ captureLogs: 'info', token: true, tempDir: 'sftpgo-shares-' });
  let outside: string;
  /** The owner of most shares, with its token. */
  let owner: string;
  let home: string;

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  beforeAll(async () => {
    outside = join(ctx.root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'outside the home');
    owner = await createUserWithToken(ctx.app, ctx.token, 'owner', homeOf('owner'));
    home = homeOf('owner');
    mkdirSync(join(home, 'share', 'sub'), { recursive: true });
    writeFileSync(join(home, 'share', 'a.txt'), 'alpha');
    writeFileSync(join(home, 'share', 'sub', 'b.txt'), 'beta');
    symlinkSync(join(home, 'share', 'a.txt'), join(home, 'share', 'link.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(home, 'share', 'escape.txt'));
    mkdirSync(join(home, 'share2'));
    writeFileSync(join(home, 'share2', 'secret.txt'), 'not shared');
    writeFileSync(join(home, 'single.txt'), 'single file content');
    mkdirSync(join(home, 'drop'));
    mkdirSync(join(home, 'drop2'));
  });

  /** Creates a share through the owner's API and returns its id. */
  async function createShare(token: string, body: Record<string, unknown>): Promise<string> {
    const res = await ctx.app.request('/api/v2/user/shares', {
      method: 'POST',
      bearer: token,
      ...jsonBody(body),
    });
    expect({ status: res.status, body: res.status === 201 ? '' : res.text }).toEqual({
      status: 201,
      body: '',
    });
    const id = res.headers['x-object-id'];
    expect(typeof id).toBe('string');
    return String(id);
  }

  /** `used_tokens` and `last_use_at` as the owner sees them. */
  async function usage(token: string, id: string): Promise<{ used: number; lastUse: number }> {
    const res = await ctx.app.request(`/api/v2/user/shares/${id}`, { bearer: token });
    expect(res.status).toBe(200);
    const body = res.json<{ used_tokens?: number; last_use_at?: number }>();
    return { used: body.used_tokens ?? 0, lastUse: body.last_use_at ?? 0 };
  }

  const share = (id: string, suffix = '', options: TestRequest = {}): Promise<TestResponse> =>
    ctx.app.request(`/api/v2/shares/${id}${suffix}`, options);

  const result = (res: TestResponse) => ({ status: res.status, body: res.json() });

  /** Changes some fields of a user through the admin API (read, merge, full update). */
  async function updateUser(username: string, changes: Record<string, unknown>): Promise<void> {
    const current = await ctx.app.request(`/api/v2/users/${username}`, { bearer: ctx.token });
    expect(current.status).toBe(200);
    const body = { ...current.json(), ...changes };
    const res = await ctx.app.request(`/api/v2/users/${username}`, {
      method: 'PUT',
      bearer: ctx.token,
      ...jsonBody(body),
    });
    expect({ status: res.status, body: res.text }).toMatchObject({ status: 200 });
  }

  describe('the gate', () => {
    it('answers 404 "share does not exist" for an unknown id', async () => {
      expect(result(await share('doesnotexist'))).toEqual({
        status: 404,
        body: { error: 'share does not exist', message: '' },
      });
      expect((await share('doesnotexist', '/dirs')).status).toBe(404);
      expect((await share('doesnotexist', '/x.txt', { method: 'POST', body: 'x' })).status).toBe(404);
    });

    it('refuses an endpoint outside the scope with 403, before asking for the password', async () => {
      const write = await createShare(owner, {
        name: 'w',
        scope: 2,
        paths: ['/drop'],
        password: 'Sh4re-Secret!x',
      });
      const read = await createShare(owner, { name: 'r', scope: 1, paths: ['/share'] });
      const invalid = { status: 403, body: { error: 'invalid share scope', message: '' } };
      expect(result(await share(write))).toEqual(invalid);
      expect(result(await share(write, '/dirs'))).toEqual(invalid);
      expect(result(await share(write, '/files?path=a.txt'))).toEqual(invalid);
      expect(result(await share(read, '/x.txt', { method: 'POST', body: 'x' }))).toEqual(invalid);
      expect(result(await share(read, '', { method: 'POST', ...multipart([]) }))).toEqual(invalid);
      expect(existsSync(join(home, 'share', 'x.txt'))).toBe(false);
    });

    it('answers 404 once the share is used up or expired', async () => {
      const used = await createShare(owner, {
        name: 'once',
        scope: 1,
        paths: ['/single.txt'],
        max_tokens: 1,
      });
      expect((await share(used, '?compress=false')).status).toBe(200);
      expect((await share(used, '?compress=false')).status).toBe(404);
      expect((await share(used, '/dirs')).status).toBe(404);
      expect(await usage(owner, used)).toMatchObject({ used: 1 });

      const expiring = await createShare(owner, {
        name: 'soon',
        scope: 1,
        paths: ['/single.txt'],
        expires_at: Date.now() + 1500,
      });
      expect((await share(expiring, '?compress=false')).status).toBe(200);
      await sleep(1600);
      expect(result(await share(expiring, '?compress=false'))).toEqual({
        status: 404,
        body: { error: 'Not Found', message: '' },
      });
    });

    it('refuses a source IP outside allow_from with 403', async () => {
      const id = await createShare(owner, {
        name: 'ips',
        scope: 1,
        paths: ['/single.txt'],
        allow_from: ['127.0.0.2/32', '10.0.0.0/8'],
      });
      expect(result(await share(id, '?compress=false', { localAddress: '127.0.0.1' }))).toEqual({
        status: 403,
        body: { error: 'login is not allowed from this IP', message: '' },
      });
      const allowed = await share(id, '?compress=false', { localAddress: '127.0.0.2' });
      expect({ status: allowed.status, text: allowed.text }).toEqual({
        status: 200,
        text: 'single file content',
      });
    });

    it('asks for the password with HTTP Basic (user name ignored) and reports a wrong one', async () => {
      const password = 'Sh4re-Passw0rd!';
      const id = await createShare(owner, { name: 'pw', scope: 1, paths: ['/single.txt'], password });
      const missing = await share(id, '?compress=false');
      expect(result(missing)).toEqual({
        status: 401,
        body: { error: 'invalid credentials', message: 'Unauthorized' },
      });
      expect(missing.headers['www-authenticate']).toBe('Basic realm="SFTPGo"');
      const wrong = await share(id, '?compress=false', { headers: basicAuth('owner', 'not-the-password') });
      expect(result(wrong)).toEqual({
        status: 401,
        body: { error: 'invalid credentials', message: 'Unauthorized' },
      });
      expect(wrong.headers['www-authenticate']).toBe('Basic realm="SFTPGo"');
      expect(ctx.app.logs()).toContain(`share password (share ${id})`);
      expect(ctx.app.logs()).not.toContain('not-the-password');
      for (const username of ['', 'anyone', 'owner']) {
        const ok = await share(id, '?compress=false', { headers: basicAuth(username, password) });
        expect({ status: ok.status, text: ok.text }).toEqual({ status: 200, text: 'single file content' });
      }
      expect(await usage(owner, id)).toMatchObject({ used: 3 });
    });

    it('refuses shares of an owner without shares, disabled, expired or deleted (404)', async () => {
      const cases: [string, Record<string, unknown> | 'delete'][] = [
        ['noshares', { filters: { web_client: ['shares-disabled'] } }],
        ['disabled', { status: 0 }],
        ['expired', { expiration_date: Date.now() - 60_000 }],
        ['deleted', 'delete'],
      ];
      for (const [username, change] of cases) {
        const token = await createUserWithToken(ctx.app, ctx.token, username, homeOf(username));
        writeFileSync(join(homeOf(username), 'f.txt'), 'content');
        const id = await createShare(token, { name: 'f', scope: 3, paths: ['/'] });
        expect((await share(id, '/files?path=f.txt')).status).toBe(200);
        if (change === 'delete') {
          expect(
            (await ctx.app.request(`/api/v2/users/${username}`, { method: 'DELETE', bearer: ctx.token }))
              .status,
          ).toBe(200);
        } else {
          await updateUser(username, change);
        }
        const expected = change === 'delete' ? 'share does not exist' : 'Not Found';
        expect([username, result(await share(id, '/files?path=f.txt'))]).toEqual([
          username,
          { status: 404, body: { error: expected, message: '' } },
        ]);
        expect((await share(id, '/g.txt', { method: 'POST', body: 'x' })).status).toBe(404);
        expect(existsSync(join(homeOf(username), 'g.txt'))).toBe(false);
      }
    });

    it('refuses a share without password once the owner forbids them, and an unmet HTTP 2FA requirement (403)', async () => {
      const token = await createUserWithToken(ctx.app, ctx.token, 'strict', homeOf('strict'));
      writeFileSync(join(homeOf('strict'), 'f.txt'), 'content');
      const open = await createShare(token, { name: 'open', scope: 1, paths: ['/f.txt'] });
      const locked = await createShare(token, {
        name: 'locked',
        scope: 1,
        paths: ['/f.txt'],
        password: 'Sh4re-Passw0rd!',
      });
      await updateUser('strict', { filters: { web_client: ['shares-without-password-disabled'] } });
      expect(result(await share(open, '?compress=false'))).toEqual({
        status: 403,
        body: { error: 'sharing without a password was disabled: permission denied', message: '' },
      });
      const auth = { headers: basicAuth('', 'Sh4re-Passw0rd!') };
      expect((await share(locked, '?compress=false', auth)).status).toBe(200);
      await updateUser('strict', { filters: { two_factor_protocols: ['HTTP'] } });
      expect(result(await share(locked, '?compress=false', auth))).toEqual({
        status: 403,
        body: { error: 'Method disabled error: two-factor authentication requirements not met', message: '' },
      });
    });

    it("applies the owner's max_sessions (429)", async () => {
      const token = await createUserWithToken(ctx.app, ctx.token, 'busy', homeOf('busy'), {
        max_sessions: 1,
      });
      writeFileSync(join(homeOf('busy'), 'f.txt'), 'content');
      const id = await createShare(token, { name: 'f', scope: 3, paths: ['/'] });
      // An upload of the owner kept open holds the only session.
      const req = httpRequest(`${ctx.app.url}/api/v2/user/files/upload?path=%2Fslow.bin`, {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-length': '200' },
      });
      const done = new Promise<number>((resolve) => {
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(0));
      });
      req.write(Buffer.alloc(100, 1));
      await sleep(300);
      const busy = {
        status: 429,
        body: { error: 'too many open sessions: 1/1', message: 'Unable to add connection' },
      };
      expect(result(await share(id, '/files?path=f.txt'))).toEqual(busy);
      expect(result(await share(id))).toEqual(busy);
      expect(result(await share(id, '/dirs'))).toEqual(busy);
      expect(result(await share(id, '/g.txt', { method: 'POST', body: 'x' }))).toEqual(busy);
      expect(await usage(token, id)).toMatchObject({ used: 0 });
      req.end(Buffer.alloc(100, 2));
      expect(await done).toBe(201);
      expect((await share(id, '/files?path=f.txt')).status).toBe(200);
      // Finished transfers give the session back, a zip's and a HEAD's included.
      const zip = await getBinary(`${ctx.app.url}/api/v2/shares/${id}`);
      expect(Object.keys(zipContents(zip.body)).sort()).toEqual(['f.txt', 'slow.bin']);
      expect((await getBinary(`${ctx.app.url}/api/v2/shares/${id}`, {}, 'HEAD')).status).toBe(200);
      await sleep(100);
      expect((await share(id, '/files?path=f.txt')).status).toBe(200);
      expect((await share(id, '/g.txt', { method: 'POST', body: 'x' })).status).toBe(201);
    });
  });

  describe('GET /shares/{id}', () => {
    it('zips a shared directory with entries relative to it, without symlinks or its sibling /share2', async () => {
      const id = await createShare(owner, { name: 'docs', scope: 1, paths: ['/share'] });
      const res = await getBinary(`${ctx.app.url}/api/v2/shares/${id}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toBe('attachment; filename="share-docs.zip"');
      expect(zipContents(res.body)).toEqual({ 'a.txt': 'alpha', 'sub/': '', 'sub/b.txt': 'beta' });
      expect(await usage(owner, id)).toMatchObject({ used: 1 });
      expect((await usage(owner, id)).lastUse).toBeGreaterThan(Date.now() - 60_000);
    });

    it('zips several paths relative to the root; compress=false only applies to one regular file', async () => {
      const id = await createShare(owner, { name: 'multi', scope: 1, paths: ['/share/sub', '/single.txt'] });
      for (const query of ['', '?compress=false']) {
        const res = await getBinary(`${ctx.app.url}/api/v2/shares/${id}${query}`);
        expect(res.status).toBe(200);
        expect(zipContents(res.body)).toEqual({
          'share/sub/': '',
          'share/sub/b.txt': 'beta',
          'single.txt': 'single file content',
        });
      }
      const dir = await createShare(owner, { name: 'dir', scope: 1, paths: ['/share/sub'] });
      const zipped = await getBinary(`${ctx.app.url}/api/v2/shares/${dir}?compress=false`);
      expect(zipContents(zipped.body)).toEqual({ 'b.txt': 'beta' });
    });

    it('sends one shared file as is with compress=false: ranges, conditional requests, HEAD', async () => {
      const id = await createShare(owner, { name: 'one', scope: 1, paths: ['/single.txt'] });
      const url = `${ctx.app.url}/api/v2/shares/${id}?compress=false`;
      const full = await getBinary(url);
      expect(full.status).toBe(200);
      expect(full.body.toString()).toBe('single file content');
      expect(full.headers['content-disposition']).toBe('attachment; filename="single.txt"');
      const part = await getBinary(url, { range: 'bytes=0-5' });
      expect({
        status: part.status,
        body: part.body.toString(),
        range: part.headers['content-range'],
      }).toEqual({
        status: 206,
        body: 'single',
        range: 'bytes 0-5/19',
      });
      const notModified = await getBinary(url, { 'if-none-match': String(full.headers.etag) });
      expect(notModified.status).toBe(304);
      const head = await getBinary(url, {}, 'HEAD');
      expect({ status: head.status, length: head.headers['content-length'], body: head.body.length }).toEqual(
        {
          status: 200,
          length: '19',
          body: 0,
        },
      );
      // The default is the zip, even of a single file.
      const zipped = await getBinary(`${ctx.app.url}/api/v2/shares/${id}`);
      expect(zipped.headers['content-disposition']).toBe('attachment; filename="share-one.zip"');
      expect(zipContents(zipped.body)).toEqual({ 'single.txt': 'single file content' });
    });

    it('refuses a missing shared path, giving the use back', async () => {
      const id = await createShare(owner, { name: 'gone', scope: 1, paths: ['/nothing-here.txt'] });
      expect((await share(id, '?compress=false')).status).toBe(400);
      expect((await share(id)).status).toBe(404);
      expect(await usage(owner, id)).toMatchObject({ used: 0 });
    });

    it("uses the owner's permissions: no download permission, no file (403)", async () => {
      const token = await createUserWithToken(ctx.app, ctx.token, 'nodl', homeOf('nodl'), {
        permissions: { '/': ['list', 'upload'] },
      });
      writeFileSync(join(homeOf('nodl'), 'f.txt'), 'content');
      const id = await createShare(token, { name: 'f', scope: 1, paths: ['/f.txt'] });
      expect((await share(id, '?compress=false')).status).toBe(403);
      expect((await share(id)).status).toBe(403);
      expect(await usage(token, id)).toMatchObject({ used: 0 });
    });

    it('gives exactly one success to 25 parallel downloads of a max_tokens 1 share', async () => {
      const id = await createShare(owner, { name: 'race', scope: 1, paths: ['/single.txt'], max_tokens: 1 });
      const zipId = await createShare(owner, { name: 'racezip', scope: 1, paths: ['/share'], max_tokens: 1 });
      for (const [shareId, query] of [
        [id, '?compress=false'],
        [zipId, ''],
      ]) {
        const results = await Promise.all(
          Array.from({ length: 25 }, () => getBinary(`${ctx.app.url}/api/v2/shares/${shareId}${query}`)),
        );
        const statuses = results.map((r) => r.status).sort();
        expect(statuses).toEqual([200, ...Array<number>(24).fill(404)]);
        expect(await usage(owner, shareId)).toMatchObject({ used: 1 });
      }
    });
  });

  describe('GET /shares/{id}/dirs and /files', () => {
    let id: string;

    beforeAll(async () => {
      id = await createShare(owner, { name: 'browse', scope: 1, paths: ['/share'] });
    });

    const names = (res: TestResponse) =>
      res
        .json<{ name: string }[]>()
        .map((e) => e.name)
        .sort();

    it('lists the shared directory and below, leaving out symlinks, without using the share', async () => {
      const top = await share(id, '/dirs');
      expect(top.status).toBe(200);
      expect(names(top)).toEqual(['a.txt', 'sub']);
      for (const path of ['sub', '/sub', 'sub/', './sub']) {
        const res = await share(id, `/dirs?path=${encodeURIComponent(path)}`);
        expect([path, res.status, names(res)]).toEqual([path, 200, ['b.txt']]);
      }
      expect((await share(id, '/dirs?path=missing')).status).toBe(404);
      expect(await usage(owner, id)).toMatchObject({ used: 0 });
    });

    it('downloads a file inside the share, with ranges, one use each', async () => {
      const res = await share(id, '/files?path=sub%2Fb.txt');
      expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: 'beta' });
      const part = await share(id, '/files?path=a.txt', { headers: { range: 'bytes=1-2' } });
      expect({ status: part.status, text: part.text }).toEqual({ status: 206, text: 'lp' });
      expect(await usage(owner, id)).toMatchObject({ used: 2 });
      expect(result(await share(id, '/files?path=sub'))).toEqual({
        status: 400,
        body: { message: 'Please set the path to a valid file, "/share/sub" is a directory' },
      });
      expect((await share(id, '/files')).status).toBe(400);
      expect(result(await share(id, '/files?path=link.txt'))).toEqual({
        status: 400,
        body: { error: 'Validation error: non regular files are not supported for shares', message: '' },
      });
      expect((await share(id, '/files?path=escape.txt')).status).toBe(400);
      expect((await share(id, '/files?path=missing.txt')).status).toBe(404);
      expect(await usage(owner, id)).toMatchObject({ used: 2 });
    });

    it('never leaves the share: "..", backslashes, encoded dots, the /share2 sibling', async () => {
      const before = (await usage(owner, id)).used;
      const attempts = [
        '../share2',
        '../share2/secret.txt',
        '/../share2/secret.txt',
        '..\\share2\\secret.txt',
        'sub/../../share2/secret.txt',
        '..',
        '../..',
        '../../../outside/secret.txt',
      ];
      for (const path of attempts) {
        for (const endpoint of ['/dirs', '/files']) {
          const res = await share(id, `${endpoint}?path=${encodeURIComponent(path)}`);
          expect([endpoint, path, res.status, res.text.includes('not shared')]).toEqual([
            endpoint,
            path,
            400,
            false,
          ]);
        }
      }
      // Percent-encoded dots in the raw query are decoded first, then refused the same way.
      for (const raw of [
        '%2e%2e%2fshare2%2fsecret.txt',
        '%2E%2E/share2/secret.txt',
        '..%5Cshare2%5Csecret.txt',
      ]) {
        expect((await share(id, `/files?path=${raw}`)).status).toBe(400);
        expect((await share(id, `/dirs?path=${raw}`)).status).toBe(400);
      }
      // An absolute-looking path stays inside the share.
      expect((await share(id, `/files?path=${encodeURIComponent('/share2/secret.txt')}`)).status).toBe(404);
      expect((await usage(owner, id)).used).toBe(before);
      // A share of /share2 cannot reach /share either.
      const sibling = await createShare(owner, { name: 'sibling', scope: 1, paths: ['/share2'] });
      expect(names(await share(sibling, '/dirs'))).toEqual(['secret.txt']);
      expect((await share(sibling, `/files?path=${encodeURIComponent('../share/a.txt')}`)).status).toBe(400);
    });

    it('browses only a share of exactly one directory (400)', async () => {
      const multi = await createShare(owner, { name: 'multi2', scope: 1, paths: ['/share', '/share2'] });
      expect(result(await share(multi, '/dirs'))).toEqual({
        status: 400,
        body: { error: 'a share with multiple paths is not browsable', message: '' },
      });
      const file = await createShare(owner, { name: 'file', scope: 1, paths: ['/single.txt'] });
      expect(result(await share(file, '/files?path=x'))).toEqual({
        status: 400,
        body: { error: 'the shared object is not a directory and so it is not browsable', message: '' },
      });
      const missing = await createShare(owner, { name: 'missing', scope: 1, paths: ['/nowhere'] });
      const res = await share(missing, '/dirs');
      expect(res.status).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(/^unable to check the share directory: /);
    });
  });

  describe('uploads through a write share', () => {
    it('stores the multipart files (base names only) in the shared directory, one use per file', async () => {
      const id = await createShare(owner, { name: 'drop', scope: 2, paths: ['/drop'] });
      const res = await share(id, '', {
        method: 'POST',
        ...multipart([
          { field: 'filenames', filename: 'one.txt', content: 'first' },
          { field: 'other', content: 'ignored' },
          { field: 'filenames', filename: '../../drop2/two.txt', content: 'second' },
        ]),
      });
      expect(result(res)).toEqual({ status: 201, body: { message: 'Upload completed' } });
      expect(readFileSync(join(home, 'drop', 'one.txt'), 'utf8')).toBe('first');
      expect(readFileSync(join(home, 'drop', 'two.txt'), 'utf8')).toBe('second');
      expect(readdirSync(join(home, 'drop2'))).toEqual([]);
      expect(await usage(owner, id)).toMatchObject({ used: 2 });
      expect(
        result(await share(id, '', { method: 'POST', ...multipart([{ field: 'x', content: 'y' }]) })),
      ).toEqual({
        status: 400,
        body: { message: 'No files uploaded!' },
      });
      expect((await share(id, '', { method: 'POST', body: 'not a form' })).status).toBe(400);
      expect(await usage(owner, id)).toMatchObject({ used: 2 });
    });

    it('stores a raw body as the named file, with mkdir_parents and X-SFTPGO-MTIME', async () => {
      const id = await createShare(owner, { name: 'raw', scope: 3, paths: ['/drop'] });
      const mtime = Date.UTC(2020, 0, 2, 3, 4, 5);
      const res = await share(id, '/raw.txt', {
        method: 'POST',
        body: 'raw content',
        headers: { 'x-sftpgo-mtime': String(mtime) },
      });
      expect(result(res)).toEqual({ status: 201, body: { message: 'Upload completed' } });
      expect(readFileSync(join(home, 'drop', 'raw.txt'), 'utf8')).toBe('raw content');
      expect(statSync(join(home, 'drop', 'raw.txt')).mtimeMs).toBe(mtime);
      // An encoded sub-path: its parents must exist unless mkdir_parents=true.
      expect((await share(id, '/deep%2Fer%2Ff.txt', { method: 'POST', body: 'deep' })).status).toBe(404);
      expect(
        (await share(id, '/deep%2Fer%2Ff.txt?mkdir_parents=true', { method: 'POST', body: 'deep' })).status,
      ).toBe(201);
      expect(readFileSync(join(home, 'drop', 'deep', 'er', 'f.txt'), 'utf8')).toBe('deep');
      // Read-write: the same share downloads what was uploaded.
      expect((await share(id, '/files?path=raw.txt')).text).toBe('raw content');
      // A directory is not a file: 400, and the use goes back.
      const before = (await usage(owner, id)).used;
      expect((await share(id, '/deep', { method: 'POST', body: 'x' })).status).toBe(400);
      expect((await usage(owner, id)).used).toBe(before);
    });

    it('never writes outside the shared directory (403)', async () => {
      const id = await createShare(owner, { name: 'jail', scope: 2, paths: ['/drop'] });
      const names = [
        '..%2Fdrop2%2Fx.txt',
        '..%2F..%2F..%2Fx.txt',
        '..%5Cdrop2%5Cx.txt',
        'a%2F..%2F..%2Fx.txt',
        '%2E%2E%2Fdrop2%2Fx.txt',
      ];
      for (const name of names) {
        const res = await share(id, `/${name}`, { method: 'POST', body: 'escaped' });
        expect([name, result(res)]).toEqual([
          name,
          { status: 403, body: { message: 'Uploading outside the share is not allowed' } },
        ]);
      }
      // `.` and `..` segments are resolved before routing: never the raw upload route, nothing written.
      for (const name of ['..', '%2e%2e', '%2E%2E', '.']) {
        const res = await share(id, `/${name}`, { method: 'POST', body: 'escaped' });
        expect([name, res.status === 400 || res.status === 404]).toEqual([name, true]);
      }
      expect(readdirSync(join(home, 'drop2'))).toEqual([]);
      expect(existsSync(join(home, 'x.txt'))).toBe(false);
      expect(existsSync(join(ctx.root, 'home', 'x.txt'))).toBe(false);
      expect(await usage(owner, id)).toMatchObject({ used: 0 });
    });

    it('respects max_tokens for uploads', async () => {
      const id = await createShare(owner, { name: 'limited', scope: 2, paths: ['/drop'], max_tokens: 2 });
      expect((await share(id, '/l1.txt', { method: 'POST', body: '1' })).status).toBe(201);
      const res = await share(id, '', {
        method: 'POST',
        ...multipart([
          { field: 'filenames', filename: 'l2.txt', content: '2' },
          { field: 'filenames', filename: 'l3.txt', content: '3' },
        ]),
      });
      expect(result(res)).toEqual({ status: 400, body: { message: 'Allowed usage exceeded' } });
      expect(existsSync(join(home, 'drop', 'l3.txt'))).toBe(false);
      expect(await usage(owner, id)).toMatchObject({ used: 2 });
      expect((await share(id, '/l4.txt', { method: 'POST', body: '4' })).status).toBe(404);
    });

    it("enforces the owner's permissions and quotas (403, 413) and gives the use back", async () => {
      const readOnly = await createUserWithToken(ctx.app, ctx.token, 'reader', homeOf('reader'), {
        permissions: { '/': ['list', 'download'] },
      });
      const ro = await createShare(readOnly, { name: 'ro', scope: 2, paths: ['/'] });
      expect((await share(ro, '/x.txt', { method: 'POST', body: 'x' })).status).toBe(403);
      expect(await usage(readOnly, ro)).toMatchObject({ used: 0 });

      const files = await createUserWithToken(ctx.app, ctx.token, 'qfiles', homeOf('qfiles'), {
        quota_files: 1,
      });
      const qf = await createShare(files, { name: 'qf', scope: 2, paths: ['/'] });
      expect((await share(qf, '/a.txt', { method: 'POST', body: 'a' })).status).toBe(201);
      expect(result(await share(qf, '/b.txt', { method: 'POST', body: 'b' }))).toEqual({
        status: 413,
        body: { error: 'denying write due to space limit', message: 'Unable to write file "/b.txt"' },
      });
      const multi = await share(qf, '', {
        method: 'POST',
        ...multipart([{ field: 'filenames', filename: 'c.txt', content: 'c' }]),
      });
      expect(multi.status).toBe(413);
      expect(readdirSync(homeOf('qfiles'))).toEqual(['a.txt']);
      expect(await usage(files, qf)).toMatchObject({ used: 1 });

      const size = await createUserWithToken(ctx.app, ctx.token, 'qsize', homeOf('qsize'), {
        quota_size: 10,
      });
      const qs = await createShare(size, { name: 'qs', scope: 2, paths: ['/'] });
      expect((await share(qs, '/big.bin', { method: 'POST', body: Buffer.alloc(20, 1) })).status).toBe(413);
      expect(readdirSync(homeOf('qsize'))).toEqual([]);
      expect(await usage(size, qs)).toMatchObject({ used: 0 });
    });
  });
});
