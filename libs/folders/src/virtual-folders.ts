import { cleanPath, convertName, ValidationError } from '@app/common';

/** A mount of a folder as validated from a user's or group's `virtual_folders` (folder not loaded yet). */
export interface VirtualFolderMount {
  /** The folder name, naming rules applied. */
  name: string;
  /** Cleaned, absolute, never `/`. */
  virtualPath: string;
  /** 0 unlimited, -1 counted in the user's quota. */
  quotaSize: number;
  quotaFiles: number;
  /** Canonical absolute path inside the folder, or null for the folder's root. */
  subpath: string | null;
}

/** The longest subpath the mapping tables hold (varchar(191), an index-friendly size on MySQL). */
export const MAX_SUBPATH_LENGTH = 191;

/** SFTPGo's `util.CleanPath`: a virtual path is always absolute and clean (`vdir/` -> `/vdir`). */
export function cleanVirtualPath(value: string): string {
  return cleanPath(value.startsWith('/') ? value : `/${value}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quota(item: Record<string, unknown>, field: 'quota_size' | 'quota_files', index: number): number {
  const value = item[field];
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ValidationError(`virtual_folders[${index}].${field} must be an integer`);
  }
  return value;
}

function text(item: Record<string, unknown>, field: string, index: number): string {
  const value = item[field];
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string')
    throw new ValidationError(`virtual_folders[${index}].${field} must be a string`);
  return value;
}

function subpathOf(item: Record<string, unknown>, index: number, folder: string): string | null {
  const raw = text(item, 'subpath', index);
  if (raw === '') return null;
  // Canonical only: a subpath that cleaning would change hides a `..` or a doubled slash.
  if (!raw.startsWith('/') || cleanPath(raw) !== raw || raw === '/') {
    throw new ValidationError(
      `invalid subpath ${JSON.stringify(raw)} for folder ${JSON.stringify(folder)}: it must be a canonical absolute path other than "/"`,
    );
  }
  if (raw.length > MAX_SUBPATH_LENGTH) {
    throw new ValidationError(
      `invalid subpath for folder ${JSON.stringify(folder)}: it cannot be longer than ${MAX_SUBPATH_LENGTH} characters`,
    );
  }
  return raw;
}

/**
 * Validates `virtual_folders` as SFTPGo does (`validateAssociatedVirtualFolders`): virtual path
 * mandatory and cleaned, quota limits both -1 or both >= 0, folder name mandatory, each folder and
 * each virtual path at most once. Pure: the folders themselves are looked up by the caller.
 */
export function parseVirtualFolderMounts(input: unknown, namingRules: number): VirtualFolderMount[] {
  if (input === undefined || input === null) return [];
  if (!Array.isArray(input)) throw new ValidationError('virtual_folders must be an array');
  const mounts: VirtualFolderMount[] = [];
  input.forEach((item: unknown, index) => {
    if (!isRecord(item)) throw new ValidationError(`virtual_folders[${index}] must be an object`);
    const rawPath = text(item, 'virtual_path', index);
    if (rawPath === '') throw new ValidationError('mount/virtual path is mandatory');
    const virtualPath = cleanVirtualPath(rawPath);
    const quotaSize = quota(item, 'quota_size', index);
    const quotaFiles = quota(item, 'quota_files', index);
    if (quotaSize < -1) {
      throw new ValidationError(
        `invalid quota_size: ${quotaSize} for virtual folder ${JSON.stringify(rawPath)}`,
      );
    }
    if (quotaFiles < -1) {
      throw new ValidationError(
        `invalid quota_files: ${quotaFiles} for virtual folder ${JSON.stringify(rawPath)}`,
      );
    }
    if ((quotaSize === -1) !== (quotaFiles === -1)) {
      throw new ValidationError(
        `virtual folder quota_size and quota_files must be both -1 or >= 0, quota_size: ${quotaSize} quota_files: ${quotaFiles}`,
      );
    }
    const name = convertName(text(item, 'name', index), namingRules);
    if (name === '') throw new ValidationError('folder name is mandatory');
    if (virtualPath === '/') {
      throw new ValidationError(
        `invalid virtual folder ${JSON.stringify(rawPath)}: it cannot be mounted on "/"`,
      );
    }
    // One mapping row per (owner, folder): the same folder twice is refused, whatever the subpath.
    if (mounts.some((mount) => mount.name === name)) {
      throw new ValidationError(`the folder ${JSON.stringify(name)} is duplicated`);
    }
    const overlapped = mounts.find((mount) => mount.virtualPath === virtualPath);
    if (overlapped) {
      throw new ValidationError(
        `invalid virtual folder ${JSON.stringify(virtualPath)}, it overlaps with virtual folder ${JSON.stringify(overlapped.virtualPath)}`,
      );
    }
    mounts.push({ name, virtualPath, quotaSize, quotaFiles, subpath: subpathOf(item, index, name) });
  });
  return mounts;
}
