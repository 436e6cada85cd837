import {
  applyAnonymous,
  BadRequestError,
  ConflictError,
  convertName,
  type ListQuery,
  nameProblem,
  NotFoundError,
  nowMs,
  PasswordHasher,
  passwordEntropy,
  type Principal,
  validateEmail,
  validatePermissions,
  validatePublicKeys,
  validateUserFilters,
  ValidationError,
  type RestoreOutcome,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { FoldersService } from '@app/folders';
import { secretViewFor } from '@app/kms';
import { FilesystemConfigService, FsProvider } from '@app/storage';
import { Injectable } from '@nestjs/common';
import { tmpdir } from 'node:os';
import { posix } from 'node:path';
import type { EntityManager } from 'typeorm';
import type { UserDto } from './dto/user.dto';
import { effectiveUser, type EffectiveUser } from './effective-user';
import { GroupType } from './entities/user-group-mapping.entity';
import type { UserEntity } from './entities/user.entity';
import { isUserPasswordHash } from './user-password';
import { UserAuthStateCache } from './user-auth-state.cache';
import {
  profileToWire,
  type UserProfileChanges,
  type UserProfileWire,
  userToWire,
  type UserWire,
} from './users.mapper';
import { type UserFolderRow, type UserGroupRow, UsersRepository, type UserRow } from './users.repository';

const MAX_ID = 2147483647;
const DAY_MS = 86_400_000;
const RESERVED_USERNAMES = ['__self__', '__system__'];
/** Providers whose home dir is only a local cache: SFTPGo defaults it to `<temp>/<username>`. */
const REMOTE_PROVIDERS: number[] = [
  FsProvider.S3,
  FsProvider.GCS,
  FsProvider.AzureBlob,
  FsProvider.SFTP,
  FsProvider.HTTP,
];

/** What a write stores: the row and its mappings. */
interface PreparedUser {
  row: UserRow;
  folders: UserFolderRow[];
  groups: UserGroupRow[];
}

/**
 * Users: the `/users` endpoints (role admins see and manage only their role's users) and the
 * effective user (merged with its groups) for the file API.
 */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly filesystems: FilesystemConfigService,
    private readonly folders: FoldersService,
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly authStates: UserAuthStateCache,
  ) {}

  private readonly disconnectListeners: ((username: string) => void)[] = [];

  /** Adds a listener told when a user's connections must close (deleted, or updated with `disconnect=1`). */
  onDisconnect(listener: (username: string) => void): void {
    this.disconnectListeners.push(listener);
  }

  private disconnect(username: string): void {
    for (const listener of this.disconnectListeners) listener(username);
  }

  /** Applies the configured naming rules to a username (on save and on every lookup). */
  normalizeUsername(username: string): string {
    return convertName(username, this.config.data_provider.naming_rules);
  }

  /** `GET /users`: one page ordered by username, role-scoped; secrets hidden. */
  async list(principal: Principal, query: ListQuery): Promise<UserWire[]> {
    const users = await this.users.list(query, principal.role);
    return users.map((user) => userToWire(user));
  }

  /** One page of all users for `/dumpdata`, ordered by username: not redacted (hashes, secrets with keys). */
  async dumpPage(offset: number, limit: number): Promise<UserWire[]> {
    const users = await this.users.list({ offset, limit, order: 'ASC' }, '');
    return users.map((user) => userToWire(user, 'confidential'));
  }

  /**
   * `GET /users/{username}`: the stored (unmerged) user; 404 for another role's user; `confidential`
   * is the raw `confidential_data` query value.
   */
  async get(principal: Principal, rawUsername: string, confidential?: unknown): Promise<UserWire> {
    const user = await this.require(principal, rawUsername);
    return userToWire(user, secretViewFor(principal, confidential));
  }

  /** `POST /users`: validated, stored in one transaction, returned as stored. */
  async create(principal: Principal, body: UserDto, confidential?: unknown): Promise<UserWire> {
    const admin = await this.users.findAdmin(principal.username);
    if (!admin) throw new NotFoundError();
    const username = this.normalizeUsername(body.username ?? '');
    this.checkUsername(username);
    const now = nowMs();
    // The admin's default expiration applies only when the body has none (an explicit 0 wins).
    let expirationDate = body.expiration_date ?? undefined;
    const defaultDays = admin.filters?.preferences?.default_users_expiration ?? 0;
    if (expirationDate === undefined && defaultDays > 0) expirationDate = now + defaultDays * DAY_MS;
    const id = await this.users.transaction(async (manager) => {
      const prepared = await this.prepare(principal, manager, body, username, null, now, expirationDate);
      return this.users.insert(manager, prepared.row, prepared.folders, prepared.groups);
    });
    const stored = await this.users.findById(id);
    if (!stored) throw new NotFoundError();
    return userToWire(stored, secretViewFor(principal, confidential));
  }

  /** `PUT /users/{username}`: a full replace keeping id, username, 2FA, server-managed fields. */
  async update(
    principal: Principal,
    rawUsername: string,
    body: UserDto,
    disconnect?: string,
  ): Promise<{ message: string }> {
    if (disconnect !== undefined && !/^[+-]?\d+$/.test(disconnect)) {
      throw new BadRequestError(
        `invalid disconnect parameter: strconv.Atoi: parsing ${JSON.stringify(disconnect)}: invalid syntax`,
      );
    }
    const username = this.normalizeUsername(rawUsername);
    await this.users.transaction(async (manager) => {
      const previous = await this.users.findByUsername(username, principal.role, manager);
      if (!previous) throw new NotFoundError();
      const prepared = await this.prepare(
        principal,
        manager,
        body,
        previous.username,
        previous,
        nowMs(),
        body.expiration_date ?? 0,
      );
      await this.users.update(manager, previous.id, prepared.row, prepared.folders, prepared.groups);
    });
    this.authStates.forget(username);
    // SFTPGo: `disconnect` is an integer, only 1 closes the user's connections.
    if (disconnect !== undefined && Number(disconnect) === 1) this.disconnect(username);
    return { message: 'User updated' };
  }

  /**
   * A user from a backup, in the restore's transaction `em`: added, or (unless `skipExisting`)
   * replaced, through the same checks and writes as POST and PUT (a known password hash is kept, a
   * plain password hashed). As SFTPGo, the used quota is not taken from the backup: a new user starts
   * at zero, an existing one keeps its own (a quota scan recomputes it). Call
   * {@link forgetAuthState} once the transaction is committed.
   */
  async restore(
    principal: Principal,
    body: UserDto,
    skipExisting: boolean,
    em: EntityManager,
  ): Promise<RestoreOutcome> {
    const username = this.normalizeUsername(body.username ?? '');
    this.checkUsername(username);
    const previous = await this.users.findByUsername(username, principal.role, em);
    if (previous && skipExisting) return 'skip';
    const prepared = await this.prepare(
      principal,
      em,
      body,
      username,
      previous,
      nowMs(),
      body.expiration_date ?? 0,
    );
    // A stored hash comes with the date it was set (SFTPGo keeps it; only a plain password is "now").
    if (body.password && isUserPasswordHash(body.password) && (body.last_password_change ?? 0) > 0) {
      prepared.row.lastPasswordChange = body.last_password_change ?? 0;
    }
    if (previous) {
      await this.users.update(em, previous.id, prepared.row, prepared.folders, prepared.groups);
      return 'update';
    }
    await this.users.insert(em, prepared.row, prepared.folders, prepared.groups);
    return 'add';
  }

  /** Drops the cached state of a user written outside the normal endpoints (after a restore). */
  forgetAuthState(username: string): void {
    this.authStates.forget(username);
  }

  /** `DELETE /users/{username}`: mappings go with the user; the home directory stays. */
  async delete(principal: Principal, rawUsername: string): Promise<{ message: string }> {
    const username = this.normalizeUsername(rawUsername);
    await this.users.transaction(async (manager) => {
      const user = await this.users.findByUsername(username, principal.role, manager);
      if (!user) throw new NotFoundError();
      await this.users.delete(manager, user.id);
    });
    this.authStates.forget(username);
    this.disconnect(username);
    return { message: 'User deleted' };
  }

  /**
   * The user merged with its primary and secondary groups (SFTPGo's `GetUserWithGroupSettings`), or
   * undefined when there is no such user. Secrets inside stay encrypted.
   */
  async getEffectiveUser(rawUsername: string): Promise<EffectiveUser | undefined> {
    const user = await this.users.findByUsername(this.normalizeUsername(rawUsername), '');
    if (!user) return undefined;
    const mappings = user.groupMappings ?? [];
    const withSettings = mappings.filter((m) => m.groupType !== GroupType.Membership);
    const groups = await this.users.findGroupsWithFolders(withSettings.map((m) => m.groupId));
    const byId = new Map(groups.map((g) => [g.id, g]));
    return effectiveUser(
      user,
      mappings.map((m) => ({ type: m.groupType, group: byId.get(m.groupId) ?? m.group })),
    );
  }

  /** The self-service profile (`UserProfile`): the fields a user may see and, per policy, change. */
  async getProfile(rawUsername: string): Promise<UserProfileWire> {
    const user = await this.users.findByUsername(this.normalizeUsername(rawUsername), '');
    if (!user) throw new NotFoundError();
    return profileToWire(user);
  }

  /**
   * Stores the profile fields named in `changes` (the caller already dropped those its web client
   * restrictions forbid), validated as on a full save; bumps `updated_at`.
   */
  async updateProfile(rawUsername: string, changes: UserProfileChanges): Promise<void> {
    const username = this.normalizeUsername(rawUsername);
    await this.users.transaction(async (manager) => {
      const user = await this.users.findByUsername(username, '', manager);
      if (!user) throw new NotFoundError();
      const row: Partial<UserEntity> = { updatedAt: Math.max(nowMs(), user.updatedAt + 1) };
      if (changes.email !== undefined) {
        if (changes.email) validateEmail(changes.email, 'email');
        row.email = changes.email || null;
      }
      if (changes.description !== undefined) row.description = changes.description || null;
      if (changes.public_keys !== undefined) row.publicKeys = validatePublicKeys(changes.public_keys);
      const filters = { ...user.filters };
      if (changes.allow_api_key_auth !== undefined) filters.allow_api_key_auth = changes.allow_api_key_auth;
      if (changes.additional_emails !== undefined) filters.additional_emails = changes.additional_emails;
      if (changes.tls_certs !== undefined) filters.tls_certs = changes.tls_certs;
      row.filters = { ...validateUserFilters(filters, user.filters), totp_config: user.filters.totp_config };
      if (!user.filters.recovery_codes) delete row.filters.recovery_codes;
      else row.filters.recovery_codes = user.filters.recovery_codes;
      if (!row.filters.totp_config) delete row.filters.totp_config;
      await this.users.updateColumns(manager, user.id, row);
    });
    this.authStates.forget(username);
  }

  /**
   * Self-service password change: the new password passes the strength policies and is hashed
   * (never stored as given, even if it looks like a hash); `require_password_change` is cleared.
   * The credential stamp changes, so every token of the user stops working.
   */
  async setOwnPassword(rawUsername: string, plain: string): Promise<void> {
    const username = this.normalizeUsername(rawUsername);
    await this.users.transaction(async (manager) => {
      const user = await this.users.findByUsername(username, '', manager);
      if (!user) throw new NotFoundError();
      const groups = (user.groupMappings ?? []).map((m) => ({ groupId: m.groupId, groupType: m.groupType }));
      const minEntropy =
        (await this.primaryGroupPasswordStrength(manager, groups)) || user.filters.password_strength || 0;
      this.checkPasswordStrength(plain, minEntropy);
      const now = nowMs();
      const filters = { ...user.filters };
      delete filters.require_password_change;
      await this.users.updateColumns(manager, user.id, {
        password: await this.hasher.hash(plain),
        lastPasswordChange: now,
        filters,
        updatedAt: Math.max(now, user.updatedAt + 1),
      });
    });
    this.authStates.forget(username);
  }

  /** Sets `last_login` unless it was set less than `minDelayMs` ago (one conditional UPDATE). */
  touchLastLogin(id: number, now: number, minDelayMs: number): Promise<void> {
    return this.users.touchLastLogin(id, now, minDelayMs);
  }

  private async require(principal: Principal, rawUsername: string): Promise<UserEntity> {
    const user = await this.users.findByUsername(this.normalizeUsername(rawUsername), principal.role);
    if (!user) throw new NotFoundError();
    return user;
  }

  private checkUsername(username: string): void {
    const problem = nameProblem(username, this.config.data_provider.naming_rules);
    if (problem) throw new ValidationError(problem);
    if (RESERVED_USERNAMES.includes(username)) throw new ValidationError('this username is reserved');
  }

  /**
   * Validates a POST/PUT body into the row and mappings to store (SFTPGo's `ValidateUser` rules).
   * Server-managed fields come from `previous` (PUT) or start at zero (POST).
   */
  private async prepare(
    principal: Principal,
    manager: EntityManager,
    body: UserDto,
    username: string,
    previous: UserEntity | null,
    now: number,
    expirationDate: number | undefined,
  ): Promise<PreparedUser> {
    const status = body.status ?? 0;
    if (status !== 0 && status !== 1) throw new ValidationError(`invalid user status: ${status}`);

    const filesystem = this.filesystems.prepare(body.filesystem, previous?.filesystem, {
      additionalData: username,
      owner: 'user',
    });
    const homeDir = this.homeDir(body.home_dir ?? '', username, filesystem.provider);

    const uid = this.idNumber(body.uid, 'uid');
    const gid = this.idNumber(body.gid, 'gid');
    const maxSessions = this.nonNegative(body.max_sessions, 'max_sessions');
    const quotaSize = this.nonNegative(body.quota_size, 'quota_size');
    const quotaFiles = this.nonNegative(body.quota_files, 'quota_files');
    // SFTPGo turns a negative bandwidth into "unlimited".
    const uploadBandwidth = Math.max(body.upload_bandwidth ?? 0, 0);
    const downloadBandwidth = Math.max(body.download_bandwidth ?? 0, 0);
    const totalDataTransfer = this.nonNegative(body.total_data_transfer, 'total_data_transfer');
    // A total transfer limit replaces the per-direction ones.
    const uploadDataTransfer =
      totalDataTransfer > 0 ? 0 : this.nonNegative(body.upload_data_transfer, 'upload_data_transfer');
    const downloadDataTransfer =
      totalDataTransfer > 0 ? 0 : this.nonNegative(body.download_data_transfer, 'download_data_transfer');
    const expiration = expirationDate ?? 0;
    if (!Number.isSafeInteger(expiration) || expiration < 0) {
      throw new ValidationError(`invalid expiration_date: ${expiration}`);
    }

    const validatedPermissions = validatePermissions(body.permissions, { requireRoot: true });
    const storedTotp = previous?.filters?.totp_config;
    const validatedFilters = validateUserFilters(body.filters, { totp_config: storedTotp });
    const { permissions, filters } = applyAnonymous(validatedPermissions, validatedFilters);
    // Two-factor settings are the user's own: never taken from an admin's body.
    if (previous?.filters?.totp_config) filters.totp_config = previous.filters.totp_config;
    if (previous?.filters?.recovery_codes) filters.recovery_codes = previous.filters.recovery_codes;

    const email = body.email ?? '';
    if (email) validateEmail(email, 'email');
    const publicKeys = validatePublicKeys(body.public_keys ?? []);
    const description = body.description ?? '';
    if ([...description].length > 512) {
      throw new ValidationError('description is too long: at most 512 characters are allowed');
    }

    const roleId = await this.roleId(principal, manager, body.role);
    const groups = await this.groups(manager, body.groups);
    // SFTPGo checks the primary group's strength, then the user's: the stricter one decides.
    const minEntropy = Math.max(
      filters.password_strength ?? 0,
      await this.primaryGroupPasswordStrength(manager, groups),
    );
    const { password, lastPasswordChange } = await this.password(body.password, previous, now, minEntropy);
    const folders = await this.folders.resolveVirtualFolders(body.virtual_folders ?? [], manager);

    return {
      row: {
        username,
        status,
        expirationDate: expiration,
        description: description || null,
        password,
        publicKeys,
        homeDir,
        uid,
        gid,
        maxSessions,
        quotaSize,
        quotaFiles,
        permissions,
        usedQuotaSize: previous?.usedQuotaSize ?? 0,
        usedQuotaFiles: previous?.usedQuotaFiles ?? 0,
        lastQuotaUpdate: previous?.lastQuotaUpdate ?? 0,
        uploadBandwidth,
        downloadBandwidth,
        uploadDataTransfer,
        downloadDataTransfer,
        totalDataTransfer,
        usedUploadDataTransfer: previous?.usedUploadDataTransfer ?? 0,
        usedDownloadDataTransfer: previous?.usedDownloadDataTransfer ?? 0,
        lastLogin: previous?.lastLogin ?? 0,
        firstDownload: previous?.firstDownload ?? 0,
        firstUpload: previous?.firstUpload ?? 0,
        lastPasswordChange,
        filters,
        filesystem,
        additionalInfo: body.additional_info || null,
        email: email || null,
        roleId,
        createdAt: previous?.createdAt ?? now,
        // Strictly increasing, even for two writes in the same millisecond.
        updatedAt: previous ? Math.max(now, previous.updatedAt + 1) : now,
      },
      folders: folders.map((f) => ({
        folderId: f.folder.id,
        virtualPath: f.virtualPath,
        quotaSize: f.quotaSize,
        quotaFiles: f.quotaFiles,
        subpath: f.subpath,
      })),
      groups,
    };
  }

  /** `home_dir`: required and absolute, defaulted under `users_base_dir` (or temp for remote storage). */
  private homeDir(raw: string, username: string, provider: FsProvider): string {
    let home = raw;
    if (!home) {
      const base = this.config.data_provider.users_base_dir;
      if (base) home = posix.join(base, username);
      else if (REMOTE_PROVIDERS.includes(provider)) home = posix.join(tmpdir(), username);
    }
    if (!home) throw new ValidationError('home_dir is mandatory');
    const cleaned = posix.normalize(home).replace(/(.)\/+$/, '$1');
    if (!posix.isAbsolute(cleaned)) {
      throw new ValidationError(`home_dir must be an absolute path, actual value: ${raw}`);
    }
    return cleaned;
  }

  private idNumber(value: number | null | undefined, field: 'uid' | 'gid'): number {
    const n = value ?? 0;
    if (n < 0 || n > MAX_ID)
      throw new ValidationError(`invalid ${field}: ${n}, it must be between 0 and ${MAX_ID}`);
    return n;
  }

  private nonNegative(value: number | null | undefined, field: string): number {
    const n = value ?? 0;
    if (!Number.isSafeInteger(n) || n < 0) throw new ValidationError(`invalid ${field}: ${n}`);
    return n;
  }

  /**
   * The password to store: absent (undefined/null) keeps the stored hash on PUT; `""` removes it;
   * a known hash is stored as is; anything else is hashed. `last_password_change` moves with it.
   */
  private async password(
    input: string | null | undefined,
    previous: UserEntity | null,
    now: number,
    minEntropy: number,
  ): Promise<{ password: string | null; lastPasswordChange: number }> {
    const kept = previous?.lastPasswordChange ?? 0;
    if (input === undefined || input === null) {
      return { password: previous?.password || null, lastPasswordChange: kept };
    }
    if (input === '') return { password: null, lastPasswordChange: kept };
    if (isUserPasswordHash(input)) {
      return { password: input, lastPasswordChange: input === previous?.password ? kept : now };
    }
    this.checkPasswordStrength(input, minEntropy);
    return { password: await this.hasher.hash(input), lastPasswordChange: now };
  }

  /** A plain password below the minimum entropy is refused with go-password-validator's wording. */
  private checkPasswordStrength(plain: string, minEntropy: number): void {
    if (minEntropy > 0 && passwordEntropy(plain) < minEntropy) {
      throw new ValidationError(
        'insecure password, try including more special characters, using uppercase letters, using numbers or using a longer password',
      );
    }
  }

  /** The primary group's `filters.password_strength` (SFTPGo checks it before the user's own). */
  private async primaryGroupPasswordStrength(
    manager: EntityManager,
    groups: UserGroupRow[],
  ): Promise<number> {
    const primary = groups.find((g) => g.groupType === GroupType.Primary);
    if (!primary) return 0;
    const group = await this.users.findGroupById(manager, primary.groupId);
    return group?.userSettings?.filters?.password_strength ?? 0;
  }

  /** Role admins always create and keep users in their own role; a named role must exist (409). */
  private async roleId(
    principal: Principal,
    manager: EntityManager,
    input: string | null | undefined,
  ): Promise<number | null> {
    const name = principal.role || convertName(input ?? '', this.config.data_provider.naming_rules);
    if (!name) return null;
    const role = await this.users.findRole(manager, name);
    if (!role) throw new ConflictError(`role "${name}" does not exist`);
    return role.id;
  }

  /** `groups[]`: type 1..3, at most one primary, no duplicates, every group must exist. */
  private async groups(manager: EntityManager, input: unknown[] | null | undefined): Promise<UserGroupRow[]> {
    const items = input ?? [];
    const wanted: { name: string; type: GroupType }[] = [];
    for (const [index, item] of items.entries()) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw new ValidationError(`groups[${index}] must be an object`);
      }
      const { name: rawName, type } = item as { name?: unknown; type?: unknown };
      if (typeof rawName !== 'string' || rawName === '') throw new ValidationError('group name is mandatory');
      if (type !== GroupType.Primary && type !== GroupType.Secondary && type !== GroupType.Membership) {
        throw new ValidationError(`invalid group type: ${String(type)}`);
      }
      const name = convertName(rawName, this.config.data_provider.naming_rules);
      if (wanted.some((g) => g.name === name)) throw new ValidationError(`the group "${name}" is duplicated`);
      if (type === GroupType.Primary && wanted.some((g) => g.type === GroupType.Primary)) {
        throw new ValidationError('only one primary group is allowed');
      }
      wanted.push({ name, type });
    }
    if (wanted.length === 0) return [];
    const found = await this.users.findGroupIds(
      manager,
      wanted.map((g) => g.name),
    );
    return wanted.map((g) => {
      const groupId = found.get(g.name);
      if (groupId === undefined) throw new ValidationError(`group "${g.name}" does not exist`);
      return { groupId, groupType: g.type };
    });
  }
}
