import type { BaseUserFilters, PermissionMap } from '@app/common';
import { virtualFolderToWire, type VirtualFolderWire } from '@app/folders';
import type { SecretView } from '@app/kms';
import { type FilesystemConfigWire, filesystemToWire } from '@app/storage';
import type { GroupFolderMappingEntity } from './entities/group-folder-mapping.entity';
import type { GroupEntity, GroupUserSettings } from './entities/group.entity';
import type { GroupReferences } from './groups.repository';

/** `GroupUserSettings` as SFTPGo sends it (`home_dir`, `permissions`, `expires_in` omitted when empty). */
export interface GroupUserSettingsWire {
  home_dir?: string;
  max_sessions: number;
  quota_size: number;
  quota_files: number;
  permissions?: PermissionMap;
  upload_bandwidth: number;
  download_bandwidth: number;
  upload_data_transfer: number;
  download_data_transfer: number;
  total_data_transfer: number;
  expires_in?: number;
  filters: BaseUserFilters;
  filesystem: FilesystemConfigWire;
}

/** A group as SFTPGo sends it (`Group`). */
export interface GroupWire {
  id: number;
  name: string;
  description?: string;
  created_at: number;
  updated_at: number;
  user_settings: GroupUserSettingsWire;
  virtual_folders?: VirtualFolderWire[];
  users?: string[];
  admins?: string[];
}

const NO_HOOKS = { external_auth_disabled: false, pre_login_disabled: false, check_password_disabled: false };

/** Builds the wire JSON of a group's settings, in SFTPGo's key order; secrets as `view` shows them. */
export function groupUserSettingsToWire(
  settings: GroupUserSettings,
  view: SecretView = 'hidden',
): GroupUserSettingsWire {
  const permissions = settings.permissions ?? {};
  return {
    ...(settings.home_dir ? { home_dir: settings.home_dir } : {}),
    max_sessions: settings.max_sessions ?? 0,
    quota_size: settings.quota_size ?? 0,
    quota_files: settings.quota_files ?? 0,
    ...(Object.keys(permissions).length > 0 ? { permissions } : {}),
    upload_bandwidth: settings.upload_bandwidth ?? 0,
    download_bandwidth: settings.download_bandwidth ?? 0,
    upload_data_transfer: settings.upload_data_transfer ?? 0,
    download_data_transfer: settings.download_data_transfer ?? 0,
    total_data_transfer: settings.total_data_transfer ?? 0,
    ...(settings.expires_in ? { expires_in: settings.expires_in } : {}),
    // SFTPGo always serialises the hooks object.
    filters: { ...(settings.filters ?? {}), hooks: { ...NO_HOOKS, ...(settings.filters?.hooks ?? {}) } },
    filesystem: filesystemToWire(settings.filesystem ?? { provider: 0 }, view),
  };
}

/** Builds the wire JSON of a group; `virtual_folders`, `users`, `admins` omitted when empty. */
export function groupToWire(
  group: GroupEntity,
  mounts: GroupFolderMappingEntity[] = [],
  refs: GroupReferences = { users: [], admins: [] },
  view: SecretView = 'hidden',
): GroupWire {
  const wire: GroupWire = {
    id: group.id,
    name: group.name,
    ...(group.description ? { description: group.description } : {}),
    created_at: group.createdAt,
    updated_at: group.updatedAt,
    user_settings: groupUserSettingsToWire(group.userSettings ?? {}, view),
  };
  if (mounts.length > 0) wire.virtual_folders = mounts.map((mount) => virtualFolderToWire(mount, view));
  if (refs.users.length > 0) wire.users = refs.users;
  if (refs.admins.length > 0) wire.admins = refs.admins;
  return wire;
}
