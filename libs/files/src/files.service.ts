import {
  ApiError,
  BadRequestError,
  contentTypeFor,
  DENY_POLICY_HIDE,
  type DenyPolicy,
  type DirPatternFilter,
  type FilePatternFilters,
  ForbiddenError,
  hasFilePatternsWithin,
  hasPermission,
  isFileAllowed,
  patternFilterForDir,
  type Principal,
  type UserFilters,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import {
  ATOMIC_TEMP_PREFIX,
  canonicalizeVirtualPath,
  copyTree,
  type FileInfo,
  type Filesystem,
  FsError,
  FsNotFoundError,
  FsPermissionError,
  FsTypeError,
  isRegularMode,
  isVirtualPathWithin,
  type ResolvedPath,
  type UserVfs,
  UserVfsFactory,
} from '@app/storage';
import { type EffectiveUser, UserAuthService } from '@app/users';
import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { posix } from 'node:path';
import { Readable, type Writable } from 'node:stream';
import { lstatOrUndefined } from './fs-helpers';
import { dirEntryJson, virtualDirEntry } from './dir-entry';
import {
  ERR_PERMISSION,
  ERR_SPACE_LIMIT,
  ERR_UNSUPPORTED,
  filesApiError,
  quote,
  withMessage,
} from './files-errors';
import {
  contentDisposition,
  evaluatePreconditions,
  headerValue,
  httpDate,
  ifRangeAllows,
  parseRange,
  weakEtag,
} from './http-download';
import type { RequestConnection } from './connection-registry';
import { QuotaService } from './quota.service';
import { TransferAbort, TransferAbortedError } from './transfer-registry';
import { ClientAbortError, receiveBody } from './upload-body';

/** A response the controller writes as is: status, headers and a streamed (or empty) body. */
export interface FileResponse {
  status: number;
  headers: Record<string, string>;
  body?: Readable;
}

/** SFTPGo's reply to write endpoints. */
export interface MessageResponse {
  message: string;
}

/** A raw query value as the HTTP layer gives it (repeated keys arrive as arrays). */
export type QueryValue = string | string[] | undefined;

/** SFTPGo's `util.MaxRecursion`. */
const MAX_DEPTH = 1000;
/** Listing entries sent per chunk (SFTPGo sends 1000 per batch). */
const LIST_CHUNK = 1000;

/** A user the file operations run as: the effective user and its virtual filesystem. */
export interface UserContext {
  user: EffectiveUser;
  vfs: UserVfs;
  /** The request's connection: its transfers are registered under it and aborted with it. */
  connection?: RequestConnection;
}

/** Go's `url.Query().Get`: the first value, undefined when the key is absent. */
function firstValue(value: QueryValue): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** `mkdir_parents`: only the exact string `true` counts (SFTPGo's `getBoolQueryParam`). */
function isTrue(value: QueryValue): boolean {
  return firstValue(value) === 'true';
}

const parentOf = (virtualPath: string): string => posix.dirname(virtualPath);

function anyPermission(ctx: UserContext, dir: string, perms: string[]): boolean {
  return perms.some((perm) => hasPermission(ctx.user.permissions, dir, perm));
}

/** SFTPGo's `GetErrorForDeniedFile`: a hidden path (policy 1) does not exist, a denied one is forbidden. */
export function deniedFileError(policy: DenyPolicy, path: string): FsError {
  return policy === DENY_POLICY_HIDE ? new FsNotFoundError(path) : new FsPermissionError(path);
}

/** Reads, deletes, renames' sources, metadata: a path the file patterns refuse gets its policy's error. */
export function assertFileAllowed(filters: FilePatternFilters, path: string): void {
  const { allowed, policy } = isFileAllowed(filters, path);
  if (!allowed) throw deniedFileError(policy, path);
}

/** Write targets: a path the file patterns refuse is always a permission error, whatever the policy. */
export function assertWriteAllowed(filters: FilePatternFilters, path: string): void {
  if (!isFileAllowed(filters, path).allowed) throw new FsPermissionError(path);
}

/**
 * SFTPGo's `MustSetSecondFactor`, which its `checkAuthRequirements` enforces on every file route: some
 * protocol in `two_factor_protocols` that TOTP does not cover yet -> 403 naming every required one.
 */
function checkTwoFactorRequirements(filters: UserFilters): void {
  const required = filters.two_factor_protocols ?? [];
  if (required.length === 0) return;
  const totp = filters.totp_config;
  const covered = totp?.enabled ? (totp.protocols ?? []) : [];
  if (required.every((protocol) => covered.includes(protocol))) return;
  throw new ForbiddenError(
    'Two-factor authentication requirements not met, please configure two-factor authentication for ' +
      `the following protocols: ${required.join(', ')}`,
    '',
  );
}

/** True when a permission entry other than `/` could apply below `dir` (a deeper key or a glob). */
function hasPermissionsBelow(ctx: UserContext, dir: string): boolean {
  return Object.keys(ctx.user.permissions).some(
    (key) => /[*?[\\]/.test(key) || (key !== dir && key !== '/' && isVirtualPathWithin(dir, key)),
  );
}

/**
 * The user file API (`/user/dirs`, `/user/files`, `/user/files/upload`): SFTPGo's checks, permissions
 * and messages over the user's virtual filesystem. Every path goes through the storage resolver
 * (canonicalised, routed to its mount) before any permission is evaluated on the canonical path.
 */
@Injectable()
export class FilesService {
  private readonly vfsCache = new WeakMap<EffectiveUser, UserVfs>();

  constructor(
    private readonly userAuth: UserAuthService,
    private readonly vfsFactory: UserVfsFactory,
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly quota: QuotaService,
  ) {}

  /** `GET /user/dirs`: the entries of a directory, streamed as a JSON array. */
  async listDir(principal: Principal, rawPath: QueryValue): Promise<FileResponse> {
    const ctx = await this.context(principal, false);
    return withMessage('Unable to get directory lister', async () => {
      const dir = this.virtualPath(ctx, rawPath);
      return this.listDirAt(ctx, dir);
    });
  }

  /**
   * The listing of the canonical virtual directory `dir` for `ctx` (list permission, file patterns,
   * mounts); with `regularOnly`, symlinks and other non-regular entries are left out (shares).
   */
  async listDirAt(
    ctx: UserContext,
    dir: string,
    options: { regularOnly?: boolean } = {},
  ): Promise<FileResponse> {
    return withMessage('Unable to get directory lister', async () => {
      if (!hasPermission(ctx.user.permissions, dir, 'list')) throw new FsPermissionError(dir);
      assertFileAllowed(ctx.user.filters, dir);
      // Entries (mounts included) the nearest pattern set refuses are left out when its policy hides.
      const filter = patternFilterForDir(ctx.user.filters, dir);
      const hide = filter?.policy === DENY_POLICY_HIDE ? filter : undefined;
      const mounts = ctx.vfs.mountsUnder(dir);
      const { fs, fsPath } = ctx.vfs.resolve(dir);
      const iterator = fs.listBatches(fsPath)[Symbol.asyncIterator]();
      // The first batch is read before the status is sent, so a missing or unreadable directory
      // gets its 404/403; a failure later can only abort the connection (as SFTPGo).
      let first: IteratorResult<FileInfo[]>;
      try {
        first = await iterator.next();
      } catch (err) {
        // A mount point or a directory leading to mounts exists even when not on the parent storage.
        if (!(err instanceof FsNotFoundError && (mounts.length > 0 || ctx.vfs.mountAt(dir)))) throw err;
        first = { done: true, value: undefined };
      }
      const body = Readable.from(listingJson(mounts, first, iterator, hide, options.regularOnly ?? false), {
        objectMode: false,
      });
      return {
        status: 200,
        headers: { 'content-type': 'application/json; charset=utf-8', 'accept-ranges': 'none' },
        body,
      };
    });
  }

  /** `POST /user/dirs`: creates a directory (and, with `mkdir_parents=true`, its missing parents). */
  async createDir(
    principal: Principal,
    rawPath: QueryValue,
    mkdirParents: QueryValue,
  ): Promise<MessageResponse> {
    const ctx = await this.context(principal, true);
    const path = this.virtualPath(ctx, rawPath);
    const message = `Unable to create directory ${quote(path)}`;
    if (ctx.vfs.mountAt(path)) throw new ApiError(403, ERR_PERMISSION, message);
    if (!hasPermission(ctx.user.permissions, parentOf(path), 'create_dirs')) {
      throw new ApiError(403, ERR_PERMISSION, message);
    }
    if (!isFileAllowed(ctx.user.filters, path).allowed) throw new ApiError(403, ERR_PERMISSION, message);
    if (isTrue(mkdirParents)) await this.ensureParents(ctx, parentOf(path), path);
    await withMessage(message, async () => {
      const { fs, fsPath } = ctx.vfs.resolve(path);
      await fs.mkdir(fsPath);
    });
    return { message: `Directory ${quote(path)} created` };
  }

  /** `PATCH /user/dirs` and `PATCH /user/files`: SFTPGo's `renameUserFsEntry`. */
  async rename(principal: Principal, rawPath: QueryValue, rawTarget: QueryValue): Promise<MessageResponse> {
    const ctx = await this.context(principal, true);
    const source = this.virtualPath(ctx, rawPath);
    const target = this.virtualPath(ctx, rawTarget);
    const message = `Unable to rename ${quote(source)} => ${quote(target)}`;
    if (source === target) {
      throw new ApiError(400, `the rename source and target cannot be the same: ${ERR_UNSUPPORTED}`, message);
    }
    await withMessage(message, async () => {
      if (source === '/' || target === '/' || ctx.vfs.mountAt(source) || ctx.vfs.mountAt(target)) {
        throw new FsPermissionError(source);
      }
      const src = ctx.vfs.resolve(source);
      const dst = ctx.vfs.resolve(target);
      const info = await src.fs.lstat(src.fsPath);
      if (!this.canRename(ctx, source, target, info.isDir)) throw new FsPermissionError(source);
      assertFileAllowed(ctx.user.filters, source);
      assertWriteAllowed(ctx.user.filters, target);
      if (info.isDir) {
        if (isVirtualPathWithin(source, target)) {
          throw new ApiError(
            400,
            `nested rename ${quote(source)} => ${quote(target)} is not supported`,
            message,
          );
        }
        if (ctx.vfs.hasMountsInside(source) || ctx.vfs.hasMountsInside(target)) {
          throw new ApiError(400, ERR_UNSUPPORTED, message);
        }
        const patterns =
          hasFilePatternsWithin(ctx.user.filters, source) || hasFilePatternsWithin(ctx.user.filters, target);
        if (patterns || hasPermissionsBelow(ctx, source)) {
          await this.checkTreeRename(ctx, src, source, target, 0);
        }
      }
      const existing = await lstatOrUndefined(dst.fs, dst.fsPath);
      if (existing?.isDir) throw new ApiError(400, ERR_UNSUPPORTED, message);
      if (existing && !hasPermission(ctx.user.permissions, parentOf(target), 'overwrite')) {
        throw new FsPermissionError(target);
      }
      // Quota: an overwritten file is released; between counters the target is charged first (413).
      await this.quota.move(ctx.user, src, dst, message, async () => {
        if (src.mount.virtualPath === dst.mount.virtualPath) {
          await src.fs.rename(src.fsPath, dst.fsPath);
          return;
        }
        // Different mounts are different storages: copy, then remove the source (as SFTPGo).
        await copyTree(src.fs, src.fsPath, dst.fs, dst.fsPath);
        await src.fs.remove(src.fsPath, { recursive: true });
      });
    });
    return { message: `${quote(source)} renamed to ${quote(target)}` };
  }

  /** `DELETE /user/dirs`: recursive delete (a file or symlink path is deleted as a file). */
  async deleteDir(principal: Principal, rawPath: QueryValue): Promise<MessageResponse> {
    const ctx = await this.context(principal, true);
    const path = this.virtualPath(ctx, rawPath);
    const message = `Unable to delete directory ${quote(path)}`;
    await withMessage(message, async () => {
      if (path === '/') throw new FsPermissionError(path, 'removing the root is not allowed');
      if (ctx.vfs.mountAt(path)) {
        throw new ApiError(403, `removing virtual folders is not allowed: ${ERR_PERMISSION}`, message);
      }
      if (ctx.vfs.hasMountsInside(path)) throw new ApiError(400, ERR_UNSUPPORTED, message);
      const resolved = ctx.vfs.resolve(path);
      const { fs, fsPath } = resolved;
      const info = await fs.lstat(fsPath);
      if (!info.isDir) {
        if (!anyPermission(ctx, parentOf(path), ['delete_files', 'delete']))
          throw new FsPermissionError(path);
        assertFileAllowed(ctx.user.filters, path);
        await this.quota.removeFile(ctx.user, resolved, () => fs.remove(fsPath));
        return;
      }
      if (!anyPermission(ctx, parentOf(path), ['delete_dirs', 'delete'])) throw new FsPermissionError(path);
      assertFileAllowed(ctx.user.filters, path);
      await this.checkTreeDelete(ctx, fs, fsPath, path, 0);
      await this.quota.removeTree(ctx.user, resolved, () => fs.remove(fsPath, { recursive: true }));
    });
    return { message: `Directory ${quote(path)} deleted` };
  }

  /** `DELETE /user/files`: a file or a symlink (never its target); directories are refused. */
  async deleteFile(principal: Principal, rawPath: QueryValue): Promise<MessageResponse> {
    const ctx = await this.context(principal, true);
    const path = this.virtualPath(ctx, rawPath);
    const message = `Unable to delete file ${quote(path)}`;
    await withMessage(message, async () => {
      const resolved = ctx.vfs.resolve(path);
      const { fs, fsPath } = resolved;
      const info = await fs.lstat(fsPath);
      if (info.isDir) {
        throw new ApiError(400, ERR_UNSUPPORTED, `Unable delete ${quote(path)}, it is not a file/symlink`);
      }
      if (!anyPermission(ctx, parentOf(path), ['delete_files', 'delete'])) throw new FsPermissionError(path);
      assertFileAllowed(ctx.user.filters, path);
      await this.quota.removeFile(ctx.user, resolved, () => fs.remove(fsPath));
    });
    return { message: `File ${quote(path)} deleted` };
  }

  /** `GET /user/files`: the file, streamed, with ranges and conditional requests. */
  async download(
    principal: Principal,
    rawPath: QueryValue,
    headers: IncomingHttpHeaders,
    method: string,
    connection?: RequestConnection,
  ): Promise<FileResponse> {
    const ctx = { ...(await this.context(principal, false)), connection };
    const path = withMessageSync('Unable to stat the requested file', () => this.virtualPath(ctx, rawPath));
    return this.downloadAt(ctx, path, headers, method);
  }

  /**
   * The download of the canonical virtual path `path` for `ctx` (permissions, file patterns, ranges,
   * conditional requests, transfer quota, `max_sessions`). `beforeSend`, when given, runs once every
   * check passed and before the transfer starts (shares reserve a use there); a failure after it is
   * thrown to the caller, who undoes it.
   */
  async downloadAt(
    ctx: UserContext,
    path: string,
    headers: IncomingHttpHeaders,
    method: string,
    beforeSend?: () => Promise<void>,
  ): Promise<FileResponse> {
    if (path === '/') throw new ApiError(400, ERR_UNSUPPORTED, 'Please set the path to a valid file');
    const { resolved, info } = await withMessage('Unable to stat the requested file', async () => {
      if (!hasPermission(ctx.user.permissions, parentOf(path), 'list')) throw new FsPermissionError(path);
      // SFTPGo's stat: a hidden path does not exist (a mount point always does, as a directory).
      const hidden = isFileAllowed(ctx.user.filters, path);
      if (!hidden.allowed && hidden.policy === DENY_POLICY_HIDE && !ctx.vfs.mountAt(path)) {
        throw new FsNotFoundError(path);
      }
      const target = ctx.vfs.resolve(path);
      return { resolved: target, info: await target.fs.stat(target.fsPath) };
    });
    if (info.isDir) {
      throw new ApiError(
        400,
        ERR_UNSUPPORTED,
        `Please set the path to a valid file, ${quote(path)} is a directory`,
      );
    }
    if (
      !hasPermission(ctx.user.permissions, parentOf(path), 'download') ||
      !isFileAllowed(ctx.user.filters, path).allowed
    ) {
      throw new ApiError(403, `unable to read file ${quote(path)}: ${ERR_PERMISSION}`, 'Forbidden');
    }
    if (!isRegularMode(info.mode)) {
      throw new ApiError(400, `unable to read file ${quote(path)}: ${ERR_UNSUPPORTED}`, 'Bad Request');
    }
    // Transfer quota: no download allowance left -> 403 (SFTPGo's reader check, HEAD included).
    await this.quota.checkDownload(ctx.user, path);
    const validators = { size: info.size, mtime: info.mtime };
    const common: Record<string, string> = {
      etag: weakEtag(validators),
      'last-modified': httpDate(info.mtime),
    };
    const precondition = evaluatePreconditions(headers, validators);
    if (precondition === 'not-modified') return { status: 304, headers: common };
    if (precondition === 'failed') throw new ApiError(412, '', 'Precondition Failed');

    const rangeHeader = headerValue(headers.range);
    const range = ifRangeAllows(headers, validators)
      ? parseRange(rangeHeader, info.size)
      : { kind: 'full' as const };
    if (range.kind === 'unsatisfiable') {
      throw new ApiError(
        416,
        `unsupported range ${quote(rangeHeader ?? '')}`,
        'Requested Range Not Satisfiable',
        {
          'content-range': `bytes */${info.size}`,
        },
      );
    }
    const start = range.kind === 'partial' ? range.start : 0;
    const end = range.kind === 'partial' ? range.end : info.size - 1;
    const responseHeaders: Record<string, string> = {
      ...common,
      'content-type': contentTypeFor(info.name),
      'content-disposition': contentDisposition(posix.basename(path)),
      'x-content-type-options': 'nosniff',
      'accept-ranges': 'bytes',
      'content-length': String(end - start + 1),
    };
    const status = range.kind === 'partial' ? 206 : 200;
    if (range.kind === 'partial') responseHeaders['content-range'] = `bytes ${start}-${end}/${info.size}`;
    const sending = method !== 'HEAD' && info.size > 0;
    await beforeSend?.();
    // Registered (max_sessions) and reserved on the transfer quota only when bytes are sent.
    // Closing the connection destroys the source: the response is cut, the unsent bytes refunded.
    const abort = new TransferAbort(ctx.connection?.signal);
    const transfer = sending
      ? await this.quota.beginDownload(ctx.user, path, end - start + 1, {
          connectionId: ctx.connection?.id,
          onAbort: abort.onAbort,
        })
      : undefined;
    const body = await withMessage('Forbidden', async () => {
      // Bounded to the size announced in Content-Length, even if the file grows meanwhile.
      const stream = await resolved.fs.createReadStream(
        resolved.fsPath,
        info.size > 0 ? { start, end } : undefined,
      );
      if (transfer) return transfer.wrap(abort.attach(stream));
      stream.destroy();
      // Empty, not undefined: Fastify would then rewrite Content-Length to 0 on HEAD.
      return Readable.from([]);
    }).catch((err: unknown) => {
      transfer?.finish();
      throw err;
    });
    return { status, headers: responseHeaders, body };
  }

  /** `POST /user/files/upload`: the raw body, streamed to an atomic write committed when complete. */
  async upload(
    principal: Principal,
    rawPath: QueryValue,
    mkdirParents: QueryValue,
    request: IncomingMessage,
    connection?: RequestConnection,
  ): Promise<MessageResponse> {
    const ctx = { ...(await this.context(principal, true)), connection };
    if (firstValue(rawPath) === undefined) throw new BadRequestError('please set a file path');
    const path = this.virtualPath(ctx, rawPath);
    return this.uploadAt(ctx, path, isTrue(mkdirParents), request);
  }

  /**
   * The raw-body upload to the canonical virtual path `path` for `ctx`: missing parents created when
   * `mkdirParents`, the same write path and checks as every upload, then `X-SFTPGO-MTIME`.
   */
  async uploadAt(
    ctx: UserContext,
    path: string,
    mkdirParents: boolean,
    request: IncomingMessage,
  ): Promise<MessageResponse> {
    const writeMessage = `Unable to write file ${quote(path)}`;
    if (path === '/' || ctx.vfs.mountAt(path)) throw new ApiError(400, ERR_UNSUPPORTED, writeMessage);
    // Refused before any missing parent is created.
    if (!isFileAllowed(ctx.user.filters, path).allowed) throw new ApiError(403, ERR_PERMISSION, writeMessage);
    if (mkdirParents) await this.ensureParents(ctx, parentOf(path), path);
    const declared = Number(headerValue(request.headers['content-length']) ?? NaN);
    const { fs, fsPath } = await this.writeUploadedFile(ctx, path, declared, (sink) =>
      receiveBody(request, sink),
    );
    await this.applyMtime(ctx, path, fs, fsPath, request.headers['x-sftpgo-mtime']);
    return { message: 'Upload completed' };
  }

  // ---- Shared with FileActionsService (multipart upload, metadata, copy, streamzip) ----

  /**
   * One uploaded file, the code path of both `POST /user/files/upload` and each part of the multipart
   * `POST /user/files`: SFTPGo's `getFileWriter` checks (`upload` for a new file or over a symlink,
   * `overwrite` for an existing one, never a directory or a mount point), the size limits, then
   * `receive` streams the data into an atomic write committed only when it completed.
   */
  async writeUploadedFile(
    ctx: UserContext,
    path: string,
    declaredSize: number,
    receive: (sink: Writable) => Promise<void>,
  ): Promise<{ fs: Filesystem; fsPath: string }> {
    const writeMessage = `Unable to write file ${quote(path)}`;
    if (path === '/' || ctx.vfs.mountAt(path)) throw new ApiError(400, ERR_UNSUPPORTED, writeMessage);
    // SFTPGo's `getFileWriter`: the file patterns first, always a permission error for a write.
    if (!isFileAllowed(ctx.user.filters, path).allowed) throw new ApiError(403, ERR_PERMISSION, writeMessage);
    const target = withMessageSync(writeMessage, () => ctx.vfs.resolve(path));
    const { fs, fsPath } = target;
    const maxSize = this.maxUploadSize(ctx.user);
    // Closing the connection destroys the sink: the upload then fails as on any write error.
    const abort = new TransferAbort(ctx.connection?.signal);
    const { write, quota } = await withMessage(writeMessage, async () => {
      const existing = await lstatOrUndefined(fs, fsPath);
      if (existing?.isDir) throw new FsTypeError(path, 'is a directory');
      // Replacing a symlink is a new file (SFTPGo): `upload`, not `overwrite`.
      const perm = existing && !existing.isSymlink ? 'overwrite' : 'upload';
      if (!hasPermission(ctx.user.permissions, parentOf(path), perm)) throw new FsPermissionError(path);
      if (maxSize > 0 && declaredSize > maxSize) {
        throw new ApiError(413, ERR_SPACE_LIMIT, `Error saving file ${quote(path)}`, { connection: 'close' });
      }
      // Registers the transfer (max_sessions) and reserves the disk/transfer quota (413 when full).
      const reserved = await this.quota.beginUpload({
        user: ctx.user,
        target,
        existing,
        declaredSize,
        connectionId: ctx.connection?.id,
        onAbort: abort.onAbort,
      });
      try {
        return { write: await fs.createAtomicWrite(fsPath, { maxSize }), quota: reserved };
      } catch (err) {
        await reserved.abort();
        throw err;
      }
    });
    try {
      await receive(abort.attach(quota.sink(write.stream)));
      await quota.commit(target, write);
    } catch (err) {
      await write.abort().catch(() => undefined);
      await quota.abort();
      if (err instanceof TransferAbortedError) {
        // SFTPGo's 500; the rest of the body is not waited for.
        throw new ApiError(500, err.message, `Error saving file ${quote(path)}`, { connection: 'close' });
      }
      if (err instanceof ClientAbortError)
        throw new ApiError(400, err.message, `Error saving file ${quote(path)}`);
      throw filesApiError(err, `Error saving file ${quote(path)}`);
    }
    return { fs, fsPath };
  }

  /** The effective user and its virtual filesystem; `write` honours the `write-disabled` restriction. */
  userContext(principal: Principal, write: boolean): Promise<UserContext> {
    return this.context(principal, write);
  }

  /**
   * The context of user `username` without a principal (shares act as their owner): undefined when the
   * user does not exist. The caller decides whether the account may be used.
   */
  async userContextByName(username: string): Promise<UserContext | undefined> {
    const user = await this.userAuth.effectiveUser(username);
    return user ? this.contextOf(user) : undefined;
  }

  /**
   * Lstat of a canonical virtual path as the owner may see it: `list` on the parent (403), a path the
   * file patterns hide does not exist (404); the entry itself, symlinks not followed.
   */
  async lstatVisible(ctx: UserContext, path: string): Promise<FileInfo> {
    if (!hasPermission(ctx.user.permissions, parentOf(path), 'list')) throw new FsPermissionError(path);
    const hidden = isFileAllowed(ctx.user.filters, path);
    if (!hidden.allowed && hidden.policy === DENY_POLICY_HIDE && !ctx.vfs.mountAt(path)) {
      throw new FsNotFoundError(path);
    }
    const { fs, fsPath } = ctx.vfs.resolve(path);
    try {
      return await fs.lstat(fsPath);
    } catch (err) {
      // A mount point, or a directory leading to mounts, is a directory even when not on its parent storage.
      if (err instanceof FsNotFoundError && (ctx.vfs.mountAt(path) || ctx.vfs.mountsUnder(path).length > 0)) {
        return { name: posix.basename(path), size: 0, mode: 0o755, mtime: 0, isDir: true, isSymlink: false };
      }
      throw err;
    }
  }

  /** SFTPGo's `GetCleanedPath` of a query value (start directory, canonical form; 400 on control chars). */
  cleanedPath(ctx: UserContext, raw: QueryValue): string {
    return this.virtualPath(ctx, raw);
  }

  /** SFTPGo's `CheckParentDirs`: creates `dir` and its missing ancestors, each needing `create_dirs`. */
  createMissingDirs(ctx: UserContext, dir: string, target: string): Promise<void> {
    return this.ensureParents(ctx, dir, target);
  }

  // ---- End of the part shared with FileActionsService ----

  /** The effective user and its filesystem; write endpoints honour the `write-disabled` restriction. */
  private async context(principal: Principal, write: boolean): Promise<UserContext> {
    if (principal.mustChangePassword) {
      throw new ForbiddenError(
        'Password change required. Please set a new password to continue to use your account',
        '',
      );
    }
    const user = await this.userAuth.effectiveUser(principal.username);
    // Read from the current user, not the token, so a requirement added later applies at once.
    if (user) checkTwoFactorRequirements(user.filters);
    if (write && principal.permissions.includes('write-disabled')) throw new ForbiddenError();
    if (!user) throw new ApiError(404, 'Not Found', 'Unable to retrieve your user');
    return this.contextOf(user);
  }

  private contextOf(user: EffectiveUser): UserContext {
    // One VFS per cached user object: mounts and resolved roots are reused while the user is.
    let vfs = this.vfsCache.get(user);
    if (!vfs) {
      vfs = this.vfsFactory.create(user);
      this.vfsCache.set(user, vfs);
    }
    return { user, vfs };
  }

  /**
   * SFTPGo's `GetCleanedPath`: missing or empty -> the start directory (or `/`); a relative path is
   * taken from the start directory; then the one canonical form (NUL/control characters -> 400).
   */
  private virtualPath(ctx: UserContext, raw: QueryValue): string {
    const value = firstValue(raw) ?? '';
    const start = ctx.user.filters.start_directory ?? '';
    try {
      if (value === '') return canonicalizeVirtualPath(start || '/');
      if (start && !value.startsWith('/')) return canonicalizeVirtualPath(`${start}/${value}`);
      return canonicalizeVirtualPath(value);
    } catch (err) {
      throw filesApiError(err, 'Invalid path');
    }
  }

  /** The smaller non-zero of the user's `max_upload_file_size` and the server's (0 = unlimited). */
  private maxUploadSize(user: EffectiveUser): number {
    const limits = [user.filters.max_upload_file_size ?? 0, this.config.httpd.max_upload_file_size ?? 0];
    const set = limits.filter((n) => Number.isSafeInteger(n) && n > 0);
    return set.length > 0 ? Math.min(...set) : 0;
  }

  /** `X-SFTPGO-MTIME` (ms): applied when parseable and `chtimes` is granted; otherwise ignored (SFTPGo). */
  private async applyMtime(
    ctx: UserContext,
    path: string,
    fs: Filesystem,
    fsPath: string,
    header: string | string[] | undefined,
  ): Promise<void> {
    const value = headerValue(header)?.trim();
    if (!value || !/^-?\d+$/.test(value)) return;
    const ms = Number(value);
    if (!Number.isSafeInteger(ms) || !hasPermission(ctx.user.permissions, parentOf(path), 'chtimes')) return;
    await fs.setTimes(fsPath, ms, ms).catch(() => undefined);
  }

  /**
   * `mkdir_parents=true` (SFTPGo's `CheckParentDirs`): creates each missing ancestor of `target`
   * top-down, each needing `create_dirs` on its own parent.
   */
  private async ensureParents(ctx: UserContext, dir: string, target: string): Promise<void> {
    const message = 'Error checking parent directories';
    let current = '/';
    for (const part of dir === '/' ? [] : dir.slice(1).split('/')) {
      current = posix.join(current, part);
      const step = current;
      await withMessage(message, async () => {
        const { fs, fsPath } = ctx.vfs.resolve(step);
        let info: FileInfo | undefined;
        try {
          info = await fs.stat(fsPath);
        } catch (err) {
          if (!(err instanceof FsNotFoundError)) throw err;
        }
        if (info) {
          if (!info.isDir) throw new FsTypeError(step, 'not a directory');
          return;
        }
        if (
          !hasPermission(ctx.user.permissions, parentOf(step), 'create_dirs') ||
          !isFileAllowed(ctx.user.filters, step).allowed
        ) {
          const detail = `unable to check/create missing parent dir ${quote(step)} for virtual path ${quote(target)}`;
          throw new ApiError(403, `${detail}: ${ERR_PERMISSION}`, message);
        }
        await fs.mkdir(fsPath);
      });
    }
  }

  /** SFTPGo's `hasRenamePerms`: `rename` on both parents, or the file/dir specific permission. */
  private canRename(ctx: UserContext, source: string, target: string, isDir: boolean): boolean {
    const both = (perms: string[]) =>
      anyPermission(ctx, parentOf(source), perms) && anyPermission(ctx, parentOf(target), perms);
    if (both(['rename'])) return true;
    return both(isDir ? ['rename_dirs'] : ['rename_files']);
  }

  /**
   * With permissions defined below the source, or file patterns that apply in either tree, every moved
   * entry must be renamable (SFTPGo's walk) and allowed by the patterns on both sides (403).
   */
  private async checkTreeRename(
    ctx: UserContext,
    src: ResolvedPath,
    source: string,
    target: string,
    depth: number,
  ): Promise<void> {
    if (depth > MAX_DEPTH) throw new FsError('LOOP', `${source}: maximum directory depth exceeded`, source);
    const fsDir = depth === 0 ? src.fsPath : posix.join(src.fsPath, posix.relative(src.virtualPath, source));
    for await (const entry of src.fs.list(fsDir)) {
      const from = posix.join(source, entry.name);
      const to = posix.join(target, entry.name);
      if (!this.canRename(ctx, from, to, entry.isDir)) throw new FsPermissionError(from);
      if (!isFileAllowed(ctx.user.filters, from).allowed) throw new FsPermissionError(from);
      assertWriteAllowed(ctx.user.filters, to);
      if (entry.isDir) await this.checkTreeRename(ctx, src, from, to, depth + 1);
    }
  }

  /**
   * SFTPGo's recursive delete needs `list` on each directory, `delete_files`/`delete` for each file and
   * `delete_dirs`/`delete` for each sub-directory, and each entry allowed by the file patterns (403).
   * Checked before anything is removed (SFTPGo stops half-way); without deeper permission entries and
   * without file patterns that apply in the tree, the directory's own permissions decide for it.
   */
  private async checkTreeDelete(
    ctx: UserContext,
    fs: Filesystem,
    fsDir: string,
    dir: string,
    depth: number,
  ): Promise<void> {
    if (depth > MAX_DEPTH) throw new FsError('LOOP', `${dir}: maximum directory depth exceeded`, dir);
    const uniform = !hasPermissionsBelow(ctx, dir) && !hasFilePatternsWithin(ctx.user.filters, dir);
    if (uniform && anyPermission(ctx, dir, ['delete']) && hasPermission(ctx.user.permissions, dir, 'list')) {
      return;
    }
    if (!hasPermission(ctx.user.permissions, dir, 'list')) throw new FsPermissionError(dir);
    for await (const entry of fs.list(fsDir)) {
      const child = posix.join(dir, entry.name);
      // Nothing is deleted when one entry of the tree is refused by the file patterns.
      if (!isFileAllowed(ctx.user.filters, child).allowed) throw new FsPermissionError(child);
      if (entry.isDir) {
        if (!anyPermission(ctx, dir, ['delete_dirs', 'delete'])) throw new FsPermissionError(child);
        await this.checkTreeDelete(ctx, fs, posix.join(fsDir, entry.name), child, depth + 1);
      } else if (!anyPermission(ctx, dir, ['delete_files', 'delete'])) {
        throw new FsPermissionError(child);
      }
    }
  }
}

/** Synchronous {@link withMessage}. */
function withMessageSync<T>(message: string, op: () => T): T {
  try {
    return op();
  } catch (err) {
    throw filesApiError(err, message);
  }
}

/**
 * The listing as JSON text in chunks: the mounts' synthetic directories first, then the storage
 * entries (hiding those a mount shadows and in-progress upload temp files). With `hide` (the nearest
 * file pattern set, when its policy hides), the names it refuses are left out, mounts included.
 */
async function* listingJson(
  mounts: { name: string }[],
  first: IteratorResult<FileInfo[]>,
  iterator: AsyncIterator<FileInfo[]>,
  hide?: DirPatternFilter,
  regularOnly = false,
): AsyncGenerator<string> {
  const shadowed = new Set(mounts.map((m) => m.name));
  const visible = (name: string) => !hide || hide.allows(name);
  let chunk = '[';
  let pending = 0;
  let separator = '';
  const add = (json: string) => {
    chunk += separator + json;
    separator = ',';
    pending += 1;
  };
  try {
    for (const mount of mounts) if (visible(mount.name)) add(JSON.stringify(virtualDirEntry(mount.name)));
    let next = first;
    while (!next.done) {
      for (const info of next.value) {
        const skipped = regularOnly && (info.isSymlink || (!info.isDir && !isRegularMode(info.mode)));
        if (
          !skipped &&
          !shadowed.has(info.name) &&
          !info.name.startsWith(ATOMIC_TEMP_PREFIX) &&
          visible(info.name)
        ) {
          add(dirEntryJson(info));
        }
      }
      if (pending >= LIST_CHUNK) {
        yield chunk;
        chunk = '';
        pending = 0;
      }
      next = await iterator.next();
    }
    yield `${chunk}]`;
  } finally {
    // Closes the directory handle when the client goes away mid-listing.
    await iterator.return?.();
  }
}
