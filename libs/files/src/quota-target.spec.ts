import type { EffectiveVirtualFolder } from '@app/users';
import {
  hasTransferLimits,
  MB,
  quotaCounterFor,
  type QuotaUser,
  remainingTransfer,
  transferLimitsOf,
} from './quota-target';
import { TransferRegistry } from './transfer-registry';

function folder(
  id: number,
  virtualPath: string,
  quotaSize: number,
  quotaFiles: number,
): EffectiveVirtualFolder {
  return {
    id,
    name: `f${id}`,
    description: null,
    mappedPath: `/srv/f${id}`,
    usedQuotaSize: 0,
    usedQuotaFiles: 0,
    lastQuotaUpdate: 0,
    filesystem: { provider: 0 },
    virtualPath,
    quotaSize,
    quotaFiles,
    subpath: null,
  };
}

const user = (extra: Partial<QuotaUser> = {}): QuotaUser => ({
  id: 7,
  quotaSize: 1000,
  quotaFiles: 10,
  virtualFolders: [folder(1, '/own', 500, 5), folder(2, '/shared', -1, -1), folder(3, '/free/', 0, 0)],
  ...extra,
});

describe('quotaCounterFor', () => {
  it('charges the home to the user, tracked only with quota restrictions', () => {
    expect(quotaCounterFor(user(), { virtualPath: '/' }, 2)).toEqual({
      kind: 'user',
      id: 7,
      key: 'user:7',
      limits: { quotaSize: 1000, quotaFiles: 10 },
      tracked: true,
    });
    const unlimited = quotaCounterFor(user({ quotaSize: 0, quotaFiles: 0 }), { virtualPath: '/' }, 2);
    expect(unlimited.tracked).toBe(false);
  });

  it('charges a folder with its own quota to the folder, with the mount limits', () => {
    expect(quotaCounterFor(user(), { virtualPath: '/own', folderName: 'f1' }, 2)).toEqual({
      kind: 'folder',
      id: 1,
      name: 'f1',
      key: 'folder:1',
      limits: { quotaSize: 500, quotaFiles: 5 },
      tracked: true,
    });
  });

  it('charges a -1 mount to the user, and an unlimited (0) mount to the folder, always tracked', () => {
    expect(quotaCounterFor(user(), { virtualPath: '/shared', folderName: 'f2' }, 2).key).toBe('user:7');
    const free = quotaCounterFor(
      user({ quotaSize: 0, quotaFiles: 0 }),
      {
        virtualPath: '/free',
        folderName: 'f3',
      },
      2,
    );
    expect(free).toMatchObject({ key: 'folder:3', limits: { quotaSize: 0, quotaFiles: 0 }, tracked: true });
  });

  it('follows track_quota: 0 tracks nothing, 1 always tracks users, 2 users with limits only', () => {
    const free = user({ quotaSize: 0, quotaFiles: 0 });
    expect(quotaCounterFor(free, { virtualPath: '/' }, 1).tracked).toBe(true);
    expect(quotaCounterFor(free, { virtualPath: '/' }, 2).tracked).toBe(false);
    expect(quotaCounterFor(user(), { virtualPath: '/' }, 0).tracked).toBe(false);
    expect(quotaCounterFor(user(), { virtualPath: '/own', folderName: 'f1' }, 0).tracked).toBe(false);
    expect(quotaCounterFor(free, { virtualPath: '/own', folderName: 'f1' }, 1).tracked).toBe(true);
  });

  it('falls back to the user for a mount it cannot find', () => {
    expect(quotaCounterFor(user(), { virtualPath: '/gone', folderName: 'x' }, 2).key).toBe('user:7');
  });
});

describe('transfer limits', () => {
  it('converts MB to bytes and lets the total supersede the per-direction limits', () => {
    expect(
      transferLimitsOf({ uploadDataTransfer: 2, downloadDataTransfer: 3, totalDataTransfer: 0 }),
    ).toEqual({ upload: 2 * MB, download: 3 * MB, total: 0 });
    expect(
      transferLimitsOf({ uploadDataTransfer: 2, downloadDataTransfer: 3, totalDataTransfer: 4 }),
    ).toEqual({ upload: 0, download: 0, total: 4 * MB });
    expect(
      hasTransferLimits(
        transferLimitsOf({ uploadDataTransfer: 0, downloadDataTransfer: 0, totalDataTransfer: 0 }),
      ),
    ).toBe(false);
  });

  it('computes the remaining allowance per direction', () => {
    const perDirection = { upload: 100, download: 0, total: 0 };
    expect(remainingTransfer(perDirection, { upload: 40, download: 999 }, 'upload')).toBe(60);
    expect(remainingTransfer(perDirection, { upload: 40, download: 999 }, 'download')).toBe(Infinity);
    const total = { upload: 0, download: 0, total: 100 };
    expect(remainingTransfer(total, { upload: 40, download: 60 }, 'download')).toBe(0);
  });
});

describe('TransferRegistry', () => {
  it('registers, lists, counts live bytes and enforces max_sessions with 429', () => {
    const registry = new TransferRegistry();
    const a = registry.register({ username: 'u', virtualPath: '/a', direction: 'upload', maxSessions: 2 });
    registry.register({ username: 'u', virtualPath: '/b', direction: 'download', maxSessions: 2 });
    a.add(5);
    expect(registry.listFor('u').map((t) => [t.virtualPath, t.direction, t.bytes])).toEqual([
      ['/a', 'upload', 5],
      ['/b', 'download', 0],
    ]);
    expect(() =>
      registry.register({ username: 'u', virtualPath: '/c', direction: 'upload', maxSessions: 2 }),
    ).toThrow(expect.objectContaining({ status: 429, error: 'too many open sessions: 2/2' }));
    registry.register({ username: 'other', virtualPath: '/c', direction: 'upload', maxSessions: 1 });
    a.close();
    a.close();
    expect(registry.countFor('u')).toBe(1);
    expect(registry.list()).toHaveLength(2);
  });

  it('aborts a transfer through its owner callback', () => {
    const registry = new TransferRegistry();
    const reasons: string[] = [];
    const handle = registry.register({
      username: 'u',
      virtualPath: '/a',
      direction: 'upload',
      onAbort: (reason) => reasons.push(reason.message),
    });
    expect(registry.abort(handle.id)).toBe(true);
    expect(registry.abort('nope')).toBe(false);
    expect(reasons).toEqual(['transfer aborted']);
  });
});
