import { PermissionMap } from '../auth/user-settings.types';
import { ValidationError } from '../errors/api-error';
import { cleanPath, globMatch, isAbsPath } from './paths';

/** The permissions a user can hold on a directory (SFTPGo's `ValidPerms`). */
export const USER_PERMISSIONS: readonly string[] = [
  '*',
  'list',
  'download',
  'upload',
  'overwrite',
  'delete',
  'delete_files',
  'delete_dirs',
  'rename',
  'rename_files',
  'rename_dirs',
  'create_dirs',
  'create_symlinks',
  'chmod',
  'chown',
  'chtimes',
  'copy',
];

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates and normalises a permission map as SFTPGo does: keys cleaned to absolute paths, `*`
 * collapsing the list, duplicates removed. Users need a non-empty `/` entry (`requireRoot`); for
 * groups an empty or absent map is valid and returns `{}`.
 */
export function validatePermissions(input: unknown, options: { requireRoot: boolean }): PermissionMap {
  if (input === undefined || input === null) {
    if (options.requireRoot) throw new ValidationError('please grant some permissions to this user');
    return {};
  }
  if (!isPlainObject(input)) throw new ValidationError('permissions must be an object');
  const entries = Object.entries(input);
  if (entries.length === 0) {
    if (options.requireRoot) throw new ValidationError('please grant some permissions to this user');
    return {};
  }
  if (options.requireRoot && !Object.prototype.hasOwnProperty.call(input, '/')) {
    throw new ValidationError('permissions for the root dir "/" must be set');
  }
  const result: PermissionMap = {};
  for (const [dir, rawPerms] of entries) {
    if (rawPerms !== null && rawPerms !== undefined && !Array.isArray(rawPerms)) {
      throw new ValidationError(`invalid permissions for directory ${JSON.stringify(dir)}: must be a list`);
    }
    const perms: unknown[] = rawPerms ?? [];
    if (perms.length === 0 && dir === '/') {
      throw new ValidationError(`no permissions granted for the directory: ${JSON.stringify(dir)}`);
    }
    if (perms.length > USER_PERMISSIONS.length) throw new ValidationError('invalid permissions');
    for (const perm of perms) {
      if (typeof perm !== 'string' || !USER_PERMISSIONS.includes(perm)) {
        throw new ValidationError(`invalid permission: ${JSON.stringify(perm)}`);
      }
    }
    const cleaned = cleanPath(dir);
    if (!isAbsPath(cleaned)) {
      throw new ValidationError(`cannot set permissions for non absolute path: ${JSON.stringify(dir)}`);
    }
    if (dir !== cleaned && cleaned === '/') {
      throw new ValidationError(
        `cannot set permissions for invalid subdirectory: ${JSON.stringify(dir)} is an alias for "/"`,
      );
    }
    const list = perms as string[];
    result[cleaned] = list.includes('*') ? ['*'] : [...new Set(list)];
  }
  return result;
}

/**
 * The permissions that apply to `virtualPath` (SFTPGo's `User.GetPermissionsForPath`): the
 * deepest ancestor directory with an entry wins, exact keys before glob keys at each level,
 * falling back to `/`. Permissions are inherited until a deeper entry overrides them.
 */
export function permissionsForPath(permissions: PermissionMap, virtualPath: string): string[] {
  const keys = Object.keys(permissions);
  const root = permissions['/'];
  if (root !== undefined && keys.length === 1) return root;
  // Walk from the path up to `/`: at each level an exact key first, then keys as glob patterns.
  let dir = cleanPath(virtualPath.startsWith('/') ? virtualPath : `/${virtualPath}`);
  for (;;) {
    const exact = Object.prototype.hasOwnProperty.call(permissions, dir) ? permissions[dir] : undefined;
    if (exact !== undefined) return exact;
    for (const key of keys) {
      if (globMatch(key, dir)) return permissions[key];
    }
    if (dir === '/') return root ?? [];
    dir = parentDir(dir);
  }
}

/** True when `perm` is granted on `virtualPath` (`*` grants everything). */
export function hasPermission(permissions: PermissionMap, virtualPath: string, perm: string): boolean {
  const perms = permissionsForPath(permissions, virtualPath);
  return perms.includes('*') || perms.includes(perm);
}

function parentDir(p: string): string {
  const idx = p.lastIndexOf('/');
  return idx <= 0 ? '/' : p.slice(0, idx);
}
