import {
  AdminPermission,
  BadRequestError,
  convertName,
  ForbiddenError,
  ipInCidrs,
  isPasswordHash,
  type ListQuery,
  nameProblem,
  NotFoundError,
  nowMs,
  PasswordHasher,
  type Principal,
  ValidationError,
  restoreObject,
  type RestoreOutcome,
} from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { descriptionProblem, RolesService } from '@app/roles';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type AdminGroupChoice,
  samePermissions,
  validateAdmin,
  validateAdminEmail,
  type ValidatedAdmin,
} from './admin-validation';
import { adminProfileToWire, type AdminProfileWire, adminToWire, type AdminWire } from './admins.mapper';
import { AdminsRepository } from './admins.repository';
import type { AdminDto, AdminProfileDto, PwdChangeDto } from './dto/admin.dto';
import { AdminEntity, type AdminFilters } from './entities/admin.entity';

/**
 * What the authentication layer needs to know about an admin on every request, cached briefly so
 * that a request costs no database read.
 */
export interface AdminAuthState {
  id: number;
  username: string;
  /** 1 enabled. */
  status: number;
  permissions: string[];
  role: string;
  /** Changes when the password changes or the account is re-created: tokens carry it. */
  credentialStamp: string;
  updatedAt: number;
  allowList: string[];
  allowApiKeyAuth: boolean;
  requirePasswordChange: boolean;
  requireTwoFactor: boolean;
}

// SFTPGo saves last_login at most once every 10 minutes.
const LAST_LOGIN_MIN_DELAY_MS = 10 * 60 * 1000;
// How long another instance's change to an admin may take to be seen here.
const AUTH_STATE_TTL_MS = 2000;

/** The stamp of an admin's credentials: changes when its password or identity changes. */
export function credentialStamp(admin: Pick<AdminEntity, 'id' | 'password'>): string {
  return createHash('sha256').update(`${admin.id}:${admin.password}`).digest('base64url').slice(0, 16);
}

/** The `{"message": ...}` acknowledgement of updates and deletes. */
export interface AdminMessage {
  message: string;
}

const PASSWORD_CHANGE_REQUIRED =
  'Password change required. Please set a new password to continue to use your account';

/**
 * Admin accounts: the `/admins`, `/admin/profile` and `/admin/changepwd` operations, the credentials
 * check, the first-start admin and the cached authentication state. Every write to an admin forgets
 * its cached state, so this instance applies new permissions, status or password at once; tokens
 * carry a stamp of the password, so a password change ends every token of that admin.
 */
@Injectable()
export class AdminsService implements OnModuleInit {
  private readonly logger = new Logger(AdminsService.name);
  private readonly authStates = new Map<string, { at: number; state: Promise<AdminAuthState | undefined> }>();

  constructor(
    private readonly admins: AdminsRepository,
    private readonly hasher: PasswordHasher,
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly dataSource: DataSource,
    private readonly roles: RolesService,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.ensureDefaultAdmin();
  }

  /** Applies the configured naming rules to an admin username (on save and on lookup). */
  normalizeUsername(username: string): string {
    return convertName(username, this.config.data_provider.naming_rules);
  }

  /**
   * With `create_default_admin` and no admin at all, creates the admin named by
   * `SFTPGO_DEFAULT_ADMIN_USERNAME`/`_PASSWORD` with every permission; both are required.
   */
  async ensureDefaultAdmin(): Promise<void> {
    if (!this.config.data_provider.create_default_admin) return;
    if ((await this.admins.count()) > 0) return;
    const { username: rawName, password } = this.config.defaultAdmin;
    if (!rawName || !password) {
      throw new Error(
        'to create the default admin you need to set the env vars SFTPGO_DEFAULT_ADMIN_USERNAME and SFTPGO_DEFAULT_ADMIN_PASSWORD',
      );
    }
    const username = this.normalizeUsername(rawName);
    const problem = nameProblem(username, this.config.data_provider.naming_rules);
    if (problem) throw new Error(`unable to create the default admin: ${problem}`);
    const now = nowMs();
    await this.admins.insert({
      username,
      password: await this.hasher.hash(password),
      status: 1,
      permissions: [AdminPermission.All],
      filters: { require_two_factor: false, totp_config: {}, preferences: {} },
      description: null,
      email: null,
      additionalInfo: null,
      lastLogin: 0,
      roleId: null,
      createdAt: now,
      updatedAt: now,
    });
    this.logger.log(`default admin "${username}" created`);
  }

  /**
   * The admin for these credentials, or undefined: unknown admin, wrong or blank password, status
   * other than 1, client IP outside `filters.allow_list`. Admin passwords are trimmed, as SFTPGo does.
   */
  async checkCredentials(
    rawUsername: string,
    rawPassword: string,
    ip: string,
  ): Promise<AdminEntity | undefined> {
    const password = rawPassword.trim();
    if (!rawUsername || !password) return undefined;
    const admin = await this.admins.findByUsername(this.normalizeUsername(rawUsername));
    if (!admin || admin.status !== 1) return undefined;
    const allowList = admin.filters.allow_list ?? [];
    if (allowList.length > 0 && !ipInCidrs(ip, allowList)) return undefined;
    if (!(await this.hasher.verify(password, admin.password))) return undefined;
    await this.admins.touchLastLogin(admin.id, nowMs(), LAST_LOGIN_MIN_DELAY_MS);
    return admin;
  }

  /** The admin's authentication state, from a short-lived cache (no database read per request). */
  authState(username: string): Promise<AdminAuthState | undefined> {
    const now = nowMs();
    const cached = this.authStates.get(username);
    if (cached && now - cached.at < AUTH_STATE_TTL_MS) return cached.state;
    const state = this.admins
      .findByUsername(username)
      .then((admin) => (admin ? toAuthState(admin) : undefined));
    this.authStates.set(username, { at: now, state });
    // A failed read is not cached: the next request asks the database again.
    state.catch(() => this.authStates.delete(username));
    return state;
  }

  /** Drops the cached state after a write, so this instance sees the change at once. */
  forgetAuthState(username: string): void {
    this.authStates.delete(username);
  }

  /** `GET /admins`: one page ordered by username. */
  async list(_principal: Principal, query: ListQuery): Promise<AdminWire[]> {
    const admins = await this.admins.list(query);
    const groups = await this.admins.groupChoices(admins.map((admin) => admin.id));
    return admins.map((admin) => adminToWire(admin, groups.get(admin.id)));
  }

  /** One page of all admins for `/dumpdata`, ordered by username: password hashes and TOTP secrets included. */
  async dumpPage(offset: number, limit: number): Promise<AdminWire[]> {
    const admins = await this.admins.list({ offset, limit, order: 'ASC' });
    const groups = await this.admins.groupChoices(admins.map((admin) => admin.id));
    return admins.map((admin) => adminToWire(admin, groups.get(admin.id), 'confidential'));
  }

  /** `GET /admins/{username}`. */
  async get(_principal: Principal, rawUsername: string): Promise<AdminWire> {
    const admin = await this.require(this.normalizeUsername(rawUsername));
    return this.toWire(admin);
  }

  /**
   * `POST /admins`: TOTP and recovery codes from the body are discarded; a duplicate username is a
   * 409 (unique index); the admin and its group choices are written in one transaction.
   */
  async create(_principal: Principal, body: AdminDto): Promise<AdminWire> {
    const admin = validateAdmin(body, this.rules, true);
    const password = await this.storedPassword(admin.password);
    const created = await this.dataSource.transaction(async (em) => {
      await this.insert(admin, password, em);
      return this.admins.findByUsername(admin.username, em);
    });
    this.forgetAuthState(admin.username);
    if (!created) throw new NotFoundError();
    return adminToWire(created, sortedGroups(admin.groups));
  }

  /**
   * `PUT /admins/{username}`: a full replace, except the username, the TOTP configuration and
   * recovery codes (kept) and the password (kept when the body has none). On itself an admin cannot
   * change its permissions or role, nor disable itself; its `require_password_change` and
   * `require_two_factor` are silently kept.
   */
  async update(principal: Principal, rawUsername: string, body: AdminDto): Promise<AdminMessage> {
    const stored = await this.require(this.normalizeUsername(rawUsername));
    const self = stored.username === principal.username;
    if (self) this.checkSelfUpdate(principal, stored, body);
    await this.dataSource.transaction((em) => this.replace(stored, body, self, em));
    this.forgetAuthState(stored.username);
    return { message: 'Admin updated' };
  }

  /**
   * An admin from a backup, in the restore's transaction `em`: added (TOTP dropped, as POST), or
   * (unless `skipExisting`) replaced as PUT does (stored 2FA kept); a known password hash is stored
   * as is. Call {@link forgetAuthState} once the transaction is committed.
   */
  async restore(
    principal: Principal,
    body: AdminDto,
    skipExisting: boolean,
    em: EntityManager,
  ): Promise<RestoreOutcome> {
    const stored = await this.admins.findByUsername(this.normalizeUsername(body.username ?? ''), em);
    return restoreObject(
      stored,
      skipExisting,
      async () => {
        const admin = validateAdmin(body, this.rules, true);
        await this.insert(admin, await this.storedPassword(admin.password), em);
      },
      (found) => this.replace(found, body, found.username === principal.username, em),
    );
  }

  /** POST's writes: the admin and its group choices. A duplicate username is a 409 (unique index). */
  private async insert(admin: ValidatedAdmin, password: string, em: EntityManager): Promise<void> {
    const now = nowMs();
    const roleId = await this.roles.resolveRoleId(admin.role, em);
    const groups = await this.resolveGroups(admin.groups, em);
    const row = await this.admins.insert(
      {
        ...this.columns(admin, admin.filters),
        password,
        roleId,
        lastLogin: 0,
        createdAt: now,
        updatedAt: now,
      },
      em,
    );
    await this.admins.replaceGroups(row.id, groups, em);
  }

  /** PUT's checks and writes (2FA and, on `self`, the password-change and 2FA requirements kept). */
  private async replace(
    stored: AdminEntity,
    body: AdminDto,
    self: boolean,
    em: EntityManager,
  ): Promise<void> {
    const admin = validateAdmin({ ...body, username: stored.username }, this.rules, false);
    const filters: AdminFilters = {
      ...admin.filters,
      // 2FA is configured by its own endpoints only.
      totp_config: stored.filters?.totp_config ?? {},
      ...(stored.filters?.recovery_codes?.length ? { recovery_codes: stored.filters.recovery_codes } : {}),
    };
    if (self) keepSelfRequirements(filters, stored.filters);
    const password = admin.password ? await this.storedPassword(admin.password) : stored.password;
    const roleId = await this.roles.resolveRoleId(admin.role, em);
    const groups = await this.resolveGroups(admin.groups, em);
    await this.admins.update(
      stored.id,
      { ...this.columns(admin, filters), password, roleId, updatedAt: nextUpdatedAt(stored.updatedAt) },
      em,
    );
    await this.admins.replaceGroups(stored.id, groups, em);
  }

  /** `DELETE /admins/{username}`: not oneself; group choices cascade. */
  async delete(principal: Principal, rawUsername: string): Promise<AdminMessage> {
    const username = this.normalizeUsername(rawUsername);
    if (username === principal.username) throw new BadRequestError('you cannot delete yourself');
    const admin = await this.require(username);
    if (!(await this.admins.delete(admin.id))) throw new NotFoundError();
    this.forgetAuthState(username);
    return { message: 'Admin deleted' };
  }

  /** `GET /admin/profile`: 404 once the calling admin is gone. */
  async getProfile(principal: Principal): Promise<AdminProfileWire> {
    return adminProfileToWire(await this.require(principal.username));
  }

  /** `PUT /admin/profile`: replaces email, description and `allow_api_key_auth` only. */
  async updateProfile(principal: Principal, body: AdminProfileDto): Promise<AdminMessage> {
    // SFTPGo guards this route like the permission-checked ones.
    if (principal.mustChangePassword) throw new ForbiddenError(PASSWORD_CHANGE_REQUIRED);
    const admin = await this.require(principal.username);
    const email = validateAdminEmail(body.email);
    const problem = descriptionProblem(body.description);
    if (problem) throw new ValidationError(problem);
    const filters: AdminFilters = { ...admin.filters };
    if (body.allow_api_key_auth) filters.allow_api_key_auth = true;
    else delete filters.allow_api_key_auth;
    await this.admins.update(admin.id, {
      email,
      description: body.description || null,
      filters,
      updatedAt: nextUpdatedAt(admin.updatedAt),
    });
    this.forgetAuthState(admin.username);
    return { message: 'Profile updated' };
  }

  /**
   * `PUT /admin/changepwd`: checks the current password, stores the new one and clears
   * `require_password_change`. Tokens carry a stamp of the password hash, so every token of this
   * admin (not only the calling one, as in SFTPGo) stops working: the admin must log in again.
   */
  async changePassword(principal: Principal, body: PwdChangeDto): Promise<AdminMessage> {
    const current = body.current_password ?? '';
    const next = body.new_password ?? '';
    if (!current || !next) {
      throw new ValidationError('please provide the current password and the new one two times');
    }
    if (current === next)
      throw new ValidationError('the new password must be different from the current one');
    const admin = await this.require(principal.username);
    if (!(await this.hasher.verify(current.trim(), admin.password))) {
      throw new ValidationError('current password does not match');
    }
    const password = next.trim();
    if (!password) throw new ValidationError('please set a password');
    const filters: AdminFilters = { ...admin.filters };
    delete filters.require_password_change;
    // Always hashed: a person typed it, even if it looks like a hash.
    await this.admins.update(admin.id, {
      password: await this.hasher.hash(password),
      filters,
      updatedAt: nextUpdatedAt(admin.updatedAt),
    });
    this.forgetAuthState(admin.username);
    return { message: 'Password updated' };
  }

  private get rules(): number {
    return this.config.data_provider.naming_rules;
  }

  private async require(username: string): Promise<AdminEntity> {
    const admin = await this.admins.findByUsername(username);
    if (!admin) throw new NotFoundError();
    return admin;
  }

  private async toWire(admin: AdminEntity): Promise<AdminWire> {
    const groups = await this.admins.groupChoices([admin.id]);
    return adminToWire(admin, groups.get(admin.id));
  }

  /** SFTPGo's checks when an admin updates itself (`api_admin.go` updateAdmin). */
  private checkSelfUpdate(principal: Principal, stored: AdminEntity, body: AdminDto): void {
    if (principal.authMethod === 'api_key') {
      throw new BadRequestError('updating the admin impersonated with an API key is not allowed');
    }
    if (!samePermissions(body.permissions ?? [], stored.permissions)) {
      throw new BadRequestError('you cannot change your permissions');
    }
    if ((body.status ?? 0) === 0) throw new BadRequestError('you cannot disable yourself');
    const role = body.role ? convertName(body.role, this.rules) : '';
    if (role !== (stored.role?.name ?? '')) throw new BadRequestError('you cannot add/change your role');
  }

  /** A pre-hashed password (bcrypt, argon2id) is stored as is, as SFTPGo does; anything else is hashed. */
  private async storedPassword(password: string): Promise<string> {
    return isPasswordHash(password) ? password : this.hasher.hash(password);
  }

  /** Group ids for the choices; a missing group is a 400 naming it. */
  private async resolveGroups(
    groups: AdminGroupChoice[],
    em: EntityManager,
  ): Promise<{ groupId: number; addToUsersAs: number }[]> {
    const ids = await this.admins.groupIds(
      groups.map((g) => g.name),
      em,
    );
    return groups.map((g) => {
      const groupId = ids.get(g.name);
      if (groupId === undefined) throw new ValidationError(`group ${JSON.stringify(g.name)} does not exist`);
      return { groupId, addToUsersAs: g.addToUsersAs };
    });
  }

  private columns(admin: ValidatedAdmin, filters: AdminFilters) {
    return {
      username: admin.username,
      status: admin.status,
      email: admin.email,
      description: admin.description,
      additionalInfo: admin.additionalInfo,
      permissions: admin.permissions,
      filters,
    };
  }
}

/** `updated_at` of a write: now, and always later than the previous value. */
function nextUpdatedAt(previous: number): number {
  return Math.max(nowMs(), previous + 1);
}

/** What an admin updating itself cannot change: SFTPGo silently keeps the stored values. */
function keepSelfRequirements(filters: AdminFilters, stored: AdminFilters | null | undefined): void {
  filters.require_two_factor = stored?.require_two_factor ?? false;
  if (stored?.require_password_change) filters.require_password_change = true;
  else delete filters.require_password_change;
}

function sortedGroups(groups: AdminGroupChoice[]): AdminGroupChoice[] {
  return [...groups].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function toAuthState(admin: AdminEntity): AdminAuthState {
  return {
    id: admin.id,
    username: admin.username,
    status: admin.status,
    permissions: admin.permissions,
    role: admin.role?.name ?? '',
    credentialStamp: credentialStamp(admin),
    updatedAt: admin.updatedAt,
    allowList: admin.filters.allow_list ?? [],
    allowApiKeyAuth: admin.filters.allow_api_key_auth ?? false,
    requirePasswordChange: admin.filters.require_password_change ?? false,
    requireTwoFactor: admin.filters.require_two_factor ?? false,
  };
}
