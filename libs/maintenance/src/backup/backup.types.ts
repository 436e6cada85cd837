import type { AdminWire } from '@app/admins';
import type { ApiKeyWire } from '@app/api-keys';
import type { FolderWire } from '@app/folders';
import type { GroupWire } from '@app/groups';
import type { RoleWire } from '@app/roles';
import type { IpListEntryWire } from '@app/security';
import type { ShareWire } from '@app/shares';
import type { UserWire } from '@app/users';

/** SFTPGo's current `DumpVersion` (`dataprovider.go`): the `version` written in every dump. */
export const DUMP_VERSION = 17;

/** The `scopes` a dump can be limited to (OpenAPI `DumpDataScopes`), in SFTPGo's order. */
export const DUMP_SCOPES = [
  'users',
  'folders',
  'groups',
  'admins',
  'api_keys',
  'shares',
  'actions',
  'rules',
  'roles',
  'ip_lists',
  'configs',
] as const;

/** One of `DUMP_SCOPES`. */
export type DumpScope = (typeof DUMP_SCOPES)[number];

/** A user in a backup: the `User` wire JSON with its password hash (not redacted) and secrets in clear view. */
export type BackupUser = UserWire;

/** A group in a backup (`Group`, secrets with `key`/`additional_data`). */
export type BackupGroup = GroupWire;

/** A folder in a backup (`BaseVirtualFolder`, with `used_quota_*`, secrets with `key`/`additional_data`). */
export type BackupFolder = FolderWire;

/** An admin in a backup: the `Admin` wire JSON with its password hash (TOTP secrets not redacted). */
export type BackupAdmin = AdminWire;

/** An API key in a backup: the `APIKey` wire JSON with `key`, the stored hash (a plain key is hashed on load). */
export type BackupApiKey = ApiKeyWire;

/** A share in a backup: the `Share` wire JSON with `password` the stored hash (`""` when none). */
export type BackupShare = ShareWire;

/** A role in a backup (`Role`). */
export type BackupRole = RoleWire;

/** An IP list entry in a backup (`IPListEntry`). */
export type BackupIpListEntry = IpListEntryWire;

/**
 * SFTPGo's `BackupData`, in its key order. A section outside the requested `scopes` is `null`, as in
 * SFTPGo's dumps (Go nil slices); `event_actions`/`event_rules` are `[]` when in scope and `configs`
 * is `null` here (no event manager, no stored configs yet). On load, treat any section as possibly
 * missing or `null`.
 */
export interface BackupData {
  users: BackupUser[] | null;
  groups: BackupGroup[] | null;
  folders: BackupFolder[] | null;
  admins: BackupAdmin[] | null;
  api_keys: BackupApiKey[] | null;
  shares: BackupShare[] | null;
  event_actions: Record<string, unknown>[] | null;
  event_rules: Record<string, unknown>[] | null;
  roles: BackupRole[] | null;
  ip_lists: BackupIpListEntry[] | null;
  configs: Record<string, unknown> | null;
  version: number;
}

/** The section keys of `BackupData` holding arrays, in the order SFTPGo's dump writes them. */
export const BACKUP_SECTIONS = [
  'users',
  'groups',
  'folders',
  'admins',
  'api_keys',
  'shares',
  'event_actions',
  'event_rules',
  'roles',
  'ip_lists',
] as const satisfies readonly (keyof BackupData)[];
