import { type FilePatternFilters, hasPermission, isFileAllowed, type PermissionMap } from '@app/common';
import {
  ATOMIC_TEMP_PREFIX,
  type FileInfo,
  FsError,
  FsNotFoundError,
  FsPermissionError,
  isRegularMode,
  isVirtualPathWithin,
  type UserVfs,
} from '@app/storage';
import { Logger } from '@nestjs/common';
import { ZipArchive } from 'archiver';
import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import { assertFileAllowed } from './files.service';

/** SFTPGo's `util.MaxRecursion`. */
const MAX_DEPTH = 1000;

/** What the zip needs of the user: permissions, file patterns and the virtual filesystem. */
export interface ZipContext {
  user: { permissions: PermissionMap; filters: FilePatternFilters };
  vfs: UserVfs;
}

/** A requested path, checked and stat'ed before the response starts. */
export interface ZipItem {
  virtualPath: string;
  info: FileInfo;
}

const logger = new Logger('StreamZip');

const parentOf = (virtualPath: string): string => posix.dirname(virtualPath);

/** True when a permission entry other than the ones above `dir` could apply below it (deeper key or glob). */
function hasPermissionsBelow(permissions: PermissionMap, dir: string): boolean {
  return Object.keys(permissions).some(
    (key) => /[*?[\\]/.test(key) || (key !== dir && key !== '/' && isVirtualPathWithin(dir, key)),
  );
}

function syntheticDir(name: string): FileInfo {
  return { name, size: 0, mode: 0o755, mtime: 0, isDir: true, isSymlink: false };
}

/**
 * The entries of a virtual directory: the mounts it shows (folders, or directories leading to them)
 * first, then the storage entries they do not shadow, without in-progress upload temp files. Entries
 * the file patterns refuse (hidden or denied alike) are left out of the zip silently.
 */
async function* virtualEntries(ctx: ZipContext, dir: string): AsyncGenerator<ZipItem> {
  const { vfs } = ctx;
  const allowed = (virtualPath: string) => isFileAllowed(ctx.user.filters, virtualPath).allowed;
  const mounts = vfs.mountsUnder(dir);
  const shadowed = new Set(mounts.map((m) => m.name));
  for (const mount of mounts) {
    if (!allowed(mount.virtualPath)) continue;
    const info = mount.folderName ? await statMountRoot(vfs, mount.virtualPath, mount.name) : undefined;
    yield { virtualPath: mount.virtualPath, info: info ?? syntheticDir(mount.name) };
  }
  const { fs, fsPath } = vfs.resolve(dir);
  try {
    for await (const info of fs.list(fsPath)) {
      if (shadowed.has(info.name) || info.name.startsWith(ATOMIC_TEMP_PREFIX)) continue;
      const virtualPath = posix.join(dir, info.name);
      if (allowed(virtualPath)) yield { virtualPath, info };
    }
  } catch (err) {
    // A directory that only leads to mounts does not exist on its parent's storage.
    if (!(err instanceof FsNotFoundError && (mounts.length > 0 || vfs.mountAt(dir)))) throw err;
  }
}

async function statMountRoot(vfs: UserVfs, virtualPath: string, name: string): Promise<FileInfo | undefined> {
  try {
    const { fs, fsPath } = vfs.resolve(virtualPath);
    return { ...(await fs.stat(fsPath)), name };
  } catch {
    return undefined;
  }
}

/**
 * Stats a requested path as SFTPGo's zip does (following symlinks that stay inside the root), needing
 * `list` on its parent and the file patterns' consent (else their policy's error); a mount point, or
 * a directory that only leads to mounts, is a directory.
 */
export async function statZipPath(ctx: ZipContext, virtualPath: string): Promise<ZipItem> {
  if (!hasPermission(ctx.user.permissions, parentOf(virtualPath), 'list')) {
    throw new FsPermissionError(virtualPath);
  }
  assertFileAllowed(ctx.user.filters, virtualPath);
  const { fs, fsPath } = ctx.vfs.resolve(virtualPath);
  try {
    return { virtualPath, info: await fs.stat(fsPath) };
  } catch (err) {
    if (err instanceof FsNotFoundError && ctx.vfs.mountsUnder(virtualPath).length > 0) {
      return { virtualPath, info: syntheticDir(posix.basename(virtualPath)) };
    }
    throw err;
  }
}

/**
 * The permissions the zip of `item` needs, checked before the response starts: `download` on the
 * parent of each file, `list` on each directory. Without permission entries below a directory, the
 * directory's own permissions decide for its whole tree; otherwise the tree is walked.
 */
export async function checkZipItem(ctx: ZipContext, item: ZipItem, depth = 0): Promise<void> {
  const perms = ctx.user.permissions;
  const path = item.virtualPath;
  if (!item.info.isDir) {
    if (isRegularMode(item.info.mode) && !hasPermission(perms, parentOf(path), 'download')) {
      throw new FsPermissionError(path);
    }
    return;
  }
  if (depth > MAX_DEPTH) throw new FsError('LOOP', `${path}: maximum directory depth exceeded`, path);
  if (!hasPermission(perms, path, 'list')) throw new FsPermissionError(path);
  if (!hasPermissionsBelow(perms, path) && hasPermission(perms, path, 'download')) return;
  for await (const child of virtualEntries(ctx, path)) {
    if (child.info.isDir || isRegularMode(child.info.mode)) await checkZipItem(ctx, child, depth + 1);
  }
}

/** SFTPGo's zip name: `<username>-<base name without extension>.zip` for one path, else `-download`. */
export function zipFileName(username: string, paths: string[]): string {
  if (paths.length === 1) {
    const base = posix.basename(paths[0]) || '/';
    return `${username}-${base.slice(0, base.length - posix.extname(base).length)}.zip`;
  }
  return `${username}-download.zip`;
}

/**
 * The zip of `items`, built while it is read: entries are added one after the other, each file
 * streamed from its `createReadStream` (never buffered whole, no temp file), directories walked
 * recursively. Entry names are the virtual paths without the leading `/`, or relative to `baseDir`. A failure once the
 * response has started (a path removed meanwhile) can only abort it, as in SFTPGo.
 */
export function createZipStream(ctx: ZipContext, items: ZipItem[], baseDir = '/'): Readable {
  const archive = new ZipArchive();
  // Errors reach whoever sends the stream; this listener only keeps a late one from going unhandled.
  archive.on('error', () => undefined);
  archive.on('warning', () => undefined);
  produce(ctx, archive, items, baseDir).catch((err: unknown) => {
    if (!archive.destroyed) {
      logger.warn(`zip aborted: ${err instanceof Error ? err.message : String(err)}`);
      archive.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  });
  return archive;
}

async function produce(
  ctx: ZipContext,
  archive: ZipArchive,
  items: ZipItem[],
  baseDir: string,
): Promise<void> {
  for (const item of items) await addItem(ctx, archive, item, 0, baseDir);
  if (!archive.destroyed) await archive.finalize();
}

async function addItem(
  ctx: ZipContext,
  archive: ZipArchive,
  item: ZipItem,
  depth: number,
  baseDir: string,
): Promise<void> {
  if (archive.destroyed) throw new Error('the client closed the connection');
  const { virtualPath, info } = item;
  // Relative to `baseDir` (a shared directory's own entry has no name and is not written).
  const name = baseDir === '/' ? virtualPath.slice(1) : posix.relative(baseDir, virtualPath);
  const date = new Date(info.mtime);
  if (info.isDir) {
    if (depth > MAX_DEPTH) {
      throw new FsError('LOOP', `${virtualPath}: maximum directory depth exceeded`, virtualPath);
    }
    if (!hasPermission(ctx.user.permissions, virtualPath, 'list')) throw new FsPermissionError(virtualPath);
    if (name) await append(archive, null, { name: `${name}/`, type: 'directory', date, mode: 0o755 });
    for await (const child of virtualEntries(ctx, virtualPath)) {
      await addItem(ctx, archive, child, depth + 1, baseDir);
    }
    return;
  }
  // Symlinks and other non-regular entries inside a directory are skipped (SFTPGo).
  if (!isRegularMode(info.mode)) return;
  if (!hasPermission(ctx.user.permissions, parentOf(virtualPath), 'download')) {
    throw new FsPermissionError(virtualPath);
  }
  const { fs, fsPath } = ctx.vfs.resolve(virtualPath);
  const stream = await fs.createReadStream(fsPath);
  try {
    await append(archive, stream, { name, date, mode: info.mode & 0o777 });
  } finally {
    stream.destroy();
  }
}

/** Appends one entry and waits until the archive consumed it, so only one file is open at a time. */
function append(
  archive: ZipArchive,
  source: Readable | null,
  data: { name: string; date: Date; mode: number; type?: 'directory' },
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      archive.off('entry', onEntry);
      archive.off('error', onError);
      archive.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onEntry = () => done();
    const onError = (err: Error) => done(err);
    const onClose = () => done(new Error('the client closed the connection'));
    archive.on('entry', onEntry);
    archive.on('error', onError);
    archive.on('close', onClose);
    source?.on('error', onError);
    archive.append(source ?? Buffer.alloc(0), data);
  });
}
