import type { BaseUserFilters, PatternsFilter, PermissionMap, UserFilters } from '@app/common';
import type { FolderEntity } from '@app/folders';
import type { GroupUserSettings } from '@app/groups';
import { defaultFilesystem, type FilesystemConfig, FsProvider } from '@app/storage';
import type { UserEntity } from './entities/user.entity';
import { GroupType } from './entities/user-group-mapping.entity';

const DAY_MS = 86_400_000;

/** A virtual folder mount as the effective user sees it: the folder's own fields joined with the mount's. */
export interface EffectiveVirtualFolder {
  id: number;
  name: string;
  description: string | null;
  mappedPath: string | null;
  usedQuotaSize: number;
  usedQuotaFiles: number;
  lastQuotaUpdate: number;
  /** Secrets inside are still encrypted. */
  filesystem: FilesystemConfig;
  virtualPath: string;
  /** 0 unlimited, -1 counted in the user's quota. */
  quotaSize: number;
  quotaFiles: number;
  subpath: string | null;
}

/** A mount of a folder on a user or group, with the folder loaded (what the mapping entities hold). */
export interface FolderMountLike {
  virtualPath: string;
  quotaSize: number;
  quotaFiles: number;
  subpath: string | null;
  folder: Pick<
    FolderEntity,
    | 'id'
    | 'name'
    | 'description'
    | 'mappedPath'
    | 'usedQuotaSize'
    | 'usedQuotaFiles'
    | 'lastQuotaUpdate'
    | 'filesystem'
  >;
}

/** The user fields the merge reads: a stored user, its role and its own folder mounts. */
export type EffectiveUserInput = Omit<UserEntity, 'role' | 'roleId' | 'folderMappings' | 'groupMappings'> & {
  role?: { name: string } | null;
  folderMappings?: FolderMountLike[];
};

/** A group the user belongs to, with the group's settings and folder mounts. */
export interface EffectiveGroupInput {
  type: GroupType;
  group: { name: string; userSettings: GroupUserSettings | null; folderMappings?: FolderMountLike[] };
}

/**
 * The user the file API works with: the stored user merged with its primary and secondary groups
 * (home, filesystem, limits, permissions, virtual folders, filters), as SFTPGo does at login.
 */
export type EffectiveUser = Omit<EffectiveUserInput, 'role' | 'folderMappings'> & {
  /** Role name, "" when none. */
  role: string;
  virtualFolders: EffectiveVirtualFolder[];
  groups: { name: string; type: GroupType }[];
};

/**
 * Merges a user with its groups, following SFTPGo's `applyGroupSettings` (user.go): the primary group
 * first (overrides and fills), then the secondary groups (additive only); membership groups give nothing.
 * Pure: the inputs are not modified.
 */
export function effectiveUser(user: EffectiveUserInput, groups: EffectiveGroupInput[]): EffectiveUser {
  const { role, folderMappings, ...own } = structuredClone(user);
  const roleName = role?.name ?? '';
  const out: EffectiveUser = {
    ...own,
    role: roleName,
    permissions: own.permissions ?? {},
    filters: own.filters ?? {},
    filesystem: own.filesystem ?? defaultFilesystem(),
    virtualFolders: (folderMappings ?? []).map((mount) => toEffectiveFolder(mount)),
    groups: groups.map((g) => ({ name: g.group.name, type: g.type })),
  };
  const replace = placeholderReplacer(out.username, roleName);
  const primary = groups.find((g) => g.type === GroupType.Primary);
  if (primary) mergePrimary(out, structuredClone(primary.group), replace);
  for (const g of groups) {
    if (g.type === GroupType.Secondary)
      mergeAdditive(out, structuredClone(g.group), GroupType.Secondary, replace);
  }
  if (groups.some((g) => g.type !== GroupType.Membership)) removeDuplicatesAfterMerge(out.filters);
  return out;
}

type Replacer = (value: string) => string;

/** `%username%` and `%role%` in group-provided paths. */
function placeholderReplacer(username: string, role: string): Replacer {
  return (value) => (value ? value.replaceAll('%username%', username).replaceAll('%role%', role) : value);
}

function toEffectiveFolder(mount: FolderMountLike, replace?: Replacer): EffectiveVirtualFolder {
  const r = replace ?? ((v: string) => v);
  const { folder } = mount;
  return {
    id: folder.id,
    name: folder.name,
    description: folder.description,
    mappedPath: folder.mappedPath === null ? null : r(folder.mappedPath),
    usedQuotaSize: folder.usedQuotaSize,
    usedQuotaFiles: folder.usedQuotaFiles,
    lastQuotaUpdate: folder.lastQuotaUpdate,
    filesystem: replaceFsPlaceholders(structuredClone(folder.filesystem ?? defaultFilesystem()), r),
    virtualPath: r(mount.virtualPath),
    quotaSize: mount.quotaSize,
    quotaFiles: mount.quotaFiles,
    subpath: mount.subpath === null ? null : r(mount.subpath),
  };
}

/** Placeholders are honoured in the per-user parts of a shared filesystem config (SFTPGo's list). */
function replaceFsPlaceholders(fs: FilesystemConfig, replace: Replacer): FilesystemConfig {
  switch (fs.provider) {
    case FsProvider.S3:
      if (fs.s3config?.key_prefix) fs.s3config.key_prefix = replace(fs.s3config.key_prefix);
      break;
    case FsProvider.GCS:
      if (fs.gcsconfig?.key_prefix) fs.gcsconfig.key_prefix = replace(fs.gcsconfig.key_prefix);
      break;
    case FsProvider.AzureBlob:
      if (fs.azblobconfig?.key_prefix) fs.azblobconfig.key_prefix = replace(fs.azblobconfig.key_prefix);
      break;
    case FsProvider.SFTP:
      if (fs.sftpconfig?.username) fs.sftpconfig.username = replace(fs.sftpconfig.username);
      if (fs.sftpconfig?.prefix) fs.sftpconfig.prefix = replace(fs.sftpconfig.prefix);
      break;
    case FsProvider.HTTP:
      if (fs.httpconfig?.username) fs.httpconfig.username = replace(fs.httpconfig.username);
      break;
    default:
      break;
  }
  return fs;
}

function mergePrimary(user: EffectiveUser, group: EffectiveGroupInput['group'], replace: Replacer): void {
  const settings = group.userSettings ?? {};
  if (settings.home_dir) user.homeDir = replace(settings.home_dir);
  const groupFs = settings.filesystem;
  if (groupFs && groupFs.provider !== FsProvider.Local) {
    user.filesystem = replaceFsPlaceholders(groupFs, replace);
  } else if (groupFs?.osconfig) {
    // A local group filesystem only fills the user's unset OS buffer sizes.
    const os = (user.filesystem.osconfig ??= {});
    if (!os.read_buffer_size) os.read_buffer_size = groupFs.osconfig.read_buffer_size;
    if (!os.write_buffer_size) os.write_buffer_size = groupFs.osconfig.write_buffer_size;
  }
  if (user.maxSessions === 0) user.maxSessions = settings.max_sessions ?? 0;
  if (user.quotaSize === 0) user.quotaSize = settings.quota_size ?? 0;
  if (user.quotaFiles === 0) user.quotaFiles = settings.quota_files ?? 0;
  if (user.uploadBandwidth === 0) user.uploadBandwidth = settings.upload_bandwidth ?? 0;
  if (user.downloadBandwidth === 0) user.downloadBandwidth = settings.download_bandwidth ?? 0;
  // Transfer limits come as a set: the group's only when the user has none of its own.
  if (user.uploadDataTransfer <= 0 && user.downloadDataTransfer <= 0 && user.totalDataTransfer <= 0) {
    user.uploadDataTransfer = settings.upload_data_transfer ?? 0;
    user.downloadDataTransfer = settings.download_data_transfer ?? 0;
    user.totalDataTransfer = settings.total_data_transfer ?? 0;
  }
  if (user.expirationDate === 0 && (settings.expires_in ?? 0) > 0) {
    user.expirationDate = user.createdAt + (settings.expires_in ?? 0) * DAY_MS;
  }
  mergePrimaryFilters(user.filters, settings.filters ?? {}, replace);
  mergeAdditive(user, group, GroupType.Primary, replace);
}

/** Scalar filters the primary group fills when the user's are unset. */
function mergePrimaryFilters(filters: UserFilters, from: BaseUserFilters, replace: Replacer): void {
  if (!filters.max_upload_file_size) filters.max_upload_file_size = from.max_upload_file_size;
  // TLS verification counts as enabled only with a real attribute (not "" nor "None").
  if (!filters.tls_username || filters.tls_username === 'None') filters.tls_username = from.tls_username;
  const hooks = (filters.hooks ??= {});
  const groupHooks = from.hooks ?? {};
  hooks.check_password_disabled ||= groupHooks.check_password_disabled ?? false;
  hooks.pre_login_disabled ||= groupHooks.pre_login_disabled ?? false;
  hooks.external_auth_disabled ||= groupHooks.external_auth_disabled ?? false;
  filters.disable_fs_checks ||= from.disable_fs_checks ?? false;
  filters.allow_api_key_auth ||= from.allow_api_key_auth ?? false;
  filters.is_anonymous ||= from.is_anonymous ?? false;
  if (!filters.external_auth_cache_time) filters.external_auth_cache_time = from.external_auth_cache_time;
  if (!filters.ftp_security) filters.ftp_security = from.ftp_security;
  if (!filters.start_directory && from.start_directory)
    filters.start_directory = replace(from.start_directory);
  if (!filters.default_shares_expiration) filters.default_shares_expiration = from.default_shares_expiration;
  if (!filters.max_shares_expiration) filters.max_shares_expiration = from.max_shares_expiration;
  if (!filters.password_expiration) filters.password_expiration = from.password_expiration;
  if (!filters.password_strength) filters.password_strength = from.password_strength;
  dropUndefined(filters);
}

/** What primary and secondary groups both add: folders, permissions, patterns and list filters. */
function mergeAdditive(
  user: EffectiveUser,
  group: EffectiveGroupInput['group'],
  type: GroupType,
  replace: Replacer,
): void {
  const settings = group.userSettings ?? {};
  const isPrimary = type === GroupType.Primary;

  const mounted = new Set(user.virtualFolders.map((f) => f.virtualPath));
  for (const mount of group.folderMappings ?? []) {
    // Only the primary group may mount a folder over the whole tree.
    if (mount.virtualPath === '/' && !isPrimary) continue;
    const folder = toEffectiveFolder(mount, replace);
    if (mounted.has(folder.virtualPath)) continue;
    mounted.add(folder.virtualPath);
    user.virtualFolders.push(folder);
  }

  mergePermissions(user.permissions, settings.permissions ?? {}, isPrimary, replace);

  const filters = user.filters;
  const from = settings.filters ?? {};
  mergeFilePatterns(filters, from.file_patterns ?? [], isPrimary, replace);
  appendList(filters, 'bandwidth_limits', from.bandwidth_limits);
  appendList(filters, 'allowed_ip', from.allowed_ip);
  appendList(filters, 'denied_ip', from.denied_ip);
  appendList(filters, 'denied_login_methods', from.denied_login_methods);
  appendList(filters, 'denied_protocols', from.denied_protocols);
  appendList(filters, 'web_client', from.web_client);
  appendList(filters, 'two_factor_protocols', from.two_factor_protocols);
  appendList(filters, 'access_time', from.access_time);
}

function mergePermissions(
  permissions: PermissionMap,
  from: PermissionMap,
  isPrimary: boolean,
  replace: Replacer,
): void {
  for (const [rawKey, perms] of Object.entries(from)) {
    if (rawKey === '/') {
      // The primary group's root permissions replace the user's; secondary groups cannot touch `/`.
      if (isPrimary) permissions['/'] = [...perms];
      continue;
    }
    const key = replace(rawKey);
    if (!(key in permissions)) permissions[key] = [...perms];
  }
}

function mergeFilePatterns(
  filters: UserFilters,
  from: PatternsFilter[],
  isPrimary: boolean,
  replace: Replacer,
): void {
  if (from.length === 0) return;
  const paths = new Set((filters.file_patterns ?? []).map((p) => p.path));
  for (const pattern of from) {
    if (pattern.path === '/' && !isPrimary) continue;
    const path = replace(pattern.path);
    if (paths.has(path)) continue;
    paths.add(path);
    (filters.file_patterns ??= []).push({ ...pattern, path });
  }
}

type ListFilterKey =
  | 'bandwidth_limits'
  | 'allowed_ip'
  | 'denied_ip'
  | 'denied_login_methods'
  | 'denied_protocols'
  | 'web_client'
  | 'two_factor_protocols'
  | 'access_time';

function appendList<K extends ListFilterKey>(filters: UserFilters, key: K, values: UserFilters[K]): void {
  if (!values || values.length === 0) return;
  filters[key] = [...(filters[key] ?? []), ...values] as UserFilters[K];
}

/** SFTPGo de-duplicates these string lists after merging (bandwidth limits and access times are kept). */
function removeDuplicatesAfterMerge(filters: UserFilters): void {
  for (const key of [
    'allowed_ip',
    'denied_ip',
    'denied_login_methods',
    'denied_protocols',
    'web_client',
    'two_factor_protocols',
  ] as const) {
    const list = filters[key];
    if (list) filters[key] = [...new Set(list)];
  }
}

function dropUndefined(target: object): void {
  const record = target as Record<string, unknown>;
  for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
}
