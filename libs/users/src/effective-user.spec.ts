import { FsProvider } from '@app/storage';
import {
  effectiveUser,
  type EffectiveGroupInput,
  type EffectiveUserInput,
  type FolderMountLike,
} from './effective-user';
import { GroupType } from './entities/user-group-mapping.entity';

const CREATED_AT = 1_700_000_000_000;

function user(overrides: Partial<EffectiveUserInput> = {}): EffectiveUserInput {
  return {
    id: 1,
    username: 'alice',
    status: 1,
    expirationDate: 0,
    description: null,
    password: '$2a$10$hash',
    publicKeys: [],
    homeDir: '/home/alice',
    uid: 0,
    gid: 0,
    maxSessions: 0,
    quotaSize: 0,
    quotaFiles: 0,
    permissions: { '/': ['list'] },
    usedQuotaSize: 0,
    usedQuotaFiles: 0,
    lastQuotaUpdate: 0,
    uploadBandwidth: 0,
    downloadBandwidth: 0,
    uploadDataTransfer: 0,
    downloadDataTransfer: 0,
    totalDataTransfer: 0,
    usedUploadDataTransfer: 0,
    usedDownloadDataTransfer: 0,
    lastLogin: 0,
    firstDownload: 0,
    firstUpload: 0,
    lastPasswordChange: 0,
    filters: {},
    filesystem: { provider: FsProvider.Local },
    additionalInfo: null,
    email: null,
    role: { name: 'sales' },
    folderMappings: [],
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
    ...overrides,
  };
}

function mount(name: string, virtualPath: string, extra: Partial<FolderMountLike> = {}): FolderMountLike {
  return {
    virtualPath,
    quotaSize: 0,
    quotaFiles: 0,
    subpath: null,
    folder: {
      id: name.length,
      name,
      description: null,
      mappedPath: `/srv/${name}`,
      usedQuotaSize: 10,
      usedQuotaFiles: 1,
      lastQuotaUpdate: 5,
      filesystem: { provider: FsProvider.Local },
    },
    ...extra,
  };
}

function group(
  type: GroupType,
  name: string,
  userSettings: EffectiveGroupInput['group']['userSettings'],
  folderMappings: FolderMountLike[] = [],
): EffectiveGroupInput {
  return { type, group: { name, userSettings, folderMappings } };
}

describe('effectiveUser', () => {
  it('without groups returns the stored user with its role name and its own folders', () => {
    const input = user({ folderMappings: [mount('docs', '/docs', { quotaSize: -1, quotaFiles: -1 })] });
    const out = effectiveUser(input, []);
    expect(out.role).toBe('sales');
    expect(out.homeDir).toBe('/home/alice');
    expect(out.permissions).toEqual({ '/': ['list'] });
    expect(out.groups).toEqual([]);
    expect(out.virtualFolders).toEqual([
      {
        id: 4,
        name: 'docs',
        description: null,
        mappedPath: '/srv/docs',
        usedQuotaSize: 10,
        usedQuotaFiles: 1,
        lastQuotaUpdate: 5,
        filesystem: { provider: FsProvider.Local },
        virtualPath: '/docs',
        quotaSize: -1,
        quotaFiles: -1,
        subpath: null,
      },
    ]);
    expect('folderMappings' in out).toBe(false);
  });

  it('does not modify its inputs', () => {
    const input = user();
    const groups = [
      group(GroupType.Primary, 'g', {
        home_dir: '/groups/%username%',
        permissions: { '/': ['*'], '/x': ['list'] },
        filters: { allowed_ip: ['10.0.0.0/8'], hooks: { pre_login_disabled: true } },
      }),
    ];
    const before = JSON.stringify([input, groups]);
    effectiveUser(input, groups);
    expect(JSON.stringify([input, groups])).toBe(before);
  });

  describe('primary group', () => {
    it('overrides home_dir (with placeholders), filesystem and the root permissions', () => {
      const fs = {
        provider: FsProvider.S3,
        s3config: { bucket: 'b', region: 'r', key_prefix: 'tenants/%role%/%username%/' },
      };
      const out = effectiveUser(user({ permissions: { '/': ['list'], '/own': ['upload'] } }), [
        group(GroupType.Primary, 'g', {
          home_dir: '/data/%role%/%username%',
          filesystem: fs,
          permissions: { '/': ['*'], '/own': ['delete'], '/shared': ['download'] },
        }),
      ]);
      expect(out.homeDir).toBe('/data/sales/alice');
      expect(out.filesystem).toEqual({
        provider: FsProvider.S3,
        s3config: { bucket: 'b', region: 'r', key_prefix: 'tenants/sales/alice/' },
      });
      // `/` replaced, the user's own sub-dir kept, the group's new sub-dir added.
      expect(out.permissions).toEqual({ '/': ['*'], '/own': ['upload'], '/shared': ['download'] });
      expect(out.groups).toEqual([{ name: 'g', type: GroupType.Primary }]);
    });

    it('keeps the user home and filesystem when the group sets none; a local group fs fills OS buffers', () => {
      const out = effectiveUser(
        user({ filesystem: { provider: FsProvider.Local, osconfig: { read_buffer_size: 2 } } }),
        [
          group(GroupType.Primary, 'g', {
            filesystem: {
              provider: FsProvider.Local,
              osconfig: { read_buffer_size: 5, write_buffer_size: 3 },
            },
          }),
        ],
      );
      expect(out.homeDir).toBe('/home/alice');
      expect(out.filesystem).toEqual({
        provider: FsProvider.Local,
        osconfig: { read_buffer_size: 2, write_buffer_size: 3 },
      });
      expect(out.permissions).toEqual({ '/': ['list'] });
    });

    it('fills limits only where the user has 0, and transfer limits only as a set', () => {
      const settings = {
        max_sessions: 4,
        quota_size: 1000,
        quota_files: 10,
        upload_bandwidth: 50,
        download_bandwidth: 60,
        upload_data_transfer: 7,
        download_data_transfer: 8,
        total_data_transfer: 0,
        expires_in: 2,
      };
      const fresh = effectiveUser(user(), [group(GroupType.Primary, 'g', settings)]);
      expect(fresh).toMatchObject({
        maxSessions: 4,
        quotaSize: 1000,
        quotaFiles: 10,
        uploadBandwidth: 50,
        downloadBandwidth: 60,
        uploadDataTransfer: 7,
        downloadDataTransfer: 8,
        totalDataTransfer: 0,
        expirationDate: CREATED_AT + 2 * 86_400_000,
      });
      const own = effectiveUser(
        user({ maxSessions: 1, quotaSize: 5, quotaFiles: 0, totalDataTransfer: 100, expirationDate: 42 }),
        [group(GroupType.Primary, 'g', settings)],
      );
      expect(own).toMatchObject({
        maxSessions: 1,
        quotaSize: 5,
        quotaFiles: 10,
        uploadDataTransfer: 0,
        downloadDataTransfer: 0,
        totalDataTransfer: 100,
        expirationDate: 42,
      });
    });

    it('fills unset scalar filters and keeps the set ones', () => {
      const out = effectiveUser(
        user({
          filters: {
            max_upload_file_size: 0,
            tls_username: 'None',
            hooks: { external_auth_disabled: true },
            start_directory: '',
            password_strength: 30,
          },
        }),
        [
          group(GroupType.Primary, 'g', {
            filters: {
              max_upload_file_size: 100,
              tls_username: 'CommonName',
              hooks: { pre_login_disabled: true },
              disable_fs_checks: true,
              allow_api_key_auth: true,
              external_auth_cache_time: 60,
              ftp_security: 1,
              start_directory: '/in/%username%',
              default_shares_expiration: 3,
              max_shares_expiration: 9,
              password_expiration: 30,
              password_strength: 60,
            },
          }),
        ],
      );
      expect(out.filters).toEqual({
        max_upload_file_size: 100,
        tls_username: 'CommonName',
        hooks: { external_auth_disabled: true, pre_login_disabled: true, check_password_disabled: false },
        disable_fs_checks: true,
        allow_api_key_auth: true,
        is_anonymous: false,
        external_auth_cache_time: 60,
        ftp_security: 1,
        start_directory: '/in/alice',
        default_shares_expiration: 3,
        max_shares_expiration: 9,
        password_expiration: 30,
        password_strength: 30,
      });
    });

    it('may mount a folder at `/`; folder paths, subpaths and fs prefixes take placeholders', () => {
      const sftpFolder = mount('remote', '/%username%/remote', { subpath: '/users/%username%' });
      sftpFolder.folder.filesystem = {
        provider: FsProvider.SFTP,
        sftpconfig: { endpoint: 'h:22', username: '%username%', prefix: '/%role%' },
      };
      const out = effectiveUser(user({ folderMappings: [mount('mine', '/docs')] }), [
        group(GroupType.Primary, 'g', {}, [mount('root', '/'), mount('other', '/docs'), sftpFolder]),
      ]);
      expect(out.virtualFolders.map((f) => [f.name, f.virtualPath, f.subpath])).toEqual([
        ['mine', '/docs', null],
        ['root', '/', null],
        ['remote', '/alice/remote', '/users/alice'],
      ]);
      expect(out.virtualFolders[2].filesystem.sftpconfig).toEqual({
        endpoint: 'h:22',
        username: 'alice',
        prefix: '/sales',
      });
    });
  });

  describe('secondary groups', () => {
    it('add permissions for other paths but never touch `/`, and add folders except at `/`', () => {
      const out = effectiveUser(user({ permissions: { '/': ['list'], '/a': ['upload'] } }), [
        group(
          GroupType.Secondary,
          's',
          {
            home_dir: '/ignored',
            quota_size: 99,
            filesystem: { provider: FsProvider.S3, s3config: { bucket: 'x' } },
            permissions: { '/': ['*'], '/a': ['*'], '/%username%/b': ['download'] },
          },
          [mount('root', '/'), mount('extra', '/extra')],
        ),
      ]);
      expect(out.homeDir).toBe('/home/alice');
      expect(out.quotaSize).toBe(0);
      expect(out.filesystem.provider).toBe(FsProvider.Local);
      expect(out.permissions).toEqual({ '/': ['list'], '/a': ['upload'], '/alice/b': ['download'] });
      expect(out.virtualFolders.map((f) => f.virtualPath)).toEqual(['/extra']);
    });

    it('append list filters, de-duplicated, and file patterns for new paths (not `/`)', () => {
      const out = effectiveUser(
        user({
          filters: {
            allowed_ip: ['10.0.0.0/8'],
            denied_protocols: ['FTP'],
            file_patterns: [{ path: '/a', denied_patterns: ['*.exe'] }],
          },
        }),
        [
          group(GroupType.Primary, 'p', {
            filters: {
              allowed_ip: ['10.0.0.0/8', '192.168.0.0/16'],
              web_client: ['shares-disabled'],
              file_patterns: [{ path: '/', allowed_patterns: ['*.txt'] }],
            },
          }),
          group(GroupType.Secondary, 's', {
            filters: {
              allowed_ip: ['192.168.0.0/16', '172.16.0.0/12'],
              denied_ip: ['10.1.0.0/16'],
              denied_protocols: ['FTP', 'DAV'],
              denied_login_methods: ['publickey'],
              web_client: ['shares-disabled', 'write-disabled'],
              two_factor_protocols: ['SSH'],
              bandwidth_limits: [{ sources: ['10.0.0.0/8'], upload_bandwidth: 1 }],
              access_time: [{ day_of_week: 1, from: '08:00', to: '18:00' }],
              file_patterns: [
                { path: '/', denied_patterns: ['*'] },
                { path: '/a', allowed_patterns: ['*'] },
                { path: '/b', denied_patterns: ['*.zip'] },
              ],
            },
          }),
        ],
      );
      expect(out.filters.allowed_ip).toEqual(['10.0.0.0/8', '192.168.0.0/16', '172.16.0.0/12']);
      expect(out.filters.denied_ip).toEqual(['10.1.0.0/16']);
      expect(out.filters.denied_protocols).toEqual(['FTP', 'DAV']);
      expect(out.filters.denied_login_methods).toEqual(['publickey']);
      expect(out.filters.web_client).toEqual(['shares-disabled', 'write-disabled']);
      expect(out.filters.two_factor_protocols).toEqual(['SSH']);
      expect(out.filters.bandwidth_limits).toEqual([{ sources: ['10.0.0.0/8'], upload_bandwidth: 1 }]);
      expect(out.filters.access_time).toEqual([{ day_of_week: 1, from: '08:00', to: '18:00' }]);
      expect(out.filters.file_patterns).toEqual([
        { path: '/a', denied_patterns: ['*.exe'] },
        { path: '/', allowed_patterns: ['*.txt'] },
        { path: '/b', denied_patterns: ['*.zip'] },
      ]);
    });

    it('do not fill scalar settings or filters', () => {
      const out = effectiveUser(user(), [
        group(GroupType.Secondary, 's', { max_sessions: 3, filters: { max_upload_file_size: 9 } }),
      ]);
      expect(out.maxSessions).toBe(0);
      expect(out.filters.max_upload_file_size).toBeUndefined();
    });
  });

  it('membership groups give nothing but are listed', () => {
    const input = user();
    const out = effectiveUser(input, [
      group(
        GroupType.Membership,
        'm',
        {
          home_dir: '/m',
          permissions: { '/': ['*'], '/m': ['list'] },
          filters: { allowed_ip: ['1.2.3.0/24'] },
        },
        [mount('mf', '/mf')],
      ),
    ]);
    expect(out.homeDir).toBe('/home/alice');
    expect(out.permissions).toEqual({ '/': ['list'] });
    expect(out.virtualFolders).toEqual([]);
    expect(out.filters).toEqual({});
    expect(out.groups).toEqual([{ name: 'm', type: GroupType.Membership }]);
  });

  it('merges the primary group first whatever the order, then the secondary ones', () => {
    const out = effectiveUser(user({ permissions: { '/': ['list'] } }), [
      group(GroupType.Secondary, 's', { permissions: { '/x': ['upload'] } }, [mount('s', '/shared')]),
      group(GroupType.Primary, 'p', { permissions: { '/': ['*'], '/x': ['download'] } }, [
        mount('p', '/shared'),
      ]),
    ]);
    expect(out.permissions).toEqual({ '/': ['*'], '/x': ['download'] });
    expect(out.virtualFolders.map((f) => f.name)).toEqual(['p']);
  });

  it('treats a user without a role as role "" in placeholders', () => {
    const out = effectiveUser(user({ role: null }), [
      group(GroupType.Primary, 'p', { home_dir: '/r/%role%/%username%' }),
    ]);
    expect(out.role).toBe('');
    expect(out.homeDir).toBe('/r//alice');
  });
});
