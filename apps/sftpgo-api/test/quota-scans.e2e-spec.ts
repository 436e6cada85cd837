import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import {
  S3_TEST_ACCESS_KEY,
  S3_TEST_SECRET,
  startS3TestServer,
  type S3TestServer,
} from '../../../libs/storage/src/testing/s3-server';
import { eventually } from './support/eventually';
import type { TestResponse } from './support/http-client';
import { type TestContext, useTestServer } from './support/lifecycle';
import { freePort } from './support/test-server';
import { createUserWithToken, jsonBody, userApiCall } from './support/user-fixtures';

/**
 * Quota scans and the usage APIs (`/api/v2/quotas/*`). A scan that must still be running when the test
 * looks (listing, 409s) walks S3 storage behind a gate: a proxy in front of the test S3 server that
 * holds every request while it is closed, so the walk cannot finish before the test opens it.
 */

const BUCKET = 'bucket';
const TRACKING_DISABLED = {
  error: 'Method disabled error: please enable track_quota in your configuration to use this method',
  message: '',
};

type Json = Record<string, unknown>;

/** A proxy to the S3 server that holds requests while closed. */
interface Gate {
  endpoint: string;
  close(): void;
  open(): void;
  /** Requests waiting at the closed gate. */
  held(): number;
  stop(): Promise<void>;
}

async function startGate(upstream: string): Promise<Gate> {
  const target = new URL(upstream);
  let closed = false;
  let waiting: (() => void)[] = [];
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const out = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  };
  const server = createServer((req, res) => {
    if (closed) waiting.push(() => forward(req, res));
    else forward(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const open = () => {
    closed = false;
    const released = waiting;
    waiting = [];
    for (const go of released) go();
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => (closed = true),
    open,
    held: () => waiting.length,
    async stop() {
      open();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Admin API calls of one spec. */
function adminApi(ctx: TestContext) {
  const call = (method: string, path: string, body?: unknown, token = ctx.token): Promise<TestResponse> =>
    ctx.app.request(`/api/v2${path}`, {
      method,
      bearer: token,
      ...(body === undefined ? {} : jsonBody(body)),
    });
  const result = (res: TestResponse) => ({ status: res.status, body: res.text ? res.json() : undefined });
  return {
    call,
    result,
    async user(username: string): Promise<Json> {
      const res = await call('GET', `/users/${username}`);
      expect(res.status).toBe(200);
      return res.json();
    },
    async usage(username: string) {
      const user = await this.user(username);
      return { files: user.used_quota_files ?? 0, bytes: user.used_quota_size ?? 0 };
    },
    async folderUsage(name: string) {
      const res = await call('GET', `/folders/${name}`);
      expect(res.status).toBe(200);
      const folder = res.json();
      return { files: folder.used_quota_files ?? 0, bytes: folder.used_quota_size ?? 0 };
    },
    async createFolder(name: string, body: Json): Promise<void> {
      const res = await call('POST', '/folders', { name, ...body });
      expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({
        status: 201,
        text: '',
      });
    },
    async createUser(username: string, body: Json): Promise<void> {
      const res = await call('POST', '/users', {
        username,
        password: `${username}-Pa55!`,
        status: 1,
        permissions: { '/': ['*'] },
        ...body,
      });
      expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({
        status: 201,
        text: '',
      });
    },
    async setUsage(username: string, usage: Json, mode = ''): Promise<void> {
      const res = await call('PUT', `/quotas/users/${username}/usage${mode}`, usage);
      expect(result(res)).toEqual({ status: 200, body: { message: 'Quota updated' } });
    },
    async scans(kind: 'users' | 'folders', token = ctx.token): Promise<Json[]> {
      const res = await call('GET', `/quotas/${kind}/scans`, undefined, token);
      expect(res.status).toBe(200);
      return res.json<Json[]>();
    },
    /** Waits until no scan of `kind` is listed any more. */
    async idle(kind: 'users' | 'folders', timeoutMs = 10_000): Promise<void> {
      await eventually(async () => expect(await this.scans(kind)).toEqual([]), timeoutMs);
    },
  };
}

describe('quota scans and usage (/api/v2/quotas)', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-qscan-' });
  const api = adminApi(ctx);
  let s3: S3TestServer;
  let gate: Gate;
  let s3Client: S3Client;

  const homeOf = (username: string) => join(ctx.root, 'home', username);
  const mappedOf = (name: string) => join(ctx.root, 'folders', name);
  const userWithToken = (username: string, extra: Json = {}) =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);
  const upload = async (token: string, path: string, body: string) => {
    const res = await userApiCall(ctx.app, token, 'POST', 'files/upload', { path }, { body });
    expect(res.status).toBe(201);
  };
  /** A filesystem on the test S3 server through the gate, keys under `prefix`. */
  const gatedS3 = (prefix: string) => ({
    provider: 1,
    s3config: {
      bucket: BUCKET,
      region: 'us-east-1',
      endpoint: gate.endpoint,
      access_key: S3_TEST_ACCESS_KEY,
      access_secret: { status: 'Plain', payload: S3_TEST_SECRET },
      key_prefix: prefix,
      force_path_style: true,
    },
  });
  const putObject = (key: string, body: string) =>
    s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));

  beforeAll(async () => {
    s3 = await startS3TestServer([BUCKET]);
    gate = await startGate(s3.endpoint);
    s3Client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: S3_TEST_ACCESS_KEY, secretAccessKey: S3_TEST_SECRET },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  });

  afterAll(async () => {
    s3Client?.destroy();
    await gate?.stop();
    await s3?.stop();
  });

  it('a user scan sets the counters to what is stored, files written outside the API included', async () => {
    const token = await userWithToken('scan1', { quota_size: 1_048_576 });
    await upload(token, '/a.txt', 'hello');
    expect((await userApiCall(ctx.app, token, 'POST', 'dirs', { path: '/dir' })).status).toBe(201);
    await upload(token, '/dir/b.txt', '0123456789');
    expect(await api.usage('scan1')).toEqual({ files: 2, bytes: 15 });
    // Written straight on disk: the counters do not know about it; symlinks are never counted.
    writeFileSync(join(homeOf('scan1'), 'dir', 'c.bin'), Buffer.alloc(100));
    symlinkSync(join(homeOf('scan1'), 'a.txt'), join(homeOf('scan1'), 'link'));
    await api.setUsage('scan1', { used_quota_size: 999, used_quota_files: 42 });
    expect(await api.usage('scan1')).toEqual({ files: 42, bytes: 999 });
    const before = Number((await api.user('scan1')).last_quota_update);

    const res = await api.call('POST', '/quotas/users/scan1/scan');
    expect(api.result(res)).toEqual({ status: 202, body: { message: 'Scan started' } });
    await api.idle('users');
    expect(await api.usage('scan1')).toEqual({ files: 3, bytes: 115 });
    expect(Number((await api.user('scan1')).last_quota_update)).toBeGreaterThanOrEqual(before);
  });

  it('scans an encrypted home: the sizes users see, not the ciphertext on disk', async () => {
    const passphrase = 'Ek7#pW2!vQ9zR4@mT6xL1^cN8';
    const token = await userWithToken('crypt1', {
      quota_files: 10,
      filesystem: { provider: 4, cryptconfig: { passphrase: { status: 'Plain', payload: passphrase } } },
    });
    await upload(token, '/c1.txt', 'x'.repeat(1000));
    await upload(token, '/c2.txt', 'y'.repeat(24));
    await api.setUsage('crypt1', { used_quota_size: 1, used_quota_files: 1 });
    expect((await api.call('POST', '/quotas/users/crypt1/scan')).status).toBe(202);
    await api.idle('users');
    expect(await api.usage('crypt1')).toEqual({ files: 2, bytes: 1024 });
  });

  it('a user scan counts the folders included in its quota (-1/-1), a folder scan its own storage', async () => {
    await api.createFolder('incl', { mapped_path: mappedOf('incl') });
    await api.createFolder('own', { mapped_path: mappedOf('own') });
    await api.createUser('vscan', {
      home_dir: homeOf('vscan'),
      quota_files: 100,
      virtual_folders: [
        { name: 'incl', virtual_path: '/incl', quota_size: -1, quota_files: -1 },
        { name: 'own', virtual_path: '/own', quota_size: 0, quota_files: 0 },
      ],
    });
    mkdirSync(join(homeOf('vscan'), 'sub'), { recursive: true });
    mkdirSync(join(mappedOf('incl'), 'deep', 'er'), { recursive: true });
    mkdirSync(mappedOf('own'), { recursive: true });
    writeFileSync(join(homeOf('vscan'), 'sub', 'h.txt'), 'abc');
    writeFileSync(join(mappedOf('incl'), 'i1.txt'), 'defg');
    writeFileSync(join(mappedOf('incl'), 'deep', 'er', 'i2.txt'), 'hij');
    writeFileSync(join(mappedOf('own'), 'o.txt'), 'x'.repeat(11));

    expect((await api.call('POST', '/quotas/users/vscan/scan')).status).toBe(202);
    await api.idle('users');
    expect(await api.usage('vscan')).toEqual({ files: 3, bytes: 10 });
    expect(await api.folderUsage('own')).toEqual({ files: 0, bytes: 0 });
    expect(await api.folderUsage('incl')).toEqual({ files: 0, bytes: 0 });

    for (const [name, usage] of [
      ['own', { files: 1, bytes: 11 }],
      ['incl', { files: 2, bytes: 7 }],
    ] as const) {
      const res = await api.call('POST', `/quotas/folders/${name}/scan`);
      expect(api.result(res)).toEqual({ status: 202, body: { message: 'Scan started' } });
      await api.idle('folders');
      expect(await api.folderUsage(name)).toEqual(usage);
    }
  });

  it('a running scan is listed; a second scan and a usage update meanwhile get 409', async () => {
    const token = await userWithToken('s3user', { filesystem: gatedS3('s3user/'), quota_files: 10 });
    await upload(token, '/one.txt', '12345');
    await upload(token, '/d/two.txt', '123');
    await api.setUsage('s3user', { used_quota_size: 0, used_quota_files: 0 });

    gate.close();
    const started = Date.now();
    expect((await api.call('POST', '/quotas/users/s3user/scan')).status).toBe(202);
    await eventually(() => expect(gate.held()).toBeGreaterThan(0));
    const listed = await api.scans('users');
    expect(listed).toEqual([{ username: 's3user', start_time: expect.any(Number) }]);
    expect(listed[0].start_time).toBeGreaterThanOrEqual(started - 1000);
    expect(api.result(await api.call('POST', '/quotas/users/s3user/scan'))).toEqual({
      status: 409,
      body: { message: 'Another scan is already in progress for user "s3user"' },
    });
    expect(
      api.result(
        await api.call('PUT', '/quotas/users/s3user/usage', { used_quota_size: 1, used_quota_files: 1 }),
      ),
    ).toEqual({ status: 409, body: { message: 'A quota scan is in progress for this user' } });
    // The transfer usage is not guarded by the scan (as SFTPGo).
    expect((await api.call('PUT', '/quotas/users/s3user/transfer-usage', {})).status).toBe(200);
    expect(await api.usage('s3user')).toEqual({ files: 0, bytes: 0 });

    gate.open();
    await api.idle('users');
    expect(await api.usage('s3user')).toEqual({ files: 2, bytes: 8 });
  });

  it('a running folder scan is listed and blocks a second scan and usage updates (409)', async () => {
    await api.createFolder('s3folder', { filesystem: gatedS3('s3folder/') });
    await putObject('s3folder/a.bin', 'x'.repeat(20));
    await putObject('s3folder/sub/b.bin', 'y'.repeat(30));
    await putObject('s3folder/sub/deeper/c.bin', 'z');

    gate.close();
    expect((await api.call('POST', '/quotas/folders/s3folder/scan')).status).toBe(202);
    await eventually(() => expect(gate.held()).toBeGreaterThan(0));
    expect(await api.scans('folders')).toEqual([{ name: 's3folder', start_time: expect.any(Number) }]);
    expect(api.result(await api.call('POST', '/quotas/folders/s3folder/scan'))).toEqual({
      status: 409,
      body: { message: 'Another scan is already in progress for folder "s3folder"' },
    });
    expect(
      api.result(await api.call('PUT', '/quotas/folders/s3folder/usage', { used_quota_files: 9 })),
    ).toEqual({
      status: 409,
      body: { message: 'A quota scan is in progress for this folder' },
    });
    gate.open();
    await api.idle('folders');
    expect(await api.folderUsage('s3folder')).toEqual({ files: 3, bytes: 51 });
  });

  it('a scan that fails is dropped from the list and leaves the counters as they were', async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    await api.createUser('broken', {
      filesystem: { ...gatedS3('broken/'), s3config: { ...gatedS3('broken/').s3config, endpoint: dead } },
    });
    await api.setUsage('broken', { used_quota_size: 55, used_quota_files: 5 });
    expect((await api.call('POST', '/quotas/users/broken/scan')).status).toBe(202);
    await api.idle('users', 30_000);
    expect(await api.usage('broken')).toEqual({ files: 5, bytes: 55 });
    // A new scan can start once the failed one is gone.
    expect((await api.call('POST', '/quotas/users/broken/scan')).status).toBe(202);
    await api.idle('users', 30_000);
  });

  it('updates the disk usage: reset (default) and add, with every error case', async () => {
    await api.createUser('usage1', { home_dir: homeOf('usage1'), quota_size: 1000 });
    await api.createUser('nolimit', { home_dir: homeOf('nolimit') });
    await api.setUsage('usage1', { used_quota_size: 100, used_quota_files: 3 });
    expect(await api.usage('usage1')).toEqual({ files: 3, bytes: 100 });
    await api.setUsage('usage1', { used_quota_size: 10, used_quota_files: 2 }, '?mode=add');
    expect(await api.usage('usage1')).toEqual({ files: 5, bytes: 110 });
    // A missing field is 0: add leaves it unchanged, reset zeroes it.
    await api.setUsage('usage1', { used_quota_files: 1 }, '?mode=add');
    expect(await api.usage('usage1')).toEqual({ files: 6, bytes: 110 });
    await api.setUsage('usage1', { used_quota_files: 1 }, '?mode=reset');
    expect(await api.usage('usage1')).toEqual({ files: 1, bytes: 0 });
    // Reset is allowed on a user without quota restrictions, add is not (track_quota 2).
    await api.setUsage('nolimit', { used_quota_size: 7, used_quota_files: 7 });
    expect(await api.usage('nolimit')).toEqual({ files: 7, bytes: 7 });

    const put = (path: string, body: unknown) => api.call('PUT', `/quotas${path}`, body);
    const bad = (error: string) => ({ status: 400, body: { error, message: '' } });
    const negative = 'invalid used quota parameters, negative values are not allowed';
    expect(api.result(await put('/users/usage1/usage?mode=add', { used_quota_size: -1 }))).toEqual(
      bad(negative),
    );
    expect(api.result(await put('/users/usage1/usage', { used_quota_files: -1 }))).toEqual(bad(negative));
    expect(api.result(await put('/users/usage1/usage?mode=', {}))).toEqual(bad('invalid mode'));
    expect(api.result(await put('/users/usage1/usage?mode=sub', {}))).toEqual(bad('invalid mode'));
    expect(api.result(await put('/users/nolimit/usage?mode=add', { used_quota_files: 1 }))).toEqual(
      bad('this user has no quota restrictions, only reset mode is supported'),
    );
    expect((await put('/users/usage1/usage', { used_quota_size: 'a lot' })).status).toBe(400);
    expect((await put('/users/usage1/usage', undefined)).status).toBe(400);
    expect(api.result(await put('/users/missing/usage', {}))).toEqual({
      status: 404,
      body: { error: 'Not Found', message: '' },
    });
    expect(await api.usage('usage1')).toEqual({ files: 1, bytes: 0 });
    expect(await api.usage('nolimit')).toEqual({ files: 7, bytes: 7 });
  });

  it('updates the transfer usage: reset and add, with every error case', async () => {
    await api.createUser('xfer1', { home_dir: homeOf('xfer1'), total_data_transfer: 100 });
    await api.createUser('xfer0', { home_dir: homeOf('xfer0') });
    const transfer = async (username: string) => {
      const user = await api.user(username);
      return { up: user.used_upload_data_transfer ?? 0, down: user.used_download_data_transfer ?? 0 };
    };
    const put = (path: string, body: unknown) => api.call('PUT', `/quotas/users/${path}`, body);
    const ok = { status: 200, body: { message: 'Quota updated' } };
    expect(api.result(await put('xfer1/transfer-usage', { used_upload_data_transfer: 1000 }))).toEqual(ok);
    expect(await transfer('xfer1')).toEqual({ up: 1000, down: 0 });
    expect(
      api.result(
        await put('xfer1/transfer-usage?mode=add', {
          used_upload_data_transfer: 1,
          used_download_data_transfer: 5,
        }),
      ),
    ).toEqual(ok);
    expect(await transfer('xfer1')).toEqual({ up: 1001, down: 5 });
    expect(
      api.result(await put('xfer0/transfer-usage?mode=reset', { used_download_data_transfer: 9 })),
    ).toEqual(ok);
    expect(await transfer('xfer0')).toEqual({ up: 0, down: 9 });

    const bad = (error: string) => ({ status: 400, body: { error, message: '' } });
    expect(
      api.result(await put('xfer0/transfer-usage?mode=add', { used_download_data_transfer: 1 })),
    ).toEqual(bad('this user has no transfer quota restrictions, only reset mode is supported'));
    expect(api.result(await put('xfer1/transfer-usage', { used_download_data_transfer: -5 }))).toEqual(
      bad('invalid used transfer quota parameters, negative values are not allowed'),
    );
    expect(api.result(await put('xfer1/transfer-usage?mode=ADD', {}))).toEqual(bad('invalid mode'));
    expect((await put('missing/transfer-usage', {})).status).toBe(404);
    expect(await transfer('xfer1')).toEqual({ up: 1001, down: 5 });
  });

  it('updates a folder usage: reset and add, with every error case; 404 for missing objects', async () => {
    await api.createFolder('ufolder', { mapped_path: mappedOf('ufolder') });
    const put = (query: string, body: unknown, name = 'ufolder') =>
      api.call('PUT', `/quotas/folders/${name}/usage${query}`, body);
    expect(api.result(await put('', { used_quota_size: 50, used_quota_files: 5 }))).toEqual({
      status: 200,
      body: { message: 'Quota updated' },
    });
    expect((await put('?mode=add', { used_quota_size: 5 })).status).toBe(200);
    expect(await api.folderUsage('ufolder')).toEqual({ files: 5, bytes: 55 });
    expect(api.result(await put('', { used_quota_size: -5 }))).toEqual({
      status: 400,
      body: { error: 'invalid used quota parameters, negative values are not allowed', message: '' },
    });
    expect(api.result(await put('?mode=x', {}))).toEqual({
      status: 400,
      body: { error: 'invalid mode', message: '' },
    });
    expect((await put('', {}, 'nofolder')).status).toBe(404);
    expect(await api.folderUsage('ufolder')).toEqual({ files: 5, bytes: 55 });

    expect((await api.call('POST', '/quotas/users/nobody/scan')).status).toBe(404);
    expect((await api.call('POST', '/quotas/folders/nofolder/scan')).status).toBe(404);
  });

  describe('role admins and permissions', () => {
    let roleAdmin: string;
    let viewer: string;

    beforeAll(async () => {
      expect((await api.call('POST', '/roles', { name: 'qrole' })).status).toBe(201);
      for (const [username, permissions, role] of [
        ['qrole-admin', ['quota_scans', 'edit_users', 'view_users'], 'qrole'],
        ['qviewer', ['view_users', 'add_users'], undefined],
      ] as const) {
        const res = await api.call('POST', '/admins', {
          username,
          password: `${username}-Pa55!`,
          status: 1,
          permissions,
          ...(role ? { role } : {}),
        });
        expect(res.status).toBe(201);
      }
      roleAdmin = await ctx.app.token({ username: 'qrole-admin', password: 'qrole-admin-Pa55!' });
      viewer = await ctx.app.token({ username: 'qviewer', password: 'qviewer-Pa55!' });
      await api.createUser('in-role', { filesystem: gatedS3('in-role/'), role: 'qrole', quota_files: 5 });
      await api.createUser('no-role', { filesystem: gatedS3('no-role/'), quota_files: 5 });
    });

    it('a role admin lists, scans and updates only its role users (others 404)', async () => {
      gate.close();
      expect((await api.call('POST', '/quotas/users/in-role/scan', undefined, roleAdmin)).status).toBe(202);
      expect((await api.call('POST', '/quotas/users/no-role/scan')).status).toBe(202);
      const names = (list: Json[]) => list.map((scan) => scan.username).sort();
      expect(names(await api.scans('users'))).toEqual(['in-role', 'no-role']);
      expect(names(await api.scans('users', roleAdmin))).toEqual(['in-role']);
      expect((await api.call('POST', '/quotas/users/in-role/scan', undefined, roleAdmin)).status).toBe(409);
      for (const [method, path] of [
        ['POST', '/quotas/users/no-role/scan'],
        ['PUT', '/quotas/users/no-role/usage'],
        ['PUT', '/quotas/users/no-role/transfer-usage'],
      ]) {
        const res = await api.call(method, path, method === 'PUT' ? {} : undefined, roleAdmin);
        expect({ path, status: res.status }).toEqual({ path, status: 404 });
      }
      gate.open();
      await api.idle('users');
      expect(
        (await api.call('PUT', '/quotas/users/in-role/usage', { used_quota_files: 1 }, roleAdmin)).status,
      ).toBe(200);
      expect(await api.usage('in-role')).toEqual({ files: 1, bytes: 0 });
    });

    it('answers 403 without quota_scans, edit_users or manage_folders', async () => {
      for (const [method, path, body] of [
        ['GET', '/quotas/users/scans', undefined],
        ['GET', '/quotas/folders/scans', undefined],
        ['POST', '/quotas/users/no-role/scan', undefined],
        ['POST', '/quotas/folders/ufolder/scan', undefined],
        ['PUT', '/quotas/users/no-role/usage', {}],
        ['PUT', '/quotas/users/no-role/transfer-usage', {}],
        ['PUT', '/quotas/folders/ufolder/usage', {}],
      ] as const) {
        const res = await api.call(method, path, body, viewer);
        expect({ path, status: res.status }).toEqual({ path, status: 403 });
      }
      // quota_scans alone does not allow usage updates of folders.
      const res = await api.call('PUT', '/quotas/folders/ufolder/usage', {}, roleAdmin);
      expect(res.status).toBe(403);
      expect((await api.call('GET', '/quotas/users/scans')).status).toBe(200);
    });
  });
});

describe('quota scans with track_quota 0 (nothing tracked)', () => {
  const ctx = useTestServer({
    token: true,
    tempDir: 'sftpgo-qscan0-',
    env: { SFTPGO_DATA_PROVIDER__TRACK_QUOTA: '0' },
  });
  const api = adminApi(ctx);

  it('uploads and deletes change no counter and limits are not enforced', async () => {
    const home = join(ctx.root, 'home', 't0');
    const token = await createUserWithToken(ctx.app, ctx.token, 't0', home, {
      quota_size: 10,
      quota_files: 1,
    });
    for (const path of ['/a.txt', '/b.txt']) {
      const res = await userApiCall(
        ctx.app,
        token,
        'POST',
        'files/upload',
        { path },
        { body: 'x'.repeat(50) },
      );
      expect(res.status).toBe(201);
    }
    expect(await api.usage('t0')).toEqual({ files: 0, bytes: 0 });
    expect((await userApiCall(ctx.app, token, 'DELETE', 'files', { path: '/a.txt' })).status).toBe(200);
    expect(await api.usage('t0')).toEqual({ files: 0, bytes: 0 });
  });

  it('answers 403 to scans and usage updates', async () => {
    const folder = await api.call('POST', '/folders', { name: 'f0', mapped_path: join(ctx.root, 'f0') });
    expect(folder.status).toBe(201);
    const disabled = { status: 403, body: { message: 'Quota tracking is disabled!' } };
    expect(api.result(await api.call('POST', '/quotas/users/t0/scan'))).toEqual(disabled);
    expect(api.result(await api.call('POST', '/quotas/users/nobody/scan'))).toEqual(disabled);
    expect(api.result(await api.call('POST', '/quotas/folders/f0/scan'))).toEqual(disabled);
    for (const path of [
      '/quotas/users/t0/usage',
      '/quotas/users/t0/transfer-usage',
      '/quotas/folders/f0/usage',
    ]) {
      const res = await api.call('PUT', path, {});
      expect({ path, ...api.result(res) }).toEqual({ path, status: 403, body: TRACKING_DISABLED });
    }
    // A missing object is still a 404 on the usage APIs.
    expect((await api.call('PUT', '/quotas/users/nobody/usage', {})).status).toBe(404);
    expect(await api.scans('users')).toEqual([]);
  });
});

describe('quota scans with track_quota 1 (users always tracked)', () => {
  const ctx = useTestServer({
    token: true,
    tempDir: 'sftpgo-qscan1-',
    env: { SFTPGO_DATA_PROVIDER__TRACK_QUOTA: '1' },
  });
  const api = adminApi(ctx);

  it('tracks a user without quota restrictions, allows add mode, scans it', async () => {
    const home = join(ctx.root, 'home', 't1');
    const token = await createUserWithToken(ctx.app, ctx.token, 't1', home);
    const res = await userApiCall(
      ctx.app,
      token,
      'POST',
      'files/upload',
      { path: '/a.txt' },
      { body: 'hello' },
    );
    expect(res.status).toBe(201);
    expect(await api.usage('t1')).toEqual({ files: 1, bytes: 5 });
    await api.setUsage('t1', { used_quota_files: 2, used_quota_size: 10 }, '?mode=add');
    expect(await api.usage('t1')).toEqual({ files: 3, bytes: 15 });
    const xfer = await api.call('PUT', '/quotas/users/t1/transfer-usage?mode=add', {
      used_upload_data_transfer: 3,
    });
    expect(xfer.status).toBe(200);
    expect((await api.call('POST', '/quotas/users/t1/scan')).status).toBe(202);
    await api.idle('users');
    expect(await api.usage('t1')).toEqual({ files: 1, bytes: 5 });
    expect((await userApiCall(ctx.app, token, 'DELETE', 'files', { path: '/a.txt' })).status).toBe(200);
    expect(await api.usage('t1')).toEqual({ files: 0, bytes: 0 });
  });
});
