import type { QuotaService, UserContext } from '@app/files';
import { ATOMIC_TEMP_PREFIX, type FilesystemConfig, FsProvider, UserVfs } from '@app/storage';
import type { EffectiveUser } from '@app/users';
import {
  existsSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { validateRetentionRules } from './retention-rules';
import { RetentionWalk } from './retention-walk';

const HOUR = 3_600_000;

describe('RetentionWalk', () => {
  let home: string;
  let removed: string[];
  // Only what the walk needs from the quota service: run the removal, remember the path.
  const quota = {
    removeFile: async (_user: unknown, path: { virtualPath: string }, remove: () => Promise<void>) => {
      removed.push(path.virtualPath);
      await remove();
    },
  } as unknown as QuotaService;

  const context = (): UserContext => {
    const user = {
      username: 'u',
      homeDir: home,
      filesystem: { provider: FsProvider.Local } as FilesystemConfig,
      virtualFolders: [],
    };
    return { user: user as unknown as EffectiveUser, vfs: new UserVfs(user) };
  };

  const aged = (rel: string, hours: number) => {
    const path = join(home, rel);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'x');
    const when = new Date(Date.now() - hours * HOUR);
    utimesSync(path, when, when);
  };

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'retention-walk-'));
    removed = [];
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('skips in-progress upload temp files and symlinks', async () => {
    aged(`/${ATOMIC_TEMP_PREFIX}x`, 48);
    aged('/old.txt', 48);
    aged('/target.txt', 0);
    symlinkSync(join(home, 'target.txt'), join(home, 'link'));
    const old = new Date(Date.now() - 48 * HOUR);
    lutimesSync(join(home, 'link'), old, old);
    const rules = validateRetentionRules([{ path: '/', retention: 1 }]);
    const [result] = await new RetentionWalk(context(), rules, quota, () => false).run();
    expect(removed).toEqual(['/old.txt']);
    expect(result).toMatchObject({ deletedFiles: 1, deletedSize: 1, errorCount: 0 });
    expect(existsSync(join(home, `${ATOMIC_TEMP_PREFIX}x`)) && existsSync(join(home, 'link'))).toBe(true);
  });

  it('reports a missing rule path without failing', async () => {
    const rules = validateRetentionRules([{ path: '/missing', retention: 1, delete_empty_dirs: true }]);
    const [result] = await new RetentionWalk(context(), rules, quota, () => false).run();
    expect(result).toMatchObject({ info: 'folder does not exist', errorCount: 0, deletedFiles: 0 });
  });

  it('stops at the next entry when told to (server shutting down)', async () => {
    for (let i = 0; i < 5; i++) aged(`/d${i}/old.txt`, 48);
    const rules = validateRetentionRules([{ path: '/', retention: 1 }]);
    const [result] = await new RetentionWalk(context(), rules, quota, () => removed.length >= 2).run();
    expect(removed).toHaveLength(2);
    expect(result.errorCount).toBeGreaterThan(0);
    expect(result.errors[0]).toMatch(/check stopped, the server is shutting down/);
    expect(existsSync(home)).toBe(true);
  });
});
