/**
 * Encrypted local storage (SFTPGo's CryptFs, provider 4): a `LocalFilesystem` does every path operation
 * (containment, symlink rules, atomic temp-file writes, rename, remove, mkdir, times), and only file
 * CONTENTS are transformed, in SFTPGo's format (crypt-format.ts): AES-256-GCM packages of 64 KiB, each
 * authenticated with its position and a final flag, under a per-file key. Sizes are plaintext sizes
 * computed from the on-disk size; reads decrypt only the packages a range needs.
 */
import { Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { canonicalizeVirtualPath } from '../canonical-path';
import { copyTree, streamFile } from '../copy';
import type { AtomicWrite, AtomicWriteOptions, ByteRange, FileInfo, Filesystem } from '../filesystem';
import { FsError, FsTooLargeError, FsTypeError, InvalidMountError, toFsError } from '../fs-errors';
import { LocalFilesystem } from '../local-filesystem';
import { isRegularMode } from '../mode';
import {
  FILE_HEADER_SIZE,
  fileKey,
  IntegrityError,
  MAX_PAYLOAD,
  newFileHeader,
  PACKAGE_HEADER_SIZE,
  PackageOpener,
  PackageSealer,
  packageSpan,
  plaintextSize,
  TAG_SIZE,
} from './crypt-format';

const OVERHEAD = PACKAGE_HEADER_SIZE + TAG_SIZE;

/** The one error of a file that is not what we wrote (tampered, truncated, other passphrase). */
function integrityError(path: string, cause?: unknown): FsError {
  return new FsError('IO', `${path}: file integrity check failed`, path, { cause });
}

function mapReadError(err: unknown, path: string): FsError {
  return err instanceof IntegrityError ? integrityError(path, err) : toFsError(err, path);
}

/** A regular file's on-disk size becomes its plaintext size; 0 if no file of the format has that size. */
function plainInfo(info: FileInfo): FileInfo {
  if (info.isDir || info.isSymlink || !isRegularMode(info.mode)) return info;
  return { ...info, size: plaintextSize(info.size) ?? 0 };
}

/** Encrypted local storage under `root`, with SFTPGo's CryptFs on-disk format. */
export class CryptFilesystem implements Filesystem {
  private readonly local: LocalFilesystem;
  private readonly passphrase: Buffer;

  constructor(root: string, passphrase: string) {
    if (passphrase === '') throw new InvalidMountError('/', 'the encryption passphrase is required');
    this.local = new LocalFilesystem(root);
    this.passphrase = Buffer.from(passphrase, 'utf8');
  }

  realRoot(): Promise<string> {
    return this.local.realRoot();
  }

  async stat(path: string): Promise<FileInfo> {
    return plainInfo(await this.local.stat(path));
  }

  async lstat(path: string): Promise<FileInfo> {
    return plainInfo(await this.local.lstat(path));
  }

  async *list(path: string): AsyncIterable<FileInfo> {
    for await (const batch of this.listBatches(path)) yield* batch;
  }

  async *listBatches(path: string): AsyncIterable<FileInfo[]> {
    for await (const batch of this.local.listBatches(path)) yield batch.map(plainInfo);
  }

  async createReadStream(path: string, range?: ByteRange): Promise<Readable> {
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end))) {
      throw new RangeError('range bounds must be integers');
    }
    if (range && (range.start < 0 || range.end < range.start)) throw new RangeError('invalid byte range');
    const canonical = canonicalizeVirtualPath(path);
    const info = await this.local.stat(canonical);
    if (info.isDir) throw new FsTypeError(canonical, 'is a directory');
    if (!isRegularMode(info.mode)) throw new FsTypeError(canonical, 'not a regular file');
    const size = plaintextSize(info.size);
    if (size === undefined) throw integrityError(canonical);
    const start = range?.start ?? 0;
    const end = Math.min(range?.end ?? size - 1, size - 1);
    const first = Math.floor(start / MAX_PAYLOAD);
    const last = start <= end ? Math.floor(end / MAX_PAYLOAD) : -1;

    // The file header, and when the range starts in the first package, the packages, from one stream.
    // Otherwise a second stream seeks to the first package needed. A file replaced between the two
    // opens fails the AEAD (another nonce, so another key): never mixed bytes.
    const lastSpan = last >= 0 ? packageSpan(size, last) : undefined;
    const encEnd = lastSpan ? lastSpan.offset + lastSpan.payload + OVERHEAD - 1 : FILE_HEADER_SIZE - 1;
    const headerReader = new ExactReader(
      await this.local.createReadStream(canonical, {
        start: 0,
        end: first === 0 ? encEnd : FILE_HEADER_SIZE - 1,
      }),
    );
    let reader: ExactReader | undefined;
    try {
      const key = fileKey(this.passphrase, await headerReader.read(FILE_HEADER_SIZE));
      if (key === undefined) throw new IntegrityError('bad file header');
      if (lastSpan === undefined) {
        headerReader.close();
        return Readable.from([], { objectMode: false });
      }
      if (first === 0) reader = headerReader;
      else {
        headerReader.close();
        const offset = packageSpan(size, first).offset;
        reader = new ExactReader(
          await this.local.createReadStream(canonical, { start: offset, end: encEnd }),
        );
      }
      const opener = new PackageOpener(key);
      // The first package is checked before the stream is handed out: a bad file fails here, not mid-body.
      const firstPlain = await readPackage(reader, opener, size, first);
      return Readable.from(
        decryptRest(reader, opener, { size, first, last, start, end, firstPlain, canonical }),
        {
          objectMode: false,
          highWaterMark: MAX_PAYLOAD,
        },
      );
    } catch (err) {
      headerReader.close();
      reader?.close();
      throw mapReadError(err, canonical);
    }
  }

  async createAtomicWrite(path: string, options: AtomicWriteOptions = {}): Promise<AtomicWrite> {
    const canonical = canonicalizeVirtualPath(path);
    // The limit is on plaintext, enforced here; the ciphertext size follows from it.
    const inner = await this.local.createAtomicWrite(canonical, { mode: options.mode });
    const header = newFileHeader();
    const key = fileKey(this.passphrase, header);
    if (key === undefined) throw new FsError('IO', `${canonical}: key derivation failed`, canonical); // cannot happen
    return new CryptAtomicWrite(inner, header, new PackageSealer(key), canonical, options.maxSize ?? 0);
  }

  mkdir(path: string, options?: { parents?: boolean }): Promise<void> {
    return this.local.mkdir(path, options);
  }

  rename(from: string, to: string): Promise<void> {
    return this.local.rename(from, to);
  }

  remove(path: string, options?: { recursive?: boolean }): Promise<void> {
    return this.local.remove(path, options);
  }

  copy(from: string, to: string): Promise<void> {
    return copyTree(this, from, this, to);
  }

  /**
   * Copies the encrypted bytes as they are: the key comes from the passphrase and the file's own header,
   * which travels with them, so the copy decrypts as the source does (and fails as a bad source would).
   */
  async copyFile(from: string, to: string): Promise<void> {
    try {
      await streamFile(this.local, from, this.local, to);
    } catch (err) {
      throw toFsError(err, canonicalizeVirtualPath(to));
    }
  }

  setTimes(path: string, atime: Date | number, mtime: Date | number): Promise<void> {
    return this.local.setTimes(path, atime, mtime);
  }
}

/** Reads exact byte counts from a stream (fewer only at its end), holding at most one extra stream chunk. */
class ExactReader {
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Buffer = Buffer.alloc(0);
  private ended = false;

  constructor(private readonly stream: Readable) {
    this.chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  async read(n: number): Promise<Buffer> {
    const parts = [this.pending];
    let have = this.pending.length;
    while (have < n && !this.ended) {
      const next = await this.chunks.next();
      if (next.done) this.ended = true;
      else {
        parts.push(next.value);
        have += next.value.length;
      }
    }
    const all = parts.length === 1 ? parts[0] : Buffer.concat(parts, have);
    this.pending = all.subarray(Math.min(n, all.length));
    return all.subarray(0, Math.min(n, all.length));
  }

  close(): void {
    this.stream.destroy();
  }
}

async function readPackage(
  reader: ExactReader,
  opener: PackageOpener,
  size: number,
  index: number,
): Promise<Buffer> {
  const span = packageSpan(size, index);
  const pkg = await reader.read(span.payload + OVERHEAD);
  return opener.open(pkg, index, span);
}

interface ReadPlan {
  size: number;
  first: number;
  last: number;
  start: number;
  end: number;
  firstPlain: Buffer;
  canonical: string;
}

/** The plaintext of packages `first..last`, cut to `start..end`; the first one is already open. */
async function* decryptRest(
  reader: ExactReader,
  opener: PackageOpener,
  plan: ReadPlan,
): AsyncGenerator<Buffer> {
  const cut = (plain: Buffer, index: number): Buffer => {
    const base = index * MAX_PAYLOAD;
    return plain.subarray(Math.max(plan.start - base, 0), Math.min(plan.end + 1 - base, plain.length));
  };
  try {
    yield cut(plan.firstPlain, plan.first);
    for (let index = plan.first + 1; index <= plan.last; index++) {
      let plain: Buffer;
      try {
        plain = await readPackage(reader, opener, plan.size, index);
      } catch (err) {
        throw mapReadError(err, plan.canonical);
      }
      yield cut(plain, index);
    }
  } finally {
    reader.close();
  }
}

/** Resolves once `stream` can take more data; rejects if it fails or closes first. */
function drained(stream: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error | null): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = (): void => done();
    const onError = (err: Error): void => done(err);
    const onClose = (): void => done(stream.errored ?? new Error('the target stream closed'));
    stream.on('drain', onDrain);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

/**
 * Takes plaintext, writes packages to the local atomic write. A full 64 KiB buffer is sealed only once
 * more data arrives (as sio does), so the last package, flagged final, is sealed at `end`. Memory: the
 * buffer plus the package in flight, whatever the chunk sizes.
 */
class EncryptingSink extends Writable {
  plainBytes = 0;
  private readonly buffer = Buffer.allocUnsafe(MAX_PAYLOAD);
  private buffered = 0;

  constructor(
    private readonly target: Writable,
    private readonly sealer: PackageSealer,
    private readonly path: string,
    private readonly maxSize: number,
  ) {
    super({ highWaterMark: MAX_PAYLOAD });
    target.on('error', (err: Error) => this.destroy(err));
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.maxSize > 0 && this.plainBytes + chunk.length > this.maxSize) {
      callback(new FsTooLargeError(this.path, this.maxSize));
      return;
    }
    this.plainBytes += chunk.length;
    this.consume(chunk).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    (async () => {
      if (this.buffered > 0) await this.send(this.sealer.seal(this.buffer.subarray(0, this.buffered), true));
      this.buffered = 0;
      this.target.end();
      await finished(this.target, { readable: false });
    })().then(() => callback(), callback);
  }

  private async consume(chunk: Buffer): Promise<void> {
    let data = chunk;
    while (data.length > 0) {
      if (this.buffered === MAX_PAYLOAD) {
        await this.send(this.sealer.seal(this.buffer, false));
        this.buffered = 0;
      }
      if (this.buffered === 0 && data.length > MAX_PAYLOAD) {
        // More follows this full payload: seal it straight from the caller's chunk, no copy.
        await this.send(this.sealer.seal(data.subarray(0, MAX_PAYLOAD), false));
        data = data.subarray(MAX_PAYLOAD);
        continue;
      }
      const n = data.copy(this.buffer, this.buffered);
      this.buffered += n;
      data = data.subarray(n);
    }
  }

  private async send(pkg: Buffer): Promise<void> {
    if (this.target.errored) throw this.target.errored;
    if (!this.target.write(pkg)) await drained(this.target);
  }
}

type WriteState = 'open' | 'committing' | 'committed' | 'aborted';

class CryptAtomicWrite implements AtomicWrite {
  readonly stream: EncryptingSink;
  private state: WriteState = 'open';
  private streamError?: Error;
  private aborting?: Promise<void>;

  constructor(
    private readonly inner: AtomicWrite,
    header: Buffer,
    sealer: PackageSealer,
    private readonly path: string,
    maxSize: number,
  ) {
    inner.stream.write(header); // 33 bytes: far below the sink's high-water mark
    this.stream = new EncryptingSink(inner.stream, sealer, path, maxSize);
    // Whatever the caller does after a failure, no temp file is left behind.
    this.stream.on('error', (err: Error) => {
      this.streamError = err;
      this.abort().catch(() => undefined);
    });
    this.stream.on('close', () => {
      if (!this.stream.writableFinished && this.state === 'open') this.abort().catch(() => undefined);
    });
  }

  bytes(): number {
    return this.stream.plainBytes;
  }

  async commit(): Promise<void> {
    if (this.state !== 'open') {
      throw new FsError('IO', `${this.path}: the write was already ${this.state}`, this.path);
    }
    this.state = 'committing';
    try {
      await this.streamFinished();
      await this.inner.commit();
      this.state = 'committed';
    } catch (err) {
      this.state = 'open';
      await this.abort();
      throw toFsError(err, this.path);
    }
  }

  abort(): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    this.aborting ??= (async () => {
      this.state = 'aborted';
      if (!this.stream.destroyed) this.stream.destroy();
      await this.inner.abort();
    })();
    return this.aborting;
  }

  private async streamFinished(): Promise<void> {
    if (this.streamError) throw this.streamError;
    if (this.stream.writableFinished) return;
    if (!this.stream.writableEnded) {
      throw new FsError('IO', `${this.path}: commit before the data stream was ended`, this.path);
    }
    await finished(this.stream, { readable: false });
  }
}
