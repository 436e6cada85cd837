/**
 * The provider-neutral filesystem every storage backend implements. Paths are provider-relative POSIX
 * paths (`/a/b.txt`) under the provider's root; implementations clean them again and never let one
 * reach outside the root. Failures are `FsError`s (see fs-errors.ts), never HTTP errors.
 */
import type { Readable, Writable } from 'node:stream';

/** One file or directory as the API reports it. */
export interface FileInfo {
  /** Base name; `/` for the root. */
  name: string;
  /** Bytes for regular files; 0 for directories, symlinks and other non-regular entries. */
  size: number;
  /** Go `os.FileMode` bits (see mode.ts), what SFTPGo puts in `DirEntry.mode`. */
  mode: number;
  /** Modification time, epoch milliseconds. */
  mtime: number;
  isDir: boolean;
  isSymlink: boolean;
}

/** An inclusive byte range (`end` is the last byte read, as in Node's `createReadStream`). */
export interface ByteRange {
  start: number;
  end: number;
}

/** Options of `createAtomicWrite`. */
export interface AtomicWriteOptions {
  /** Bytes allowed; writing more errors the stream with `FsTooLargeError`. Unlimited when absent or 0. */
  maxSize?: number;
  /**
   * Permission bits of a NEW file after commit (default 0644, SFTPGo's 0666 minus the usual umask);
   * an existing file keeps its own mode so an overwrite never widens access.
   */
  mode?: number;
}

/**
 * A write that becomes visible only on `commit`: data goes to a temp file beside the target, then
 * replaces it in one rename. The stream errors (and the temp file goes) on any failure.
 */
export interface AtomicWrite {
  /** Where to write the data; end it before calling `commit`. */
  readonly stream: Writable;
  /** Bytes written so far. */
  bytes(): number;
  /** Waits for the stream to finish, flushes to disk and replaces the target. */
  commit(): Promise<void>;
  /** Drops the temp file; the target is untouched. Safe to call more than once, and after a failure. */
  abort(): Promise<void>;
}

/** The operations the file API needs from a storage provider. */
export interface Filesystem {
  /** Metadata of `path`, following symlinks that stay inside the root. */
  stat(path: string): Promise<FileInfo>;
  /** Metadata of `path` itself: a symlink is reported as a symlink, not followed. */
  lstat(path: string): Promise<FileInfo>;
  /** The entries of a directory (no `.`/`..`), streamed: never the whole directory in memory. */
  list(path: string): AsyncIterable<FileInfo>;
  /** The same entries in batches (a page of the directory at a time), for hot paths like listings. */
  listBatches(path: string): AsyncIterable<FileInfo[]>;
  /** A stream of the file's bytes, optionally only `range`. */
  createReadStream(path: string, range?: ByteRange): Promise<Readable>;
  /** Starts an atomic write to `path` (the parent must exist). */
  createAtomicWrite(path: string, options?: AtomicWriteOptions): Promise<AtomicWrite>;
  /** Creates a directory; with `parents`, also the missing ancestors and no error if it exists. */
  mkdir(path: string, options?: { parents?: boolean }): Promise<void>;
  /** Renames a file, symlink or directory; a target directory is never replaced. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file, a symlink (not its target) or a directory (`recursive` for a non-empty one). */
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** Copies a file or a directory tree, streamed; symlinks are not copied. */
  copy(from: string, to: string): Promise<void>;
  /**
   * Optional: copies one regular file inside this filesystem without its bytes passing through us
   * (S3 CopyObject). `copyTree` uses it when source and target are the same filesystem.
   */
  copyFile?(from: string, to: string): Promise<void>;
  /** Sets access and modification times (Dates or epoch milliseconds). */
  setTimes(path: string, atime: Date | number, mtime: Date | number): Promise<void>;
  /**
   * The root as the provider sees it (for local storage, the real absolute path; for object storage
   * `s3://bucket/prefix`): two filesystems with the same root hold the same files.
   */
  realRoot(): Promise<string>;
}
