import { AdminPermission, convertName, ipInCidrs, nameProblem, nowMs, PasswordHasher } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AdminsRepository } from './admins.repository';
import { AdminEntity } from './entities/admin.entity';

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

/** Admin accounts: credentials check, first-start admin, cached authentication state. */
@Injectable()
export class AdminsService implements OnModuleInit {
  private readonly logger = new Logger(AdminsService.name);
  private readonly authStates = new Map<string, { at: number; state: Promise<AdminAuthState | undefined> }>();

  constructor(
    private readonly admins: AdminsRepository,
    private readonly hasher: PasswordHasher,
    @InjectConfig() private readonly config: SftpgoConfig,
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
