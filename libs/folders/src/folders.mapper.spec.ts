import type { FolderEntity } from './entities/folder.entity';
import { folderToWire, virtualFolderToWire } from './folders.mapper';

function folder(overrides: Partial<FolderEntity> = {}): FolderEntity {
  return {
    id: 7,
    name: 'f1',
    description: null,
    mappedPath: '/data/f1',
    usedQuotaSize: 123,
    usedQuotaFiles: 2,
    lastQuotaUpdate: 456,
    filesystem: { provider: 0 },
    ...overrides,
  };
}

const SECRET = {
  status: 'AES-256-GCM',
  payload: 'abcd',
  key: 'k'.repeat(64),
  additional_data: 'folder_f1',
  mode: 1,
};

describe('folders mapper', () => {
  it('writes a folder in SFTPGo key order, omitting empty optional fields and back-references', () => {
    const wire = folderToWire(folder());
    expect(Object.keys(wire)).toEqual([
      'id',
      'name',
      'mapped_path',
      'used_quota_size',
      'used_quota_files',
      'last_quota_update',
      'filesystem',
    ]);
    const withRefs = folderToWire(folder({ description: 'd' }), { users: ['u1'], groups: ['g1'] });
    expect(withRefs).toMatchObject({ description: 'd', users: ['u1'], groups: ['g1'] });
  });

  it('hides secrets: status and payload only, every sub-config present', () => {
    const fs = folderToWire(
      folder({
        filesystem: {
          provider: 1,
          s3config: { bucket: 'b', access_key: 'ak', access_secret: SECRET, sse_customer_key: {} },
        },
      }),
    ).filesystem;
    expect(fs).toEqual({
      provider: 1,
      osconfig: {},
      s3config: { bucket: 'b', access_key: 'ak', access_secret: { status: 'AES-256-GCM', payload: 'abcd' } },
      gcsconfig: {},
      azblobconfig: {},
      cryptconfig: {},
      sftpconfig: {},
      httpconfig: {},
    });
  });

  it('joins the folder fields with the mount fields, subpath only when set', () => {
    const wire = virtualFolderToWire({
      folder: folder({ filesystem: { provider: 4, cryptconfig: { passphrase: SECRET } } }),
      virtualPath: '/vdir',
      quotaSize: -1,
      quotaFiles: -1,
      subpath: null,
    });
    expect(wire).toMatchObject({ id: 7, name: 'f1', virtual_path: '/vdir', quota_size: -1, quota_files: -1 });
    expect(wire).not.toHaveProperty('subpath');
    expect(JSON.stringify(wire)).not.toContain(SECRET.key);
    const sub = virtualFolderToWire(
      {
        folder: folder({ filesystem: { provider: 4, cryptconfig: { passphrase: SECRET } } }),
        virtualPath: '/v',
        quotaSize: 0,
        quotaFiles: 0,
        subpath: '/in',
      },
      'confidential',
    );
    expect(sub).toMatchObject({ subpath: '/in', filesystem: { cryptconfig: { passphrase: SECRET } } });
  });
});
