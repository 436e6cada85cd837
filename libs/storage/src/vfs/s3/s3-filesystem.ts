/**
 * S3 storage (AWS or S3-compatible) under a bucket and an optional key prefix, with SFTPGo's semantics:
 * - directories are emulated: `mkdir` writes a zero-byte marker `<key>/`; a path is also a directory
 *   when any object lives under `<key>/` (an implicit directory). The root (the prefix) always exists;
 * - no symlinks, no times to set, no parent needed to write a file (SFTPGo's `HasVirtualFolders`);
 * - listings are ListObjectsV2 pages (1000 keys) streamed one at a time: never a whole prefix in memory;
 * - uploads stream as one PUT below a part, else as a multipart upload with reused part buffers
 *   (s3-upload.ts), visible only on `commit()`;
 * - renames are copy + delete (server side); a directory rename moves object by object and is NOT
 *   atomic (SFTPGo's `rename_mode` 1): a failure midway leaves both trees partial.
 * Keys are `<prefix><canonical path without its leading slash>`: a canonical path has no `..`, so no
 * key ever leaves the prefix.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  type ListObjectsV2CommandOutput,
  type ObjectCannedACL,
  PutObjectCommand,
  type S3Client,
  type StorageClass,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { contentTypeFor } from '@app/common';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { canonicalizeVirtualPath, isVirtualPathWithin, pathComponents } from '../canonical-path';
import { copyTree } from '../copy';
import type { AtomicWrite, AtomicWriteOptions, ByteRange, FileInfo, Filesystem } from '../filesystem';
import {
  FsError,
  FsExistsError,
  FsNotEmptyError,
  FsNotFoundError,
  FsPermissionError,
  FsTypeError,
  FsUnsupportedError,
  InvalidMountError,
} from '../fs-errors';
import { CLOUD_FILE_MODE, VIRTUAL_DIR_MODE } from '../mode';
import { type S3Settings, s3ClientFor } from './s3-client';
import { S3AtomicWrite } from './s3-upload';

const MIB = 1024 * 1024;
/** ListObjectsV2's maximum page, also DeleteObjects' maximum batch. */
const PAGE_SIZE = 1000;
/** SFTPGo copies objects above 500 MiB with UploadPartCopy, 500 MiB a part. */
const MULTIPART_COPY_THRESHOLD = 500 * MIB;
const MAX_PARTS = 10_000;
/** Objects copied in parallel during a directory rename. */
const RENAME_CONCURRENCY = 8;
const DIR_CONTENT_TYPE = 'application/x-directory';

/** SFTPGo's key prefix rule: no leading `/`, one trailing `/`, empty stays empty; never `..` nor root. */
function normalizeKeyPrefix(raw: string | undefined): string {
  if (raw === undefined || raw === '') return '';
  if (raw.split(/[/\\]/).includes('..'))
    throw new InvalidMountError('/', 'the key prefix cannot contain ".."');
  let canonical: string;
  try {
    canonical = canonicalizeVirtualPath(raw);
  } catch {
    throw new InvalidMountError('/', 'the key prefix contains control characters');
  }
  if (canonical === '/') throw new InvalidMountError('/', 'the key prefix cannot be the bucket root');
  return `${canonical.slice(1)}/`;
}

/** SSE-C wants exactly 32 bytes: a 32-byte value is the key, anything else is hashed to 32 bytes. */
function sseKeyOf(value: string): string {
  const raw = Buffer.from(value, 'utf8');
  return (raw.length === 32 ? raw : createHash('sha256').update(raw).digest()).toString('base64');
}

interface SdkError {
  name?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Maps an SDK error to the typed error for `path` (provider-relative); FsErrors pass through. */
export function toS3FsError(err: unknown, path: string): FsError {
  if (err instanceof FsError) return err;
  const { name, $metadata } = (typeof err === 'object' && err !== null ? err : {}) as SdkError;
  const status = $metadata?.httpStatusCode;
  // A missing bucket is a broken configuration, not a missing file.
  if (name === 'NoSuchBucket')
    return new FsError('IO', `${path}: the storage bucket does not exist`, path, { cause: err });
  if (status === 404 || name === 'NoSuchKey' || name === 'NotFound') return new FsNotFoundError(path, err);
  if (status === 401 || status === 403 || name === 'AccessDenied') {
    return new FsPermissionError(path, 'permission denied', err);
  }
  return new FsError('IO', `${path}: ${name ?? 'I/O error'}${status ? ` (${status})` : ''}`, path, {
    cause: err,
  });
}

function nameOf(canonical: string): string {
  return canonical === '/' ? '/' : posix.basename(canonical);
}

function dirInfo(name: string, mtime = 0): FileInfo {
  return { name, size: 0, mode: VIRTUAL_DIR_MODE, mtime, isDir: true, isSymlink: false };
}

function fileInfo(name: string, size: number | undefined, modified: Date | undefined): FileInfo {
  return {
    name,
    size: size ?? 0,
    mode: CLOUD_FILE_MODE,
    mtime: modified?.getTime() ?? 0,
    isDir: false,
    isSymlink: false,
  };
}

/** Runs `work` on every item with at most `limit` in flight; the first failure stops new work. */
async function forEachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const item = items[next++];
      try {
        await work(item);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, items.length) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}

/** An S3 bucket (under an optional key prefix) as a `Filesystem`. */
export class S3Filesystem implements Filesystem {
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly partSize: number;
  private readonly concurrency: number;
  private readonly sseKey?: string;
  /** Objects larger than this are copied with UploadPartCopy (overridable by tests). */
  protected multipartCopyThreshold = MULTIPART_COPY_THRESHOLD;
  /** Part size of multipart copies (at least what 10,000 parts need). */
  protected multipartCopyPartSize = MULTIPART_COPY_THRESHOLD;

  constructor(
    private readonly settings: S3Settings,
    private readonly client: S3Client = s3ClientFor(settings),
  ) {
    if (!settings.bucket) throw new InvalidMountError('/', 'the S3 bucket is required');
    this.bucket = settings.bucket;
    this.prefix = normalizeKeyPrefix(settings.keyPrefix);
    // S3 refuses parts under 5 MiB (except the last), as SFTPGo does.
    this.partSize = Math.max(5, settings.uploadPartSize || 5) * MIB;
    this.concurrency = Math.max(1, settings.uploadConcurrency || 5);
    this.sseKey = settings.sseCustomerKey ? sseKeyOf(settings.sseCustomerKey) : undefined;
  }

  realRoot(): Promise<string> {
    return Promise.resolve(`s3://${this.bucket}/${this.prefix}`);
  }

  async stat(path: string): Promise<FileInfo> {
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') return dirInfo('/');
    const key = this.keyOf(canonical);
    const file = await this.headOrUndefined(key, canonical);
    if (file) return fileInfo(nameOf(canonical), file.size, file.modified);
    const dir = await this.dirOrUndefined(key, canonical);
    if (dir) return dir;
    throw new FsNotFoundError(canonical);
  }

  lstat(path: string): Promise<FileInfo> {
    return this.stat(path); // no symlinks on S3
  }

  async *list(path: string): AsyncIterable<FileInfo> {
    for await (const batch of this.listBatches(path)) yield* batch;
  }

  async *listBatches(path: string): AsyncIterable<FileInfo[]> {
    const canonical = canonicalizeVirtualPath(path);
    const dirPrefix = canonical === '/' ? this.prefix : `${this.keyOf(canonical)}/`;
    let first = true;
    // A marker `x/` that some store lists as an object: reported once even if `x/` comes again as a
    // common prefix. Keys are sorted, so remembering the previous page's directories is enough.
    let previousDirs = new Set<string>();
    for await (const page of this.pages(dirPrefix, '/', canonical)) {
      if (first) {
        first = false;
        if (canonical !== '/' && !page.Contents?.length && !page.CommonPrefixes?.length) {
          // Nothing under the prefix: a file, or nothing at all.
          if (await this.headOrUndefined(this.keyOf(canonical), canonical)) {
            throw new FsTypeError(canonical, 'not a directory');
          }
          throw new FsNotFoundError(canonical);
        }
      }
      const dirs = new Set<string>();
      const batch: FileInfo[] = [];
      const addDir = (name: string) => {
        if (name === '' || name === '.' || name === '..' || dirs.has(name) || previousDirs.has(name)) return;
        dirs.add(name);
        batch.push(dirInfo(name));
      };
      for (const cp of page.CommonPrefixes ?? []) {
        if (cp.Prefix) addDir(cp.Prefix.slice(dirPrefix.length, -1));
      }
      for (const obj of page.Contents ?? []) {
        if (!obj.Key || obj.Key === dirPrefix) continue; // the directory's own marker
        const name = obj.Key.slice(dirPrefix.length);
        if (name.endsWith('/')) addDir(name.slice(0, -1));
        else if (name !== '.' && name !== '..') batch.push(fileInfo(name, obj.Size, obj.LastModified));
      }
      previousDirs = dirs;
      if (batch.length > 0) yield batch;
    }
  }

  async createReadStream(path: string, range?: ByteRange): Promise<Readable> {
    if (range && !(Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end))) {
      throw new RangeError('range bounds must be integers');
    }
    if (range && (range.start < 0 || range.end < range.start)) throw new RangeError('invalid byte range');
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') throw new FsTypeError(canonical, 'is a directory');
    const key = this.keyOf(canonical);
    try {
      const res = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
          ...this.sseParams(),
        }),
      );
      return res.Body as Readable;
    } catch (err) {
      // A range starting at or past the end: the local provider reads nothing, so do we.
      if ((err as SdkError).$metadata?.httpStatusCode === 416) return Readable.from([]);
      const mapped = toS3FsError(err, canonical);
      if (mapped instanceof FsNotFoundError && (await this.dirOrUndefined(key, canonical))) {
        throw new FsTypeError(canonical, 'is a directory');
      }
      throw mapped;
    }
  }

  async createAtomicWrite(path: string, options: AtomicWriteOptions = {}): Promise<AtomicWrite> {
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') throw new FsPermissionError('/', 'the root cannot be replaced');
    const key = this.keyOf(canonical);
    if (await this.hasChildren(key, canonical)) throw new FsTypeError(canonical, 'is a directory');
    return new S3AtomicWrite({
      client: this.client,
      params: { Bucket: this.bucket, Key: key, ContentType: contentTypeFor(key), ...this.putParams() },
      partSize: this.partSize,
      concurrency: this.concurrency,
      maxSize: options.maxSize ?? 0,
      path: canonical,
      toFsError: (err) => toS3FsError(err, canonical),
    });
  }

  async mkdir(path: string, options: { parents?: boolean } = {}): Promise<void> {
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') return; // the root always exists
    if (options.parents) {
      // Not needed on S3, but gives the ancestors markers (mtimes) and refuses a file on the way.
      const parts = pathComponents(canonical);
      for (let i = 1; i < parts.length; i++) {
        const ancestor = `/${parts.slice(0, i).join('/')}`;
        await this.mkdirOne(ancestor, true);
      }
    }
    await this.mkdirOne(canonical, options.parents === true);
  }

  async rename(from: string, to: string): Promise<void> {
    const source = canonicalizeVirtualPath(from);
    const target = canonicalizeVirtualPath(to);
    if (source === '/' || target === '/') throw new FsPermissionError('/', 'the root cannot be renamed');
    if (source === target)
      throw new FsUnsupportedError(target, 'the rename source and target cannot be the same');
    const info = await this.stat(source);
    if (info.isDir && isVirtualPathWithin(source, target)) {
      throw new FsUnsupportedError(target, `nested rename of ${source} is not supported`);
    }
    const existing = await this.statOrUndefined(target);
    // A directory is never replaced, nor "moved into"; a directory never replaces a file either.
    if (existing?.isDir) throw new FsTypeError(target, 'the target is an existing directory');
    if (info.isDir && existing)
      throw new FsTypeError(target, `cannot overwrite a file with the directory ${source}`);
    if (!info.isDir) {
      await this.copyObject(this.keyOf(source), this.keyOf(target), info.size, source);
      await this.deleteKey(this.keyOf(source), source);
      return;
    }
    // One copy per object, then the page's sources deleted: not atomic (see the file comment).
    const fromPrefix = `${this.keyOf(source)}/`;
    const toPrefix = `${this.keyOf(target)}/`;
    for await (const page of this.pages(fromPrefix, undefined, source)) {
      const objects = (page.Contents ?? []).filter((o) => o.Key !== undefined);
      await forEachLimited(objects, RENAME_CONCURRENCY, (o) =>
        this.copyObject(
          o.Key as string,
          toPrefix + (o.Key as string).slice(fromPrefix.length),
          o.Size ?? 0,
          source,
        ),
      );
      await this.deleteKeys(
        objects.map((o) => o.Key as string),
        source,
      );
    }
  }

  async remove(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const canonical = canonicalizeVirtualPath(path);
    if (canonical === '/') throw new FsPermissionError('/', 'the root cannot be removed');
    const info = await this.stat(canonical);
    const key = this.keyOf(canonical);
    if (!info.isDir) {
      await this.deleteKey(key, canonical);
      return;
    }
    const dirPrefix = `${key}/`;
    if (!options.recursive) {
      const page = await this.listPage(dirPrefix, undefined, 2, undefined, canonical);
      if ((page.Contents ?? []).some((o) => o.Key !== dirPrefix)) throw new FsNotEmptyError(canonical);
      await this.deleteKey(dirPrefix, canonical);
      return;
    }
    for await (const page of this.pages(dirPrefix, undefined, canonical)) {
      await this.deleteKeys(
        (page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])),
        canonical,
      );
    }
  }

  copy(from: string, to: string): Promise<void> {
    return copyTree(this, from, this, to);
  }

  async copyFile(from: string, to: string): Promise<void> {
    const source = canonicalizeVirtualPath(from);
    const target = canonicalizeVirtualPath(to);
    if (source === target)
      throw new FsUnsupportedError(target, 'the copy source and target cannot be the same');
    if (target === '/') throw new FsPermissionError('/', 'the root cannot be replaced');
    const info = await this.stat(source);
    if (info.isDir) throw new FsTypeError(source, 'is a directory');
    if (await this.hasChildren(this.keyOf(target), target)) throw new FsTypeError(target, 'is a directory');
    await this.copyObject(this.keyOf(source), this.keyOf(target), info.size, source);
  }

  setTimes(path: string, _atime?: Date | number, _mtime?: Date | number): Promise<void> {
    // S3 objects have no settable times (SFTPGo: chtimes is unsupported on cloud storage).
    return Promise.reject(
      new FsUnsupportedError(canonicalizeVirtualPath(path), 'setting times is not supported on S3'),
    );
  }

  private keyOf(canonical: string): string {
    return this.prefix + canonical.slice(1);
  }

  /** SSE-C parameters for requests on an object (GET, HEAD, PUT, parts). */
  private sseParams() {
    return this.sseKey ? { SSECustomerAlgorithm: 'AES256', SSECustomerKey: this.sseKey } : {};
  }

  /** What every object creation carries: storage class, canned ACL, SSE-C. */
  private putParams() {
    return {
      StorageClass: (this.settings.storageClass || undefined) as StorageClass | undefined,
      ACL: (this.settings.acl || undefined) as ObjectCannedACL | undefined,
      ...this.sseParams(),
    };
  }

  private async headOrUndefined(
    key: string,
    canonical: string,
  ): Promise<{ size?: number; modified?: Date } | undefined> {
    try {
      const res = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, Key: key, ...this.sseParams() }),
      );
      return { size: res.ContentLength, modified: res.LastModified };
    } catch (err) {
      const mapped = toS3FsError(err, canonical);
      if (mapped instanceof FsNotFoundError) return undefined;
      throw mapped;
    }
  }

  /**
   * The directory at `key` if its marker or any object under it exists. One listing answers both: the
   * marker `key/` sorts before every other key under `key/`, so it comes first when present.
   */
  private async dirOrUndefined(key: string, canonical: string): Promise<FileInfo | undefined> {
    const page = await this.listPage(`${key}/`, undefined, 1, undefined, canonical);
    const firstObject = page.Contents?.[0];
    if (firstObject?.Key === `${key}/`)
      return dirInfo(nameOf(canonical), firstObject.LastModified?.getTime() ?? 0);
    return page.Contents?.length || page.CommonPrefixes?.length ? dirInfo(nameOf(canonical)) : undefined;
  }

  private async hasChildren(key: string, canonical: string): Promise<boolean> {
    return (await this.dirOrUndefined(key, canonical)) !== undefined;
  }

  private async statOrUndefined(canonical: string): Promise<FileInfo | undefined> {
    try {
      return await this.stat(canonical);
    } catch (err) {
      if (err instanceof FsNotFoundError) return undefined;
      throw err;
    }
  }

  private async mkdirOne(canonical: string, existingFileIsTypeError: boolean): Promise<void> {
    const existing = await this.statOrUndefined(canonical);
    if (existing?.isDir) return;
    if (existing) {
      if (existingFileIsTypeError) throw new FsTypeError(canonical, 'not a directory');
      throw new FsExistsError(canonical);
    }
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: `${this.keyOf(canonical)}/`,
          Body: '',
          ContentLength: 0,
          ContentType: DIR_CONTENT_TYPE,
          ...this.putParams(),
        }),
      );
    } catch (err) {
      throw toS3FsError(err, canonical);
    }
  }

  private async listPage(
    prefix: string,
    delimiter: string | undefined,
    maxKeys: number,
    token: string | undefined,
    canonical: string,
  ): Promise<ListObjectsV2CommandOutput> {
    try {
      return await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          MaxKeys: maxKeys,
          ContinuationToken: token,
        }),
      );
    } catch (err) {
      throw toS3FsError(err, canonical);
    }
  }

  /** Every page under `prefix`, fetched one at a time as the caller consumes them. */
  private async *pages(
    prefix: string,
    delimiter: string | undefined,
    canonical: string,
  ): AsyncIterable<ListObjectsV2CommandOutput> {
    let token: string | undefined;
    do {
      const page = await this.listPage(prefix, delimiter, PAGE_SIZE, token, canonical);
      yield page;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  private async deleteKey(key: string, canonical: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw toS3FsError(err, canonical);
    }
  }

  /** Deletes up to 1000 keys in one request; any key the store refused fails the call. */
  private async deleteKeys(keys: string[], canonical: string): Promise<void> {
    if (keys.length === 0) return;
    let res;
    try {
      res = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
        }),
      );
    } catch (err) {
      throw toS3FsError(err, canonical);
    }
    const failure = res.Errors?.[0];
    if (failure) {
      const status = failure.Code === 'AccessDenied' ? 403 : undefined;
      throw toS3FsError({ name: failure.Code, $metadata: { httpStatusCode: status } }, canonical);
    }
  }

  /** `bucket/key` URL-encoded, as CopySource wants it. */
  private copySource(key: string): string {
    return `${this.bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  private copySourceSse() {
    return this.sseKey
      ? { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: this.sseKey }
      : {};
  }

  /** Server-side copy of one object; multipart (UploadPartCopy) above the threshold, as SFTPGo. */
  private async copyObject(fromKey: string, toKey: string, size: number, canonical: string): Promise<void> {
    try {
      if (size > this.multipartCopyThreshold) {
        await this.multipartCopy(fromKey, toKey, size, canonical);
        return;
      }
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.bucket,
          Key: toKey,
          CopySource: this.copySource(fromKey),
          ...this.putParams(),
          ...this.copySourceSse(),
        }),
      );
    } catch (err) {
      throw toS3FsError(err, canonical);
    }
  }

  private async multipartCopy(
    fromKey: string,
    toKey: string,
    size: number,
    canonical: string,
  ): Promise<void> {
    const partSize = Math.max(this.multipartCopyPartSize, Math.ceil(size / MAX_PARTS));
    const created = await this.client.send(
      new CreateMultipartUploadCommand({
        Bucket: this.bucket,
        Key: toKey,
        ContentType: contentTypeFor(toKey),
        ...this.putParams(),
      }),
    );
    const uploadId = created.UploadId;
    if (!uploadId) throw new FsError('IO', `${canonical}: the store returned no upload id`, canonical);
    const parts = Array.from({ length: Math.ceil(size / partSize) }, (_, i) => ({
      number: i + 1,
      start: i * partSize,
      end: Math.min(size, (i + 1) * partSize) - 1,
      etag: undefined as string | undefined,
    }));
    try {
      await forEachLimited(parts, this.concurrency, async (part) => {
        const res = await this.client.send(
          new UploadPartCopyCommand({
            Bucket: this.bucket,
            Key: toKey,
            UploadId: uploadId,
            PartNumber: part.number,
            CopySource: this.copySource(fromKey),
            CopySourceRange: `bytes=${part.start}-${part.end}`,
            ...this.sseParams(),
            ...this.copySourceSse(),
          }),
        );
        part.etag = res.CopyPartResult?.ETag;
      });
      await this.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: toKey,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.number, ETag: p.etag })) },
          ...this.sseParams(),
        }),
      );
    } catch (err) {
      // Best effort: parts left behind cost storage until a lifecycle rule removes them.
      await this.client
        .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: toKey, UploadId: uploadId }))
        .catch(() => undefined);
      throw err;
    }
  }
}
