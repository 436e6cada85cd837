import {
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type ListObjectsV2CommandOutput,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import {
  S3_TEST_ACCESS_KEY,
  S3_TEST_SECRET,
  startS3TestServer,
  type S3TestServer,
} from '../../../libs/storage/src/testing/s3-server';
import type { TestResponse } from './support/http-client';
import { eventually } from './support/eventually';
import { useTestServer } from './support/lifecycle';
import { createUserWithToken, jsonBody, userApiCall } from './support/user-fixtures';
import { unzip } from './support/zip';

/**
 * The same file API scenarios on every storage provider the server serves: local disk, S3 (over the
 * real S3 protocol, against s3rver on loopback) and encrypted local storage, as a user's home and as
 * virtual folders mounted on a user of another provider.
 */

const BUCKET = 'bucket';
const PASSPHRASE = 'Ek7#pW2!vQ9zR4@mT6xL1^cN8'; // passes secret_min_entropy
const MB = 1_048_576;

type Kind = 'local' | 's3' | 'crypt';

describe('storage providers through the file API', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-providers-' });
  let s3: S3TestServer;
  let s3Client: S3Client;

  beforeAll(async () => {
    s3 = await startS3TestServer([BUCKET]);
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
    await s3?.stop();
  });

  /**
   * The `filesystem` object of each provider; S3 keys go under `prefix`. The homes use the seed's
   * standalone S3 user as written (bucket, region, access key, Plain secret, key prefix, plus the
   * endpoint: an IP address, so the SDK addresses the bucket by path); folders also set
   * `force_path_style`, as a host-named S3-compatible endpoint needs.
   */
  function filesystem(kind: Kind, prefix: string, pathStyle = false): Record<string, unknown> {
    switch (kind) {
      case 'local':
        return { provider: 0 };
      case 's3':
        return {
          provider: 1,
          s3config: {
            bucket: BUCKET,
            region: 'us-east-1',
            endpoint: s3.endpoint,
            access_key: S3_TEST_ACCESS_KEY,
            access_secret: { status: 'Plain', payload: S3_TEST_SECRET },
            key_prefix: prefix,
            ...(pathStyle ? { force_path_style: true } : {}),
          },
        };
      case 'crypt':
        return { provider: 4, cryptconfig: { passphrase: { status: 'Plain', payload: PASSPHRASE } } };
    }
  }

  const homeOf = (username: string) => join(ctx.root, 'home', username);

  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page: ListObjectsV2CommandOutput = await s3Client.send(
        new ListObjectsV2Command({ Bucket: BUCKET, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
      token = page.NextContinuationToken;
    } while (token);
    return keys.sort();
  }

  /** Every regular file under a local directory, relative paths, sorted. */
  function localFiles(dir: string, base = dir): string[] {
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .flatMap((e) =>
        e.isDirectory() ? localFiles(join(dir, e.name), base) : [join(dir, e.name).slice(base.length + 1)],
      )
      .sort();
  }

  async function userCounters(username: string) {
    const [row] = await ctx.db.query<Record<string, unknown>>(
      'SELECT used_quota_files, used_quota_size FROM users WHERE username = ?',
      [username],
    );
    return { files: Number(row.used_quota_files), bytes: Number(row.used_quota_size) };
  }

  async function folderCounters(name: string) {
    const [row] = await ctx.db.query<Record<string, unknown>>(
      'SELECT used_quota_files, used_quota_size FROM folders WHERE name = ?',
      [name],
    );
    return { files: Number(row.used_quota_files), bytes: Number(row.used_quota_size) };
  }

  const result = (res: TestResponse) => ({ status: res.status, body: res.json() });

  describe.each<Kind>(['local', 's3', 'crypt'])('a user whose home is on %s storage', (kind) => {
    const username = `home-${kind}`;
    const prefix = `users/${username}/`;
    let token: string;
    const call = (method: string, route: string, query: Record<string, string> = {}, options = {}) =>
      userApiCall(ctx.app, token, method, route, query, options);
    const upload = (path: string, body: string | Buffer, extra: Record<string, string> = {}) =>
      call('POST', 'files/upload', { path, ...extra }, { body });
    const names = async (path: string) =>
      (await call('GET', 'dirs', { path })).json<{ name: string; size: number; mode: number }[]>();

    beforeAll(async () => {
      token = await createUserWithToken(ctx.app, ctx.token, username, homeOf(username), {
        filesystem: filesystem(kind, prefix),
        quota_files: 20,
        quota_size: 20 * MB,
      });
    });

    it('uploads with mkdir_parents, lists, downloads whole and by Range', async () => {
      const body = 'hello providers\n'.repeat(10);
      expect((await upload('/docs/2026/report.txt', body, { mkdir_parents: 'true' })).status).toBe(201);
      const listing = await names('/docs/2026');
      expect(listing.map((e) => [e.name, e.size])).toEqual([['report.txt', body.length]]);
      expect((await names('/')).map((e) => e.name)).toContain('docs');

      const whole = await call('GET', 'files', { path: '/docs/2026/report.txt' });
      expect(whole.status).toBe(200);
      expect(whole.text).toBe(body);
      expect(whole.headers['content-disposition']).toMatch(/^attachment/);

      const part = await call(
        'GET',
        'files',
        { path: '/docs/2026/report.txt' },
        { headers: { range: 'bytes=6-14' } },
      );
      expect(part.status).toBe(206);
      expect(part.headers['content-range']).toBe(`bytes 6-14/${body.length}`);
      expect(part.text).toBe(body.slice(6, 15));
      expect((await call('GET', 'files', { path: '/docs/missing.txt' })).status).toBe(404);
    });

    it('round-trips a file of several parts/chunks, Range across a boundary', async () => {
      const data = randomBytes(6 * MB + 123);
      expect((await upload('/big.bin', data)).status).toBe(201);
      const back = await call('GET', 'files', { path: '/big.bin' });
      expect(back.status).toBe(200);
      expect(back.raw.equals(data)).toBe(true);
      const start = 5 * MB - 10;
      const slice = await call(
        'GET',
        'files',
        { path: '/big.bin' },
        { headers: { range: `bytes=${start}-` } },
      );
      expect(slice.status).toBe(206);
      expect(slice.raw.equals(data.subarray(start))).toBe(true);
      expect((await call('DELETE', 'files', { path: '/big.bin' })).status).toBe(200);
    });

    it('creates, renames, copies and deletes files and directories', async () => {
      expect((await call('POST', 'dirs', { path: '/work' })).status).toBe(201);
      expect((await upload('/work/a.txt', 'A')).status).toBe(201);
      expect((await upload('/work/sub/b.txt', 'BB', { mkdir_parents: 'true' })).status).toBe(201);

      expect((await call('PATCH', 'files', { path: '/work/a.txt', target: '/work/a2.txt' })).status).toBe(
        200,
      );
      expect((await names('/work')).map((e) => e.name).sort()).toEqual(['a2.txt', 'sub']);

      expect((await call('POST', 'file-actions/copy', { path: '/work', target: '/work-copy' })).status).toBe(
        200,
      );
      expect((await call('GET', 'files', { path: '/work-copy/sub/b.txt' })).text).toBe('BB');

      expect((await call('PATCH', 'dirs', { path: '/work-copy', target: '/moved' })).status).toBe(200);
      expect((await call('GET', 'files', { path: '/moved/a2.txt' })).text).toBe('A');
      expect((await call('GET', 'dirs', { path: '/work-copy' })).status).toBe(404);

      expect((await call('DELETE', 'files', { path: '/work/a2.txt' })).status).toBe(200);
      expect((await call('DELETE', 'dirs', { path: '/moved' })).status).toBe(200);
      expect((await call('DELETE', 'dirs', { path: '/work' })).status).toBe(200);
      const left = (await names('/')).map((e) => e.name);
      expect(left).not.toContain('work');
      expect(left).not.toContain('moved');
    });

    it('zips a directory with its contents', async () => {
      expect((await upload('/zip/one.txt', 'one', { mkdir_parents: 'true' })).status).toBe(201);
      expect((await upload('/zip/in/two.txt', 'two', { mkdir_parents: 'true' })).status).toBe(201);
      const res = await ctx.app.request('/api/v2/user/streamzip', {
        method: 'POST',
        bearer: token,
        ...jsonBody(['/zip']),
      });
      expect(res.status).toBe(200);
      const entries = unzip(res.raw)
        .filter((e) => !e.name.endsWith('/'))
        .map((e) => [e.name, e.data.toString()]);
      expect(entries.sort()).toEqual([
        ['zip/in/two.txt', 'two'],
        ['zip/one.txt', 'one'],
      ]);
    });

    it('keeps the quota counters exact and refuses a file over the quota with 413', async () => {
      const before = await userCounters(username);
      expect((await upload('/q/one.bin', Buffer.alloc(1000, 1), { mkdir_parents: 'true' })).status).toBe(201);
      expect(await userCounters(username)).toEqual({ files: before.files + 1, bytes: before.bytes + 1000 });
      expect((await upload('/q/one.bin', Buffer.alloc(400, 2))).status).toBe(201); // overwrite
      expect(await userCounters(username)).toEqual({ files: before.files + 1, bytes: before.bytes + 400 });

      const tooBig = await upload('/q/huge.bin', Buffer.alloc(21 * MB, 3));
      expect(tooBig.status).toBe(413);
      expect((await call('GET', 'files', { path: '/q/huge.bin' })).status).toBe(404);
      expect(await userCounters(username)).toEqual({ files: before.files + 1, bytes: before.bytes + 400 });

      expect((await call('DELETE', 'dirs', { path: '/q' })).status).toBe(200);
      expect(await userCounters(username)).toEqual(before);
    });

    it('an upload aborted mid-body stores nothing and keeps the previous file', async () => {
      expect((await upload('/keep.txt', 'original')).status).toBe(201);
      const counters = await userCounters(username);
      await new Promise<void>((resolve) => {
        const req = httpRequest(`${ctx.app.url}/api/v2/user/files/upload?path=%2Fkeep.txt`, {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${token}`, 'content-length': String(8 * MB) },
        });
        req.on('error', () => resolve());
        req.write(Buffer.alloc(6 * MB, 7));
        setTimeout(() => {
          req.destroy();
          resolve();
        }, 500);
      });
      // The server notices the closed socket and cleans up asynchronously.
      await eventually(async () => expect(await userCounters(username)).toEqual(counters));
      expect((await call('GET', 'files', { path: '/keep.txt' })).text).toBe('original');
      if (kind === 's3') {
        // s3rver has no ListMultipartUploads: the bucket holds no new object, and the old one is intact.
        expect((await keysUnder(prefix)).filter((k) => k.startsWith(`${prefix}keep`))).toEqual([
          `${prefix}keep.txt`,
        ]);
      }
      if (kind !== 's3') {
        await eventually(() =>
          expect(localFiles(homeOf(username)).filter((n) => n.includes('.sftpgo-upload'))).toEqual([]),
        );
      }
    });

    if (kind === 's3') {
      it('stores the objects under the key prefix of the bucket, directories as markers', async () => {
        const keys = await keysUnder('');
        expect(keys.length).toBeGreaterThan(0);
        expect(keys.filter((k) => !k.startsWith(prefix))).toEqual([]);
        expect(keys).toContain(`${prefix}docs/2026/report.txt`);
        expect(keys).toContain(`${prefix}keep.txt`);
        // Nothing of the user's files went to the local home.
        expect(localFiles(homeOf(username))).toEqual([]);
      });

      it('lists a directory of several S3 pages completely, each entry once', async () => {
        const count = 1_050; // two pages of 1,000
        const keys = Array.from(
          { length: count },
          (_, i) => `${prefix}paged/f-${String(i).padStart(5, '0')}.txt`,
        );
        for (let i = 0; i < keys.length; i += 50) {
          await Promise.all(
            keys
              .slice(i, i + 50)
              .map((Key) => s3Client.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: 'x' }))),
          );
        }
        const listing = await names('/paged');
        expect(listing).toHaveLength(count);
        expect(new Set(listing.map((e) => e.name)).size).toBe(count);
        expect(listing.every((e) => e.size === 1)).toBe(true);
        expect((await call('DELETE', 'dirs', { path: '/paged' })).status).toBe(200);
        expect(await keysUnder(`${prefix}paged/`)).toEqual([]);
      });

      it('reports PATCH /user/files/metadata as unsupported (S3 has no settable mtime)', async () => {
        const res = await call(
          'PATCH',
          'files/metadata',
          { path: '/keep.txt' },
          jsonBody({ mtime: 1_700_000_000_000 }),
        );
        expect(res.status).toBe(400);
      });
    }

    if (kind === 'crypt') {
      it('keeps the bytes on disk encrypted and reports plaintext sizes', async () => {
        const secret = 'the plaintext must never be on disk '.repeat(20);
        expect((await upload('/secret.txt', secret)).status).toBe(201);
        const onDisk = readFileSync(join(homeOf(username), 'secret.txt'));
        expect(onDisk.includes(Buffer.from('plaintext must never'))).toBe(false);
        expect(onDisk.length).toBeGreaterThan(secret.length);
        const entry = (await names('/')).find((e) => e.name === 'secret.txt');
        expect(entry?.size).toBe(secret.length);
      });

      it('fails the download of a tampered file cleanly instead of returning wrong bytes', async () => {
        const body = 'tamper with me '.repeat(100);
        expect((await upload('/tampered.txt', body)).status).toBe(201);
        const path = join(homeOf(username), 'tampered.txt');
        const bytes = readFileSync(path);
        bytes[bytes.length - 40] ^= 0x01;
        writeFileSync(path, bytes);
        const res = await call('GET', 'files', { path: '/tampered.txt' });
        expect(res.status).toBeGreaterThanOrEqual(500);
        expect(res.json()).toEqual({ error: expect.any(String), message: expect.any(String) });
        expect(res.text).not.toContain('tamper with me');
        // The other files of the user are still served.
        expect((await call('GET', 'files', { path: '/keep.txt' })).text).toBe('original');
      });
    }
  });

  describe('virtual folders on another provider than the home', () => {
    async function createFolder(name: string, kind: Kind): Promise<void> {
      const res = await ctx.app.request('/api/v2/folders', {
        method: 'POST',
        bearer: ctx.token,
        ...jsonBody({
          name,
          mapped_path: join(ctx.root, 'folders', name),
          filesystem: filesystem(kind, `folders/${name}/`, true),
        }),
      });
      expect({ status: res.status, text: res.status === 201 ? '' : res.text }).toEqual({
        status: 201,
        text: '',
      });
    }

    it.each<[Kind, Kind]>([
      ['local', 's3'],
      ['s3', 'local'],
      ['local', 'crypt'],
      ['crypt', 's3'],
    ])(
      'a %s home with a %s folder at /mnt: quotas per folder, moves across mounts',
      async (home, mounted) => {
        const folder = `mnt-${home}-${mounted}`;
        const username = `vf-${home}-${mounted}`;
        await createFolder(folder, mounted);
        const token = await createUserWithToken(ctx.app, ctx.token, username, homeOf(username), {
          filesystem: filesystem(home, `users/${username}/`),
          quota_files: 100, // usage is tracked for users with a quota (track_quota 2)
          virtual_folders: [{ name: folder, virtual_path: '/mnt', quota_files: 0, quota_size: 0 }],
        });
        const call = (method: string, route: string, query: Record<string, string> = {}, options = {}) =>
          userApiCall(ctx.app, token, method, route, query, options);

        expect(
          (
            await call(
              'POST',
              'files/upload',
              { path: '/mnt/in/f.txt', mkdir_parents: 'true' },
              { body: '12345' },
            )
          ).status,
        ).toBe(201);
        expect((await call('POST', 'files/upload', { path: '/h.txt' }, { body: 'home' })).status).toBe(201);
        expect(
          (await call('GET', 'dirs', { path: '/' }))
            .json<{ name: string }[]>()
            .map((e) => e.name)
            .sort(),
        ).toEqual(['h.txt', 'mnt']);
        expect((await call('GET', 'files', { path: '/mnt/in/f.txt' })).text).toBe('12345');
        // A folder with its own quota (0 = unlimited, not included in the user's) counts its files itself.
        expect(await folderCounters(folder)).toEqual({ files: 1, bytes: 5 });
        expect(await userCounters(username)).toEqual({ files: 1, bytes: 4 });

        // Moving across mounts is a copy and a delete, with the counters following the file.
        expect((await call('PATCH', 'files', { path: '/h.txt', target: '/mnt/h.txt' })).status).toBe(200);
        expect((await call('GET', 'files', { path: '/mnt/h.txt' })).text).toBe('home');
        expect((await call('GET', 'files', { path: '/h.txt' })).status).toBe(404);
        expect(await folderCounters(folder)).toEqual({ files: 2, bytes: 9 });
        expect(await userCounters(username)).toEqual({ files: 0, bytes: 0 });

        expect((await call('POST', 'file-actions/copy', { path: '/mnt/in', target: '/back' })).status).toBe(
          200,
        );
        expect((await call('GET', 'files', { path: '/back/f.txt' })).text).toBe('12345');
        expect(await userCounters(username)).toEqual({ files: 1, bytes: 5 });

        if (mounted === 's3') {
          expect(await keysUnder(`folders/${folder}/`)).toEqual(
            expect.arrayContaining([`folders/${folder}/in/f.txt`, `folders/${folder}/h.txt`]),
          );
        }
        if (mounted === 'crypt') {
          const onDisk = readFileSync(join(ctx.root, 'folders', folder, 'h.txt'));
          expect(onDisk.toString('latin1')).not.toContain('home');
        }
      },
    );
  });

  describe('providers this server does not serve yet', () => {
    it.each([
      [
        'GCS',
        {
          provider: 2,
          gcsconfig: { bucket: 'b', credentials: { status: 'Plain', payload: '{"type":"x"}' } },
        },
      ],
      [
        'Azure Blob',
        {
          provider: 3,
          azblobconfig: { container: 'c', account_name: 'a', account_key: { status: 'Plain', payload: 'k' } },
        },
      ],
      [
        'SFTP',
        {
          provider: 5,
          sftpconfig: {
            endpoint: '127.0.0.1:2022',
            username: 'u',
            password: { status: 'Plain', payload: 'p' },
          },
        },
      ],
      ['HTTP', { provider: 6, httpconfig: { endpoint: 'http://127.0.0.1:9/api' } }],
    ])('%s: stored by the admin API, a clear 400 from the file API', async (_name, fsConfig) => {
      const username = `unsupported-${fsConfig.provider}`;
      const token = await createUserWithToken(ctx.app, ctx.token, username, homeOf(username), {
        filesystem: fsConfig,
      });
      const stored = await ctx.app.request(`/api/v2/users/${username}`, { bearer: ctx.token });
      expect(stored.json<{ filesystem: { provider: number } }>().filesystem.provider).toBe(fsConfig.provider);
      for (const [method, route, query] of [
        ['GET', 'dirs', { path: '/' }],
        ['GET', 'files', { path: '/a.txt' }],
        ['POST', 'files/upload', { path: '/a.txt' }],
        ['POST', 'dirs', { path: '/d' }],
      ] as const) {
        const res = await userApiCall(
          ctx.app,
          token,
          method,
          route,
          query,
          route === 'files/upload' ? { body: 'x' } : {},
        );
        expect({ route, ...result(res) }).toEqual({
          route,
          status: 400,
          body: { error: expect.stringMatching(/not supported/), message: expect.any(String) },
        });
      }
    });
  });
});
