import type { PermissionMap, UserFilters } from '@app/common';
import { virtualFolderToWire, type VirtualFolderWire } from '@app/folders';
import { type Secret, secretToWire, type SecretView } from '@app/kms';
import { type FilesystemConfigWire, filesystemToWire } from '@app/storage';
import type { UserEntity } from './entities/user.entity';

/** A user as SFTPGo sends it (`User`), with its `omitempty` fields left out when empty. */
export interface UserWire {
  id: number;
  status: number;
  username: string;
  email?: string;
  description?: string;
  expiration_date?: number;
  /** Only with `?confidential_data=1` for a `*` admin. */
  password?: string;
  public_keys?: string[];
  has_password?: boolean;
  home_dir: string;
  virtual_folders?: VirtualFolderWire[];
  uid: number;
  gid: number;
  max_sessions: number;
  quota_size: number;
  quota_files: number;
  permissions: PermissionMap;
  used_quota_size?: number;
  used_quota_files?: number;
  last_quota_update?: number;
  upload_bandwidth?: number;
  download_bandwidth?: number;
  upload_data_transfer: number;
  download_data_transfer: number;
  total_data_transfer: number;
  used_upload_data_transfer?: number;
  used_download_data_transfer?: number;
  created_at: number;
  updated_at: number;
  last_login?: number;
  first_download?: number;
  first_upload?: number;
  last_password_change?: number;
  filters: Record<string, unknown>;
  filesystem: FilesystemConfigWire;
  additional_info?: string;
  groups?: { name: string; type: number }[];
  role?: string;
}

function nonZero<K extends string>(key: K, value: number | null | undefined): Partial<Record<K, number>> {
  return value ? ({ [key]: value } as Record<K, number>) : {};
}

function nonEmpty<K extends string>(key: K, value: string | null | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

/**
 * `filters` on the wire: `hooks` always present with its three flags, `totp_config` always present
 * (`{}` when unset), TOTP and recovery code secrets as `view` shows them; empty lists and zero
 * values dropped.
 */
export function filtersToWire(
  filters: UserFilters | null | undefined,
  view: SecretView = 'hidden',
): Record<string, unknown> {
  const source: UserFilters = filters ?? {};
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(source)) {
    if (key === 'hooks' || key === 'totp_config' || key === 'recovery_codes') continue;
    if (value === undefined || value === null || value === '' || value === 0 || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  out.hooks = {
    external_auth_disabled: source.hooks?.external_auth_disabled ?? false,
    pre_login_disabled: source.hooks?.pre_login_disabled ?? false,
    check_password_disabled: source.hooks?.check_password_disabled ?? false,
  };
  const totp = source.totp_config ?? {};
  const totpSecret = secretToWire(totp.secret as Secret | undefined, view);
  out.totp_config = {
    ...(totp.enabled ? { enabled: true } : {}),
    ...(totp.config_name ? { config_name: totp.config_name } : {}),
    ...(totpSecret ? { secret: totpSecret } : {}),
    ...(totp.protocols?.length ? { protocols: totp.protocols } : {}),
  };
  if (source.recovery_codes?.length) {
    out.recovery_codes = source.recovery_codes.map((code) => {
      const hidden = secretToWire(code.secret as Secret | undefined, view);
      return { ...(hidden ? { secret: hidden } : {}), ...(code.used ? { used: true } : {}) };
    });
  }
  return out;
}

/**
 * Builds the wire JSON of a stored (unmerged) user; secrets as `view` shows them, and the password
 * hash only in the `confidential` view.
 */
export function userToWire(user: UserEntity, view: SecretView = 'hidden'): UserWire {
  const folders = user.folderMappings ?? [];
  const groups = user.groupMappings ?? [];
  const publicKeys = user.publicKeys ?? [];
  return {
    id: user.id,
    status: user.status,
    username: user.username,
    ...nonEmpty('email', user.email),
    ...nonEmpty('description', user.description),
    ...nonZero('expiration_date', user.expirationDate),
    ...(view === 'confidential' ? nonEmpty('password', user.password) : {}),
    ...(publicKeys.length > 0 ? { public_keys: publicKeys } : {}),
    ...(user.password ? { has_password: true } : {}),
    home_dir: user.homeDir,
    ...(folders.length > 0 ? { virtual_folders: folders.map((m) => virtualFolderToWire(m, view)) } : {}),
    uid: user.uid,
    gid: user.gid,
    max_sessions: user.maxSessions,
    quota_size: user.quotaSize,
    quota_files: user.quotaFiles,
    permissions: user.permissions ?? {},
    ...nonZero('used_quota_size', user.usedQuotaSize),
    ...nonZero('used_quota_files', user.usedQuotaFiles),
    ...nonZero('last_quota_update', user.lastQuotaUpdate),
    ...nonZero('upload_bandwidth', user.uploadBandwidth),
    ...nonZero('download_bandwidth', user.downloadBandwidth),
    upload_data_transfer: user.uploadDataTransfer,
    download_data_transfer: user.downloadDataTransfer,
    total_data_transfer: user.totalDataTransfer,
    ...nonZero('used_upload_data_transfer', user.usedUploadDataTransfer),
    ...nonZero('used_download_data_transfer', user.usedDownloadDataTransfer),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
    ...nonZero('last_login', user.lastLogin),
    ...nonZero('first_download', user.firstDownload),
    ...nonZero('first_upload', user.firstUpload),
    ...nonZero('last_password_change', user.lastPasswordChange),
    filters: filtersToWire(user.filters, view),
    filesystem: filesystemToWire(user.filesystem, view),
    ...nonEmpty('additional_info', user.additionalInfo),
    ...(groups.length > 0 ? { groups: groups.map((g) => ({ name: g.group.name, type: g.groupType })) } : {}),
    ...nonEmpty('role', user.role?.name),
  };
}

/** `UserProfile`: what a user sees of itself on `GET /user/profile` (empty fields omitted). */
export interface UserProfileWire {
  email?: string;
  description?: string;
  allow_api_key_auth?: boolean;
  additional_emails?: string[];
  public_keys?: string[];
  tls_certs?: string[];
}

/** The profile fields a `PUT /user/profile` may change (undefined = leave as is). */
export type UserProfileChanges = Partial<{
  email: string;
  description: string;
  allow_api_key_auth: boolean;
  additional_emails: string[];
  public_keys: string[];
  tls_certs: string[];
}>;

/** Builds the self-service profile of a stored user. */
export function profileToWire(user: UserEntity): UserProfileWire {
  const f = user.filters;
  return {
    ...(user.email ? { email: user.email } : {}),
    ...(user.description ? { description: user.description } : {}),
    ...(f.allow_api_key_auth ? { allow_api_key_auth: true } : {}),
    ...(f.additional_emails?.length ? { additional_emails: f.additional_emails } : {}),
    ...(user.publicKeys?.length ? { public_keys: user.publicKeys } : {}),
    ...(f.tls_certs?.length ? { tls_certs: f.tls_certs } : {}),
  };
}
