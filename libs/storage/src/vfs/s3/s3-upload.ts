/**
 * The S3 upload of one `createAtomicWrite`, with memory bounded by part size x (concurrency + 1) and
 * nothing visible before `commit()`.
 *
 * Why not `@aws-sdk/lib-storage`'s `Upload`: it assembles each part with `Buffer.concat`, a fresh
 * 5 MiB buffer per part; V8 collects such external memory only after ~64 MiB of it has piled up, so a
 * 1 GiB upload raised the server's peak RSS by ~105 MiB for 25 MiB of live parts. Here the parts are
 * copied into a few buffers reused for the whole transfer. It also completes the upload as soon as the
 * body ends, where an atomic write must wait for `commit()`: here the single PUT or the
 * CompleteMultipartUpload is sent by `commit()` only, so an `abort()` after the body (a quota refused
 * at the end, say) leaves the previous object untouched.
 *
 * Small files (below one part) never allocate a part buffer: their chunks are kept as received and
 * sent in one PutObject.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  type CompletedPart,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Writable } from 'node:stream';
import type { AtomicWrite } from '../filesystem';
import { FsError, FsTooLargeError } from '../fs-errors';

/** Where and how to upload: the object's creation parameters go to the PUT or the multipart create. */
export interface S3UploadTarget {
  client: S3Client;
  /** Bucket, Key, ContentType, StorageClass, ACL, SSE-C: everything but the body. */
  params: Omit<PutObjectCommandInput, 'Body'> & { Bucket: string; Key: string };
  /** Bytes per part (S3's minimum is 5 MiB). */
  partSize: number;
  /** Parts uploaded in parallel. */
  concurrency: number;
  /** Bytes allowed (0 = unlimited): more errors the stream with `FsTooLargeError`. */
  maxSize: number;
  /** The provider-relative path, for errors. */
  path: string;
  /** Maps an SDK error to a typed storage error. */
  toFsError(err: unknown): FsError;
}

type State = 'open' | 'committing' | 'committed' | 'aborted';

/** An upload in progress (see the file comment); `stream` takes the bytes. */
export class S3AtomicWrite implements AtomicWrite {
  readonly stream: Writable;
  private state: State = 'open';
  private written = 0;
  /** Until the first part is full: the chunks as received (small files end here). */
  private chunks: Buffer[] = [];
  private chunksLength = 0;
  /** Multipart mode: the upload id (a promise while CreateMultipartUpload runs). */
  private uploadId?: Promise<string>;
  private readonly free: Buffer[] = [];
  private allocated = 0;
  private current?: Buffer;
  private filled = 0;
  private nextPart = 1;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly parts: CompletedPart[] = [];
  private failure?: FsError;
  /** A write waiting for a part buffer to come back. */
  private waiting?: () => void;
  private aborting?: Promise<void>;

  constructor(private readonly target: S3UploadTarget) {
    this.stream = new Writable({
      highWaterMark: 64 * 1024,
      write: (chunk: Buffer, _encoding, callback) => {
        this.write(chunk).then(() => callback(), callback);
      },
      final: (callback) => {
        this.flushLastPart().then(() => callback(), callback);
      },
      destroy: (err, callback) => {
        // A body destroyed before its end (client gone, size exceeded) abandons the upload; the
        // automatic destroy after 'finish' does not.
        if (this.state === 'open' && (err || !this.stream.writableFinished)) void this.abort();
        callback(err);
      },
    });
    // Failures reach the caller through the writes, commit() and abort(); never as an unhandled event.
    this.stream.on('error', () => undefined);
  }

  bytes(): number {
    return this.written;
  }

  async commit(): Promise<void> {
    if (this.state !== 'open') {
      throw new FsError('IO', `${this.target.path}: the write was already ${this.state}`, this.target.path);
    }
    this.state = 'committing';
    try {
      await this.bodyFinished();
      if (this.uploadId === undefined) {
        await this.target.client.send(
          new PutObjectCommand({
            ...this.target.params,
            Body: Buffer.concat(this.chunks, this.chunksLength),
          }),
        );
        this.chunks = [];
      } else {
        await this.settleParts();
        if (this.failure) throw this.failure;
        const UploadId = await this.uploadId;
        await this.target.client.send(
          new CompleteMultipartUploadCommand({
            Bucket: this.target.params.Bucket,
            Key: this.target.params.Key,
            UploadId,
            MultipartUpload: {
              Parts: [...this.parts].sort((a, b) => (a.PartNumber ?? 0) - (b.PartNumber ?? 0)),
            },
            SSECustomerAlgorithm: this.target.params.SSECustomerAlgorithm,
            SSECustomerKey: this.target.params.SSECustomerKey,
          }),
        );
      }
      this.state = 'committed';
    } catch (err) {
      this.state = 'open';
      await this.abort();
      throw err instanceof FsError ? err : this.target.toFsError(err);
    }
  }

  abort(): Promise<void> {
    if (this.state === 'committed') return Promise.resolve();
    this.aborting ??= (async () => {
      this.state = 'aborted';
      this.chunks = [];
      this.waiting?.();
      if (!this.stream.destroyed) this.stream.destroy();
      if (this.uploadId === undefined) return;
      await this.settleParts();
      const UploadId = await this.uploadId.catch(() => undefined);
      if (UploadId === undefined) return;
      // Best effort: if the store refuses, nothing was stored anyway; leftover parts are for the
      // bucket's lifecycle rules.
      await this.target.client
        .send(
          new AbortMultipartUploadCommand({
            Bucket: this.target.params.Bucket,
            Key: this.target.params.Key,
            UploadId,
          }),
        )
        .catch(() => undefined);
    })();
    return this.aborting;
  }

  private async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    const { maxSize, path, partSize } = this.target;
    if (maxSize > 0 && this.written + chunk.length > maxSize) throw new FsTooLargeError(path, maxSize);
    this.written += chunk.length;
    if (this.uploadId === undefined) {
      if (this.chunksLength + chunk.length < partSize) {
        this.chunks.push(chunk);
        this.chunksLength += chunk.length;
        return;
      }
      // The first part is complete: from now on, a multipart upload with reused part buffers.
      this.uploadId = this.createUpload();
      this.uploadId.catch(() => undefined); // observed by the parts and commit/abort
      const pending = this.chunks;
      this.chunks = [];
      this.chunksLength = 0;
      for (const piece of pending) await this.copyIn(piece);
    }
    await this.copyIn(chunk);
  }

  /** Copies `data` into the current part buffer, sending each part as it fills. */
  private async copyIn(data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) {
      if (this.failure) throw this.failure;
      this.current ??= await this.takeBuffer();
      const copied = data.copy(this.current, this.filled, offset);
      this.filled += copied;
      offset += copied;
      if (this.filled === this.current.length) this.sendCurrent();
    }
  }

  private async flushLastPart(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.uploadId !== undefined && this.current && this.filled > 0) this.sendCurrent();
  }

  /** A free part buffer: reused, or allocated while under concurrency + 1, else awaited. */
  private async takeBuffer(): Promise<Buffer> {
    for (;;) {
      const buffer = this.free.pop();
      if (buffer) return buffer;
      if (this.allocated <= this.target.concurrency) {
        this.allocated += 1;
        return Buffer.allocUnsafeSlow(this.target.partSize);
      }
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
      if (this.state === 'aborted')
        throw new FsError('IO', `${this.target.path}: upload aborted`, this.target.path);
    }
  }

  private sendCurrent(): void {
    const buffer = this.current as Buffer;
    const length = this.filled;
    const PartNumber = this.nextPart++;
    this.current = undefined;
    this.filled = 0;
    const upload = (async () => {
      try {
        const UploadId = await (this.uploadId as Promise<string>);
        const res = await this.target.client.send(
          new UploadPartCommand({
            Bucket: this.target.params.Bucket,
            Key: this.target.params.Key,
            UploadId,
            PartNumber,
            Body: buffer.subarray(0, length),
            ContentLength: length,
            SSECustomerAlgorithm: this.target.params.SSECustomerAlgorithm,
            SSECustomerKey: this.target.params.SSECustomerKey,
          }),
        );
        this.parts.push({ PartNumber, ETag: res.ETag });
      } catch (err) {
        this.failure ??= err instanceof FsError ? err : this.target.toFsError(err);
        // The writer learns at its next write; a writer waiting for a buffer learns now.
        if (!this.stream.destroyed) this.stream.destroy(this.failure);
      } finally {
        this.free.push(buffer);
        this.waiting?.();
      }
    })();
    this.inFlight.add(upload);
    void upload.finally(() => this.inFlight.delete(upload));
  }

  private async createUpload(): Promise<string> {
    const { Bucket, Key, ContentType, StorageClass, ACL, SSECustomerAlgorithm, SSECustomerKey } =
      this.target.params;
    try {
      const created = await this.target.client.send(
        new CreateMultipartUploadCommand({
          Bucket,
          Key,
          ContentType,
          StorageClass,
          ACL,
          SSECustomerAlgorithm,
          SSECustomerKey,
        }),
      );
      if (!created.UploadId) throw new FsError('IO', `${this.target.path}: the store returned no upload id`);
      return created.UploadId;
    } catch (err) {
      this.failure ??= err instanceof FsError ? err : this.target.toFsError(err);
      throw this.failure;
    }
  }

  private async settleParts(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async bodyFinished(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.stream.writableFinished) return;
    if (!this.stream.writableEnded || this.stream.destroyed) {
      throw new FsError(
        'IO',
        `${this.target.path}: commit before the data stream was ended`,
        this.target.path,
      );
    }
    await new Promise<void>((resolve, reject) => {
      this.stream.once('finish', resolve);
      this.stream.once('error', reject);
    });
    if (this.failure) throw this.failure;
  }
}
