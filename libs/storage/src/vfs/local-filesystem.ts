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
 * Metadata calls (`lstat`, `realpath`, `readlink`, `fstat`, directory reads, `close`) are synchronous: on a local disk they are
 * answered from the kernel's caches in a few microseconds, while the same call through libuv's thread
 * pool costs several times that in CPU (measured: ~8 us vs ~35 us per `lstat` on the bench machine),
 * and a path is normally resolved with a single `realpath` (see `walk`). Listings yield to the event
 * loop every LIST_BATCH entries. Data I/O (open, read, write, fsync, rename, removal) stays async.
 *
 * Residual TOCTOU window: path-based calls (`lstat` for stat, `mkdir`, `rename`, `unlink`, `rm -r`,
 * the commit rename) can still race with someone who swaps an intermediate directory for a symlink
 * between our resolution and the syscall. That needs write access to the tree through another channel
 * (a shell, or SFTP with symlink creation enabled), since the REST API cannot create symlinks; reads
 * and writes of file CONTENT are protected by the descriptor check, so the race can at most touch
 * names, not disclose or overwrite data outside the root.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants as fsConstants,
  type Dir,
  createReadStream,
  type Dirent,
  existsSync,
  fchmodSync,
  fsync as fsyncCb,
  futimes as futimesCb,
  open as openCb,
  read as readCb,
  writev as writevCb,
  fstatSync,
  lstatSync,
  opendirSync,
  readlinkSync,
  realpathSync,
  type Stats,
} from 'node:fs';
import { lstat, lutimes, mkdir, realpath, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { isAbsolute, join, posix, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { Writable } from 'node:stream';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { promisify } from 'node:util';
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

// Plain descriptors (not FileHandles): fd-based streams read and write at about half the CPU cost of
// FileHandle ones. Every descriptor opened here is closed on every path (streams with autoClose).
// Closing a descriptor (and fchmod) is a metadata call answered at once: done synchronously, as the
// other metadata calls (see the file comment).
const openFd = promisify(openCb);
const closeFd = (fd: number): void => closeSync(fd);
const fsyncFd = promisify(fsyncCb);
const futimesFd = promisify(futimesCb);
/** The `fs` a read stream uses once it has its descriptor: async reads, synchronous close. */
const READ_STREAM_FS = {
  open: openCb,
  read: readCb,
  close: (fd: number, callback: (err: NodeJS.ErrnoException | null) => void) => {
    try {
      closeSync(fd);
      callback(null);
    } catch (err) {
      callback(err as NodeJS.ErrnoException);
    }
  },
};
const writevFd = promisify(writevCb);
/** Read chunk of file streams: fewer syscalls and writes per byte than Node's 64 KiB default. */
const READ_CHUNK = 256 * 1024;

/** Linux's limit on links followed in one resolution (`MAXSYMLINKS`). */
const MAX_SYMLINKS = 40;
/** Entries read from a directory and stat'ed between two yields to the event loop. */
const LIST_BATCH = 128;
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

/** Up to `max` entries of an open directory (its buffer refilled synchronously). */
function readEntries(dir: Dir, max: number): Dirent[] {
  const entries: Dirent[] = [];
  let entry: Dirent | null;
  while (entries.length < max && (entry = dir.readSync()) !== null) entries.push(entry);
  return entries;
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
  /** True when `real` is known to be its own realpath (no link anywhere): no re-check needed. */
  verified?: boolean;
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
  /** The real root once prepared: the hot path reads it without awaiting a promise. */
  private rootReal?: string;

  constructor(root: string) {
    if (!isAbsolute(root)) throw new InvalidMountError('/', 'the root must be an absolute path');
    this.root = resolve(root);
  }

  realRoot(): Promise<string> {
    if (this.rootReal !== undefined) return Promise.resolve(this.rootReal);
    this.rootPromise ??= this.prepareRoot().catch((err: unknown) => {
      this.rootPromise = undefined; // let a later call retry (e.g. after the admin fixed the disk)
      throw err;
    });
    return this.rootPromise;
  }

  async stat(path: string): Promise<FileInfo> {
    const w = await this.existing(path, true);
    return toInfo(
      nameOf(w.canonical),
      this.osSync(() => lstatSync(w.real), w.canonical),
    );
  }

  async lstat(path: string): Promise<FileInfo> {
    const w = await this.existing(path, false);
    return toInfo(
      nameOf(w.canonical),
      this.osSync(() => lstatSync(w.real), w.canonical),
    );
  }

  async *list(path: string): AsyncIterable<FileInfo> {
    for await (const batch of this.listBatches(path)) yield* batch;
  }

  async *listBatches(path: string): AsyncIterable<FileInfo[]> {
    const w = await this.existing(path, true);
    const fd = await this.openVerified(w.real, O_RDONLY | O_DIRECTORY, w.canonical);
    let dir: Dir | undefined;
    try {
      // Through the verified descriptor, so a directory swapped after the check is not what we list.
      const base = canVerifyDescriptors() ? `${PROC_FD}/${fd}` : w.real;
      dir = this.osSync(() => opendirSync(base, { bufferSize: LIST_BATCH }), w.canonical);
      for (;;) {
        const open = dir;
        const batch = this.osSync(() => readEntries(open, LIST_BATCH), w.canonical);
        if (batch.length > 0) yield this.statBatch(base, batch, w.canonical);
        if (batch.length < LIST_BATCH) break;
        await yieldToLoop();
      }
    } finally {
      dir?.closeSync();
      closeFd(fd);
    }
  }

  async createReadStream(path: string, range?: ByteRange): Promise<Readable> {
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end))) {
      throw new RangeError('range bounds must be integers');
    }
    if (range && (range.start < 0 || range.end < range.start)) throw new RangeError('invalid byte range');
    const w = await this.existing(path, true);
    const fd = await this.openVerified(w.real, O_RDONLY, w.canonical);
    let size: number;
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw new FsTypeError(w.canonical, 'is a directory');
      // A FIFO or device would block or never end: only regular files are served.
      if (!st.isFile()) throw new FsTypeError(w.canonical, 'not a regular file');
      size = st.size;
    } catch (err) {
      closeFd(fd);
      throw toFsError(err, w.canonical);
    }
    const start = range?.start ?? 0;
    // A known end saves the read that would only find EOF (an empty file reads until EOF).
    const end = range?.end ?? (size > 0 ? size - 1 : undefined);
    const length = end === undefined ? 0 : end - start + 1;
    return createReadStream('', {
      fd,
      fs: READ_STREAM_FS,
      start,
      end,
      autoClose: true,
      highWaterMark: Math.max(16 * 1024, Math.min(READ_CHUNK, length)),
    });
  }

  async createAtomicWrite(path: string, options: AtomicWriteOptions = {}): Promise<AtomicWrite> {
    const target = await this.place(path);
    const existing = this.lstatOrUndefined(target.real, target.canonical);
    if (existing?.isDirectory()) throw new FsTypeError(target.canonical, 'is a directory');
    // Unpredictable and exclusive: nobody can pre-create or guess it to intercept the data.
    const tempReal = join(target.parentReal, `${TEMP_PREFIX}${randomBytes(16).toString('hex')}.part`);
    const fd = await this.openVerified(tempReal, O_WRONLY | O_CREAT | O_EXCL, target.canonical, 0o600);
    return new LocalAtomicWrite(fd, tempReal, target, options);
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
      const st = this.osSync(() => lstatSync(w.real), canonical);
      if (!st.isDirectory()) throw new FsTypeError(canonical, 'not a directory');
      return;
    }
    // Only the requested names are created: never the target of a dangling symlink on the way.
    const wanted = pathComponents(canonical);
    const tail = wanted.slice(wanted.length - w.missing.length);
    if (w.missing.length > wanted.length || w.missing.some((part, i) => part !== tail[i])) {
      throw new FsNotFoundError(canonical);
    }
    if (!w.verified) this.assertRealInside(await this.realRoot(), w.real, canonical);
    let current = w.real;
    for (const part of w.missing) {
      current = join(current, part);
      try {
        await mkdir(current, { mode: DIR_MODE });
      } catch (err) {
        // Created concurrently: fine if it is a real directory (never a symlink someone planted).
        if (errnoOf(err) === 'EEXIST' && this.lstatOrUndefined(current, canonical)?.isDirectory()) {
          continue;
        }
        throw toFsError(err, canonical);
      }
    }
  }

  async rename(from: string, to: string): Promise<void> {
    const source = await this.place(from, 'renamed');
    const target = await this.place(to, 'renamed');
    const srcSt = this.osSync(() => lstatSync(source.real), source.canonical);
    if (source.real === target.real) {
      throw new FsUnsupportedError(target.canonical, 'the rename source and target cannot be the same');
    }
    if (srcSt.isDirectory() && isOsPathWithin(source.real, target.real)) {
      throw new FsUnsupportedError(target.canonical, `nested rename of ${source.canonical} is not supported`);
    }
    const dstSt = this.lstatOrUndefined(target.real, target.canonical);
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
    const st = this.osSync(() => lstatSync(target.real), target.canonical);
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
    let fd: number;
    try {
      fd = await this.openVerified(w.real, O_RDONLY, w.canonical);
    } catch (err) {
      if (!(err instanceof FsPermissionError)) throw err;
      // Unreadable (e.g. 0200) but owned: set the times by path; `lutimes` never follows a final link.
      await this.osCall(() => lutimes(w.real, at, mt), w.canonical);
      return;
    }
    try {
      await this.osCall(() => futimesFd(fd, at, mt), w.canonical);
    } finally {
      closeFd(fd);
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
      this.rootReal = real;
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
    const root = this.rootReal ?? (await this.realRoot());
    const canonical = canonicalizeVirtualPath(path);
    const components = pathComponents(canonical);
    // Fast path: a path whose realpath is itself exists and crosses no link (neither on the way nor
    // at the end), so the walk below would return exactly it. One call instead of one per component.
    const direct = join(root, ...components);
    if (components.length > 0 && this.realpathOrUndefined(direct) === direct) {
      return { canonical, real: direct, missing: [], verified: true };
    }
    const pending = components.reverse();
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
        st = lstatSync(candidate);
      } catch (err) {
        if (errnoOf(err) !== 'ENOENT') throw toFsError(err, canonical);
        return { canonical, real: join(root, ...resolved), missing: [part, ...pending.reverse()] };
      }
      if (st.isSymbolicLink() && (pending.length > 0 || followFinal)) {
        if (++links > MAX_SYMLINKS)
          throw new FsError('LOOP', `${canonical}: too many symbolic links`, canonical);
        const target = this.osSync(() => readlinkSync(candidate), canonical);
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
    if (w.verified) return w;
    const root = await this.realRoot();
    // Without following, the last component may be a link: check where its directory really is.
    this.assertRealInside(root, followFinal || w.real === root ? w.real : posix.dirname(w.real), w.canonical);
    return w;
  }

  /** Where `path` is created/renamed/removed: its existing parent directory, resolved, plus its name. */
  private async place(path: string, verb = 'replaced'): Promise<Placement> {
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') throw new FsPermissionError('/', `the root cannot be ${verb}`);
    const parent = posix.dirname(canonical);
    const w = await this.walk(parent, true);
    if (w.missing.length > 0) throw new FsNotFoundError(parent);
    if (!w.verified) this.assertRealInside(await this.realRoot(), w.real, canonical);
    const st = this.osSync(() => lstatSync(w.real), parent);
    if (!st.isDirectory()) throw new FsTypeError(parent, 'not a directory');
    return { canonical, parentReal: w.real, real: join(w.real, posix.basename(canonical)) };
  }

  private assertRealInside(root: string, real: string, canonical: string): void {
    const actual = this.osSync(() => realpathSync.native(real), canonical);
    if (!isOsPathWithin(root, actual)) throw new FsEscapeError(canonical);
  }

  private realpathOrUndefined(real: string): string | undefined {
    try {
      return realpathSync.native(real);
    } catch {
      return undefined; // missing, not a directory on the way, a loop...: the full walk tells which
    }
  }

  /** Opens with O_NOFOLLOW and, where the OS tells, checks that the descriptor is inside the root. */
  private async openVerified(real: string, flags: number, canonical: string, mode?: number): Promise<number> {
    const fd = await this.osCall(() => openFd(real, flags | O_NOFOLLOW, mode), canonical);
    try {
      if (canVerifyDescriptors()) {
        const root = await this.realRoot();
        const link = readlinkSync(`${PROC_FD}/${fd}`);
        const opened = link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
        if (!isOsPathWithin(root, opened)) throw new FsEscapeError(canonical);
      }
      return fd;
    } catch (err) {
      closeFd(fd);
      if ((flags & O_CREAT) !== 0) await unlink(real).catch(() => undefined);
      throw toFsError(err, canonical);
    }
  }

  private statBatch(base: string, entries: Dirent[], dir: string): FileInfo[] {
    const infos: FileInfo[] = [];
    for (const entry of entries) {
      try {
        infos.push(toInfo(entry.name, lstatSync(join(base, entry.name))));
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') continue; // removed since it was read: skip it
        throw toFsError(err, posix.join(dir, entry.name));
      }
    }
    return infos;
  }

  private lstatOrUndefined(real: string, canonical: string): Stats | undefined {
    try {
      return lstatSync(real);
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return undefined;
      throw toFsError(err, canonical);
    }
  }

  private osSync<T>(call: () => T, canonical: string): T {
    try {
      return call();
    } catch (err) {
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

/**
 * Writes to a file descriptor, refusing to go over `maxSize` (0 = unlimited). Chunks queued while a
 * write is in flight go out together in one `writev`.
 */
class LimitedFileSink extends Writable {
  written = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly fd: number,
    private readonly path: string,
    private readonly maxSize: number,
  ) {
    super({ highWaterMark: 256 * 1024 });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll([chunk], callback);
  }

  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.writeAll(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  private writeAll(buffers: Buffer[], callback: (error?: Error | null) => void): void {
    const size = buffers.reduce((sum, b) => sum + b.length, 0);
    if (this.maxSize > 0 && this.written + size > this.maxSize) {
      callback(new FsTooLargeError(this.path, this.maxSize));
      return;
    }
    const writing = writeFully(this.fd, buffers);
    this.inFlight = writing.catch(() => undefined);
    writing.then(
      () => {
        this.written += size;
        callback();
      },
      (err: unknown) => callback(toFsError(err, this.path)),
    );
  }

  /** Settles once no write is in flight: the descriptor may be closed (never while the pool writes). */
  idle(): Promise<void> {
    return this.inFlight;
  }
}

/** `writev` until every byte is written (a regular file may take fewer bytes than offered). */
async function writeFully(fd: number, buffers: Buffer[]): Promise<void> {
  let pending = buffers;
  while (pending.length > 0) {
    let n = (await writevFd(fd, pending)).bytesWritten;
    let i = 0;
    while (i < pending.length && n >= pending[i].length) n -= pending[i++].length;
    pending = pending.slice(i);
    if (n > 0) pending[0] = pending[0].subarray(n);
  }
}

type WriteState = 'open' | 'committing' | 'committed' | 'aborted';

class LocalAtomicWrite implements AtomicWrite {
  readonly stream: LimitedFileSink;
  private state: WriteState = 'open';
  private fdClosed = false;
  private streamError?: Error;
  private aborting?: Promise<void>;

  constructor(
    private readonly fd: number,
    private readonly tempReal: string,
    private readonly target: Placement,
    private readonly options: AtomicWriteOptions,
  ) {
    this.stream = new LimitedFileSink(fd, target.canonical, options.maxSize ?? 0);
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
      const replaced = this.replacedFileMode();
      // Replacing a file: its new content is made durable before the rename, so that a power cut can
      // never leave the name pointing at unwritten blocks (the old content or the new, never a torn
      // file). A new file is not synced, as SFTPGo: a power cut may lose it, never damage anything.
      if (replaced !== undefined) await fsyncFd(this.fd);
      fchmodSync(this.fd, replaced ?? this.options.mode ?? DEFAULT_FILE_MODE);
      await this.closeFd();
      await rename(this.tempReal, this.target.real);
      this.state = 'committed';
    } catch (err) {
      this.state = 'open';
      await this.abort();
      throw toFsError(err, this.target.canonical);
    }
  }

  abort(): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    this.aborting ??= (async () => {
      this.state = 'aborted';
      if (!this.stream.destroyed) this.stream.destroy();
      await this.closeFd().catch(() => undefined);
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

  /** The permissions of the regular file being replaced (kept by the new content), if any. */
  private replacedFileMode(): number | undefined {
    try {
      const st = lstatSync(this.target.real);
      if (st.isFile()) return st.mode & 0o777; // never carry setuid/setgid over to new content
    } catch {
      // no file there (or a symlink being replaced): a new file
    }
    return undefined;
  }

  private async closeFd(): Promise<void> {
    if (this.fdClosed) return;
    this.fdClosed = true;
    await this.stream.idle();
    closeFd(this.fd);
  }
}

/** The temp-file name prefix of atomic writes (listings may want to recognise them). */
export const ATOMIC_TEMP_PREFIX = TEMP_PREFIX;
