import type { Principal } from '@app/common';
import { type FolderRetention, RetentionService } from '@app/maintenance';
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diskUsage } from './support/disk';
import { useTestServer } from './support/lifecycle';
import { createUserWithToken, jsonBody, userApiCall } from './support/user-fixtures';

const HOUR = 3_600_000;

/** Every path (files and directories) below `dir`, relative, sorted. */
function tree(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}/${entry.name}`;
    out.push(entry.isDirectory() ? `${rel}/` : rel);
    if (entry.isDirectory()) out.push(...tree(join(dir, entry.name), rel));
  }
  return out.sort();
}

/** Writes `content` at `root` + `rel` (parents made) and sets its modification time `ageHours` ago. */
function writeAged(root: string, rel: string, content: string, ageHours: number): void {
  const path = join(root, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  const when = new Date(Date.now() - ageHours * HOUR);
  utimesSync(path, when, when);
}

describe('data retention checks', () => {
  const ctx = useTestServer({ token: true, tempDir: 'sftpgo-retention-', captureLogs: 'info' });

  const homeOf = (username: string) => join(ctx.root, 'home', username);
  const service = () => ctx.app.server.app.get(RetentionService);

  const newUser = (username: string, extra: Record<string, unknown> = {}) =>
    createUserWithToken(ctx.app, ctx.token, username, homeOf(username), extra);

  const adminApi = (method: string, path: string, body?: unknown, bearer = ctx.token) =>
    ctx.app.request(`/api/v2${path}`, { method, bearer, ...(body === undefined ? {} : jsonBody(body)) });

  async function createFolder(name: string): Promise<string> {
    const mapped = join(ctx.root, 'folders', name);
    const res = await adminApi('POST', '/folders', { name, mapped_path: mapped });
    expect(res.status).toBe(201);
    mkdirSync(mapped, { recursive: true });
    return mapped;
  }

  async function usedQuota(kind: 'users' | 'folders', name: string) {
    const res = await adminApi('GET', `/${kind}/${name}`);
    expect(res.status).toBe(200);
    const body = res.json<{ used_quota_files?: number; used_quota_size?: number }>();
    return { files: body.used_quota_files ?? 0, bytes: body.used_quota_size ?? 0 };
  }

  /** Uploads through the user API (so the quota is charged), then backdates it through the metadata API. */
  async function uploadAged(token: string, path: string, content: string, ageHours: number): Promise<void> {
    const up = await userApiCall(ctx.app, token, 'POST', 'files/upload', { path }, { body: content });
    expect({ status: up.status, text: up.status === 201 ? '' : up.text }).toEqual({ status: 201, text: '' });
    const meta = await userApiCall(
      ctx.app,
      token,
      'PATCH',
      'files/metadata',
      { path },
      jsonBody({ modification_time: Date.now() - ageHours * HOUR }),
    );
    expect(meta.status).toBe(200);
  }

  /** Many old files, so a check of them lasts long enough to be seen and contended. */
  function manyOldFiles(username: string, dirs = 6, perDir = 50): void {
    for (let d = 0; d < dirs; d++) {
      for (let f = 0; f < perDir; f++) writeAged(homeOf(username), `/d${d}/f${f}.txt`, 'x', 100);
    }
  }

  /** Sets the user's counters to what its home holds (files written straight to disk were not charged). */
  async function seedCounters(username: string): Promise<void> {
    const usage = diskUsage(homeOf(username));
    await ctx.db.query('UPDATE users SET used_quota_files = ?, used_quota_size = ? WHERE username = ?', [
      usage.files,
      usage.bytes,
      username,
    ]);
  }

  const checksOverHttp = async (bearer = ctx.token) => {
    const res = await adminApi('GET', '/retention/users/checks', undefined, bearer);
    return { status: res.status, body: res.json<unknown>() };
  };

  it('deletes old files, keeps recent ones, excluded subtrees, and applies the more specific rule', async () => {
    await newUser('ret-basic');
    const home = homeOf('ret-basic');
    writeAged(home, '/old.txt', 'old-old', 48);
    writeAged(home, '/new.txt', 'new', 1);
    writeAged(home, '/sub/dir/old.txt', 'abc', 30);
    writeAged(home, '/sub/dir/new.txt', 'abc', 23);
    writeAged(home, '/keep/old.txt', 'kept', 1000);
    writeAged(home, '/keep/deep/old.txt', 'kept', 1000);
    writeAged(home, '/keepsake/old.txt', 'boundary', 48); // not inside /keep
    writeAged(home, '/short/a.txt', 'aaaa', 3);
    writeAged(home, '/short/b.txt', 'b', 0.5);
    writeAged(home, '/short/inner/c.txt', 'cc', 2.5);
    writeAged(home, '/short/keep/d.txt', 'dd', 100);

    const result = await service().run('ret-basic', [
      { path: '/', retention: 24 },
      { path: '/keep', retention: 0 },
      { path: '/short', retention: 2 },
      { path: 'short/keep/', retention: 0 }, // cleaned as SFTPGo does
    ]);

    expect(tree(home)).toEqual([
      '/keep/',
      '/keep/deep/',
      '/keep/deep/old.txt',
      '/keep/old.txt',
      '/keepsake/',
      '/new.txt',
      '/short/',
      '/short/b.txt',
      '/short/inner/',
      '/short/keep/',
      '/short/keep/d.txt',
      '/sub/',
      '/sub/dir/',
      '/sub/dir/new.txt',
    ]);
    expect(result).toMatchObject({
      username: 'ret-basic',
      success: true,
      deletedFiles: 5,
      deletedSize: 7 + 3 + 8 + 4 + 2,
      deletedDirs: 0,
      errorCount: 0,
    });
    expect(result.rules.map((r) => [r.path, r.retention, r.deletedFiles, r.deletedSize, r.info])).toEqual([
      ['/', 24, 3, 7 + 3 + 8, undefined],
      ['/keep', 0, 0, 0, 'retention is 0: path excluded'],
      ['/short', 2, 2, 4 + 2, undefined],
      ['/short/keep', 0, 0, 0, 'retention is 0: path excluded'],
    ]);
    // The structured log line of the check.
    const line = ctx.app
      .logs()
      .split('\n')
      .filter((l) => l.includes('"username":"ret-basic"') && l.includes('retention check'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)[0];
    expect(line).toMatchObject({
      msg: 'retention check completed',
      context: 'retention',
      username: 'ret-basic',
      deleted_files: 5,
      deleted_size: 24,
      errors: 0,
      rules: [
        { path: '/', retention: 24 },
        { path: '/keep', retention: 0 },
        { path: '/short', retention: 2 },
        { path: '/short/keep', retention: 0 },
      ],
    });
    expect(typeof line.elapsed_ms).toBe('number');
  });

  it('removes the directories left empty only with delete_empty_dirs, never the root or a rule path', async () => {
    await newUser('ret-empty');
    const home = homeOf('ret-empty');
    const layout = () => {
      writeAged(home, '/a/b/c/old.txt', 'x', 48);
      writeAged(home, '/a/keep.txt', 'x', 1);
      writeAged(home, '/lone/old.txt', 'x', 48);
      mkdirSync(join(home, 'already-empty/nested'), { recursive: true });
      writeAged(home, '/rule/old.txt', 'x', 48);
      writeAged(home, '/rule/sub/old.txt', 'x', 48);
    };
    layout();
    await service().run('ret-empty', [
      { path: '/', retention: 24 },
      { path: '/rule', retention: 24 },
    ]);
    expect(tree(home)).toEqual([
      '/a/',
      '/a/b/',
      '/a/b/c/',
      '/a/keep.txt',
      '/already-empty/',
      '/already-empty/nested/',
      '/lone/',
      '/rule/',
      '/rule/sub/',
    ]);

    layout();
    writeAged(home, '/old-at-root.txt', 'x', 48);
    const result = await service().run('ret-empty', [
      { path: '/', retention: 24, delete_empty_dirs: true },
      { path: '/rule', retention: 24, delete_empty_dirs: true },
    ]);
    expect(tree(home)).toEqual(['/a/', '/a/keep.txt', '/rule/']);
    expect(existsSync(home)).toBe(true);
    expect(result).toMatchObject({ success: true, deletedFiles: 5, deletedDirs: 6 });
  });

  it('keeps quota counters exact and cleans virtual folders, never removing a mount point', async () => {
    const ownPath = await createFolder('ret-own');
    const inclPath = await createFolder('ret-incl');
    const token = await newUser('ret-quota', {
      quota_files: 100,
      quota_size: 1_000_000,
      virtual_folders: [
        // Nested: /vdir only exists as the way to the mount.
        { name: 'ret-own', virtual_path: '/vdir/own', quota_files: 0, quota_size: 0 },
        { name: 'ret-incl', virtual_path: '/incl', quota_files: -1, quota_size: -1 },
      ],
    });
    await uploadAged(token, '/old1.txt', 'a'.repeat(10), 48);
    await uploadAged(token, '/new1.txt', 'b'.repeat(20), 1);
    await userApiCall(ctx.app, token, 'POST', 'dirs', { path: '/vdir/own/sub' });
    await uploadAged(token, '/vdir/own/sub/old2.txt', 'c'.repeat(30), 48);
    await uploadAged(token, '/vdir/own/new2.txt', 'd'.repeat(40), 1);
    await uploadAged(token, '/vdir/own/old3.txt', 'e'.repeat(50), 48);
    await uploadAged(token, '/incl/old4.txt', 'f'.repeat(60), 48);
    await uploadAged(token, '/incl/new4.txt', 'g'.repeat(70), 2);
    expect(await usedQuota('users', 'ret-quota')).toEqual({ files: 4, bytes: 10 + 20 + 60 + 70 });
    expect(await usedQuota('folders', 'ret-own')).toEqual({ files: 3, bytes: 30 + 40 + 50 });
    // A file only on disk under the /vdir name of the home is shadowed by the mount: never reached.
    writeAged(homeOf('ret-quota'), '/vdir/own', 'shadowed', 48);

    const result = await service().run('ret-quota', [
      { path: '/', retention: 24, delete_empty_dirs: true },
      { path: '/incl', retention: 1 },
    ]);
    expect(result).toMatchObject({ success: true, deletedFiles: 5, deletedDirs: 1 });
    expect(result.rules.map((r) => [r.path, r.deletedFiles, r.deletedSize])).toEqual([
      ['/', 3, 10 + 30 + 50],
      ['/incl', 2, 60 + 70],
    ]);
    // sub/ was left empty and removed; the mount point itself stays.
    expect(tree(ownPath)).toEqual(['/new2.txt']);
    expect(tree(inclPath)).toEqual([]);
    expect(tree(homeOf('ret-quota'))).toEqual(['/new1.txt', '/vdir/', '/vdir/own']);
    expect(await usedQuota('users', 'ret-quota')).toEqual({ files: 1, bytes: 20 });
    expect(await usedQuota('folders', 'ret-own')).toEqual({ files: 1, bytes: 40 });
    expect(await usedQuota('folders', 'ret-own')).toEqual(diskUsage(ownPath));
  });

  it('records a failing part, goes on with the rest and reports the check as failed', async () => {
    // A folder on a provider this server cannot serve: every access to it fails.
    const created = await adminApi('POST', '/folders', {
      name: 'ret-remote',
      filesystem: { provider: 6, httpconfig: { endpoint: 'http://127.0.0.1:9/api' } },
    });
    expect(created.status).toBe(201);
    await newUser('ret-errors', {
      virtual_folders: [{ name: 'ret-remote', virtual_path: '/remote', quota_files: 0, quota_size: 0 }],
    });
    const home = homeOf('ret-errors');
    writeAged(home, '/a/old.txt', 'x', 48);
    writeAged(home, '/z/old.txt', 'yy', 48);
    writeAged(home, '/new.txt', 'z', 1);

    const result = await service().run('ret-errors', [{ path: '/', retention: 24 }]);
    expect(result).toMatchObject({ success: false, deletedFiles: 2, deletedSize: 3, errorCount: 1 });
    expect(result.rules[0].errors).toEqual([expect.stringMatching(/^unable to list directory "\/remote": /)]);
    expect(tree(home)).toEqual(['/a/', '/new.txt', '/z/']);
    const line = ctx.app
      .logs()
      .split('\n')
      .filter((l) => l.includes('"username":"ret-errors"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>)[0];
    expect(line).toMatchObject({
      level: 40,
      msg: 'retention check completed with errors',
      errors: 1,
      first_errors: [expect.stringMatching(/"\/remote"/)],
    });
  });

  it('lists the checks in progress, refuses a second check for the same user, and forgets finished ones', async () => {
    // Tracked quota: every deletion also updates the counter, so the check lasts a while.
    await newUser('ret-busy', { quota_files: 10_000 });
    manyOldFiles('ret-busy');
    await seedCounters('ret-busy');
    const folders: FolderRetention[] = [
      { path: '/', retention: 24, delete_empty_dirs: true },
      { path: '/d0', retention: 0 },
    ];
    const started = Date.now();
    const handle = await service().start('ret-busy', folders);
    await expect(service().start('ret-busy', [{ path: '/', retention: 1 }])).rejects.toMatchObject({
      status: 409,
      error: 'another retention check is already in progress for user "ret-busy"',
    });
    const listed = await checksOverHttp();
    expect(listed).toEqual({
      status: 200,
      body: [
        {
          username: 'ret-busy',
          folders: [
            { path: '/', retention: 24, delete_empty_dirs: true },
            { path: '/d0', retention: 0 },
          ],
          start_time: handle.check.start_time,
        },
      ],
    });
    expect(handle.check.start_time).toBeGreaterThanOrEqual(started);
    const result = await handle.result;
    expect(result).toMatchObject({ success: true, deletedFiles: 250, deletedDirs: 5 });
    expect(await checksOverHttp()).toEqual({ status: 200, body: [] });
    expect(tree(homeOf('ret-busy'))).toHaveLength(1 + 50);
    expect(await usedQuota('users', 'ret-busy')).toEqual({ files: 50, bytes: 50 });
    // Once finished, a new check for the same user starts.
    expect((await service().run('ret-busy', [{ path: '/', retention: 1 }])).deletedFiles).toBe(50);
  });

  it('refuses invalid rules with 400 and unknown users with 404', async () => {
    await newUser('ret-invalid');
    const refused = (folders: unknown) =>
      service()
        .start('ret-invalid', folders as FolderRetention[])
        .then(
          () => 'started',
          (err: { status: number; error: string }) => ({ status: err.status, error: err.error }),
        );
    expect(await refused([{ path: '/', retention: -1 }])).toEqual({
      status: 400,
      error: 'Validation error: invalid folder retention -1, it must be an integer greater or equal to zero',
    });
    expect(
      await refused([
        { path: '/a', retention: 1 },
        { path: '/b/../a', retention: 2 },
      ]),
    ).toEqual({ status: 400, error: 'Validation error: duplicated folder path "/a"' });
    expect(await refused([{ path: '/', retention: 0 }])).toEqual({
      status: 400,
      error: 'Validation error: nothing to delete!',
    });
    expect(await refused([{ path: '/a\u0001', retention: 1 }])).toMatchObject({ status: 400 });
    expect(await refused([{ path: '/', retention: 'x' }])).toMatchObject({ status: 400 });
    expect(
      await service()
        .start('no-such-user', [{ path: '/', retention: 1 }])
        .catch((e: unknown) => e),
    ).toMatchObject({ status: 404 });
    expect(await checksOverHttp()).toEqual({ status: 200, body: [] });
  });

  it('lets only super admins list checks; a role admin would see only its users', async () => {
    // Not a super admin: 403 (SFTPGo allows the route to `*` only); no credentials: 401.
    expect(
      (
        await adminApi('POST', '/admins', {
          username: 'ret-viewer',
          password: 'Viewer-Pa55!',
          status: 1,
          permissions: ['view_users', 'view_conns'],
        })
      ).status,
    ).toBe(201);
    const viewer = await ctx.app.token({ username: 'ret-viewer', password: 'Viewer-Pa55!' });
    expect(await checksOverHttp(viewer)).toEqual({ status: 403, body: { message: 'Forbidden' } });
    expect((await ctx.app.request('/api/v2/retention/users/checks')).status).toBe(401);

    // A role admin cannot be a super admin, so the role filter is reachable only through the service.
    expect((await adminApi('POST', '/roles', { name: 'ret-role' })).status).toBe(201);
    for (const [username, role] of [
      ['ret-in-role', 'ret-role'],
      ['ret-no-role', ''],
    ]) {
      await newUser(username, { role, quota_files: 10_000 });
      manyOldFiles(username, 4);
      await seedCounters(username);
    }
    const [inRole, noRole] = await Promise.all([
      service().start('ret-in-role', [{ path: '/', retention: 1 }]),
      service().start('ret-no-role', [{ path: '/', retention: 1 }]),
    ]);
    const principal = (role: string): Principal => ({
      kind: 'admin',
      username: 'someone',
      permissions: ['*'],
      role,
      authMethod: 'jwt',
    });
    expect(
      service()
        .list(principal('ret-role'))
        .map((c) => c.username),
    ).toEqual(['ret-in-role']);
    expect(service().list(principal('other-role'))).toEqual([]);
    // The two checks were started concurrently: the list order is theirs, not under test.
    expect(
      service()
        .list(principal(''))
        .map((c) => c.username)
        .sort(),
    ).toEqual(['ret-in-role', 'ret-no-role']);
    expect((await inRole.result).deletedFiles).toBe(200);
    expect((await noRole.result).deletedFiles).toBe(200);
  });
});
