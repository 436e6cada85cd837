import { posix } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { canonicalizeVirtualPath, isVirtualPathWithin } from './canonical-path';
import type { Filesystem } from './filesystem';
import { FsError, FsNotFoundError, FsTypeError, FsUnsupportedError } from './fs-errors';
import { isRegularMode } from './mode';

/** SFTPGo's `util.MaxRecursion`: deeper trees are refused rather than risking the stack or fds. */
export const MAX_COPY_DEPTH = 1000;

/**
 * Copies a file or a directory tree from one filesystem to another (or the same one), streamed through
 * `createReadStream` and `createAtomicWrite`, so a failed file never leaves a partial target. As in
 * SFTPGo: a symlink source is refused, symlinks and other non-regular entries inside a tree are
 * skipped, existing directories are merged, existing files replaced, entries that vanish mid-copy are
 * skipped, and a directory cannot be copied into itself.
 */
export async function copyTree(src: Filesystem, from: string, dst: Filesystem, to: string): Promise<void> {
  const source = canonicalizeVirtualPath(from);
  const target = canonicalizeVirtualPath(to);
  if (src === dst && source === target) {
    throw new FsUnsupportedError(target, 'the copy source and target cannot be the same');
  }
  const info = await src.lstat(source);
  if (info.isSymlink) throw new FsUnsupportedError(source, 'copying symlinks is not supported');
  if (info.isDir) {
    if (src === dst && isVirtualPathWithin(source, target)) {
      throw new FsUnsupportedError(target, `nested copy of ${source} is not supported`);
    }
    await copyDir(src, source, dst, target, 0);
    return;
  }
  if (!isRegularMode(info.mode)) throw new FsUnsupportedError(source, 'not a regular file');
  await copyFile(src, source, dst, target);
}

async function copyDir(
  src: Filesystem,
  from: string,
  dst: Filesystem,
  to: string,
  depth: number,
): Promise<void> {
  if (depth > MAX_COPY_DEPTH) throw new FsError('LOOP', `${from}: maximum directory depth exceeded`, from);
  const existing = await lstatOrUndefined(dst, to);
  if (existing === undefined) await dst.mkdir(to);
  else if (!existing.isDir) throw new FsTypeError(to, `cannot overwrite a file with the directory ${from}`);
  for await (const entry of src.list(from)) {
    const childFrom = posix.join(from, entry.name);
    const childTo = posix.join(to, entry.name);
    try {
      if (entry.isDir) await copyDir(src, childFrom, dst, childTo, depth + 1);
      else if (isRegularMode(entry.mode)) await copyFile(src, childFrom, dst, childTo);
    } catch (err) {
      // Removed by someone else while we walked: SFTPGo skips it too.
      if (err instanceof FsNotFoundError && err.path === childFrom) continue;
      throw err;
    }
  }
}

async function copyFile(src: Filesystem, from: string, dst: Filesystem, to: string): Promise<void> {
  const existing = await lstatOrUndefined(dst, to);
  if (existing?.isDir) throw new FsTypeError(to, `cannot overwrite a directory with the file ${from}`);
  if (src === dst && src.copyFile) {
    await src.copyFile(from, to);
    return;
  }
  await streamFile(src, from, dst, to);
}

/**
 * Streams the bytes of file `from` of `src` into an atomic write of `to` on `dst`, committed only when
 * complete (a failure leaves the target as it was). No checks: callers decide what may be copied.
 */
export async function streamFile(src: Filesystem, from: string, dst: Filesystem, to: string): Promise<void> {
  const input = await src.createReadStream(from);
  let write;
  try {
    write = await dst.createAtomicWrite(to);
  } catch (err) {
    input.destroy();
    throw err;
  }
  try {
    await pipeline(input, write.stream);
    await write.commit();
  } catch (err) {
    await write.abort();
    throw err;
  }
}

async function lstatOrUndefined(fs: Filesystem, path: string) {
  try {
    return await fs.lstat(path);
  } catch (err) {
    if (err instanceof FsNotFoundError) return undefined;
    throw err;
  }
}
