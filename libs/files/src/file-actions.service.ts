import { ApiError, BadRequestError, hasPermission, isFileAllowed, type Principal } from '@app/common';
import {
  canonicalizeVirtualPath,
  copyTree,
  type FileInfo,
  type Filesystem,
  FsError,
  FsPermissionError,
  isRegularMode,
  isVirtualPathWithin,
} from '@app/storage';
import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { ERR_UNSUPPORTED, filesApiError, quote, withMessage } from './files-errors';
import {
  assertFileAllowed,
  assertWriteAllowed,
  type FileResponse,
  FilesService,
  type MessageResponse,
  type QueryValue,
} from './files.service';
import { lstatOrUndefined } from './fs-helpers';
import { contentDisposition } from './http-download';
import { QuotaService } from './quota.service';
import { MultipartParseError, receivePart, streamMultipartFiles } from './multipart-upload';
import { checkZipItem, createZipStream, statZipPath, type ZipItem, zipFileName } from './streamzip';
import type { RequestConnection } from './connection-registry';
import { TransferAbort, TransferRegistry } from './transfer-registry';
import { ClientAbortError } from './upload-body';

type UserContext = Awaited<ReturnType<FilesService['userContext']>>;

/** SFTPGo's `util.MaxRecursion`. */
const MAX_DEPTH = 1000;
/** The multipart field SFTPGo reads the files from. */
const FILES_FIELD = 'filenames';
/** The largest epoch-millisecond value a JavaScript `Date` holds. */
const MAX_TIME_MS = 8.64e15;

const parentOf = (virtualPath: string): string => posix.dirname(virtualPath);

function firstValue(value: QueryValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Go's `json.Unmarshal` type names, for its error text. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/**
 * The metadata body, decoded as SFTPGo does (a `map[string]int64`): an object of integers, anything
 * else is a 400; returns `modification_time` when present.
 */
function parseMetadataBody(body: unknown): number | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw new BadRequestError(
      `json: cannot unmarshal ${jsonKind(body)} into Go value of type map[string]int64`,
    );
  }
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new BadRequestError(
        `json: cannot unmarshal ${typeof value === 'number' ? 'number' : jsonKind(value)} into Go struct ` +
          `field .${key} of type int64`,
      );
    }
  }
  const mtime = (body as Record<string, number>).modification_time;
  if (mtime !== undefined && Math.abs(mtime) > MAX_TIME_MS) {
    throw new BadRequestError(`invalid modification_time: ${mtime}`);
  }
  return mtime;
}

/** The streamzip body: a JSON array of strings (`null` is an empty list, as Go decodes it). */
function parseZipBody(body: unknown): string[] {
  if (body === null) return [];
  if (!Array.isArray(body)) {
    throw new BadRequestError(`json: cannot unmarshal ${jsonKind(body)} into Go value of type []string`);
  }
  for (const value of body) {
    if (typeof value !== 'string') {
      throw new BadRequestError(`json: cannot unmarshal ${jsonKind(value)} into Go value of type string`);
    }
  }
  return body as string[];
}

/**
 * The user file actions beyond the basic file API: multipart upload (`POST /user/files`), metadata
 * (`PATCH /user/files/metadata`), copy and move (`/user/file-actions/*`) and the streamed zip
 * (`POST /user/streamzip`). Path handling, permissions and uploads go through {@link FilesService}.
 */
@Injectable()
export class FileActionsService {
  constructor(
    private readonly files: FilesService,
    private readonly quota: QuotaService,
    private readonly registry: TransferRegistry,
  ) {}

  /**
   * `POST /user/files`: every part of field `filenames` streamed, as it arrives, through the same
   * write path as `POST /user/files/upload` into `path` (a directory), each committed only when its
   * part is complete. The first failing file stops the upload; the files before it stay (SFTPGo).
   */
  async uploadFiles(
    principal: Principal,
    rawPath: QueryValue,
    mkdirParents: QueryValue,
    request: IncomingMessage,
    connection?: RequestConnection,
  ): Promise<MessageResponse> {
    const ctx = { ...(await this.files.userContext(principal, true)), connection };
    const dir = this.files.cleanedPath(ctx, rawPath);
    return this.uploadFilesAt(ctx, dir, firstValue(mkdirParents) === 'true', request);
  }

  /**
   * The multipart upload into the canonical virtual directory `dir` for `ctx`. `perFile`, when given,
   * wraps each file: `before` runs before its first byte is written (shares reserve a use there; a
   * throw stops the upload), `failed` when that file was not stored after `before` succeeded.
   */
  async uploadFilesAt(
    ctx: UserContext,
    dir: string,
    mkdirParents: boolean,
    request: IncomingMessage,
    perFile?: { before(): Promise<void>; failed(): Promise<void> },
  ): Promise<MessageResponse> {
    // SFTPGo creates the parents once the form is parsed and holds files: here, before the first one.
    let parentsReady = !mkdirParents;
    let count: number;
    try {
      count = await streamMultipartFiles(request, FILES_FIELD, async ({ filename, stream }) => {
        if (!parentsReady) {
          await this.files.createMissingDirs(ctx, dir, dir);
          parentsReady = true;
        }
        const path = uploadTarget(dir, filename);
        await perFile?.before();
        try {
          await this.files.writeUploadedFile(ctx, path, NaN, (sink) => receivePart(stream, sink));
        } catch (err) {
          await perFile?.failed();
          throw err;
        }
      });
    } catch (err) {
      if (err instanceof MultipartParseError) {
        throw new ApiError(400, err.message, 'Unable to parse multipart form');
      }
      if (err instanceof ClientAbortError)
        throw new ApiError(400, err.message, 'Unable to parse multipart form');
      throw err;
    }
    if (count === 0) throw new ApiError(400, '', 'No files uploaded!');
    return { message: 'Upload completed' };
  }

  /** `PATCH /user/files/metadata`: sets the access and modification times (`chtimes` on the parent). */
  async setMetadata(principal: Principal, rawPath: QueryValue, body: unknown): Promise<MessageResponse> {
    // As SFTPGo: the body is checked before the user is loaded.
    const mtime = parseMetadataBody(body);
    if (mtime === undefined || firstValue(rawPath) === undefined) {
      throw new BadRequestError('please set a modification_time and a path');
    }
    const ctx = await this.files.userContext(principal, true);
    const path = this.files.cleanedPath(ctx, rawPath);
    await withMessage(`Unable to set metadata for path ${quote(path)}`, async () => {
      assertFileAllowed(ctx.user.filters, path);
      if (!hasPermission(ctx.user.permissions, parentOf(path), 'chtimes')) throw new FsPermissionError(path);
      const { fs, fsPath } = ctx.vfs.resolve(path);
      await fs.setTimes(fsPath, mtime, mtime);
    });
    return { message: 'OK' };
  }

  /** `POST /user/file-actions/move`: SFTPGo's `renameUserFsEntry`, the same as `PATCH /user/files`. */
  move(principal: Principal, rawPath: QueryValue, rawTarget: QueryValue): Promise<MessageResponse> {
    return this.files.rename(principal, rawPath, rawTarget);
  }

  /**
   * `POST /user/file-actions/copy`: SFTPGo's `Copy`, with its trailing-slash rules (a `target/` or an
   * existing target directory receives the source inside it; a `source/` is merged into an existing
   * target directory). Every permission of the whole copy is checked before anything is written.
   */
  async copy(principal: Principal, rawPath: QueryValue, rawTarget: QueryValue): Promise<MessageResponse> {
    const ctx = await this.files.userContext(principal, true);
    const rawSource = firstValue(rawPath) ?? '';
    const rawDest = firstValue(rawTarget) ?? '';
    const source = this.files.cleanedPath(ctx, rawPath);
    const target = this.files.cleanedPath(ctx, rawTarget);
    const fromSource = rawSource.endsWith('/');
    const intoTarget = rawDest.endsWith('/');
    const shownSource = fromSource && source !== '/' ? `${source}/` : source;
    const shownTarget = intoTarget && target !== '/' ? `${target}/` : target;
    const message = `Unable to copy ${quote(shownSource)} => ${quote(shownTarget)}`;
    const same = new ApiError(
      400,
      `the copy source and target cannot be the same: ${ERR_UNSUPPORTED}`,
      message,
    );
    if (source === target) throw same;
    await withMessage(message, async () => {
      const src = ctx.vfs.resolve(source);
      const srcInfo = await src.fs.lstat(src.fsPath);
      assertFileAllowed(ctx.user.filters, source);
      if (srcInfo.isSymlink) throw new ApiError(400, 'copying symlinks is not supported', message);
      if (!srcInfo.isDir && !isRegularMode(srcInfo.mode)) throw new ApiError(400, ERR_UNSUPPORTED, message);
      let dest = target;
      let dst = ctx.vfs.resolve(dest);
      let dstInfo = await lstatOrUndefined(dst.fs, dst.fsPath);
      const into = dstInfo !== undefined && !fromSource ? dstInfo.isDir : intoTarget;
      if (into && source !== '/') {
        dest = posix.join(target, posix.basename(source));
        dst = ctx.vfs.resolve(dest);
        dstInfo = await lstatOrUndefined(dst.fs, dst.fsPath);
      }
      if (dest === source) throw same;
      if (dstInfo && dstInfo.isDir !== srcInfo.isDir) {
        const detail = srcInfo.isDir
          ? `cannot overwrite file ${quote(dest)} with dir ${quote(source)}`
          : `cannot overwrite dir ${quote(dest)} with file ${quote(source)}`;
        throw new ApiError(400, `${detail}: ${ERR_UNSUPPORTED}`, message);
      }
      if (srcInfo.isDir) {
        if (isVirtualPathWithin(source, dest)) {
          throw new ApiError(400, `nested copy ${quote(source)} => ${quote(dest)} is not supported`, message);
        }
        // Mounts inside either tree belong to other storages (SFTPGo refuses the same for renames).
        if (ctx.vfs.hasMountsInside(source) || ctx.vfs.hasMountsInside(dest)) {
          throw new ApiError(400, ERR_UNSUPPORTED, message);
        }
      }
      const perms = ctx.user.permissions;
      if (!hasPermission(perms, source, 'copy') || !hasPermission(perms, dest, 'copy')) {
        throw new FsPermissionError(source);
      }
      assertWriteAllowed(ctx.user.filters, dest);
      await this.checkCopy(ctx, src.fs, src.fsPath, source, dest, srcInfo, dstInfo !== undefined, 0);
      await this.files.createMissingDirs(ctx, parentOf(dest), dest);
      await this.quota.copy(ctx.user, src, dst, message, () =>
        copyTree(src.fs, src.fsPath, dst.fs, dst.fsPath),
      );
    });
    return { message: `${quote(shownSource)} copied to ${quote(shownTarget)}` };
  }

  /**
   * `POST /user/streamzip`: the zip of the given paths (absolute, not start-directory relative), built
   * while it is sent. Every path and the permissions of everything it contains are checked before
   * the response starts, so a missing path or a denied permission is a proper 404/403; an exhausted
   * download transfer quota is a 403 and past `max_sessions` a 429, before any byte.
   */
  async streamZip(
    principal: Principal,
    body: unknown,
    connection?: RequestConnection,
  ): Promise<FileResponse> {
    const requested = parseZipBody(body);
    const ctx = { ...(await this.files.userContext(principal, false)), connection };
    const paths: string[] = [];
    for (const raw of requested) {
      const path = withMessageSync('Invalid path', () => canonicalizeVirtualPath(raw));
      if (!paths.includes(path)) paths.push(path);
    }
    // Registered as a transfer (max_sessions) while the zip is sent, as the share zip.
    return this.streamZipAt(ctx, paths, { fileName: zipFileName(principal.username, paths) });
  }

  /**
   * A zip of canonical virtual paths for `ctx`, named `fileName`, entries relative to `baseDir`: the
   * transfer quota pre-check (403), every path and permission checked, the transfer registered
   * (`max_sessions`, 429, until the zip ends), then `beforeSend` (shares reserve a use; a throw
   * unregisters). `onFailure` is told when the zip fails once started.
   */
  async streamZipAt(
    ctx: UserContext,
    paths: string[],
    options: {
      fileName: string;
      baseDir?: string;
      beforeSend?: () => Promise<void>;
      onFailure?: () => void;
    },
  ): Promise<FileResponse> {
    await this.quota.checkDownload(ctx.user, paths[0] ?? '/');
    const items = await this.zipItems(ctx, paths);
    // Closing the connection destroys the zip stream: the response is cut.
    const abort = new TransferAbort(ctx.connection?.signal);
    const handle = this.registry.register({
      username: ctx.user.username,
      virtualPath: paths.length === 1 ? paths[0] : '/',
      direction: 'download',
      maxSessions: ctx.user.maxSessions,
      connectionId: ctx.connection?.id,
      onAbort: abort.onAbort,
    });
    try {
      await options.beforeSend?.();
    } catch (err) {
      handle.close();
      throw err;
    }
    const archive = createZipStream(ctx, items, options.baseDir);
    // The bytes sent are counted on the transfer (the connections API shows them).
    const body = archive.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
          handle.add(chunk.length);
          callback(null, chunk);
        },
      }),
    );
    archive.on('error', (err: Error) => {
      options.onFailure?.();
      body.destroy(err);
    });
    body.on('close', () => {
      archive.destroy();
      handle.close();
    });
    abort.attach(archive);
    return { status: 200, headers: zipHeaders(options.fileName), body };
  }

  private async zipItems(ctx: UserContext, paths: string[]): Promise<ZipItem[]> {
    const items: ZipItem[] = [];
    for (const path of paths) {
      const item = await withMessage(`Unable to add ${quote(path)} to the zip file`, async () => {
        const stat = await statZipPath(ctx, path);
        await checkZipItem(ctx, stat);
        return stat;
      });
      items.push(item);
    }
    return items;
  }

  /**
   * The permissions of a copy, for the whole tree before anything is written (SFTPGo checks them as it
   * goes and may stop half-way): `download` on each source file's parent and `list` on each source
   * directory; on the target side `upload` (new file) or `overwrite` (existing) on the parent, and
   * `create_dirs` for each directory to create. Every entry inside a copied directory must be allowed
   * by the file patterns, on the source and on the target side (403).
   */
  private async checkCopy(
    ctx: UserContext,
    fs: Filesystem,
    fsPath: string,
    source: string,
    dest: string,
    info: FileInfo,
    destExists: boolean | undefined,
    depth: number,
  ): Promise<void> {
    const perms = ctx.user.permissions;
    const targetDir = parentOf(dest);
    // The top level was checked by the caller (the source with its policy's error).
    if (depth > 0 && !isFileAllowed(ctx.user.filters, source).allowed) throw new FsPermissionError(source);
    if (depth > 0) assertWriteAllowed(ctx.user.filters, dest);
    // The target is only stat'ed when the answer depends on it.
    const exists = async (): Promise<boolean> => {
      if (destExists !== undefined) return destExists;
      const dst = ctx.vfs.resolve(dest);
      return (await lstatOrUndefined(dst.fs, dst.fsPath)) !== undefined;
    };
    if (!info.isDir) {
      if (!isRegularMode(info.mode)) return; // skipped by the copy
      if (!hasPermission(perms, parentOf(source), 'download')) throw new FsPermissionError(source);
      const upload = hasPermission(perms, targetDir, 'upload');
      const overwrite = hasPermission(perms, targetDir, 'overwrite');
      if (upload && overwrite) return;
      if (!(upload || overwrite) || (await exists()) !== overwrite) throw new FsPermissionError(dest);
      return;
    }
    if (depth > MAX_DEPTH) throw new FsError('LOOP', `${source}: maximum directory depth exceeded`, source);
    if (!hasPermission(perms, source, 'list')) throw new FsPermissionError(source);
    if (!hasPermission(perms, targetDir, 'create_dirs') && !(await exists())) {
      throw new FsPermissionError(dest);
    }
    for await (const entry of fs.list(fsPath)) {
      if (entry.isSymlink || (!entry.isDir && !isRegularMode(entry.mode))) continue; // skipped too
      await this.checkCopy(
        ctx,
        fs,
        posix.join(fsPath, entry.name),
        posix.join(source, entry.name),
        posix.join(dest, entry.name),
        entry,
        destExists === false ? false : undefined,
        depth + 1,
      );
    }
  }
}

function zipHeaders(fileName: string): Record<string, string> {
  return {
    'content-type': 'application/zip',
    'accept-ranges': 'none',
    'content-transfer-encoding': 'binary',
    'content-disposition': contentDisposition(fileName),
  };
}

/** Where a multipart file goes: SFTPGo keeps only `path.Base(CleanPath(filename))`. */
function uploadTarget(dir: string, filename: string): string {
  return withMessageSync(`Unable to write file ${quote(filename)}`, () => {
    const name = posix.basename(canonicalizeVirtualPath(filename));
    return canonicalizeVirtualPath(posix.join(dir, name || '/'));
  });
}

function withMessageSync<T>(message: string, op: () => T): T {
  try {
    return op();
  } catch (err) {
    throw filesApiError(err, message);
  }
}
