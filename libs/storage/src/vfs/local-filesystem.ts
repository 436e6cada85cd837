/**
 * Local disk storage rooted at an absolute directory (a user's home or a folder's mapped path).
 *
 * Containment (SFTPGo confines local access with Go's `os.Root`; this is the same contract):
 * - every provider-relative path is canonicalised (canonical-path.ts) and walked component by
 *   component from the REAL root; `..` never leaves it;
 * - symlinks met on the way are resolved here, not by the OS: a relative target is followed only while
 *   it stays inside the root, an absolute target is never followed (as `os.Root`), a target climbing
 *   above the root is `FsEscapeError`. The resolved path is then re-checked with `fs.realpath`;
 * - creations resolve the PARENT that way and act on `<real parent>/<name>`, so the new entry is inside;
 * - files and directories are opened with `O_NOFOLLOW` on the resolved path, and on Linux the opened
 *   descriptor's real path (`/proc/self/fd/N`) is checked to be inside the root before any byte is
 *   read or written; directory listings and entry stats go through that descriptor too.
 *
 * Residual TOCTOU window: path-based calls (`lstat` for stat, `mkdir`, `rename`, `unlink`, `rm -r`,
 * the commit rename) can still race with someone who swaps an intermediate directory for a symlink
 * between our resolution and the syscall. That needs write access to the tree through another channel
 * (a shell, or SFTP with symlink creation enabled), since the REST API cannot create symlinks; reads
 * and writes of file CONTENT are protected by the descriptor check, so the race can at most touch
 * names, not disclose or overwrite data outside the root.
 */
import { randomBytes } from 'node:crypto';
import { constants as fsConstants, existsSync, type Dirent, type Stats } from 'node:fs';
import {
  type FileHandle,
  lstat,
  lutimes,
  mkdir,
  open,
  opendir,
  readlink,
  realpath,
  rename,
  rm,
  rmdir,
  unlink,
} from 'node:fs/promises';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { canonicalizeVirtualPath, pathComponents } from './canonical-path';
import { copyTree } from './copy';
import type { AtomicWrite, AtomicWriteOptions, ByteRange, FileInfo, Filesystem } from './filesystem';
import {
  FsError,
  FsEscapeError,
  FsExistsError,
  FsNotFoundError,
  FsPermissionError,
  FsTooLargeError,
  FsTypeError,
  FsUnsupportedError,
  InvalidMountError,
  toFsError,
} from './fs-errors';
import { modeFromStats } from './mode';

const { O_RDONLY, O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW, O_DIRECTORY } = fsConstants;

/** Linux's limit on links followed in one resolution (`MAXSYMLINKS`). */
const MAX_SYMLINKS = 40;
/** Entries read from a directory before their stats are fetched together (bounds memory per listing). */
const LIST_BATCH = 64;
const PROC_FD = '/proc/self/fd';
const DIR_MODE = 0o777; // minus the process umask, as SFTPGo's 0777 &^ umask
const DEFAULT_FILE_MODE = 0o644;
const TEMP_PREFIX = '.sftpgo-upload-';

let procFdAvailable: boolean | undefined;
/** Whether opened descriptors can be mapped back to their real path (Linux procfs). */
function canVerifyDescriptors(): boolean {
  procFdAvailable ??= existsSync(PROC_FD);
  return procFdAvailable;
}

function errnoOf(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

/** Boundary-aware containment of absolute OS paths: root `/srv/u1` contains `/srv/u1/x`, not `/srv/u10`. */
export function isOsPathWithin(root: string, path: string): boolean {
  if (path === root) return true;
  return path.startsWith(root.endsWith(sep) ? root : `${root}${sep}`);
}

function toInfo(name: string, st: Stats): FileInfo {
  return {
    name,
    size: st.isFile() ? st.size : 0,
    mode: modeFromStats(st),
    mtime: st.mtime.getTime(),
    isDir: st.isDirectory(),
    isSymlink: st.isSymbolicLink(),
  };
}

function nameOf(canonical: string): string {
  return canonical === '/' ? '/' : posix.basename(canonical);
}

/** A path walked from the real root: `real` is the deepest existing entry, `missing` what is left. */
interface Walk {
  canonical: string;
  real: string;
  missing: string[];
}

/** A creation target: the resolved real parent directory and the new entry's name in it. */
interface Placement {
  canonical: string;
  parentReal: string;
  real: string;
}

/** Local disk storage confined to `root`; the root is created (0700) on first use when missing. */
export class LocalFilesystem implements Filesystem {
  private readonly root: string;
  private rootPromise?: Promise<string>;

  constructor(root: string) {
    if (!isAbsolute(root)) throw new InvalidMountError('/', 'the root must be an absolute path');
    this.root = resolve(root);
  }

  realRoot(): Promise<string> {
    this.rootPromise ??= this.prepareRoot().catch((err: unknown) => {
      this.rootPromise = undefined; // let a later call retry (e.g. after the admin fixed the disk)
      throw err;
    });
    return this.rootPromise;
  }

  async stat(path: string): Promise<FileInfo> {
    const w = await this.existing(path, true);
    return toInfo(nameOf(w.canonical), await this.osCall(() => lstat(w.real), w.canonical));
  }

  async lstat(path: string): Promise<FileInfo> {
    const w = await this.existing(path, false);
    return toInfo(nameOf(w.canonical), await this.osCall(() => lstat(w.real), w.canonical));
  }

  async *list(path: string): AsyncIterable<FileInfo> {
    const w = await this.existing(path, true);
    const handle = await this.openVerified(w.real, O_RDONLY | O_DIRECTORY, w.canonical);
    try {
      // Through the verified descriptor, so a directory swapped after the check is not what we list.
      const base = canVerifyDescriptors() ? `${PROC_FD}/${handle.fd}` : w.real;
      const dir = await this.osCall(() => opendir(base, { bufferSize: LIST_BATCH }), w.canonical);
      let batch: Dirent[] = [];
      for await (const entry of dir) {
        batch.push(entry);
        if (batch.length >= LIST_BATCH) {
          yield* await this.statBatch(base, batch, w.canonical);
          batch = [];
        }
      }
      yield* await this.statBatch(base, batch, w.canonical);
    } finally {
      await handle.close();
    }
  }

  async createReadStream(path: string, range?: ByteRange): Promise<Readable> {
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end))) {
      throw new RangeError('range bounds must be integers');
    }
    if (range && (range.start < 0 || range.end < range.start)) throw new RangeError('invalid byte range');
    const w = await this.existing(path, true);
    const handle = await this.openVerified(w.real, O_RDONLY, w.canonical);
    try {
      const st = await handle.stat();
      if (st.isDirectory()) throw new FsTypeError(w.canonical, 'is a directory');
      // A FIFO or device would block or never end: only regular files are served.
      if (!st.isFile()) throw new FsTypeError(w.canonical, 'not a regular file');
    } catch (err) {
      await handle.close();
      throw toFsError(err, w.canonical);
    }
    return handle.createReadStream({ start: range?.start, end: range?.end, autoClose: true });
  }

  async createAtomicWrite(path: string, options: AtomicWriteOptions = {}): Promise<AtomicWrite> {
    const target = await this.place(path);
    const existing = await this.lstatOrUndefined(target.real, target.canonical);
    if (existing?.isDirectory()) throw new FsTypeError(target.canonical, 'is a directory');
    // Unpredictable and exclusive: nobody can pre-create or guess it to intercept the data.
    const tempReal = join(target.parentReal, `${TEMP_PREFIX}${randomBytes(16).toString('hex')}.part`);
    const handle = await this.openVerified(tempReal, O_WRONLY | O_CREAT | O_EXCL, target.canonical, 0o600);
    return new LocalAtomicWrite(handle, tempReal, target, options);
  }

  async mkdir(path: string, options: { parents?: boolean } = {}): Promise<void> {
    const canonical = canonicalizeVirtualPath(path);
    if (!options.parents) {
      if (canonical === '/') throw new FsExistsError('/');
      const target = await this.place(canonical);
      await this.osCall(() => mkdir(target.real, { mode: DIR_MODE }), canonical);
      return;
    }
    const w = await this.walk(canonical, true);
    if (w.missing.length === 0) {
      const st = await this.osCall(() => lstat(w.real), canonical);
      if (!st.isDirectory()) throw new FsTypeError(canonical, 'not a directory');
      return;
    }
    // Only the requested names are created: never the target of a dangling symlink on the way.
    const wanted = pathComponents(canonical);
    const tail = wanted.slice(wanted.length - w.missing.length);
    if (w.missing.length > wanted.length || w.missing.some((part, i) => part !== tail[i])) {
      throw new FsNotFoundError(canonical);
    }
    await this.assertRealInside(w.real, canonical);
    let current = w.real;
    for (const part of w.missing) {
      current = join(current, part);
      try {
        await mkdir(current, { mode: DIR_MODE });
      } catch (err) {
        // Created concurrently: fine if it is a real directory (never a symlink someone planted).
        if (errnoOf(err) === 'EEXIST' && (await this.lstatOrUndefined(current, canonical))?.isDirectory()) {
          continue;
        }
        throw toFsError(err, canonical);
      }
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = await this.place(from, 'renamed');
    const target = await this.place(to, 'renamed');
    const srcSt = await this.osCall(() => lstat(source.real), source.canonical);
    if (source.real === target.real) {
      throw new FsUnsupportedError(target.canonical, 'the rename source and target cannot be the same');
    }
    if (srcSt.isDirectory() && isOsPathWithin(source.real, target.real)) {
      throw new FsUnsupportedError(target.canonical, `nested rename of ${source.canonical} is not supported`);
    }
    const dstSt = await this.lstatOrUndefined(target.real, target.canonical);
    // Never "move into" nor replace a directory (POSIX would replace an empty one; SFTPGo refuses).
    if (dstSt?.isDirectory()) throw new FsTypeError(target.canonical, 'the target is an existing directory');
    try {
      await rename(source.real, target.real);
    } catch (err) {
      if (errnoOf(err) !== 'EXDEV') throw toFsError(err, target.canonical);
      // Another device mounted inside the root: copy then delete, as SFTPGo falls back.
      await copyTree(this, source.canonical, this, target.canonical);
      await this.remove(source.canonical, { recursive: true });
    }
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const target = await this.place(path, 'removed');
    const st = await this.osCall(() => lstat(target.real), target.canonical);
    await this.osCall(async () => {
      if (!st.isDirectory())
        await unlink(target.real); // a symlink goes, its target stays
      else if (options.recursive) await rm(target.real, { recursive: true });
      else await rmdir(target.real);
    }, target.canonical);
  }

  copy(from: string, to: string): Promise<void> {
    return copyTree(this, from, this, to);
  }

  async setTimes(path: string, atime: Date | number, mtime: Date | number): Promise<void> {
    const w = await this.existing(path, true);
    const at = typeof atime === 'number' ? new Date(atime) : atime;
    const mt = typeof mtime === 'number' ? new Date(mtime) : mtime;
    let handle: FileHandle;
    try {
      handle = await this.openVerified(w.real, O_RDONLY, w.canonical);
    } catch (err) {
      if (!(err instanceof FsPermissionError)) throw err;
      // Unreadable (e.g. 0200) but owned: set the times by path; `lutimes` never follows a final link.
      await this.osCall(() => lutimes(w.real, at, mt), w.canonical);
      return;
    }
    try {
      await this.osCall(() => handle.utimes(at, mt), w.canonical);
    } finally {
      await handle.close();
    }
  }

  private async prepareRoot(): Promise<string> {
    try {
      // 0700 as SFTPGo creates homes; existing directories keep their mode.
      await mkdir(this.root, { recursive: true, mode: 0o700 }).catch((err: unknown) => {
        // A file in the way: reported below as "not a directory".
        if (errnoOf(err) !== 'EEXIST') throw err;
      });
      const real = await realpath(this.root);
      if (!(await lstat(real)).isDirectory()) throw new FsTypeError('/', 'the root is not a directory');
      return real;
    } catch (err) {
      throw toFsError(err, '/');
    }
  }

  /**
   * Walks `path` from the real root, resolving symlinks ourselves (see the file comment). Stops at the
   * first missing component; `followFinal` says whether a symlink as the last component is followed.
   */
  private async walk(path: string, followFinal: boolean): Promise<Walk> {
    const root = await this.realRoot();
    const canonical = canonicalizeVirtualPath(path);
    const pending = pathComponents(canonical).reverse();
    const resolved: string[] = [];
    let links = 0;
    while (pending.length > 0) {
      const part = pending.pop() as string;
      if (part === '' || part === '.') continue;
      if (part === '..') {
        if (resolved.length === 0) throw new FsEscapeError(canonical);
        resolved.pop();
        continue;
      }
      const candidate = join(root, ...resolved, part);
      let st: Stats;
      try {
        st = await lstat(candidate);
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT') throw toFsError(err, canonical);
        return { canonical, real: join(root, ...resolved), missing: [part, ...pending.reverse()] };
      }
      if (st.isSymbolicLink() && (pending.length > 0 || followFinal)) {
        if (++links > MAX_SYMLINKS)
          throw new FsError('LOOP', `${canonical}: too many symbolic links`, canonical);
        const target = await this.osCall(() => readlink(candidate), canonical);
        if (isAbsolute(target))
          throw new FsEscapeError(canonical, 'absolute symbolic links are not followed');
        pending.push(...target.split('/').reverse());
        continue;
      }
      if (pending.length > 0 && !st.isDirectory()) throw new FsTypeError(canonical, 'not a directory');
      resolved.push(part);
    }
    const real = join(root, ...resolved);
    if (!isOsPathWithin(root, real)) throw new FsEscapeError(canonical); // invariant, cannot happen
    return { canonical, real, missing: [] };
  }

  /** An existing path, resolved and re-checked with realpath. */
  private async existing(path: string, followFinal: boolean): Promise<Walk> {
    const w = await this.walk(path, followFinal);
    if (w.missing.length > 0) throw new FsNotFoundError(w.canonical);
    const root = await this.realRoot();
    // Without following, the last component may be a link: check where its directory really is.
    await this.assertRealInside(followFinal || w.real === root ? w.real : posix.dirname(w.real), w.canonical);
    return w;
  }

  /** Where `path` is created/renamed/removed: its existing parent directory, resolved, plus its name. */
  private async place(path: string, verb = 'replaced'): Promise<Placement> {
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') throw new FsPermissionError('/', `the root cannot be ${verb}`);
    const parent = posix.dirname(canonical);
    const w = await this.walk(parent, true);
    if (w.missing.length > 0) throw new FsNotFoundError(parent);
    await this.assertRealInside(w.real, canonical);
    const st = await this.osCall(() => lstat(w.real), parent);
    if (!st.isDirectory()) throw new FsTypeError(parent, 'not a directory');
    return { canonical, parentReal: w.real, real: join(w.real, posix.basename(canonical)) };
  }

  private async assertRealInside(real: string, canonical: string): Promise<void> {
    const root = await this.realRoot();
    const actual = await this.osCall(() => realpath(real), canonical);
    if (!isOsPathWithin(root, actual)) throw new FsEscapeError(canonical);
  }

  /** Opens with O_NOFOLLOW and, where the OS tells, checks that the descriptor is inside the root. */
  private async openVerified(
    real: string,
    flags: number,
    canonical: string,
    mode?: number,
  ): Promise<FileHandle> {
    const handle = await this.osCall(() => open(real, flags | O_NOFOLLOW, mode), canonical);
    try {
      if (canVerifyDescriptors()) {
        const root = await this.realRoot();
        const link = await readlink(`${PROC_FD}/${handle.fd}`);
        const opened = link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
        if (!isOsPathWithin(root, opened)) throw new FsEscapeError(canonical);
      }
      return handle;
    } catch (err) {
      await handle.close();
      if ((flags & O_CREAT) !== 0) await unlink(real).catch(() => undefined);
      throw toFsError(err, canonical);
    }
  }

  private async statBatch(base: string, entries: Dirent[], dir: string): Promise<FileInfo[]> {
    const infos = await Promise.all(
      entries.map(async (entry) => {
        try {
          return toInfo(entry.name, await lstat(join(base, entry.name)));
        } catch (err) {
          if (errnoOf(err) === 'ENOENT') return undefined; // removed since it was read: skip it
          throw toFsError(err, posix.join(dir, entry.name));
        }
      }),
    );
    return infos.filter((info): info is FileInfo => info !== undefined);
  }

  private async lstatOrUndefined(real: string, canonical: string): Promise<Stats | undefined> {
    try {
      return await lstat(real);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw toFsError(err, canonical);
    }
  }

  private async osCall<T>(call: () => Promise<T>, canonical: string): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw toFsError(err, canonical);
    }
  }
}

/** Writes to a file descriptor, refusing to go over `maxSize` (0 = unlimited). */
class LimitedFileSink extends Writable {
  written = 0;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly maxSize: number,
  ) {
    super({ highWaterMark: 64 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.maxSize > 0 && this.written + chunk.length > this.maxSize) {
      callback(new FsTooLargeError(this.path, this.maxSize));
      return;
    }
    this.writeFully(chunk).then(
      () => {
        this.written += chunk.length;
        callback();
      },
      (err: unknown) => callback(toFsError(err, this.path)),
    );
  }

  private async writeFully(chunk: Buffer): Promise<void> {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await this.handle.write(chunk, offset, chunk.length - offset, null);
      offset += bytesWritten;
    }
  }
}

type WriteState = 'open' | 'committing' | 'committed' | 'aborted';

class LocalAtomicWrite implements AtomicWrite {
  readonly stream: LimitedFileSink;
  private state: WriteState = 'open';
  private handleClosed = false;
  private streamError?: Error;
  private aborting?: Promise<void>;

  constructor(
    private readonly handle: FileHandle,
    private readonly tempReal: string,
    private readonly target: Placement,
    private readonly options: AtomicWriteOptions,
  ) {
    this.stream = new LimitedFileSink(handle, target.canonical, options.maxSize ?? 0);
    // Whatever the caller does after a failure, no temp file is left behind.
    this.stream.on('error', (err: Error) => {
      this.streamError = err;
      void this.abort();
    });
    this.stream.on('close', () => {
      if (!this.stream.writableFinished && this.state === 'open') void this.abort();
    });
  }

  bytes(): number {
    return this.stream.written;
  }

  async commit(): Promise<void> {
    if (this.state !== 'open') {
      throw new FsError(
        'IO',
        `${this.target.canonical}: the write was already ${this.state}`,
        this.target.canonical,
      );
    }
    this.state = 'committing';
    try {
      await this.streamFinished();
      await this.handle.sync();
      await this.handle.chmod(await this.finalMode());
      await this.closeHandle();
      await rename(this.tempReal, this.target.real);
      this.state = 'committed';
    } catch (err) {
      this.state = 'open';
      await this.abort();
      throw toFsError(err, this.target.canonical);
    }
    await syncDirectory(this.target.parentReal);
  }

  abort(): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    this.aborting ??= (async () => {
      this.state = 'aborted';
      if (!this.stream.destroyed) this.stream.destroy();
      await this.closeHandle().catch(() => undefined);
      await unlink(this.tempReal).catch((err: unknown) => {
        if (errnoOf(err) !== 'ENOENT') throw toFsError(err, this.target.canonical);
      });
    })();
    return this.aborting;
  }

  private async streamFinished(): Promise<void> {
    if (this.streamError) throw this.streamError;
    if (this.stream.writableFinished) return;
    if (!this.stream.writableEnded) {
      throw new FsError('IO', `${this.target.canonical}: commit before the data stream was ended`);
    }
    await new Promise<void>((resolveFinish, rejectFinish) => {
      this.stream.once('finish', resolveFinish);
      this.stream.once('error', rejectFinish);
    });
  }

  /** An overwrite keeps the existing file's permissions; a new file gets the requested ones. */
  private async finalMode(): Promise<number> {
    try {
      const st = await lstat(this.target.real);
      if (st.isFile()) return st.mode & 0o777; // never carry setuid/setgid over to new content
    } catch {
      // no file there (or a symlink being replaced): a new file
    }
    return this.options.mode ?? DEFAULT_FILE_MODE;
  }

  private async closeHandle(): Promise<void> {
    if (this.handleClosed) return;
    this.handleClosed = true;
    await this.handle.close();
  }
}

/** Makes a rename durable; best effort, as some filesystems refuse fsync on directories. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, O_RDONLY | O_DIRECTORY);
    await handle.sync();
  } catch {
    // durability only: the rename itself succeeded
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** The temp-file name prefix of atomic writes (listings may want to recognise them). */
export const ATOMIC_TEMP_PREFIX = TEMP_PREFIX;
