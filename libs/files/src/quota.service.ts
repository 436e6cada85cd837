/**
 * Disk and transfer quotas of the user file API, and the registration of active transfers.
 *
 * Design (why "at most N stored" holds under concurrency): every counter change is a conditional SQL
 * `UPDATE` (quota.repository.ts). An upload reserves before it stores:
 * - at the start, the new file (+1 file) with SFTPGo's "has space" check, and, when the request
 *   declares its length, all its bytes (minus the size of the file it replaces);
 * - while streaming, bytes beyond what is reserved, in 1 MiB steps, falling back to the exact need
 *   when a step does not fit; a refused reservation fails the upload with 413 and drops the temp file;
 * - at commit, under a per-file lock, the target is looked at again: the reservation is turned into
 *   the exact delta (a file that appeared or vanished meanwhile is accounted as it really is), any
 *   increase again being conditional, any surplus released after the rename.
 * A failed or aborted upload releases all it reserved, so disk counters are untouched. Transfer
 * (bandwidth) quotas are reserved the same way and refunded down to the bytes really received or
 * sent (SFTPGo charges them even for failed transfers). Deletes release, overwrites adjust by the size
 * delta, moves between counters charge the target (conditionally) and release the source.
 */
import { ApiError } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { type FileInfo, type Filesystem, FsError, isRegularMode, type MountRef } from '@app/storage';
import type { EffectiveUser } from '@app/users';
import { Injectable, Logger } from '@nestjs/common';
import { posix } from 'node:path';
import { Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { ERR_SPACE_LIMIT, quote } from './files-errors';
import { QuotaRepository } from './quota.repository';
import {
  hasDiskLimits,
  hasTransferLimits,
  type QuotaCounter,
  quotaCounterFor,
  remainingTransfer,
  type TransferLimits,
  transferLimitsOf,
} from './quota-target';
import { type TransferHandle, TransferRegistry } from './transfer-registry';
import { lstatOrUndefined } from './fs-helpers';

/** SFTPGo's `ErrReadQuotaExceeded`. */
export const ERR_READ_QUOTA = 'denying read due to quota limit';

/** Reservation step while streaming a body of unknown length. */
const RESERVE_STEP = 1_048_576;
/** SFTPGo's `util.MaxRecursion`. */
const MAX_DEPTH = 1000;

const logger = new Logger('QuotaService');

/** Files and bytes. */
export interface Usage {
  files: number;
  bytes: number;
}

const ZERO: Usage = { files: 0, bytes: 0 };

/** A path on one mount: what the quota decisions need from a resolved path. */
export interface QuotaPath {
  virtualPath: string;
  mount: MountRef;
  fs: Filesystem;
  fsPath: string;
}

/** What a write needs from the atomic write it guards. */
export interface Committable {
  commit(): Promise<void>;
}

function isRegularFile(info: FileInfo | undefined): info is FileInfo {
  return info !== undefined && !info.isDir && !info.isSymlink && isRegularMode(info.mode);
}

/** Regular files and their bytes at `path` (a file, or a tree; symlinks are not counted, as SFTPGo). */
export async function usageOf(fs: Filesystem, path: string): Promise<Usage> {
  const info = await lstatOrUndefined(fs, path);
  if (!info) return { ...ZERO };
  if (!info.isDir) return isRegularFile(info) ? { files: 1, bytes: info.size } : { ...ZERO };
  const total = { ...ZERO };
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) throw new FsError('LOOP', `${dir}: maximum directory depth exceeded`, dir);
    for await (const entry of fs.list(dir)) {
      if (entry.isDir) await walk(posix.join(dir, entry.name), depth + 1);
      else if (isRegularFile(entry)) {
        total.files += 1;
        total.bytes += entry.size;
      }
    }
  };
  await walk(path, 0);
  return total;
}

/** An in-process lock per key: commits, deletes and moves of the same file never interleave. */
class KeyedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: string[], work: () => Promise<T>): Promise<T> {
    // Sorted and de-duplicated: two callers locking the same pair can never deadlock.
    const releases: (() => void)[] = [];
    try {
      for (const key of [...new Set(keys)].sort()) releases.push(await this.acquire(key));
      return await work();
    } finally {
      for (const release of releases.reverse()) release();
    }
  }

  private async acquire(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

function spaceError(message: string): ApiError {
  return new ApiError(413, ERR_SPACE_LIMIT, message, { connection: 'close' });
}

/** Options of {@link QuotaService.beginUpload}. */
export interface UploadStart {
  user: EffectiveUser;
  target: QuotaPath;
  /** What is at the target now (undefined when nothing). */
  existing?: FileInfo;
  /** The request's declared length, when known. */
  declaredSize?: number;
  connectionId?: string;
  /** Called when the transfer is closed from outside (the connection was closed). */
  onAbort?: (reason: Error) => void;
}

/** The connection a download belongs to and its abort hook (see {@link UploadStart}). */
export interface DownloadStart {
  connectionId?: string;
  onAbort?: (reason: Error) => void;
}

/**
 * One upload's quota state: what it reserved on the disk counter and the transfer quota, the live
 * transfer registration, and the metered sink the body goes through.
 */
export class UploadQuota {
  private written = 0;
  private disk: Usage = { ...ZERO };
  private transfer = 0;
  private done = false;
  private readonly diskLimited: boolean;

  constructor(
    private readonly repo: QuotaRepository,
    private readonly locks: KeyedLocks,
    private readonly user: EffectiveUser,
    private readonly counter: QuotaCounter,
    private readonly limits: TransferLimits,
    private readonly handle: TransferHandle,
    private readonly path: string,
    /** Size of the regular file being replaced: bytes up to it need no reservation. */
    private readonly credit: number,
  ) {
    this.diskLimited = counter.tracked && hasDiskLimits(counter.limits);
  }

  /** @internal reservations made by `beginUpload`. */
  async reserveStart(isNew: boolean, declared: number | undefined): Promise<void> {
    if (hasTransferLimits(this.limits)) {
      const usage = await this.repo.transferUsage(this.user.id);
      if (remainingTransfer(this.limits, usage, 'upload') <= 0) {
        throw spaceError(`Unable to write file ${quote(this.path)}`);
      }
      if (declared !== undefined && declared > 0) {
        if (!(await this.repo.chargeTransfer(this.user.id, this.limits, 'upload', declared))) {
          throw spaceError(`Error saving file ${quote(this.path)}`);
        }
        this.transfer = declared;
      }
    }
    if (!this.diskLimited) return;
    const bytes = declared === undefined ? 0 : Math.max(0, declared - this.credit);
    const files = isNew ? 1 : 0;
    // The "has space" check (room for a new file and for one more byte) and the declared bytes, at once.
    if (await this.repo.charge(this.counter, files, bytes, true)) {
      this.disk = { files, bytes };
      return;
    }
    // Refused: SFTPGo's message depends on whether there was any space at all (read for the text only).
    const used = await this.repo.diskUsage(this.counter);
    const { quotaFiles, quotaSize } = this.counter.limits;
    const hadSpace =
      (files === 0 || quotaFiles <= 0 || used.files < quotaFiles) &&
      (quotaSize <= 0 || used.bytes < quotaSize);
    throw spaceError(`${hadSpace ? 'Error saving' : 'Unable to write'} file ${quote(this.path)}`);
  }

  /** Wraps the storage sink: each chunk is reserved before it is written; a refusal fails with 413. */
  sink(target: Writable): Writable {
    return new MeteredSink(target, (n) => this.accept(n));
  }

  /** Bytes received so far. */
  bytes(): number {
    return this.written;
  }

  /**
   * Replaces the target (`write.commit()`) with the exact accounting: under the file's lock, the
   * reservation becomes the real delta (an increase only if it fits, else 413 and nothing stored).
   */
  async commit(target: QuotaPath, write: Committable): Promise<void> {
    if (!this.counter.tracked) {
      await write.commit();
      await this.finish();
      return;
    }
    const key = await lockKey(target);
    await this.locks.run([key], async () => {
      const previous = await lstatOrUndefined(target.fs, target.fsPath);
      const old = isRegularFile(previous) ? previous.size : undefined;
      const final: Usage = { files: old === undefined ? 1 : 0, bytes: this.written - (old ?? 0) };
      if (this.diskLimited) {
        const more: Usage = {
          files: Math.max(0, final.files - this.disk.files),
          bytes: Math.max(0, final.bytes - this.disk.bytes),
        };
        if (more.files > 0 || more.bytes > 0) {
          if (!(await this.repo.charge(this.counter, more.files, more.bytes))) {
            throw spaceError(`Error saving file ${quote(this.path)}`);
          }
          this.disk = { files: this.disk.files + more.files, bytes: this.disk.bytes + more.bytes };
        }
      }
      await write.commit();
      const surplus: Usage = { files: final.files - this.disk.files, bytes: final.bytes - this.disk.bytes };
      this.disk = { ...ZERO }; // stored: nothing left to release on abort
      await this.safeAdd(surplus);
    });
    await this.finish();
  }

  /** Releases the disk reservation and refunds the transfer quota down to the bytes received. */
  async abort(): Promise<void> {
    if (this.done) return;
    const reserved = this.disk;
    this.disk = { ...ZERO };
    await this.safeAdd({ files: -reserved.files, bytes: -reserved.bytes });
    await this.finish();
  }

  /** Ends the transfer; the unused transfer reservation is refunded before the response goes out. */
  private async finish(): Promise<void> {
    if (this.done) return;
    this.done = true;
    this.handle.close();
    const refund = this.transfer - this.written;
    this.transfer = this.written;
    if (refund > 0) {
      await this.repo
        .addTransfer(this.user.id, 'upload', -refund)
        .catch((err: unknown) => logger.error(`transfer quota refund failed: ${String(err)}`));
    }
  }

  private async safeAdd(delta: Usage): Promise<void> {
    if (!this.counter.tracked || (delta.files === 0 && delta.bytes === 0)) return;
    try {
      await this.repo.add(this.counter, delta.files, delta.bytes);
    } catch (err) {
      logger.error(`quota update failed for ${this.counter.key}: ${String(err)}`);
    }
  }

  private async accept(n: number): Promise<void> {
    const total = this.written + n;
    if (hasTransferLimits(this.limits) && total > this.transfer) {
      this.transfer += await this.reserve(total - this.transfer, (amount) =>
        this.repo.chargeTransfer(this.user.id, this.limits, 'upload', amount),
      );
    }
    const needed = Math.max(0, total - this.credit);
    if (this.diskLimited && needed > this.disk.bytes) {
      const got = await this.reserve(needed - this.disk.bytes, (amount) =>
        this.repo.charge(this.counter, 0, amount),
      );
      this.disk = { files: this.disk.files, bytes: this.disk.bytes + got };
    }
    this.written = total;
    this.handle.add(n);
  }

  /** Reserves a step (or at least `need`); throws the 413 when even `need` does not fit. */
  private async reserve(need: number, charge: (amount: number) => Promise<boolean>): Promise<number> {
    const step = Math.max(need, RESERVE_STEP);
    if (await charge(step)) return step;
    if (step > need && (await charge(need))) return need;
    throw spaceError(`Error saving file ${quote(this.path)}`);
  }
}

/**
 * A sink that awaits `accept(bytes)` before forwarding each chunk to `target`, and finishes only when
 * `target` has finished (so the atomic write can be committed right after).
 */
class MeteredSink extends Writable {
  constructor(
    private readonly target: Writable,
    private readonly accept: (bytes: number) => Promise<void>,
  ) {
    super();
    target.on('error', (err: Error) => this.destroy(err));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.accept(chunk.length).then(
      () => {
        if (this.target.write(chunk)) {
          callback();
          return;
        }
        const onDrain = () => {
          this.target.off('error', onError);
          callback();
        };
        const onError = (err: Error) => {
          this.target.off('drain', onDrain);
          callback(err);
        };
        this.target.once('drain', onDrain);
        this.target.once('error', onError);
      },
      (err: Error) => callback(err),
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    const onFinish = () => {
      this.target.off('error', onError);
      callback();
    };
    const onError = (err: Error) => {
      this.target.off('finish', onFinish);
      callback(err);
    };
    this.target.once('finish', onFinish);
    this.target.once('error', onError);
    this.target.end();
  }
}

/** One download's transfer state: registration and the transfer-quota reservation. */
export class DownloadQuota {
  private sent = 0;
  private done = false;

  constructor(
    private readonly repo: QuotaRepository,
    private readonly userId: number,
    private readonly handle: TransferHandle,
    private readonly reserved: number,
  ) {}

  /** The body as sent: bytes are counted as they pass; the end (or an abort) settles the quota. */
  wrap(source: Readable): Readable {
    const counter = new Transform({
      transform: (chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) => {
        this.sent += chunk.length;
        this.handle.add(chunk.length);
        callback(null, chunk);
      },
    });
    source.on('error', (err) => counter.destroy(err));
    counter.on('close', () => {
      source.destroy();
      this.finish();
    });
    return source.pipe(counter);
  }

  /** Ends the transfer; refunds what was reserved but not sent. */
  finish(): void {
    if (this.done) return;
    this.done = true;
    this.handle.close();
    const refund = this.reserved - this.sent;
    if (refund > 0) {
      this.repo
        .addTransfer(this.userId, 'download', -refund)
        .catch((err: unknown) => logger.error(`transfer quota refund failed: ${String(err)}`));
    }
  }
}

async function lockKey(path: QuotaPath): Promise<string> {
  return `${await path.fs.realRoot()}\u0000${path.fsPath}`;
}

/** Quota accounting and transfer registration for the file API (see the file comment for the design). */
@Injectable()
export class QuotaService {
  private readonly locks = new KeyedLocks();
  /** `data_provider.track_quota` (0 none, 1 users always, 2 users with limits; folders unless 0). */
  private readonly track: number;

  constructor(
    private readonly repo: QuotaRepository,
    private readonly registry: TransferRegistry,
    @InjectConfig() config: SftpgoConfig,
  ) {
    this.track = config.data_provider.track_quota;
  }

  /**
   * Registers an upload (429 past `max_sessions`) and makes its start reservations (413 with SFTPGo's
   * messages when the quota has no room). The caller streams through `sink()`, then calls `commit()`
   * or `abort()`.
   */
  async beginUpload(start: UploadStart): Promise<UploadQuota> {
    const { user, target, existing } = start;
    const handle = this.registry.register({
      username: user.username,
      virtualPath: target.virtualPath,
      direction: 'upload',
      connectionId: start.connectionId,
      maxSessions: user.maxSessions,
      onAbort: start.onAbort,
    });
    // Replacing a symlink is a new file (SFTPGo); only a regular file's size is credited.
    const isNew = !isRegularFile(existing);
    const upload = new UploadQuota(
      this.repo,
      this.locks,
      user,
      quotaCounterFor(user, target.mount, this.track),
      transferLimitsOf(user),
      handle,
      target.virtualPath,
      isRegularFile(existing) ? existing.size : 0,
    );
    const declared =
      start.declaredSize !== undefined && Number.isSafeInteger(start.declaredSize) && start.declaredSize >= 0
        ? start.declaredSize
        : undefined;
    try {
      await upload.reserveStart(isNew, declared);
    } catch (err) {
      await upload.abort();
      throw err;
    }
    return upload;
  }

  /** The download pre-check (also for HEAD): 403 when the download/total transfer quota is exhausted. */
  async checkDownload(user: EffectiveUser, virtualPath: string): Promise<void> {
    const limits = transferLimitsOf(user);
    if (!hasTransferLimits(limits)) return;
    const usage = await this.repo.transferUsage(user.id);
    if (remainingTransfer(limits, usage, 'download') <= 0) throw readQuotaError(virtualPath);
  }

  /**
   * Registers a download of `length` bytes (429 past `max_sessions`) and reserves them on the transfer
   * quota (403 when they do not fit: refused up front rather than cut mid-stream as SFTPGo does).
   */
  async beginDownload(
    user: EffectiveUser,
    virtualPath: string,
    length: number,
    start: DownloadStart = {},
  ): Promise<DownloadQuota> {
    const handle = this.registry.register({
      username: user.username,
      virtualPath,
      direction: 'download',
      maxSessions: user.maxSessions,
      connectionId: start.connectionId,
      onAbort: start.onAbort,
    });
    const limits = transferLimitsOf(user);
    let reserved = 0;
    if (hasTransferLimits(limits) && length > 0) {
      let ok: boolean;
      try {
        ok = await this.repo.chargeTransfer(user.id, limits, 'download', length);
      } catch (err) {
        handle.close();
        throw err;
      }
      if (!ok) {
        handle.close();
        throw readQuotaError(virtualPath);
      }
      reserved = length;
    }
    return new DownloadQuota(this.repo, user.id, handle, reserved);
  }

  /** Removes a file or symlink with `remove`, then releases a regular file's quota (-1 file, -size). */
  async removeFile(user: EffectiveUser, path: QuotaPath, remove: () => Promise<void>): Promise<void> {
    const counter = quotaCounterFor(user, path.mount, this.track);
    if (!counter.tracked) return remove();
    await this.locks.run([await lockKey(path)], async () => {
      const info = await lstatOrUndefined(path.fs, path.fsPath);
      await remove();
      if (isRegularFile(info)) await this.add(counter, { files: -1, bytes: -info.size });
    });
  }

  /** Removes a directory tree with `remove`, releasing the quota of the regular files it held. */
  async removeTree(user: EffectiveUser, path: QuotaPath, remove: () => Promise<void>): Promise<void> {
    const counter = quotaCounterFor(user, path.mount, this.track);
    if (!counter.tracked) return remove();
    const before = await usageOf(path.fs, path.fsPath);
    try {
      await remove();
    } catch (err) {
      // Stopped half-way: release what is really gone.
      const after = await usageOf(path.fs, path.fsPath).catch(() => before);
      await this.add(counter, { files: after.files - before.files, bytes: after.bytes - before.bytes });
      throw err;
    }
    await this.add(counter, { files: -before.files, bytes: -before.bytes });
  }

  /**
   * Copies `source` onto `target` with `copy`: the copied files are charged to the target's counter
   * first (413 `message` when they do not fit; nothing is copied then), and once the copy ends (or
   * stops half-way) the counter is set to what really changed under `target` (overwritten files and
   * merged directories included).
   */
  async copy(
    user: EffectiveUser,
    source: QuotaPath,
    target: QuotaPath,
    message: string,
    copy: () => Promise<void>,
  ): Promise<void> {
    const to = quotaCounterFor(user, target.mount, this.track);
    if (!to.tracked) return copy();
    await this.locks.run([await lockKey(target)], async () => {
      const before = await usageOf(target.fs, target.fsPath);
      const copied = await usageOf(source.fs, source.fsPath);
      let charged: Usage = { ...ZERO };
      if (hasDiskLimits(to.limits) && (copied.files > 0 || copied.bytes > 0)) {
        if (!(await this.repo.charge(to, copied.files, copied.bytes))) throw spaceError(message);
        charged = copied;
      }
      try {
        await copy();
      } finally {
        const after = await usageOf(target.fs, target.fsPath).catch(() => before);
        await this.add(to, {
          files: after.files - before.files - charged.files,
          bytes: after.bytes - before.bytes - charged.bytes,
        });
      }
    });
  }

  /**
   * Moves `source` to `target` with `move`: an overwritten target file is released; between two
   * counters the moved files are charged to the target first (413 `message` when they do not fit) and
   * released from the source after the move.
   */
  async move(
    user: EffectiveUser,
    source: QuotaPath,
    target: QuotaPath,
    message: string,
    move: () => Promise<void>,
  ): Promise<void> {
    const from = quotaCounterFor(user, source.mount, this.track);
    const to = quotaCounterFor(user, target.mount, this.track);
    if (!from.tracked && !to.tracked) return move();
    const keys = [await lockKey(source), await lockKey(target)];
    await this.locks.run(keys, async () => {
      const previous = await lstatOrUndefined(target.fs, target.fsPath);
      const replaced: Usage = isRegularFile(previous) ? { files: 1, bytes: previous.size } : { ...ZERO };
      if (from.key === to.key) {
        await move();
        await this.add(to, { files: -replaced.files, bytes: -replaced.bytes });
        return;
      }
      const moved = await usageOf(source.fs, source.fsPath);
      const delta: Usage = { files: moved.files - replaced.files, bytes: moved.bytes - replaced.bytes };
      let charged: Usage = { ...ZERO };
      if (to.tracked && hasDiskLimits(to.limits)) {
        const more = { files: Math.max(0, delta.files), bytes: Math.max(0, delta.bytes) };
        if ((more.files > 0 || more.bytes > 0) && !(await this.repo.charge(to, more.files, more.bytes))) {
          throw spaceError(message);
        }
        charged = more;
      }
      try {
        await move();
      } catch (err) {
        // A copy-and-delete stopped half-way: account for what really is on each side.
        const sourceNow = await usageOf(source.fs, source.fsPath).catch(() => moved);
        const targetNow = await usageOf(target.fs, target.fsPath).catch(() => replaced);
        if (to.tracked) {
          await this.add(to, {
            files: targetNow.files - replaced.files - charged.files,
            bytes: targetNow.bytes - replaced.bytes - charged.bytes,
          });
        }
        if (from.tracked) {
          await this.add(from, {
            files: sourceNow.files - moved.files,
            bytes: sourceNow.bytes - moved.bytes,
          });
        }
        throw err;
      }
      if (to.tracked) {
        await this.add(to, { files: delta.files - charged.files, bytes: delta.bytes - charged.bytes });
      }
      if (from.tracked) await this.add(from, { files: -moved.files, bytes: -moved.bytes });
    });
  }

  private async add(counter: QuotaCounter, delta: Usage): Promise<void> {
    if (!counter.tracked || (delta.files === 0 && delta.bytes === 0)) return;
    try {
      await this.repo.add(counter, delta.files, delta.bytes);
    } catch (err) {
      logger.error(`quota update failed for ${counter.key}: ${String(err)}`);
    }
  }
}

function readQuotaError(virtualPath: string): ApiError {
  return new ApiError(403, `unable to read file ${quote(virtualPath)}: ${ERR_READ_QUOTA}`, 'Forbidden');
}
