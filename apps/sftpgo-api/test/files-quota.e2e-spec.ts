import { existsSync, readdirSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import type { TestRequest, TestResponse } from './support/http-client';
import { createUserWithToken, jsonBody, userApiCall } from './support/user-fixtures';
import { eventually } from './support/eventually';
import { diskUsage } from './support/disk';
import { useTestServer } from './support/lifecycle';

const json = (body: unknown) => ({
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const MB = 1_048_576;

describe('quotas and transfers of the user file API', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-quota-' });

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  async function createFolder(name: string): Promise<string> {
    const mapped = join(ctx.root, 'folders', name);
    const res = await ctx.app.request('/api/v2/folders', {
      method: 'POST',
      bearer: ctx.token,
      ...json({ name, mapped_path: mapped }),
    });
    expect(res.status).toBe(201);
    return mapped;
  }

  const userWithToken = (username: string, extra: Record<string, unknown> = {}): Promise<string> =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);

  const call = (
    token: string,
    method: string,
    route: string,
    query: Record<string, string> = {},
    options: TestRequest & { rawQuery?: string } = {},
  ): Promise<TestResponse> => userApiCall(ctx.app, token, method, route, query, options);

  const upload = (token: string, path: string, body: string | Buffer, headers?: Record<string, string>) =>
    call(token, 'POST', 'files/upload', { path }, { body, headers });

  const result = (res: TestResponse) => ({ status: res.status, body: res.json() });

  async function userCounters(username: string) {
    const [row] = await ctx.db.query<Record<string, unknown>>(
      'SELECT used_quota_files, used_quota_size, used_upload_data_transfer, used_download_data_transfer, ' +
        'last_quota_update FROM users WHERE username = ?',
      [username],
    );
    return {
      files: Number(row.used_quota_files),
      bytes: Number(row.used_quota_size),
      uploaded: Number(row.used_upload_data_transfer),
      downloaded: Number(row.used_download_data_transfer),
      updated: Number(row.last_quota_update),
    };
  }

  async function folderCounters(name: string) {
    const [row] = await ctx.db.query<Record<string, unknown>>(
      'SELECT used_quota_files, used_quota_size FROM folders WHERE name = ?',
      [name],
    );
    return { files: Number(row.used_quota_files), bytes: Number(row.used_quota_size) };
  }

  /** Starts an upload that declares `length` bytes but sends only `first`; returns the open request. */
  function partialUpload(token: string, path: string, length: number, first: Buffer) {
    const req = httpRequest(`${ctx.app.url}/api/v2/user/files/upload?path=${encodeURIComponent(path)}`, {
      method: 'POST',
      agent: false,
      headers: { authorization: `Bearer ${token}`, 'content-length': String(length) },
    });
    const response = new Promise<number>((resolve) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
    });
    req.write(first);
    return { req, response };
  }

  it('refuses a new file past quota_files with 413 and stores nothing', async () => {
    const token = await userWithToken('qfiles', { quota_files: 2 });
    expect((await upload(token, '/a.txt', 'aaa')).status).toBe(201);
    expect((await upload(token, '/b.txt', 'bb')).status).toBe(201);
    expect(result(await upload(token, '/c.txt', 'c'))).toEqual({
      status: 413,
      body: { error: 'denying write due to space limit', message: 'Unable to write file "/c.txt"' },
    });
    expect(existsSync(join(homeOf('qfiles'), 'c.txt'))).toBe(false);
    // An overwrite is not a new file: allowed.
    expect((await upload(token, '/a.txt', 'aaaaa')).status).toBe(201);
    const counters = await userCounters('qfiles');
    expect({ files: counters.files, bytes: counters.bytes }).toEqual({ files: 2, bytes: 7 });
    expect(counters.updated).toBeGreaterThan(Date.now() - 60_000);
    expect(readdirSync(homeOf('qfiles')).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('refuses bytes past quota_size with 413 and keeps no partial data', async () => {
    const token = await userWithToken('qsize', { quota_size: 10 });
    expect((await upload(token, '/a.bin', Buffer.alloc(6, 1))).status).toBe(201);
    expect(result(await upload(token, '/b.bin', Buffer.alloc(6, 2)))).toEqual({
      status: 413,
      body: { error: 'denying write due to space limit', message: 'Error saving file "/b.bin"' },
    });
    expect(readdirSync(homeOf('qsize'))).toEqual(['a.bin']);
    // An overwrite only needs room for the difference.
    expect((await upload(token, '/a.bin', Buffer.alloc(10, 3))).status).toBe(201);
    expect(result(await upload(token, '/c.bin', ''))).toEqual({
      status: 413,
      body: { error: 'denying write due to space limit', message: 'Unable to write file "/c.bin"' },
    });
    const counters = await userCounters('qsize');
    expect({ files: counters.files, bytes: counters.bytes }).toEqual({ files: 1, bytes: 10 });
  });

  it('keeps user and folder counters exact across uploads, overwrites, renames and deletes', async () => {
    const ownPath = await createFolder('own');
    const inclPath = await createFolder('incl');
    const token = await userWithToken('mixed', {
      quota_size: 100_000,
      quota_files: 100,
      virtual_folders: [
        { name: 'own', virtual_path: '/own', quota_size: 1000, quota_files: 10 },
        { name: 'incl', virtual_path: '/incl', quota_size: -1, quota_files: -1 },
      ],
    });
    const home = homeOf('mixed');
    const check = async () => {
      const user = await userCounters('mixed');
      const homeUsage = diskUsage(home);
      const inclUsage = diskUsage(inclPath);
      expect({ files: user.files, bytes: user.bytes }).toEqual({
        files: homeUsage.files + inclUsage.files,
        bytes: homeUsage.bytes + inclUsage.bytes,
      });
      expect(await folderCounters('own')).toEqual(diskUsage(ownPath));
      expect(await folderCounters('incl')).toEqual({ files: 0, bytes: 0 });
    };
    const ok = async (res: Promise<TestResponse>) => {
      const r = await res;
      expect({ status: r.status, text: r.status < 300 ? '' : r.text }).toEqual({
        status: r.status < 300 ? r.status : 200,
        text: '',
      });
      await check();
    };
    await ok(upload(token, '/a.txt', 'x'.repeat(10)));
    await ok(upload(token, '/a.txt', 'x'.repeat(4)));
    await ok(upload(token, '/own/b.txt', 'y'.repeat(20)));
    await ok(upload(token, '/incl/c.txt', 'z'.repeat(5)));
    await ok(call(token, 'POST', 'dirs', { path: '/own/sub' }));
    await ok(upload(token, '/own/sub/d.txt', 'd'.repeat(30)));
    await ok(upload(token, '/own/sub/e.txt', 'e'.repeat(7)));
    // home -> own folder, own -> -1 folder (counted on the user), -1 folder -> home (same counter)
    await ok(call(token, 'PATCH', 'files', { path: '/a.txt', target: '/own/a.txt' }));
    await ok(call(token, 'PATCH', 'files', { path: '/own/b.txt', target: '/incl/b.txt' }));
    await ok(call(token, 'PATCH', 'files', { path: '/incl/c.txt', target: '/c.txt' }));
    // a rename over an existing file releases the replaced one
    await ok(upload(token, '/x.txt', 'w'.repeat(3)));
    await ok(call(token, 'PATCH', 'files', { path: '/c.txt', target: '/x.txt' }));
    // a directory moved between counters
    await ok(call(token, 'PATCH', 'dirs', { path: '/own/sub', target: '/moved' }));
    expect(await folderCounters('own')).toEqual({ files: 1, bytes: 4 });
    await ok(call(token, 'DELETE', 'files', { path: '/own/a.txt' }));
    await ok(call(token, 'DELETE', 'files', { path: '/incl/b.txt' }));
    await ok(call(token, 'DELETE', 'dirs', { path: '/moved' }));
    expect(await userCounters('mixed')).toMatchObject({ files: 1, bytes: 5 });
    expect(await folderCounters('own')).toEqual({ files: 0, bytes: 0 });

    // the folder's own limits hold, for uploads and for moves into it
    expect((await upload(token, '/big.bin', Buffer.alloc(1500, 1))).status).toBe(201);
    expect(result(await call(token, 'PATCH', 'files', { path: '/big.bin', target: '/own/big.bin' }))).toEqual(
      {
        status: 413,
        body: {
          error: 'denying write due to space limit',
          message: 'Unable to rename "/big.bin" => "/own/big.bin"',
        },
      },
    );
    expect((await upload(token, '/own/big.bin', Buffer.alloc(1001, 1))).status).toBe(413);
    await check();
    expect(existsSync(join(ownPath, 'big.bin'))).toBe(false);
  });

  it('stores at most what the quota allows under 20 parallel uploads, counters exact', async () => {
    const byFiles = await userWithToken('parfiles', { quota_files: 5 });
    const byBytes = await userWithToken('parbytes', { quota_size: 5 * 1000 });
    const same = await userWithToken('parsame', { quota_files: 50 });
    for (const [username, token] of [
      ['parfiles', byFiles],
      ['parbytes', byBytes],
    ]) {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          // half with a declared length (reserved up front), half chunked (reserved as they arrive)
          upload(
            token,
            `/f${i}.bin`,
            Buffer.alloc(1000, i),
            i % 2 ? { 'content-length': '1000' } : undefined,
          ),
        ),
      );
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s !== 201 && s !== 413)).toEqual([]);
      const stored = diskUsage(homeOf(username));
      expect(statuses.filter((s) => s === 201)).toHaveLength(stored.files);
      expect(stored.files).toBeLessThanOrEqual(5);
      expect(stored.files).toBeGreaterThan(0);
      const counters = await userCounters(username);
      expect({ files: counters.files, bytes: counters.bytes }).toEqual(stored);
      // no temp file left behind
      expect(readdirSync(homeOf(username)).every((name) => /^f\d+\.bin$/.test(name))).toBe(true);
    }
    // 20 parallel uploads of the same new name count it once
    const sameResults = await Promise.all(
      Array.from({ length: 20 }, (_, i) => upload(same, '/same.bin', Buffer.alloc(100 + i, 1))),
    );
    expect(sameResults.every((r) => r.status === 201)).toBe(true);
    const counters = await userCounters('parsame');
    expect({ files: counters.files, bytes: counters.bytes }).toEqual(diskUsage(homeOf('parsame')));
  });

  it('charges and limits the upload and download transfer quotas', async () => {
    const token = await userWithToken('xfer', { upload_data_transfer: 1, download_data_transfer: 1 });
    const chunk = Buffer.alloc(600 * 1024, 7);
    expect((await upload(token, '/one.bin', chunk)).status).toBe(201);
    expect(result(await upload(token, '/two.bin', chunk))).toEqual({
      status: 413,
      body: { error: 'denying write due to space limit', message: 'Error saving file "/two.bin"' },
    });
    expect(existsSync(join(homeOf('xfer'), 'two.bin'))).toBe(false);
    // A chunked body is charged as it arrives, up to the limit (SFTPGo charges received bytes).
    const charged = await userCounters('xfer');
    expect(charged.uploaded).toBeGreaterThan(chunk.length);
    expect(charged.uploaded).toBeLessThanOrEqual(MB);
    expect(charged.downloaded).toBe(0);
    // With a declared length the whole body is reserved up front: refused before anything is stored.
    const sized = await userWithToken('xfersized', { upload_data_transfer: 1 });
    expect((await upload(sized, '/one.bin', chunk, { 'content-length': String(chunk.length) })).status).toBe(
      201,
    );
    expect(
      result(await upload(sized, '/two.bin', chunk, { 'content-length': String(chunk.length) })),
    ).toEqual({
      status: 413,
      body: { error: 'denying write due to space limit', message: 'Error saving file "/two.bin"' },
    });
    expect(await userCounters('xfersized')).toMatchObject({ uploaded: chunk.length, downloaded: 0 });

    const first = await call(token, 'GET', 'files', { path: '/one.bin' });
    expect(first.status).toBe(200);
    expect(await userCounters('xfer')).toMatchObject({ downloaded: chunk.length });
    const ranged = await call(
      token,
      'GET',
      'files',
      { path: '/one.bin' },
      { headers: { range: 'bytes=0-99' } },
    );
    expect(ranged.status).toBe(206);
    expect(await userCounters('xfer')).toMatchObject({ downloaded: chunk.length + 100 });
    expect(result(await call(token, 'GET', 'files', { path: '/one.bin' }))).toEqual({
      status: 403,
      body: {
        error: 'unable to read file "/one.bin": denying read due to quota limit',
        message: 'Forbidden',
      },
    });

    const total = await userWithToken('xfertotal', { total_data_transfer: 1 });
    expect((await upload(total, '/t.bin', Buffer.alloc(MB, 1))).status).toBe(201);
    expect(result(await call(total, 'GET', 'files', { path: '/t.bin' }))).toMatchObject({ status: 403 });
    expect((await call(total, 'HEAD', 'files', { path: '/t.bin' })).status).toBe(403);
    expect(result(await upload(total, '/u.bin', 'x'))).toEqual({
      status: 413,
      body: { error: 'denying write due to space limit', message: 'Unable to write file "/u.bin"' },
    });
  });

  it('limits concurrent transfers to max_sessions (429) and frees the place when a transfer ends', async () => {
    const token = await userWithToken('sessions', { max_sessions: 1 });
    expect((await upload(token, '/z.txt', 'zip me')).status).toBe(201);
    const open = partialUpload(token, '/slow.bin', 200, Buffer.alloc(100, 1));
    await sleep(300);
    expect(result(await upload(token, '/other.bin', 'x'))).toEqual({
      status: 429,
      body: { error: 'too many open sessions: 1/1', message: 'Unable to add connection' },
    });
    // A zip is a transfer too.
    expect(result(await call(token, 'POST', 'streamzip', {}, jsonBody(['/z.txt'])))).toEqual({
      status: 429,
      body: { error: 'too many open sessions: 1/1', message: 'Unable to add connection' },
    });
    open.req.end(Buffer.alloc(100, 2));
    expect(await open.response).toBe(201);
    expect((await upload(token, '/other.bin', 'x')).status).toBe(201);
    expect((await call(token, 'GET', 'files', { path: '/slow.bin' })).status).toBe(200);
    expect((await call(token, 'POST', 'streamzip', {}, jsonBody(['/slow.bin']))).status).toBe(200);
    // The zip's place is given back once it was sent.
    await sleep(200);
    expect((await upload(token, '/third.bin', 'x')).status).toBe(201);
  });

  it('charges copies exactly and refuses one that does not fit, copying nothing', async () => {
    const token = await userWithToken('copier', { quota_files: 3 });
    expect((await call(token, 'POST', 'dirs', { path: '/d' })).status).toBe(201);
    expect((await upload(token, '/d/a.txt', 'aaaa')).status).toBe(201);
    expect((await upload(token, '/d/b.txt', 'bbbbbb')).status).toBe(201);
    expect(await userCounters('copier')).toMatchObject({ files: 2, bytes: 10 });
    const refused = await call(token, 'POST', 'file-actions/copy', { path: '/d', target: '/e' });
    expect(refused.status).toBe(413);
    expect(existsSync(join(homeOf('copier'), 'e'))).toBe(false);
    expect(await userCounters('copier')).toMatchObject({ files: 2, bytes: 10 });

    const roomy = await userWithToken('copier2', { quota_files: 10 });
    expect((await call(roomy, 'POST', 'dirs', { path: '/d' })).status).toBe(201);
    expect((await upload(roomy, '/d/a.txt', 'aaaa')).status).toBe(201);
    expect((await upload(roomy, '/d/b.txt', 'bbbbbb')).status).toBe(201);
    expect((await call(roomy, 'POST', 'file-actions/copy', { path: '/d', target: '/e' })).status).toBe(200);
    expect(await userCounters('copier2')).toMatchObject({ files: 4, bytes: 20 });
    // Copying a file over an existing one charges only the size difference.
    expect(
      (await call(roomy, 'POST', 'file-actions/copy', { path: '/d/b.txt', target: '/e/a.txt' })).status,
    ).toBe(200);
    expect(await userCounters('copier2')).toMatchObject({ files: 4, bytes: 22 });
  });

  it('changes no counter when the client aborts an upload', async () => {
    const token = await userWithToken('aborter', { quota_size: 10_000, quota_files: 10, max_sessions: 1 });
    expect((await upload(token, '/keep.bin', Buffer.alloc(100, 1))).status).toBe(201);
    const before = await userCounters('aborter');
    for (const path of ['/new.bin', '/keep.bin']) {
      const open = partialUpload(token, path, 5000, Buffer.alloc(1000, 2));
      await sleep(300);
      open.req.destroy();
      await open.response;
      // The server notices the closed socket and cleans up after it.
      await eventually(() => expect(readdirSync(homeOf('aborter'))).toEqual(['keep.bin']));
    }
    await eventually(async () => {
      const after = await userCounters('aborter');
      expect({ files: after.files, bytes: after.bytes }).toEqual({
        files: before.files,
        bytes: before.bytes,
      });
    });
    expect(statSync(join(homeOf('aborter'), 'keep.bin')).size).toBe(100);
    // the aborted transfers are unregistered: max_sessions=1 lets the next one in
    expect((await upload(token, '/next.bin', 'x')).status).toBe(201);
  });
});
