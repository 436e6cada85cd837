import type { GroupEntity } from './entities/group.entity';
import { groupToWire } from './groups.mapper';

function group(overrides: Partial<GroupEntity> = {}): GroupEntity {
  return {
    id: 3,
    name: 'g1',
    description: null,
    userSettings: {},
    folderMappings: [],
    createdAt: 1000,
    updatedAt: 2000,
    ...overrides,
  };
}

describe('groupToWire', () => {
  it('writes defaults for empty settings, in SFTPGo key order, without empty lists', () => {
    const wire = groupToWire(group());
    expect(Object.keys(wire)).toEqual(['id', 'name', 'created_at', 'updated_at', 'user_settings']);
    expect(wire.user_settings).toEqual({
      max_sessions: 0,
      quota_size: 0,
      quota_files: 0,
      upload_bandwidth: 0,
      download_bandwidth: 0,
      upload_data_transfer: 0,
      download_data_transfer: 0,
      total_data_transfer: 0,
      filters: {
        hooks: { external_auth_disabled: false, pre_login_disabled: false, check_password_disabled: false },
      },
      filesystem: expect.objectContaining({ provider: 0, s3config: {} }),
    });
  });

  it('includes home_dir, permissions, expires_in, back-references and hides secrets', () => {
    const secret = { status: 'AES-256-GCM', payload: 'p', key: 'k'.repeat(64), additional_data: 'group_g1' };
    const wire = groupToWire(
      group({
        description: 'd',
        userSettings: {
          home_dir: '/h',
          permissions: { '/': ['*'] },
          expires_in: 5,
          filesystem: { provider: 5, sftpconfig: { endpoint: 'h:22', password: secret } },
        },
      }),
      [],
      { users: ['u1'], admins: ['a1'] },
    );
    expect(wire).toMatchObject({ description: 'd', users: ['u1'], admins: ['a1'] });
    expect(wire.user_settings).toMatchObject({ home_dir: '/h', permissions: { '/': ['*'] }, expires_in: 5 });
    expect(JSON.stringify(wire)).not.toContain(secret.key);
    expect(JSON.stringify(wire)).not.toContain('group_g1');
  });
});
