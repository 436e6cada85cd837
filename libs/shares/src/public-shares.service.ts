import {
  ApiError,
  AuthFailures,
  BadRequestError,
  ipInCidrs,
  normalizeIp,
  NotFoundError,
  nowMs,
  parseBasicAuth,
  PasswordHasher,
  UnauthorizedError,
  ValidationError,
} from '@app/common';
import {
  FileActionsService,
  type FileResponse,
  filesApiError,
  FilesService,
  type MessageResponse,
  type RequestConnection,
  TransferRegistry,
  type UserContext,
} from '@app/files';
import { canonicalizeVirtualPath, type FileInfo, isRegularMode, isVirtualPathWithin } from '@app/storage';
import { Injectable } from '@nestjs/common';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { ShareEntity } from './entities/share.entity';
import { SharesRepository } from './shares.repository';

/** What a public share request carries besides its parameters. */
export interface PublicShareRequest {
  /** The client IP (`clientIp`: proxy headers honoured per binding). */
  ip: string | undefined;
  headers: IncomingHttpHeaders;
  /** The request's connection (`HTTPShare`): bound to the owner once the gate passed. */
  connection?: RequestConnection;
}

/** A share that passed the gate, with the owner the operation runs as. */
interface OpenShare {
  share: ShareEntity;
  ctx: UserContext;
}

type ShareAccess = 'read' | 'write';

const SCOPE_READ = 1;
const SCOPE_WRITE = 2;
const SCOPE_READ_WRITE = 3;

const BASIC_REALM = 'Basic realm="SFTPGo"';

/** Go's `%q` for paths in messages. */
const quote = (value: string): string => JSON.stringify(value);

/**
 * The public share endpoints (`/api/v2/shares/{id}...`, no token): SFTPGo's gate (`checkPublicShare`,
 * in its order and with its codes), then the file operations as the share's owner, through the file
 * API's own code (resolver, owner permissions, file patterns, quotas, `max_sessions`). Uses are
 * reserved atomically before anything is sent or stored and given back when the operation fails.
 */
@Injectable()
export class PublicSharesService {
  constructor(
    private readonly shares: SharesRepository,
    private readonly files: FilesService,
    private readonly actions: FileActionsService,
    private readonly registry: TransferRegistry,
    private readonly hasher: PasswordHasher,
    private readonly failures: AuthFailures,
  ) {}

  /**
   * `GET /shares/{id}`: with `compress=false`, one path that is a regular file is downloaded as is
   * (ranges, conditional requests); otherwise the zip of the shared paths, built while it is sent.
   */
  async download(
    shareId: string,
    compress: string | undefined,
    request: PublicShareRequest,
    method: string,
  ): Promise<FileResponse> {
    const { share, ctx } = await this.open(shareId, 'read', request);
    const paths = share.paths;
    let single: FileInfo | undefined;
    if (paths.length === 1) {
      if (compress === 'false') {
        try {
          single = await this.files.lstatVisible(ctx, paths[0]);
        } catch (err) {
          // SFTPGo's getRespStatus: a missing shared file is a 400 here.
          const mapped = filesApiError(err, 'Unable to stat the requested file');
          throw mapped.status === 404 ? new ApiError(400, mapped.error, mapped.publicMessage) : mapped;
        }
        if (!single.isDir && !single.isSymlink && isRegularMode(single.mode)) {
          return this.withUse(share, 1, (reserve) =>
            this.files.downloadAt(ctx, paths[0], request.headers, method, reserve),
          );
        }
      } else {
        single = await this.files.lstatVisible(ctx, paths[0]).catch(() => undefined);
      }
    }
    const baseDir = single?.isDir ? paths[0] : '/';
    return this.withUse(share, 1, (reserve) =>
      this.actions.streamZipAt(ctx, paths, {
        fileName: `share-${share.name}.zip`,
        baseDir,
        beforeSend: reserve,
        // A zip that fails once started gives its use back (SFTPGo).
        onFailure: () => void this.refund(share, 1),
      }),
    );
  }

  /** `GET /shares/{id}/dirs?path=`: a listing inside the one shared directory; no use consumed. */
  async listDir(
    shareId: string,
    rawPath: string | undefined,
    request: PublicShareRequest,
  ): Promise<FileResponse> {
    const { share, ctx } = await this.open(shareId, 'read', request);
    const base = await this.browsableBase(share, ctx);
    const dir = insideShare(base, rawPath ?? '');
    // The owner's `max_sessions` applies to every share request (SFTPGo registers a connection).
    this.registry
      .register({
        username: ctx.user.username,
        virtualPath: dir,
        direction: 'download',
        maxSessions: ctx.user.maxSessions,
        connectionId: ctx.connection?.id,
      })
      .close();
    return this.files.listDirAt(ctx, dir, { regularOnly: true });
  }

  /** `GET /shares/{id}/files?path=`: a regular file inside the one shared directory (one use). */
  async downloadFile(
    shareId: string,
    rawPath: string | undefined,
    request: PublicShareRequest,
    method: string,
  ): Promise<FileResponse> {
    const { share, ctx } = await this.open(shareId, 'read', request);
    const base = await this.browsableBase(share, ctx);
    const path = insideShare(base, rawPath ?? '');
    let info: FileInfo;
    try {
      info = await this.files.lstatVisible(ctx, path);
    } catch (err) {
      throw filesApiError(err, 'Unable to stat the requested file');
    }
    if (info.isDir) {
      throw new ApiError(400, '', `Please set the path to a valid file, ${quote(path)} is a directory`);
    }
    if (info.isSymlink || !isRegularMode(info.mode)) {
      throw new ValidationError('non regular files are not supported for shares');
    }
    return this.withUse(share, 1, (reserve) =>
      this.files.downloadAt(ctx, path, request.headers, method, reserve),
    );
  }

  /** `POST /shares/{id}`: the multipart field `filenames` into the shared directory, one use per file. */
  async uploadFiles(
    shareId: string,
    request: PublicShareRequest,
    body: IncomingMessage,
  ): Promise<MessageResponse> {
    const { share, ctx } = await this.open(shareId, 'write', request);
    return this.actions.uploadFilesAt(ctx, share.paths[0], false, body, {
      before: async () => {
        if (!(await this.shares.reserveTokens(share.shareId, 1, nowMs()))) {
          throw new ApiError(400, '', 'Allowed usage exceeded');
        }
      },
      failed: () => this.refund(share, 1),
    });
  }

  /** `POST /shares/{id}/{fileName}`: the raw body as one file inside the shared directory (one use). */
  async uploadFile(
    shareId: string,
    fileName: string,
    mkdirParents: string | undefined,
    request: PublicShareRequest,
    body: IncomingMessage,
  ): Promise<MessageResponse> {
    const { share, ctx } = await this.open(shareId, 'write', request);
    const base = share.paths[0];
    let target: string;
    try {
      target = canonicalizeVirtualPath(`${base}/${fileName}`);
    } catch (err) {
      throw filesApiError(err, 'Invalid path');
    }
    if (target === base || !isVirtualPathWithin(base, target)) {
      throw new ApiError(403, '', 'Uploading outside the share is not allowed');
    }
    await this.reserve(share, 1);
    try {
      return await this.files.uploadAt(ctx, target, mkdirParents === 'true', body);
    } catch (err) {
      await this.refund(share, 1);
      throw err;
    }
  }

  /**
   * SFTPGo's `checkPublicShare`, in its order: unknown share (404), scope (403), used up or expired
   * (404), source IP (403), password (401), then the owner (missing, disabled, expired or without
   * shares: 404; no password while the owner forbids that: 403; unmet HTTP two-factor requirement: 403).
   */
  private async open(shareId: string, access: ShareAccess, request: PublicShareRequest): Promise<OpenShare> {
    const row = await this.shares.findByShareId(shareId);
    if (!row) throw new ApiError(404, 'share does not exist', '');
    const { share, username } = row;
    const scopes = access === 'read' ? [SCOPE_READ, SCOPE_READ_WRITE] : [SCOPE_WRITE, SCOPE_READ_WRITE];
    if (!scopes.includes(share.scope)) throw new ApiError(403, 'invalid share scope', '');
    const now = nowMs();
    if (share.maxTokens > 0 && share.usedTokens >= share.maxTokens) throw new NotFoundError();
    if (share.expiresAt > 0 && share.expiresAt < now) throw new NotFoundError();
    const ip = normalizeIp(request.ip);
    if (share.allowFrom.length > 0 && !ipInCidrs(ip, share.allowFrom)) {
      throw new ApiError(403, 'login is not allowed from this IP', '');
    }
    if (share.password) {
      const header = request.headers.authorization;
      const credentials = parseBasicAuth(Array.isArray(header) ? header[0] : header);
      if (!credentials) {
        throw new UnauthorizedError('invalid credentials', 'Unauthorized', {
          'www-authenticate': BASIC_REALM,
        });
      }
      // Only the password counts; the user name is ignored (SFTPGo).
      if (!(await this.hasher.verify(credentials.password, share.password))) {
        await this.failures.report({
          ip,
          credential: 'basic',
          reason: `share password (share ${share.shareId})`,
          kind: 'LoginFailed',
        });
        throw new UnauthorizedError('invalid credentials', 'Unauthorized', {
          'www-authenticate': BASIC_REALM,
        });
      }
      await this.failures.succeeded(ip);
    }
    const ctx = await this.files.userContextByName(username);
    if (!ctx) throw new NotFoundError();
    const owner = ctx.user;
    // Safer than SFTPGo: a disabled or expired owner's shares stop working too.
    if (
      owner.status !== 1 ||
      (owner.expirationDate > 0 && owner.expirationDate < now) ||
      (owner.filters.web_client ?? []).includes('shares-disabled')
    ) {
      throw new NotFoundError();
    }
    if (!share.password && (owner.filters.web_client ?? []).includes('shares-without-password-disabled')) {
      throw new ApiError(403, 'sharing without a password was disabled: permission denied', '');
    }
    if (mustSetSecondFactorForHttp(owner.filters)) {
      throw new ApiError(403, 'Method disabled error: two-factor authentication requirements not met', '');
    }
    // From here on the request is a connection of the owner (SFTPGo registers it after the gate).
    request.connection?.bind(owner.username, owner.role);
    return { share, ctx: { ...ctx, connection: request.connection } };
  }

  /** The one shared directory a browse request works in (SFTPGo's checks and texts, all 400). */
  private async browsableBase(share: ShareEntity, ctx: UserContext): Promise<string> {
    if (share.paths.length !== 1) throw new BadRequestError('a share with multiple paths is not browsable');
    const base = share.paths[0];
    let info: FileInfo;
    try {
      info = await this.files.lstatVisible(ctx, base);
    } catch (err) {
      throw new BadRequestError(`unable to check the share directory: ${filesApiError(err, '').error}`);
    }
    if (!info.isDir) {
      throw new BadRequestError('the shared object is not a directory and so it is not browsable');
    }
    return base;
  }

  /**
   * Runs `op` with `count` uses of the share reserved by `reserve` (which `op` calls once every check
   * passed, right before sending); the uses go back when `op` fails after reserving them.
   */
  private async withUse<T>(
    share: ShareEntity,
    count: number,
    op: (reserve: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    let reserved = false;
    try {
      return await op(async () => {
        await this.reserve(share, count);
        reserved = true;
      });
    } catch (err) {
      if (reserved) await this.refund(share, count);
      throw err;
    }
  }

  /** Reserves uses atomically: a share used up meanwhile is a 404, as at the gate. */
  private async reserve(share: ShareEntity, count: number): Promise<void> {
    if (!(await this.shares.reserveTokens(share.shareId, count, nowMs()))) throw new NotFoundError();
  }

  private async refund(share: ShareEntity, count: number): Promise<void> {
    await this.shares.refundTokens(share.shareId, count, nowMs()).catch(() => undefined);
  }
}

/**
 * The canonical path of `raw` inside the shared directory `base` (joined, then cleaned: `..`,
 * backslashes and decoded `%2e%2e` included); a path leaving the share is a 400, as in SFTPGo.
 */
function insideShare(base: string, raw: string): string {
  let path: string;
  try {
    path = canonicalizeVirtualPath(`${base}/${raw}`);
  } catch (err) {
    throw filesApiError(err, 'Invalid path');
  }
  if (!isVirtualPathWithin(base, path)) throw new ValidationError(`Invalid path ${quote(raw)}`);
  return path;
}

/** SFTPGo's `MustSetSecondFactorForProtocol("HTTP")`: HTTP requires 2FA and TOTP does not cover it. */
function mustSetSecondFactorForHttp(filters: {
  two_factor_protocols?: string[];
  totp_config?: { enabled?: boolean; protocols?: string[] };
}): boolean {
  if (!(filters.two_factor_protocols ?? []).includes('HTTP')) return false;
  const totp = filters.totp_config;
  return !(totp?.enabled && (totp.protocols ?? []).includes('HTTP'));
}
