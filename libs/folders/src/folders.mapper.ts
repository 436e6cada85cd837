import type { Secret } from '@app/kms';
import type { FilesystemConfig } from '@app/storage';
import type { FolderEntity } from './entities/folder.entity';
import type { FolderReferences } from './folders.repository';

/** How a filesystem config is written out: secrets hidden (default) or, for `*` admins asking, in full. */
export type FilesystemWriter = (config: FilesystemConfig) => unknown;

/** A folder as SFTPGo sends it (`BaseVirtualFolder`). */
export interface FolderWire {
  id: number;
  name: string;
  mapped_path?: string;
  description?: string;
  used_quota_size: number;
  used_quota_files: number;
  last_quota_update: number;
  users?: string[];
  groups?: string[];
  filesystem: unknown;
}

/** A folder mounted on a user or group, as SFTPGo sends it (`VirtualFolder`). */
export interface VirtualFolderWire extends Omit<FolderWire, 'users' | 'groups'> {
  virtual_path: string;
  quota_size: number;
  quota_files: number;
  subpath?: string;
}

/** A folder mount: what the users' and groups' mapping entities hold, with the folder loaded. */
export interface FolderMount {
  folder: FolderEntity;
  virtualPath: string;
  quotaSize: number;
  quotaFiles: number;
  subpath: string | null;
}

const SUB_CONFIGS = [
  'osconfig',
  's3config',
  'gcsconfig',
  'azblobconfig',
  'cryptconfig',
  'sftpconfig',
  'httpconfig',
] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The filesystem as GET shows it, without needing the secrets service (pure, for mappers): the
 * provider and every sub-object (`{}` when unused); each secret reduced to `{status, payload}` (the
 * only objects inside a sub-config are secrets). `FilesystemConfigService.toWire` gives the same.
 */
export function hiddenFilesystem(config: FilesystemConfig | undefined): unknown {
  const out: Record<string, unknown> = { provider: config?.provider ?? 0 };
  for (const key of SUB_CONFIGS) {
    const sub: unknown = config?.[key];
    const copy: Record<string, unknown> = {};
    if (isRecord(sub)) {
      for (const [field, value] of Object.entries(sub)) {
        if (!isRecord(value)) {
          copy[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
          continue;
        }
        const { status, payload } = value as Secret;
        if (!status && !payload) continue;
        copy[field] = { ...(status ? { status } : {}), ...(payload ? { payload } : {}) };
      }
    }
    out[key] = copy;
  }
  return out;
}

function baseWire(folder: FolderEntity): Omit<FolderWire, 'filesystem'> {
  // Built in SFTPGo's key order, omitting empty optional fields.
  return {
    id: folder.id,
    name: folder.name,
    ...(folder.mappedPath ? { mapped_path: folder.mappedPath } : {}),
    ...(folder.description ? { description: folder.description } : {}),
    used_quota_size: folder.usedQuotaSize,
    used_quota_files: folder.usedQuotaFiles,
    last_quota_update: folder.lastQuotaUpdate,
  };
}

/** Builds the wire JSON of a folder (key order as SFTPGo's); back-references omitted when empty. */
export function folderToWire(
  folder: FolderEntity,
  refs: FolderReferences = { users: [], groups: [] },
  writeFilesystem: FilesystemWriter = hiddenFilesystem,
): FolderWire {
  const wire = baseWire(folder) as FolderWire;
  if (refs.users.length > 0) wire.users = refs.users;
  if (refs.groups.length > 0) wire.groups = refs.groups;
  wire.filesystem = writeFilesystem(folder.filesystem);
  return wire;
}

/** Builds the wire JSON of a mount: the folder's own fields joined with the mount's. */
export function virtualFolderToWire(
  mapping: FolderMount,
  writeFilesystem: FilesystemWriter = hiddenFilesystem,
): VirtualFolderWire {
  const wire = baseWire(mapping.folder) as VirtualFolderWire;
  wire.filesystem = writeFilesystem(mapping.folder.filesystem);
  wire.virtual_path = mapping.virtualPath;
  wire.quota_size = mapping.quotaSize;
  wire.quota_files = mapping.quotaFiles;
  if (mapping.subpath) wire.subpath = mapping.subpath;
  return wire;
}
