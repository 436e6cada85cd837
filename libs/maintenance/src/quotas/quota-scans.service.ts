import { ApiError, BadRequestError, NotFoundError, nowMs, type Principal } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import {
  type CounterRef,
  hasDiskLimits,
  hasTransferLimits,
  QuotaRepository,
  quotaCounterFor,
  transferLimitsOf,
  type Usage,
  usageOf,
} from '@app/files';
import type { FolderEntity } from '@app/folders';
import { FoldersService } from '@app/folders';
import { UserVfsFactory } from '@app/storage';
import { type EffectiveUser, UsersService } from '@app/users';
import { Injectable, Logger } from '@nestjs/common';
import { ActiveScans } from './active-scans';
import type {
  FolderQuotaScanDto,
  QuotaScanDto,
  QuotaUsageDto,
  TransferQuotaUsageDto,
} from './dto/quota-usage.dto';
import { QuotaScansRepository } from './quota-scans.repository';

/** `mode` of the usage PUTs. */
type UpdateMode = 'reset' | 'add';

interface UserScan {
  username: string;
  /** The user's role when the scan started: role admins list only their role's scans. */
  role: string;
  startTime: number;
}

interface FolderScan {
  name: string;
  startTime: number;
}

/** The body of the 202/200 answers. */
export interface MessageBody {
  message: string;
}

const MAX_INT32 = 2_147_483_647;
/** SFTPGo's `MethodDisabledError` for the usage APIs when `track_quota` is 0. */
const TRACKING_DISABLED =
  'Method disabled error: please enable track_quota in your configuration to use this method';

const logger = new Logger('QuotaScans');

/** SFTPGo's `getQuotaUpdateMode`: absent -> reset; present, anything but `reset`/`add` (even empty) -> 400. */
function updateMode(raw: unknown): UpdateMode {
  if (raw === undefined) return 'reset';
  const value: unknown = Array.isArray(raw) ? raw[0] : raw;
  if (value === 'reset' || value === 'add') return value;
  throw new BadRequestError('invalid mode');
}

/** A body value: missing is 0; negative -> 400 `negative`; beyond what the column holds -> 400. */
function amount(
  value: number | undefined,
  field: string,
  negative: string,
  max = Number.MAX_SAFE_INTEGER,
): number {
  const n = value ?? 0;
  if (n < 0) throw new BadRequestError(negative);
  if (!Number.isSafeInteger(n) || n > max)
    throw new BadRequestError(`invalid ${field}: ${n} is out of range`);
  return n;
}

/**
 * Quota scans (one per user / folder at a time, walked in the background over any storage provider,
 * result stored with reset semantics) and the usage updates of `/quotas/*`. Role admins reach only
 * their role's users (others are 404).
 */
@Injectable()
export class QuotaScansService {
  private readonly userScans = new ActiveScans<UserScan>();
  private readonly folderScans = new ActiveScans<FolderScan>();
  /** `data_provider.track_quota`. */
  private readonly track: number;

  constructor(
    private readonly users: UsersService,
    private readonly folders: FoldersService,
    private readonly scansRepo: QuotaScansRepository,
    private readonly quota: QuotaRepository,
    private readonly vfsFactory: UserVfsFactory,
    @InjectConfig() config: SftpgoConfig,
  ) {
    this.track = config.data_provider.track_quota;
  }

  /** `GET /quotas/users/scans`: the active user scans (a role admin's: its role's users only). */
  listUserScans(principal: Principal): QuotaScanDto[] {
    return this.userScans
      .list()
      .filter((scan) => !principal.role || scan.role === principal.role)
      .map((scan) => ({ username: scan.username, start_time: scan.startTime }));
  }

  /** `GET /quotas/folders/scans`: the active folder scans. */
  listFolderScans(_principal: Principal): FolderQuotaScanDto[] {
    return this.folderScans.list().map((scan) => ({ name: scan.name, start_time: scan.startTime }));
  }

  /** `POST /quotas/users/{username}/scan`: 202, the scan runs in the background. */
  async scanUser(principal: Principal, username: string): Promise<MessageBody> {
    await this.beginUserScan(username, principal.role);
    return { message: 'Scan started' };
  }

  /** `POST /quotas/folders/{name}/scan`: 202, the scan runs in the background. */
  async scanFolder(_principal: Principal, name: string): Promise<MessageBody> {
    await this.startFolderScan(name);
    return { message: 'Scan started' };
  }

  /** Starts a background scan of `username` (404 unknown, 409 one already running, 403 tracking disabled). */
  startUserScan(username: string): Promise<void> {
    return this.beginUserScan(username, '');
  }

  /** Starts a background scan of folder `name` (404 unknown, 409 one already running, 403 tracking disabled). */
  async startFolderScan(name: string): Promise<void> {
    this.assertScansEnabled();
    const folder = await this.findFolder(name);
    if (!this.folderScans.tryAdd(folder.name, { name: folder.name, startTime: nowMs() })) {
      throw new ApiError(409, '', `Another scan is already in progress for folder ${JSON.stringify(name)}`);
    }
    void this.runScan(
      () => this.folderScans.remove(folder.name),
      `folder ${JSON.stringify(folder.name)}`,
      { kind: 'folder', id: folder.id },
      () => this.walkFolder(folder),
    );
  }

  /** `PUT /quotas/users/{username}/usage?mode=`: sets or adds to the user's disk usage. */
  async updateUserUsage(
    principal: Principal,
    username: string,
    rawMode: unknown,
    body: QuotaUsageDto,
  ): Promise<MessageBody> {
    const usage = this.diskUsageOf(body);
    const mode = updateMode(rawMode);
    const user = await this.findUser(username, principal.role);
    if (mode === 'add' && this.track === 2 && !hasDiskLimits(user)) {
      throw new BadRequestError('this user has no quota restrictions, only reset mode is supported');
    }
    // Held as a scan while it writes: a scan started meanwhile would overwrite the update.
    if (
      !this.userScans.tryAdd(user.username, { username: user.username, role: user.role, startTime: nowMs() })
    ) {
      throw new ApiError(409, '', 'A quota scan is in progress for this user');
    }
    try {
      await this.applyDiskUsage({ kind: 'user', id: user.id }, mode, usage);
    } finally {
      this.userScans.remove(user.username);
    }
    return { message: 'Quota updated' };
  }

  /** `PUT /quotas/users/{username}/transfer-usage?mode=`: sets or adds to the user's transfer usage. */
  async updateTransferUsage(
    principal: Principal,
    username: string,
    rawMode: unknown,
    body: TransferQuotaUsageDto,
  ): Promise<MessageBody> {
    const negative = 'invalid used transfer quota parameters, negative values are not allowed';
    const upload = amount(body.used_upload_data_transfer, 'used_upload_data_transfer', negative);
    const download = amount(body.used_download_data_transfer, 'used_download_data_transfer', negative);
    const mode = updateMode(rawMode);
    const user = await this.findUser(username, principal.role);
    if (mode === 'add' && this.track === 2 && !hasTransferLimits(transferLimitsOf(user))) {
      throw new BadRequestError('this user has no transfer quota restrictions, only reset mode is supported');
    }
    this.assertUsageEnabled();
    if (mode === 'add' && upload === 0 && download === 0) return { message: 'Quota updated' };
    const applied =
      mode === 'reset'
        ? await this.quota.resetTransferUsage(user.id, upload, download)
        : await this.quota.addTransferUsageClamped(user.id, upload, download);
    if (!applied) throw new NotFoundError();
    return { message: 'Quota updated' };
  }

  /** `PUT /quotas/folders/{name}/usage?mode=`: sets or adds to the folder's disk usage. */
  async updateFolderUsage(
    _principal: Principal,
    name: string,
    rawMode: unknown,
    body: QuotaUsageDto,
  ): Promise<MessageBody> {
    const usage = this.diskUsageOf(body);
    const mode = updateMode(rawMode);
    const folder = await this.findFolder(name);
    if (!this.folderScans.tryAdd(folder.name, { name: folder.name, startTime: nowMs() })) {
      throw new ApiError(409, '', 'A quota scan is in progress for this folder');
    }
    try {
      await this.applyDiskUsage({ kind: 'folder', id: folder.id }, mode, usage);
    } finally {
      this.folderScans.remove(folder.name);
    }
    return { message: 'Quota updated' };
  }

  private async beginUserScan(username: string, role: string): Promise<void> {
    this.assertScansEnabled();
    const user = await this.findUser(username, role);
    if (
      !this.userScans.tryAdd(user.username, { username: user.username, role: user.role, startTime: nowMs() })
    ) {
      throw new ApiError(409, '', `Another scan is already in progress for user ${JSON.stringify(username)}`);
    }
    void this.runScan(
      () => this.userScans.remove(user.username),
      `user ${JSON.stringify(user.username)}`,
      { kind: 'user', id: user.id },
      () => this.walkUser(user),
    );
  }

  /** Walks, then stores the result (reset semantics); a failure is logged and nothing is stored. */
  private async runScan(
    done: () => void,
    what: string,
    counter: CounterRef,
    walk: () => Promise<Usage>,
  ): Promise<void> {
    try {
      const started = Date.now();
      const usage = await walk();
      await this.quota.resetUsage(counter, usage.files, usage.bytes);
      logger.log(
        `quota scan of ${what} done in ${Date.now() - started} ms: ${usage.files} files, ${usage.bytes} bytes`,
      );
    } catch (err) {
      logger.warn(`quota scan of ${what} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      done();
    }
  }

  /**
   * The regular files of every mount that charges the user's own counter (the home and the folders
   * mounted with -1/-1), by the same decision as the writes; each walk streams the listings.
   */
  private async walkUser(user: EffectiveUser): Promise<Usage> {
    const vfs = this.vfsFactory.create(user);
    const total: Usage = { files: 0, bytes: 0 };
    for (const mount of vfs.listMounts()) {
      if (quotaCounterFor(user, mount, 1).kind !== 'user') continue;
      const { fs, fsPath } = vfs.resolve(mount.virtualPath);
      const usage = await usageOf(fs, fsPath);
      total.files += usage.files;
      total.bytes += usage.bytes;
    }
    return total;
  }

  /** The regular files of the folder's own storage (its mapped path, or its bucket/prefix). */
  private walkFolder(folder: FolderEntity): Promise<Usage> {
    // The folder's storage seen as a home: the factory builds any provider from it.
    const vfs = this.vfsFactory.create({
      username: `folder:${folder.name}`,
      homeDir: folder.mappedPath ?? '',
      filesystem: folder.filesystem,
      virtualFolders: [],
    });
    const { fs, fsPath } = vfs.resolve('/');
    return usageOf(fs, fsPath);
  }

  private async applyDiskUsage(counter: CounterRef, mode: UpdateMode, usage: Usage): Promise<void> {
    this.assertUsageEnabled();
    if (mode === 'add' && usage.files === 0 && usage.bytes === 0) return;
    const applied =
      mode === 'reset'
        ? await this.quota.resetUsage(counter, usage.files, usage.bytes)
        : await this.quota.addUsageClamped(counter, usage.files, usage.bytes);
    if (!applied) throw new NotFoundError();
  }

  private diskUsageOf(body: QuotaUsageDto): Usage {
    const negative = 'invalid used quota parameters, negative values are not allowed';
    return {
      bytes: amount(body.used_quota_size, 'used_quota_size', negative),
      files: amount(body.used_quota_files, 'used_quota_files', negative, MAX_INT32),
    };
  }

  /** The user merged with its groups (limits and folders may come from them); 404 outside `role`. */
  private async findUser(username: string, role: string): Promise<EffectiveUser> {
    const user = await this.users.getEffectiveUser(username);
    if (!user || (role && user.role !== role)) throw new NotFoundError();
    return user;
  }

  private async findFolder(name: string): Promise<FolderEntity> {
    const folder = await this.scansRepo.findFolder(this.folders.normalizeName(name));
    if (!folder) throw new NotFoundError();
    return folder;
  }

  private assertScansEnabled(): void {
    if (this.track === 0) throw new ApiError(403, '', 'Quota tracking is disabled!');
  }

  private assertUsageEnabled(): void {
    if (this.track === 0) throw new ApiError(403, TRACKING_DISABLED, '');
  }
}
