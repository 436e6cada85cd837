import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { send, type TestRequest, type TestResponse } from './support/http-client';
import { createUserWithToken, userApiCall } from './support/user-fixtures';
import { useTestServer } from './support/lifecycle';
import { unzip } from './support/zip';
import { BOUNDARY, multipart, type Part } from './support/multipart';

const SECRET = 'top secret outside the home';

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

describe('user file actions (multipart upload, metadata, copy, move, streamzip)', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-actions-' });
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

  const result = (res: TestResponse) => ({ status: res.status, body: res.json() });

  const uploadParts = (token: string, query: Record<string, string>, parts: Part[]) =>
    call(token, 'POST', 'files', query, multipart(parts));

  const zip = (token: string, paths: unknown) =>
    postBinary(`${ctx.app.url}/api/v2/user/streamzip`, token, JSON.stringify(paths));

  const noTempFiles = (dir: string) =>
    expect(readdirSync(dir).filter((n) => n.startsWith('.sftpgo-upload'))).toEqual([]);

  describe('POST /user/files (multipart)', () => {
    let token: string;
    let home: string;

    beforeAll(async () => {
      token = await userWithToken('mp');
      home = homeOf('mp');
    });

    it('stores two files of field "filenames" in the directory, and overwrites on re-upload', async () => {
      mkdirSync(join(home, 'docs'));
      const parts: Part[] = [
        { field: 'filenames', filename: 'one.txt', content: 'first file' },
        { field: 'other', content: 'ignored field' },
        { field: 'filenames', filename: 'two.bin', content: Buffer.alloc(200_000, 7) },
      ];
      expect(result(await uploadParts(token, { path: '/docs' }, parts))).toEqual({
        status: 201,
        body: { message: 'Upload completed' },
      });
      expect(readFileSync(join(home, 'docs/one.txt'), 'utf8')).toBe('first file');
      expect(readFileSync(join(home, 'docs/two.bin')).equals(Buffer.alloc(200_000, 7))).toBe(true);
      expect(readdirSync(join(home, 'docs')).sort()).toEqual(['one.txt', 'two.bin']);

      const again = await uploadParts(token, { path: 'docs' }, [
        { field: 'filenames', filename: 'one.txt', content: 'replaced' },
      ]);
      expect(again.status).toBe(201);
      expect(readFileSync(join(home, 'docs/one.txt'), 'utf8')).toBe('replaced');
      // No path: the root.
      expect(
        (await uploadParts(token, {}, [{ field: 'filenames', filename: 'r.txt', content: 'r' }])).status,
      ).toBe(201);
      expect(readFileSync(join(home, 'r.txt'), 'utf8')).toBe('r');
      noTempFiles(join(home, 'docs'));
    });

    it('keeps only the base name of each client file name (no traversal)', async () => {
      const parts: Part[] = [
        { field: 'filenames', filename: '../../outside/secret.txt', content: 'pwned' },
        { field: 'filenames', filename: '..\\..\\evil.txt', content: 'pwned too' },
      ];
      expect((await uploadParts(token, { path: '/docs' }, parts)).status).toBe(201);
      expect(readFileSync(join(home, 'docs/secret.txt'), 'utf8')).toBe('pwned');
      expect(readFileSync(join(home, 'docs/evil.txt'), 'utf8')).toBe('pwned too');
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
      expect(existsSync(join(ctx.root, 'home', 'evil.txt'))).toBe(false);
      // A traversal in `path` stays inside the home.
      const up = await uploadParts(token, { path: '../../outside' }, [
        { field: 'filenames', filename: 'x.txt', content: 'x' },
      ]);
      expect(up.status).toBe(404);
      expect(readdirSync(outside)).toEqual(['secret.txt']);
    });

    it('missing directory 404, mkdir_parents creates it', async () => {
      const part: Part[] = [{ field: 'filenames', filename: 'f.txt', content: 'deep' }];
      expect(result(await uploadParts(token, { path: '/sub/tdir' }, part))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to write file "/sub/tdir/f.txt"' },
      });
      expect(existsSync(join(home, 'sub'))).toBe(false);
      expect((await uploadParts(token, { path: '/sub/tdir', mkdir_parents: 'true' }, part)).status).toBe(201);
      expect(readFileSync(join(home, 'sub/tdir/f.txt'), 'utf8')).toBe('deep');
    });

    it('refuses a body that is not a multipart form, or holds no file', async () => {
      expect(result(await call(token, 'POST', 'files', { path: '/' }, json({ a: 1 })))).toEqual({
        status: 400,
        body: {
          error: "request Content-Type isn't multipart/form-data",
          message: 'Unable to parse multipart form',
        },
      });
      expect(
        result(
          await uploadParts(token, { path: '/nothing', mkdir_parents: 'true' }, [
            { field: 'x', content: 'y' },
          ]),
        ),
      ).toEqual({ status: 400, body: { message: 'No files uploaded!' } });
      expect(existsSync(join(home, 'nothing'))).toBe(false);
      const truncated = await call(
        token,
        'POST',
        'files',
        {},
        {
          headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          body: `--${BOUNDARY}\r\nContent-Disposition: form-data; name="filenames"; filename="t.txt"\r\n\r\nabc`,
        },
      );
      expect(truncated.status).toBe(400);
      expect(existsSync(join(home, 't.txt'))).toBe(false);
      noTempFiles(home);
      // A file name that is a directory, or the root.
      const onDir = await uploadParts(token, { path: '/' }, [
        { field: 'filenames', filename: 'docs', content: 'x' },
      ]);
      expect(result(onDir)).toEqual({
        status: 400,
        body: { error: 'operation unsupported', message: 'Unable to write file "/docs"' },
      });
    });

    it('needs upload (new) / overwrite (existing) and honours write-disabled and the size limit', async () => {
      const limited = await userWithToken('mp-ro', {
        permissions: { '/': ['list', 'download', 'overwrite'] },
      });
      writeFileSync(join(homeOf('mp-ro'), 'exists.txt'), 'old');
      const denied = await uploadParts(limited, {}, [
        { field: 'filenames', filename: 'new.txt', content: 'x' },
      ]);
      expect(result(denied)).toEqual({
        status: 403,
        body: { error: 'permission denied', message: 'Unable to write file "/new.txt"' },
      });
      const over = await uploadParts(limited, {}, [
        { field: 'filenames', filename: 'exists.txt', content: 'new' },
      ]);
      expect(over.status).toBe(201);
      expect(readFileSync(join(homeOf('mp-ro'), 'exists.txt'), 'utf8')).toBe('new');
      // The first failing file stops the upload; those before it stay.
      const mixed = await uploadParts(limited, {}, [
        { field: 'filenames', filename: 'exists.txt', content: 'newer' },
        { field: 'filenames', filename: 'other.txt', content: 'x' },
      ]);
      expect(mixed.status).toBe(403);
      expect(readFileSync(join(homeOf('mp-ro'), 'exists.txt'), 'utf8')).toBe('newer');
      expect(existsSync(join(homeOf('mp-ro'), 'other.txt'))).toBe(false);

      const disabled = await userWithToken('mp-wd', { filters: { web_client: ['write-disabled'] } });
      const wd = await uploadParts(disabled, {}, [{ field: 'filenames', filename: 'a.txt', content: 'x' }]);
      expect(result(wd)).toEqual({ status: 403, body: { message: 'Forbidden' } });

      const small = await userWithToken('mp-small', { filters: { max_upload_file_size: 10 } });
      const big = await uploadParts(small, {}, [
        { field: 'filenames', filename: 'ok.txt', content: '0123456789' },
        { field: 'filenames', filename: 'big.txt', content: '0123456789A' },
      ]);
      expect(result(big)).toEqual({
        status: 413,
        body: { error: 'denying write due to space limit', message: 'Error saving file "/big.txt"' },
      });
      expect(readdirSync(homeOf('mp-small'))).toEqual(['ok.txt']);
    });

    it('leaves no partial file when the client aborts', async () => {
      const aborter = await userWithToken('mp-abort');
      const home2 = homeOf('mp-abort');
      writeFileSync(join(home2, 'keep.txt'), 'original');
      for (const filename of ['keep.txt', 'new.txt']) {
        await new Promise<void>((resolve) => {
          const req = httpRequest(`${ctx.app.url}/api/v2/user/files?path=%2F`, {
            method: 'POST',
            headers: {
              authorization: `Bearer ${aborter}`,
              'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
              'content-length': '1000000',
            },
          });
          req.on('error', () => resolve());
          req.on('response', () => resolve());
          const head = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="filenames"; filename="${filename}"\r\n\r\n`;
          req.write(Buffer.concat([Buffer.from(head), Buffer.alloc(300_000, 0x61)]), () => {
            setTimeout(() => {
              req.destroy();
              resolve();
            }, 200);
          });
        });
        for (let i = 0; i < 50; i += 1) {
          if (readdirSync(home2).every((n) => !n.startsWith('.sftpgo-upload'))) break;
          await sleep(100);
        }
        expect(readdirSync(home2)).toEqual(['keep.txt']);
        expect(readFileSync(join(home2, 'keep.txt'), 'utf8')).toBe('original');
      }
      // The server still works.
      expect((await call(aborter, 'GET', 'files', { path: '/keep.txt' })).text).toBe('original');
    });
  });

  describe('PATCH /user/files/metadata', () => {
    let token: string;
    let home: string;

    beforeAll(async () => {
      token = await userWithToken('meta', { permissions: { '/': ['*'], '/locked': ['list', 'download'] } });
      home = homeOf('meta');
      mkdirSync(join(home, 'd/locked'), { recursive: true });
      mkdirSync(join(home, 'locked'), { recursive: true });
      writeFileSync(join(home, 'f.txt'), 'f');
      writeFileSync(join(home, 'locked/g.txt'), 'g');
    });

    const patch = (query: Record<string, string>, body: unknown, raw?: string) =>
      call(token, 'PATCH', 'files/metadata', query, {
        headers: { 'content-type': 'application/json' },
        body: raw ?? JSON.stringify(body),
      });

    it('sets the modification time of a file and of a directory', async () => {
      const mtime = Date.UTC(2020, 0, 2, 3, 4, 5);
      expect(result(await patch({ path: '/f.txt' }, { modification_time: mtime }))).toEqual({
        status: 200,
        body: { message: 'OK' },
      });
      expect(statSync(join(home, 'f.txt')).mtimeMs).toBe(mtime);
      expect((await patch({ path: 'd' }, { modification_time: mtime + 1000 })).status).toBe(200);
      expect(statSync(join(home, 'd')).mtimeMs).toBe(mtime + 1000);
    });

    it('refuses a bad body, a missing path or time, a missing file, no chtimes, write-disabled', async () => {
      const missing = {
        status: 400,
        body: { error: 'please set a modification_time and a path', message: '' },
      };
      expect(result(await patch({}, { modification_time: 1000 }))).toEqual(missing);
      expect(result(await patch({ path: '/f.txt' }, { other: 1 }))).toEqual(missing);
      expect(result(await patch({ path: '/f.txt' }, null))).toEqual(missing);
      for (const bad of [{ modification_time: 'yesterday' }, { modification_time: 1.5 }, [1], 'x']) {
        const res = await patch({ path: '/f.txt' }, bad);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      }
      expect((await patch({ path: '/f.txt' }, undefined, '{"modification_time":')).status).toBe(400);
      expect(result(await patch({ path: '/nope.txt' }, { modification_time: 1000 }))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to set metadata for path "/nope.txt"' },
      });
      expect(result(await patch({ path: '/locked/g.txt' }, { modification_time: 1000 }))).toEqual({
        status: 403,
        body: { error: 'permission denied', message: 'Unable to set metadata for path "/locked/g.txt"' },
      });
      // Traversal is clamped inside the home.
      const outsideMtime = statSync(join(outside, 'secret.txt')).mtimeMs;
      expect((await patch({ path: '../../outside/secret.txt' }, { modification_time: 1000 })).status).toBe(
        404,
      );
      expect(statSync(join(outside, 'secret.txt')).mtimeMs).toBe(outsideMtime);

      const disabled = await userWithToken('meta-wd', { filters: { web_client: ['write-disabled'] } });
      writeFileSync(join(homeOf('meta-wd'), 'f.txt'), 'f');
      const wd = await call(
        disabled,
        'PATCH',
        'files/metadata',
        { path: '/f.txt' },
        json({ modification_time: 1 }),
      );
      expect(result(wd)).toEqual({ status: 403, body: { message: 'Forbidden' } });
    });
  });

  describe('POST /user/file-actions/copy and /move', () => {
    let token: string;
    let home: string;
    let mapped: string;

    beforeAll(async () => {
      mapped = join(ctx.root, 'copy-folder');
      const folder = await ctx.app.request('/api/v2/folders', {
        method: 'POST',
        bearer: ctx.token,
        ...json({ name: 'copyvf', mapped_path: mapped }),
      });
      expect(folder.status).toBe(201);
      token = await userWithToken('cp', { virtual_folders: [{ name: 'copyvf', virtual_path: '/vf' }] });
      home = homeOf('cp');
      mkdirSync(join(home, 'src/sub'), { recursive: true });
      writeFileSync(join(home, 'src/a.txt'), 'A');
      writeFileSync(join(home, 'src/sub/b.txt'), 'B');
      writeFileSync(join(home, 'file.txt'), 'file content');
      mkdirSync(join(home, 'dst'));
    });

    const copy = (path: string, target: string) => call(token, 'POST', 'file-actions/copy', { path, target });
    const move = (path: string, target: string) => call(token, 'POST', 'file-actions/move', { path, target });

    it('copies a file to a new name, into a directory, and with a trailing slash', async () => {
      expect(result(await copy('/file.txt', '/copy.txt'))).toEqual({
        status: 200,
        body: { message: '"/file.txt" copied to "/copy.txt"' },
      });
      expect(readFileSync(join(home, 'copy.txt'), 'utf8')).toBe('file content');
      expect(readFileSync(join(home, 'file.txt'), 'utf8')).toBe('file content');
      // An existing directory receives the file.
      expect((await copy('/file.txt', '/dst')).status).toBe(200);
      expect(readFileSync(join(home, 'dst/file.txt'), 'utf8')).toBe('file content');
      // `target/` copies into it, creating it.
      expect(result(await copy('/file.txt', '/newdir/'))).toEqual({
        status: 200,
        body: { message: '"/file.txt" copied to "/newdir/"' },
      });
      expect(readFileSync(join(home, 'newdir/file.txt'), 'utf8')).toBe('file content');
      // Missing parents of the target are created.
      expect((await copy('/file.txt', '/p/q/r.txt')).status).toBe(200);
      expect(readFileSync(join(home, 'p/q/r.txt'), 'utf8')).toBe('file content');
      // An existing file is overwritten.
      writeFileSync(join(home, 'copy.txt'), 'old');
      expect((await copy('/file.txt', '/copy.txt')).status).toBe(200);
      expect(readFileSync(join(home, 'copy.txt'), 'utf8')).toBe('file content');
    });

    it('copies a directory tree, merges with source/, and across a virtual folder', async () => {
      expect((await copy('/src', '/tree')).status).toBe(200);
      expect(readFileSync(join(home, 'tree/a.txt'), 'utf8')).toBe('A');
      expect(readFileSync(join(home, 'tree/sub/b.txt'), 'utf8')).toBe('B');
      // The existing directory receives a copy inside it...
      expect((await copy('/src', '/tree')).status).toBe(200);
      expect(readFileSync(join(home, 'tree/src/sub/b.txt'), 'utf8')).toBe('B');
      // ... unless the source ends with a slash: then the contents are merged.
      writeFileSync(join(home, 'src/c.txt'), 'C');
      expect(result(await copy('/src/', '/tree'))).toEqual({
        status: 200,
        body: { message: '"/src/" copied to "/tree"' },
      });
      expect(readFileSync(join(home, 'tree/c.txt'), 'utf8')).toBe('C');
      expect((await copy('/src', '/vf/')).status).toBe(200);
      expect(readFileSync(join(mapped, 'src/sub/b.txt'), 'utf8')).toBe('B');
      expect((await copy('/vf/src/a.txt', '/from-vf.txt')).status).toBe(200);
      expect(readFileSync(join(home, 'from-vf.txt'), 'utf8')).toBe('A');
    });

    it('refuses same, missing, nested, type clashes, symlinks and traversal', async () => {
      expect(result(await copy('/file.txt', 'file.txt'))).toEqual({
        status: 400,
        body: {
          error: 'the copy source and target cannot be the same: operation unsupported',
          message: 'Unable to copy "/file.txt" => "/file.txt"',
        },
      });
      expect(result(await copy('/none.txt', '/x.txt'))).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to copy "/none.txt" => "/x.txt"' },
      });
      expect((await copy('/src', '/src/sub/inner')).status).toBe(400);
      expect(existsSync(join(home, 'src/sub/inner'))).toBe(false);
      // A directory onto an existing file (source with slash: no "into").
      const clash = await copy('/src/', '/file.txt');
      expect(clash.status).toBe(400);
      expect(clash.json<{ error: string }>().error).toContain(
        'cannot overwrite file "/file.txt" with dir "/src"',
      );
      // Traversal in target and path is clamped inside the home.
      expect((await copy('/file.txt', '../../outside/secret.txt')).status).toBe(200);
      expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
      expect(readFileSync(join(home, 'outside/secret.txt'), 'utf8')).toBe('file content');
      expect((await copy('../../../outside/secret.txt', '/stolen.txt')).status).toBe(200);
      expect(readFileSync(join(home, 'stolen.txt'), 'utf8')).toBe('file content');
      expect(readdirSync(outside)).toEqual(['secret.txt']);
    });

    it('needs copy, download on the source and upload/create_dirs on the target', async () => {
      const user = await userWithToken('cp-perm', {
        permissions: {
          '/': ['list', 'download', 'upload', 'create_dirs'],
          '/ok': ['*'],
          '/ok/private': ['list', 'copy'],
        },
      });
      const h = homeOf('cp-perm');
      mkdirSync(join(h, 'ok/private'), { recursive: true });
      writeFileSync(join(h, 'ok/a.txt'), 'a');
      writeFileSync(join(h, 'ok/private/p.txt'), 'p');
      const c = (path: string, target: string) => call(user, 'POST', 'file-actions/copy', { path, target });
      expect(result(await c('/ok/a.txt', '/a.txt'))).toEqual({
        status: 403,
        body: { error: 'permission denied', message: 'Unable to copy "/ok/a.txt" => "/a.txt"' },
      });
      expect((await c('/ok/a.txt', '/ok/b.txt')).status).toBe(200);
      // The tree holds a file the user may not download: nothing is copied.
      expect((await c('/ok', '/ok2')).status).toBe(403);
      expect(existsSync(join(h, 'ok2'))).toBe(false);
    });

    it('moves files and directories (POST /user/file-actions/move)', async () => {
      expect(result(await move('/copy.txt', '/moved.txt'))).toEqual({
        status: 200,
        body: { message: '"/copy.txt" renamed to "/moved.txt"' },
      });
      expect(existsSync(join(home, 'copy.txt'))).toBe(false);
      expect(readFileSync(join(home, 'moved.txt'), 'utf8')).toBe('file content');
      expect(result(await move('/moved.txt', '/moved.txt'))).toEqual({
        status: 400,
        body: {
          error: 'the rename source and target cannot be the same: operation unsupported',
          message: 'Unable to rename "/moved.txt" => "/moved.txt"',
        },
      });
      expect((await move('/copy.txt', '/again.txt')).status).toBe(404);
      expect((await move('/tree', '/vf/tree')).status).toBe(200);
      expect(readFileSync(join(mapped, 'tree/sub/b.txt'), 'utf8')).toBe('B');
      expect(existsSync(join(home, 'tree'))).toBe(false);
      expect((await move('/moved.txt', '../../outside/moved.txt')).status).toBe(200);
      expect(readdirSync(outside)).toEqual(['secret.txt']);
      expect(existsSync(join(home, 'outside/moved.txt'))).toBe(true);

      const ro = await userWithToken('mv-ro', { permissions: { '/': ['list', 'download'] } });
      writeFileSync(join(homeOf('mv-ro'), 'f.txt'), 'f');
      expect((await call(ro, 'POST', 'file-actions/move', { path: '/f.txt', target: '/g.txt' })).status).toBe(
        403,
      );
      expect((await call(ro, 'POST', 'file-actions/copy', { path: '/f.txt', target: '/g.txt' })).status).toBe(
        403,
      );
      const wd = await userWithToken('mv-wd', { filters: { web_client: ['write-disabled'] } });
      const forbidden = { status: 403, body: { message: 'Forbidden' } };
      expect(result(await call(wd, 'POST', 'file-actions/move', { path: '/a', target: '/b' }))).toEqual(
        forbidden,
      );
      expect(result(await call(wd, 'POST', 'file-actions/copy', { path: '/a', target: '/b' }))).toEqual(
        forbidden,
      );
    });
  });

  describe('POST /user/streamzip', () => {
    let token: string;
    let home: string;
    const big = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7919) % 251;

    beforeAll(async () => {
      token = await userWithToken('zipper', {
        permissions: { '/': ['*'], '/nodl': ['list'] },
      });
      home = homeOf('zipper');
      mkdirSync(join(home, 'dir/sub/empty'), { recursive: true });
      mkdirSync(join(home, 'nodl'), { recursive: true });
      writeFileSync(join(home, 'dir/a.txt'), 'alpha');
      writeFileSync(join(home, 'dir/sub/big.bin'), big);
      writeFileSync(join(home, 'top.txt'), 'top');
      writeFileSync(join(home, 'nodl/x.txt'), 'x');
    });

    it('streams a zip of files and directories, recursively', async () => {
      const res = await zip(token, ['/top.txt', 'dir', '/top.txt']);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/zip');
      expect(res.headers['content-disposition']).toBe('attachment; filename="zipper-download.zip"');
      expect(res.headers['accept-ranges']).toBe('none');
      const entries = unzip(res.body);
      expect(entries.map((e) => e.name).sort()).toEqual([
        'dir/',
        'dir/a.txt',
        'dir/sub/',
        'dir/sub/big.bin',
        'dir/sub/empty/',
        'top.txt',
      ]);
      const byName = new Map(entries.map((e) => [e.name, e.data]));
      expect(byName.get('top.txt')?.toString()).toBe('top');
      expect(byName.get('dir/a.txt')?.toString()).toBe('alpha');
      expect(byName.get('dir/sub/big.bin')?.equals(big)).toBe(true);

      const single = await zip(token, ['/dir/a.txt']);
      expect(single.headers['content-disposition']).toBe('attachment; filename="zipper-a.zip"');
      expect(unzip(single.body).map((e) => e.name)).toEqual(['dir/a.txt']);
      expect(unzip((await zip(token, [])).body)).toEqual([]);
    });

    it('refuses a bad body, missing paths and denied permissions before the response starts', async () => {
      for (const bad of [{ a: 1 }, 'x', [1], ['/top.txt', null]]) {
        const res = await zip(token, bad);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      }
      const missing = await zip(token, ['/top.txt', '/missing.txt']);
      expect({ status: missing.status, body: JSON.parse(missing.body.toString()) }).toEqual({
        status: 404,
        body: { error: 'file does not exist', message: 'Unable to add "/missing.txt" to the zip file' },
      });
      expect((await zip(token, ['/nodl/x.txt'])).status).toBe(403);
      // A directory whose tree holds a file without download permission.
      expect((await zip(token, ['/nodl'])).status).toBe(403);
      const nolist = await userWithToken('zip-nolist', { permissions: { '/': ['download'] } });
      writeFileSync(join(homeOf('zip-nolist'), 'f.txt'), 'f');
      expect((await zip(nolist, ['/f.txt'])).status).toBe(403);
    });

    it('keeps every entry inside the home (traversal in the zip paths)', async () => {
      const attempts = [
        '../../outside/secret.txt',
        '..\\..\\outside\\secret.txt',
        join(outside, 'secret.txt'),
      ];
      for (const path of attempts) {
        const res = await zip(token, [path]);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
        expect(res.body.toString()).not.toContain(SECRET);
      }
      const res = await zip(token, ['/dir/../top.txt', '../top.txt']);
      expect(unzip(res.body).map((e) => e.name)).toEqual(['top.txt']);
    });
  });
});
