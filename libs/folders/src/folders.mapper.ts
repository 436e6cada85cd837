import type { SecretView } from '@app/kms';
import { type FilesystemConfigWire, filesystemToWire } from '@app/storage';
import type { FolderEntity } from './entities/folder.entity';
import type { FolderReferences } from './folders.repository';

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
  filesystem: FilesystemConfigWire;
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

/**
 * Builds the wire JSON of a folder (key order as SFTPGo's); back-references omitted when empty;
 * secrets as `view` shows them (hidden unless a `*` admin asked for confidential data).
 */
export function folderToWire(
  folder: FolderEntity,
  refs: FolderReferences = { users: [], groups: [] },
  view: SecretView = 'hidden',
): FolderWire {
  const wire = baseWire(folder) as FolderWire;
  if (refs.users.length > 0) wire.users = refs.users;
  if (refs.groups.length > 0) wire.groups = refs.groups;
  wire.filesystem = filesystemToWire(folder.filesystem, view);
  return wire;
}

/** Builds the wire JSON of a mount: the folder's own fields joined with the mount's. */
export function virtualFolderToWire(mapping: FolderMount, view: SecretView = 'hidden'): VirtualFolderWire {
  const wire = baseWire(mapping.folder) as VirtualFolderWire;
  wire.filesystem = filesystemToWire(mapping.folder.filesystem, view);
  wire.virtual_path = mapping.virtualPath;
  wire.quota_size = mapping.quotaSize;
  wire.quota_files = mapping.quotaFiles;
  if (mapping.subpath) wire.subpath = mapping.subpath;
  return wire;
}
