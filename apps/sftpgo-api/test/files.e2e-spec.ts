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
import type { TestRequest, TestResponse } from './support/http-client';
import { createUserWithToken, userApiCall } from './support/user-fixtures';
import { eventually } from './support/eventually';
import { useTestServer } from './support/lifecycle';

const DIR_BIT = 2147483648;
const SYMLINK_BIT = 134217728;
const SECRET = 'top secret outside the home';

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('user file API (/api/v2/user/dirs, /user/files, /user/files/upload)', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-files-' });
  let outside: string;

  beforeAll(async () => {
    outside = join(ctx.root, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), SECRET);
  });

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  const userWithToken = (username: string, extra: Record<string, unknown> = {}): Promise<string> =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);

  const call = (
    token: string,
    method: string,
    route: string,
    query: Record<string, string> = {},
    options: TestRequest & { rawQuery?: string } = {},
  ): Promise<TestResponse> => userApiCall(ctx.app, token, method, route, query, options);

  const upload = (token: string, path: string, body: string | Buffer, extra: TestRequest = {}) =>
    call(token, 'POST', 'files/upload', { path }, { body, ...extra });

  const result = (res: TestResponse) => ({ status: res.status, body: res.json() });

  describe('a user with every permission', () => {
    let token: string;
    let home: string;

    beforeAll(async () => {
      token = await userWithToken('alice');
      home = homeOf('alice');
    });

    it('creates directories: 201, existing 409, missing parent 404, mkdir_parents creates them', async () => {
      expect(result(await call(token, 'POST', 'dirs', { path: 'docs' }))).toEqual({
        status: 201,
        body: { message: 'Directory "/docs" created' },
      });
      expect(statSync(join(home, 'docs')).isDirectory()).toBe(true);
      expect(result(await call(token, 'POST', 'dirs', { path: '/docs' }))).toEqual({
        status: 409,
        body: { error: 'file exists', message: 'Unable to create directory "/docs"' },
      });
      expect(result(await call(token, 'POST', 'dirs', { path: '/a/b/c' }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to create directory "/a/b/c"' },
      });
      const res = await call(token, 'POST', 'dirs', { path: '/a/b/c', mkdir_parents: 'true' });
      expect(res.status).toBe(201);
      expect(statSync(join(home, 'a/b/c')).isDirectory()).toBe(true);
    });

    it('uploads a raw body: 201, overwrite, mtime header, missing parent, mkdir_parents, no path', async () => {
      expect(result(await upload(token, '/docs/a.txt', 'hello world'))).toEqual({
        status: 201,
        body: { message: 'Upload completed' },
      });
      expect(readFileSync(join(home, 'docs/a.txt'), 'utf8')).toBe('hello world');
      expect((await upload(token, '/docs/a.txt', 'hello again')).status).toBe(201);
      expect(readFileSync(join(home, 'docs/a.txt'), 'utf8')).toBe('hello again');

      const mtime = Date.UTC(2021, 4, 1, 10, 20, 30);
      const stamped = await upload(token, 'docs/stamped.bin', Buffer.from([0, 1, 2]), {
        headers: { 'x-sftpgo-mtime': String(mtime), 'content-type': 'application/octet-stream' },
      });
      expect(stamped.status).toBe(201);
      expect(statSync(join(home, 'docs/stamped.bin')).mtimeMs).toBe(mtime);
      const ignored = await upload(token, 'docs/ignored.txt', 'x', {
        headers: { 'x-sftpgo-mtime': '123abc' },
      });
      expect(ignored.status).toBe(201);
      expect(statSync(join(home, 'docs/ignored.txt')).mtimeMs).toBeGreaterThan(mtime);

      expect(result(await upload(token, '/nodir/f.txt', 'x'))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to write file "/nodir/f.txt"' },
      });
      expect(existsSync(join(home, 'nodir'))).toBe(false);
      const parents = await call(
        token,
        'POST',
        'files/upload',
        { path: '/p1/p2/f.txt', mkdir_parents: 'true' },
        {
          body: 'deep',
        },
      );
      expect(parents.status).toBe(201);
      expect(readFileSync(join(home, 'p1/p2/f.txt'), 'utf8')).toBe('deep');

      expect(result(await call(token, 'POST', 'files/upload', {}, { body: 'x' }))).toEqual({
        status: 400,
        body: { error: 'please set a file path', message: '' },
      });
      expect(result(await upload(token, '/docs', 'x'))).toEqual({
        status: 400,
        body: { error: 'operation unsupported', message: 'Unable to write file "/docs"' },
      });
      const empty = await upload(token, '/docs/empty.txt', '');
      expect(empty.status).toBe(201);
      expect(statSync(join(home, 'docs/empty.txt')).size).toBe(0);
    });

    it('lists a directory as SFTPGo DirEntry objects', async () => {
      const res = await call(token, 'GET', 'dirs', { path: '/docs' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const entries = res.json<Record<string, unknown>[]>();
      const a = entries.find((e) => e.name === 'a.txt');
      expect(a).toEqual({
        name: 'a.txt',
        size: 11,
        mode: expect.any(Number),
        last_modified: expect.any(String),
      });
      expect((a?.mode as number) & 0o777).toBe(0o644);
      expect(a?.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      const stamped = entries.find((e) => e.name === 'stamped.bin');
      expect(stamped?.last_modified).toBe('2021-05-01T10:20:30Z');

      const top = (await call(token, 'GET', 'dirs')).json<Record<string, unknown>[]>();
      const docs = top.find((e) => e.name === 'docs');
      expect(docs?.size).toBeUndefined();
      expect(Math.floor((docs?.mode as number) / DIR_BIT)).toBe(1);

      expect(result(await call(token, 'GET', 'dirs', { path: '/missing' }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to get directory lister' },
      });
      expect((await call(token, 'GET', 'dirs', { path: '/docs/a.txt' })).status).toBe(400);
    });

    it('lists a large directory completely (streamed in chunks)', async () => {
      const big = join(home, 'big');
      mkdirSync(big);
      for (let i = 0; i < 2500; i += 1) writeFileSync(join(big, `f${i}`), '');
      const res = await call(token, 'GET', 'dirs', { path: '/big' });
      expect(res.status).toBe(200);
      const names = res.json<{ name: string }[]>().map((e) => e.name);
      expect(names).toHaveLength(2500);
      expect(new Set(names).size).toBe(2500);
    });

    it('downloads with attachment, nosniff, length, validators and ranges', async () => {
      const res = await call(token, 'GET', 'files', { path: '/docs/a.txt' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('hello again');
      expect(res.headers['content-disposition']).toBe('attachment; filename="a.txt"');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-length']).toBe('11');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
      const etag = res.headers.etag as string;
      const lastModified = res.headers['last-modified'] as string;
      expect(etag).toMatch(/^W\/".+"$/);
      expect(new Date(lastModified).getTime()).toBeGreaterThan(0);

      const ranged = async (range: string, extra: Record<string, string> = {}) =>
        call(token, 'GET', 'files', { path: '/docs/a.txt' }, { headers: { range, ...extra } });
      let r = await ranged('bytes=2-');
      expect({ status: r.status, text: r.text, range: r.headers['content-range'] }).toEqual({
        status: 206,
        text: 'llo again',
        range: 'bytes 2-10/11',
      });
      r = await ranged('bytes=0-4');
      expect({ status: r.status, text: r.text, length: r.headers['content-length'] }).toEqual({
        status: 206,
        text: 'hello',
        length: '5',
      });
      r = await ranged('bytes=-5');
      expect({ status: r.status, text: r.text }).toEqual({ status: 206, text: 'again' });
      r = await ranged('bytes=6-100');
      expect({ status: r.status, text: r.text }).toEqual({ status: 206, text: 'again' });
      for (const bad of ['bytes=0-1,3-4', 'bytes=2b-', 'bytes=20-', 'bytes=5-2', 'items=0-1', 'bytes=-0']) {
        r = await ranged(bad);
        expect({ bad, status: r.status }).toEqual({ bad, status: 416 });
      }
      expect(r.json()).toEqual({
        error: 'unsupported range "bytes=-0"',
        message: 'Requested Range Not Satisfiable',
      });
      expect(r.headers['content-range']).toBe('bytes */11');

      // If-Range: the same date honours the range, another date (or our weak ETag) sends everything.
      r = await ranged('bytes=0-4', { 'if-range': lastModified });
      expect(r.status).toBe(206);
      r = await ranged('bytes=0-4', {
        'if-range': new Date(Date.parse(lastModified) - 60_000).toUTCString(),
      });
      expect({ status: r.status, text: r.text }).toEqual({ status: 200, text: 'hello again' });
      r = await ranged('bytes=0-4', { 'if-range': etag });
      expect(r.status).toBe(200);

      const conditional = (headers: Record<string, string>) =>
        call(token, 'GET', 'files', { path: '/docs/a.txt' }, { headers });
      r = await conditional({ 'if-none-match': etag });
      expect({ status: r.status, text: r.text, etag: r.headers.etag }).toEqual({
        status: 304,
        text: '',
        etag,
      });
      r = await conditional({ 'if-none-match': 'W/"other"' });
      expect(r.status).toBe(200);
      r = await conditional({ 'if-modified-since': lastModified });
      expect(r.status).toBe(304);
      r = await conditional({
        'if-modified-since': new Date(Date.parse(lastModified) - 60_000).toUTCString(),
      });
      expect(r.status).toBe(200);
      r = await conditional({
        'if-unmodified-since': new Date(Date.parse(lastModified) - 120_000).toUTCString(),
      });
      expect(r.status).toBe(412);

      const head = await call(token, 'HEAD', 'files', { path: '/docs/a.txt' });
      expect({ status: head.status, text: head.text, length: head.headers['content-length'] }).toEqual({
        status: 200,
        text: '',
        length: '11',
      });
    });

    it('never serves a download inline and encodes odd file names', async () => {
      expect((await upload(token, '/evil.html', '<script>alert(1)</script>')).status).toBe(201);
      const res = await call(token, 'GET', 'files', { path: '/evil.html', inline: '1' });
      expect(res.status).toBe(200);
      expect(res.headers['content-disposition']).toBe('attachment; filename="evil.html"');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect((await upload(token, '/d"q\u00e8.txt', 'x')).status).toBe(201);
      const odd = await call(token, 'GET', 'files', { path: '/d"q\u00e8.txt' });
      expect(odd.status).toBe(200);
      expect(odd.headers['content-disposition']).toBe(
        'attachment; filename="d\\"q_.txt"; filename*=UTF-8\'\'d%22q%C3%A8.txt',
      );
      const empty = await call(token, 'GET', 'files', { path: '/docs/empty.txt' });
      expect({ status: empty.status, text: empty.text, length: empty.headers['content-length'] }).toEqual({
        status: 200,
        text: '',
        length: '0',
      });
    });

    it('refuses to download the root, a directory or a missing file', async () => {
      expect(result(await call(token, 'GET', 'files', { path: '/' }))).toEqual({
        status: 400,
        body: { error: 'operation unsupported', message: 'Please set the path to a valid file' },
      });
      expect((await call(token, 'GET', 'files')).status).toBe(400);
      expect(result(await call(token, 'GET', 'files', { path: '/docs' }))).toEqual({
        status: 400,
        body: {
          error: 'operation unsupported',
          message: 'Please set the path to a valid file, "/docs" is a directory',
        },
      });
      expect(result(await call(token, 'GET', 'files', { path: '/nothing.txt' }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to stat the requested file' },
      });
    });

    it('renames files and directories (PATCH /user/files, PATCH /user/dirs)', async () => {
      expect((await upload(token, '/ren.txt', 'rename me')).status).toBe(201);
      expect(
        result(await call(token, 'PATCH', 'files', { path: '/ren.txt', target: '/docs/renamed.txt' })),
      ).toEqual({ status: 200, body: { message: '"/ren.txt" renamed to "/docs/renamed.txt"' } });
      expect(readFileSync(join(home, 'docs/renamed.txt'), 'utf8')).toBe('rename me');
      expect(existsSync(join(home, 'ren.txt'))).toBe(false);

      expect(
        result(await call(token, 'PATCH', 'files', { path: '/docs/a.txt', target: 'docs/a.txt' })),
      ).toEqual({
        status: 400,
        body: {
          error: 'the rename source and target cannot be the same: operation unsupported',
          message: 'Unable to rename "/docs/a.txt" => "/docs/a.txt"',
        },
      });
      expect(result(await call(token, 'PATCH', 'files', { path: '/gone.txt', target: '/x.txt' }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to rename "/gone.txt" => "/x.txt"' },
      });
      // Never "move into" an existing directory.
      expect((await call(token, 'PATCH', 'files', { path: '/docs/renamed.txt', target: '/a' })).status).toBe(
        400,
      );
      // Overwrites an existing file.
      expect((await upload(token, '/over.txt', 'old')).status).toBe(201);
      expect(
        (await call(token, 'PATCH', 'files', { path: '/docs/renamed.txt', target: '/over.txt' })).status,
      ).toBe(200);
      expect(readFileSync(join(home, 'over.txt'), 'utf8')).toBe('rename me');
      // A missing target parent is not created.
      expect(
        (await call(token, 'PATCH', 'files', { path: '/over.txt', target: '/no/where.txt' })).status,
      ).toBe(404);

      expect((await call(token, 'PATCH', 'dirs', { path: '/a', target: '/a2' })).status).toBe(200);
      expect(statSync(join(home, 'a2/b/c')).isDirectory()).toBe(true);
      expect((await call(token, 'PATCH', 'dirs', { path: '/a2', target: '/a2/b/inside' })).status).toBe(400);
      expect((await call(token, 'PATCH', 'dirs', { path: '/', target: '/root2' })).status).toBe(403);
    });

    it('deletes files and directories', async () => {
      expect(result(await call(token, 'DELETE', 'files', { path: '/docs' }))).toEqual({
        status: 400,
        body: { error: 'operation unsupported', message: 'Unable delete "/docs", it is not a file/symlink' },
      });
      expect(result(await call(token, 'DELETE', 'files', { path: '/docs/none.txt' }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to delete file "/docs/none.txt"' },
      });
      expect(result(await call(token, 'DELETE', 'files', { path: '/over.txt' }))).toEqual({
        status: 200,
        body: { message: 'File "/over.txt" deleted' },
      });
      expect(existsSync(join(home, 'over.txt'))).toBe(false);

      expect(result(await call(token, 'DELETE', 'dirs', { path: '/a2' }))).toEqual({
        status: 200,
        body: { message: 'Directory "/a2" deleted' },
      });
      expect(existsSync(join(home, 'a2'))).toBe(false);
      expect(result(await call(token, 'DELETE', 'dirs', { path: '/a2' }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to delete directory "/a2"' },
      });
      expect((await call(token, 'DELETE', 'dirs', { path: '/' })).status).toBe(403);
      expect(existsSync(home)).toBe(true);
      // A file path on DELETE /user/dirs is deleted as a file.
      expect((await call(token, 'DELETE', 'dirs', { path: '/evil.html' })).status).toBe(200);
    });
  });

  describe('permissions and restrictions', () => {
    it('enforces per-directory permissions, with a sub-directory override', async () => {
      const token = await userWithToken('bob', { permissions: { '/': ['list', 'download'], '/up': ['*'] } });
      const home = homeOf('bob');
      mkdirSync(join(home, 'up'), { recursive: true });
      writeFileSync(join(home, 'readme.txt'), 'read only');

      expect((await call(token, 'GET', 'dirs')).status).toBe(200);
      expect((await call(token, 'GET', 'files', { path: '/readme.txt' })).text).toBe('read only');
      expect(result(await upload(token, '/new.txt', 'x'))).toEqual({
        status: 403,
        body: { error: 'permission denied', message: 'Unable to write file "/new.txt"' },
      });
      expect((await upload(token, '/readme.txt', 'x')).status).toBe(403);
      expect(readFileSync(join(home, 'readme.txt'), 'utf8')).toBe('read only');
      expect((await call(token, 'DELETE', 'files', { path: '/readme.txt' })).status).toBe(403);
      expect((await call(token, 'POST', 'dirs', { path: '/newdir' })).status).toBe(403);
      expect(
        (await call(token, 'PATCH', 'files', { path: '/readme.txt', target: '/up/readme.txt' })).status,
      ).toBe(403);
      // `/up` grants everything below it.
      expect((await upload(token, '/up/new.txt', 'in up')).status).toBe(201);
      expect((await call(token, 'POST', 'dirs', { path: '/up/sub' })).status).toBe(201);
      expect(
        (await call(token, 'PATCH', 'files', { path: '/up/new.txt', target: '/up/sub/new.txt' })).status,
      ).toBe(200);
      expect((await call(token, 'DELETE', 'files', { path: '/up/sub/new.txt' })).status).toBe(200);
      // Removing `/up` itself needs delete on `/`.
      expect((await call(token, 'DELETE', 'dirs', { path: '/up' })).status).toBe(403);
      expect(existsSync(join(home, 'up/sub'))).toBe(true);
      // mkdir_parents needs create_dirs for each created parent.
      const parents = await call(
        token,
        'POST',
        'files/upload',
        { path: '/x/y/z.txt', mkdir_parents: 'true' },
        { body: 'x' },
      );
      expect(result(parents)).toEqual({
        status: 403,
        body: {
          error:
            'unable to check/create missing parent dir "/x" for virtual path "/x/y/z.txt": permission denied',
          message: 'Error checking parent directories',
        },
      });
    });

    it('needs list and download for downloads, list for listings', async () => {
      const token = await userWithToken('carol', { permissions: { '/': ['list'], '/nolist': ['download'] } });
      const home = homeOf('carol');
      mkdirSync(join(home, 'nolist/inner'), { recursive: true });
      writeFileSync(join(home, 'f.txt'), 'f');
      writeFileSync(join(home, 'nolist/g.txt'), 'g');
      expect(result(await call(token, 'GET', 'files', { path: '/f.txt' }))).toEqual({
        status: 403,
        body: { error: 'unable to read file "/f.txt": permission denied', message: 'Forbidden' },
      });
      expect(result(await call(token, 'GET', 'files', { path: '/nolist/g.txt' }))).toEqual({
        status: 403,
        body: { error: 'permission denied', message: 'Unable to stat the requested file' },
      });
      expect(result(await call(token, 'GET', 'dirs', { path: '/nolist' }))).toEqual({
        status: 403,
        body: { error: 'permission denied', message: 'Unable to get directory lister' },
      });
    });

    it('refuses every write with the write-disabled web client restriction', async () => {
      const token = await userWithToken('dave', { filters: { web_client: ['write-disabled'] } });
      mkdirSync(join(homeOf('dave'), 'd'), { recursive: true });
      writeFileSync(join(homeOf('dave'), 'f.txt'), 'f');
      const forbidden = { status: 403, body: { message: 'Forbidden' } };
      expect(result(await upload(token, '/u.txt', 'x'))).toEqual(forbidden);
      expect(result(await call(token, 'POST', 'dirs', { path: '/n' }))).toEqual(forbidden);
      expect(result(await call(token, 'PATCH', 'dirs', { path: '/d', target: '/e' }))).toEqual(forbidden);
      expect(result(await call(token, 'PATCH', 'files', { path: '/f.txt', target: '/g.txt' }))).toEqual(
        forbidden,
      );
      expect(result(await call(token, 'DELETE', 'files', { path: '/f.txt' }))).toEqual(forbidden);
      expect(result(await call(token, 'DELETE', 'dirs', { path: '/d' }))).toEqual(forbidden);
      expect((await call(token, 'GET', 'dirs')).status).toBe(200);
      expect((await call(token, 'GET', 'files', { path: '/f.txt' })).status).toBe(200);
      expect((await call(token, 'GET', 'files', { path: '/missing' })).status).toBe(404);
      expect(existsSync(join(homeOf('dave'), 'u.txt'))).toBe(false);
    });

    it('enforces max_upload_file_size while streaming (413) and keeps the original', async () => {
      const token = await userWithToken('erin', { filters: { max_upload_file_size: 10 } });
      const home = homeOf('erin');
      expect((await upload(token, '/f.txt', '0123456789')).status).toBe(201);
      expect(result(await upload(token, '/f.txt', '0123456789A'))).toEqual({
        status: 413,
        body: { error: 'denying write due to space limit', message: 'Error saving file "/f.txt"' },
      });
      // Without Content-Length the limit applies while the body streams.
      const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const url = new URL(`${ctx.app.url}/api/v2/user/files/upload?path=%2Ff.txt`);
        const req = httpRequest(
          url,
          { method: 'POST', headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' } },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.write('01234567');
        req.write('89ABCDEF');
        req.end();
      });
      expect(chunked.status).toBe(413);
      expect(readFileSync(join(home, 'f.txt'), 'utf8')).toBe('0123456789');
      expect(readdirSync(home).filter((n) => n.startsWith('.sftpgo-upload'))).toEqual([]);
    });

    it('keeps the original file and no partial file when the client aborts an upload', async () => {
      const token = await userWithToken('frank');
      const home = homeOf('frank');
      expect((await upload(token, '/orig.txt', 'original content')).status).toBe(201);
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${ctx.app.url}/api/v2/user/files/upload?path=%2Forig.txt`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-length': '100000' },
        });
        req.on('error', () => resolve());
        req.on('response', () => resolve());
        req.write(Buffer.alloc(50000, 0x61), () => {
          setTimeout(() => {
            req.destroy();
            resolve();
          }, 200);
        });
      });
      // The server notices the reset and drops the temp file.
      for (let i = 0; i < 50; i += 1) {
        if (readdirSync(home).every((n) => !n.startsWith('.sftpgo-upload'))) break;
        await sleep(100);
      }
      expect(readFileSync(join(home, 'orig.txt'), 'utf8')).toBe('original content');
      expect(readdirSync(home).sort()).toEqual(['orig.txt']);
      // A new file aborted the same way leaves nothing.
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${ctx.app.url}/api/v2/user/files/upload?path=%2Fnew.txt`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-length': '100000' },
        });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(1000, 0x62), () => setTimeout(() => (req.destroy(), resolve()), 200));
      });
      await eventually(() => expect(readdirSync(home).sort()).toEqual(['orig.txt']));
      // The server still works.
      expect((await call(token, 'GET', 'files', { path: '/orig.txt' })).text).toBe('original content');
    });
  });

  describe('virtual folders', () => {
    it('shows mounts as directories, routes uploads to them, and protects the mount points', async () => {
      const mapped = join(ctx.root, 'vfolder');
      const folder = await ctx.app.request('/api/v2/folders', {
        method: 'POST',
        bearer: ctx.token,
        ...json({ name: 'vf1', mapped_path: mapped }),
      });
      expect(folder.status).toBe(201);
      const deepFolder = await ctx.app.request('/api/v2/folders', {
        method: 'POST',
        bearer: ctx.token,
        ...json({ name: 'vf2', mapped_path: join(ctx.root, 'vfolder2') }),
      });
      expect(deepFolder.status).toBe(201);
      const token = await userWithToken('gina', {
        virtual_folders: [
          { name: 'vf1', virtual_path: '/vf' },
          { name: 'vf2', virtual_path: '/deep/er/vf' },
        ],
      });
      const top = (await call(token, 'GET', 'dirs')).json<Record<string, unknown>[]>();
      expect(top).toEqual(
        expect.arrayContaining([
          { name: 'vf', mode: 2147484141, last_modified: '1970-01-01T00:00:00Z' },
          { name: 'deep', mode: 2147484141, last_modified: '1970-01-01T00:00:00Z' },
        ]),
      );
      expect((await call(token, 'GET', 'dirs', { path: '/deep' })).json()).toEqual([
        { name: 'er', mode: 2147484141, last_modified: '1970-01-01T00:00:00Z' },
      ]);
      expect((await upload(token, '/vf/in-folder.txt', 'folder data')).status).toBe(201);
      expect(readFileSync(join(mapped, 'in-folder.txt'), 'utf8')).toBe('folder data');
      expect(existsSync(join(homeOf('gina'), 'vf'))).toBe(false);
      const listed = (await call(token, 'GET', 'dirs', { path: '/vf' })).json<{ name: string }[]>();
      expect(listed.map((e) => e.name)).toEqual(['in-folder.txt']);

      // A move between the home and a folder is a copy and a delete.
      expect((await upload(token, '/home-file.txt', 'moved')).status).toBe(201);
      expect(
        (await call(token, 'PATCH', 'files', { path: '/home-file.txt', target: '/vf/moved.txt' })).status,
      ).toBe(200);
      expect(readFileSync(join(mapped, 'moved.txt'), 'utf8')).toBe('moved');
      expect(existsSync(join(homeOf('gina'), 'home-file.txt'))).toBe(false);

      expect((await call(token, 'POST', 'dirs', { path: '/vf' })).status).toBe(403);
      expect(result(await call(token, 'DELETE', 'dirs', { path: '/vf' }))).toEqual({
        status: 403,
        body: {
          error: 'removing virtual folders is not allowed: permission denied',
          message: 'Unable to delete directory "/vf"',
        },
      });
      expect((await call(token, 'DELETE', 'dirs', { path: '/deep' })).status).toBe(400);
      expect((await call(token, 'PATCH', 'dirs', { path: '/vf', target: '/vf2' })).status).toBe(403);
      expect(existsSync(join(mapped, 'moved.txt'))).toBe(true);
    });
  });

  it('reads query strings as Go does: + is a space, a malformed escape drops the parameter', async () => {
    const token = await userWithToken('querist');
    const home = homeOf('querist');
    const made = await call(token, 'POST', 'dirs', {}, { rawQuery: 'path=/a+b%2Bc' });
    expect(made.status).toBe(201);
    expect(existsSync(join(home, 'a b+c'))).toBe(true);
    // `path=%zz` is no path at all for Go: the start directory is listed.
    const listed = await call(token, 'GET', 'dirs', {}, { rawQuery: 'path=%zz' });
    expect(listed.status).toBe(200);
    expect(listed.json<{ name: string }[]>().map((e) => e.name)).toEqual(['a b+c']);
  });

  describe('path traversal and symlink escapes', () => {
    let token: string;
    let home: string;

    beforeAll(async () => {
      token = await userWithToken('mallory');
      home = homeOf('mallory');
      mkdirSync(join(home, 'inside'), { recursive: true });
      writeFileSync(join(home, 'inside/ok.txt'), 'ok');
      symlinkSync(outside, join(home, 'abslink'));
      symlinkSync('../../outside', join(home, 'rellink'));
      symlinkSync(join(outside, 'secret.txt'), join(home, 'filelink'));
      symlinkSync('inside/ok.txt', join(home, 'goodlink'));
    });

    const outsideUntouched = () => {
      expect(readdirSync(outside)).toEqual(['secret.txt']);
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
    };

    it('clamps dot-dot, backslashes and absolute-looking paths inside the home', async () => {
      const attempts = [
        'path=../../outside/secret.txt',
        'path=%2e%2e%2f%2e%2e%2foutside%2fsecret.txt',
        'path=..%5C..%5Coutside%5Csecret.txt',
        'path=%2F..%2F..%2F..%2Foutside%2Fsecret.txt',
        `path=${encodeURIComponent(join(outside, 'secret.txt'))}`,
        'path=/etc/passwd',
        'path=inside/../../../outside/secret.txt',
      ];
      for (const rawQuery of attempts) {
        const res = await call(token, 'GET', 'files', {}, { rawQuery });
        expect({ rawQuery, status: res.status }).toEqual({ rawQuery, status: 404 });
        expect(res.text).not.toContain(SECRET);
        const listing = await call(
          token,
          'GET',
          'dirs',
          {},
          { rawQuery: rawQuery.replace(/secret\.txt$/, '') },
        );
        expect(listing.text).not.toContain('secret.txt');
        const up = await call(token, 'POST', 'files/upload', {}, { rawQuery, body: 'pwned' });
        expect({ rawQuery, status: up.status }).toEqual({ rawQuery, status: 404 });
      }
      // `..` resolves inside: the user's own file is reachable that way.
      const ok = await call(
        token,
        'GET',
        'files',
        {},
        { rawQuery: 'path=inside%2F..%2F..%2Finside%2Fok.txt' },
      );
      expect(ok.text).toBe('ok');
      const back = await call(token, 'GET', 'files', {}, { rawQuery: 'path=..%5Cinside%5Cok.txt' });
      expect(back.text).toBe('ok');
      outsideUntouched();
    });

    it('treats a doubly-encoded %2e%2e as a literal name', async () => {
      const up = await call(
        token,
        'POST',
        'files/upload',
        {},
        { rawQuery: 'path=%252e%252e', body: 'literal' },
      );
      expect(up.status).toBe(201);
      expect(readFileSync(join(home, '%2e%2e'), 'utf8')).toBe('literal');
      const get = await call(token, 'GET', 'files', {}, { rawQuery: 'path=%252e%252e' });
      expect(get.text).toBe('literal');
      outsideUntouched();
    });

    it('refuses NUL and control characters with 400', async () => {
      for (const rawQuery of ['path=a%00b', 'path=%2Finside%2Fok.txt%00.png', 'path=a%0Ab']) {
        for (const [method, route] of [
          ['GET', 'files'],
          ['GET', 'dirs'],
          ['POST', 'files/upload'],
          ['POST', 'dirs'],
          ['DELETE', 'files'],
        ]) {
          const res = await call(
            token,
            method,
            route,
            {},
            { rawQuery, body: method === 'POST' ? 'x' : undefined },
          );
          expect({ rawQuery, method, route, status: res.status }).toEqual({
            rawQuery,
            method,
            route,
            status: 400,
          });
        }
      }
      const res = await call(token, 'GET', 'files', {}, { rawQuery: 'path=a%00b' });
      expect(res.json()).toEqual({
        error: 'invalid path: control characters are not allowed',
        message: 'Invalid path',
      });
    });

    it('never follows a symlink out of the home: list, download, upload, mkdir, rename', async () => {
      for (const link of ['abslink', 'rellink']) {
        const list = await call(token, 'GET', 'dirs', { path: `/${link}` });
        expect({ link, status: list.status }).toEqual({ link, status: 403 });
        expect(list.text).not.toContain('secret.txt');
        const get = await call(token, 'GET', 'files', { path: `/${link}/secret.txt` });
        expect({ link, status: get.status }).toEqual({ link, status: 403 });
        expect(get.text).not.toContain(SECRET);
        const up = await upload(token, `/${link}/evil.txt`, 'pwned');
        expect({ link, status: up.status }).toEqual({ link, status: 403 });
        const over = await upload(token, `/${link}/secret.txt`, 'pwned');
        expect({ link, status: over.status }).toEqual({ link, status: 403 });
        const mk = await call(token, 'POST', 'dirs', { path: `/${link}/sub`, mkdir_parents: 'true' });
        expect({ link, status: mk.status }).toEqual({ link, status: 403 });
        const mv = await call(token, 'PATCH', 'files', { path: '/inside/ok.txt', target: `/${link}/ok.txt` });
        expect({ link, status: mv.status }).toEqual({ link, status: 403 });
        const rm = await call(token, 'DELETE', 'files', { path: `/${link}/secret.txt` });
        expect({ link, status: rm.status }).toEqual({ link, status: 403 });
        const rmdir = await call(token, 'DELETE', 'dirs', { path: `/${link}/sub` });
        expect([403, 404]).toContain(rmdir.status);
      }
      const fileLink = await call(token, 'GET', 'files', { path: '/filelink' });
      expect(fileLink.status).toBe(403);
      expect(fileLink.text).not.toContain(SECRET);
      // A relative link that stays inside is followed.
      expect((await call(token, 'GET', 'files', { path: '/goodlink' })).text).toBe('ok');
      expect(readFileSync(join(home, 'inside/ok.txt'), 'utf8')).toBe('ok');
      outsideUntouched();
    });

    it('lists symlinks as symlinks and deletes the link, not its target', async () => {
      const entries = (await call(token, 'GET', 'dirs')).json<Record<string, unknown>[]>();
      const link = entries.find((e) => e.name === 'abslink');
      expect(link?.size).toBeUndefined();
      expect(Math.floor((link?.mode as number) / SYMLINK_BIT) % 2).toBe(1);
      expect((await call(token, 'DELETE', 'files', { path: '/filelink' })).status).toBe(200);
      expect((await call(token, 'DELETE', 'dirs', { path: '/abslink' })).status).toBe(200);
      expect(existsSync(join(home, 'abslink'))).toBe(false);
      outsideUntouched();
    });
  });
});
