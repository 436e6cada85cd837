import { ForbiddenError, isIpAllowed, nowMs, PasswordHasher } from '@app/common';
import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EffectiveUser } from './effective-user';
import { UserAuthStateCache } from './user-auth-state.cache';
import { UsersService } from './users.service';

/**
 * What the authentication layer needs to know about a user on every request (from the effective
 * user, groups merged), cached briefly so that a request costs no database read.
 */
export interface UserAuthState {
  id: number;
  username: string;
  status: number;
  /** Epoch ms; 0 never. */
  expirationDate: number;
  /** Changes when the password changes or the account is re-created: tokens carry it. */
  credentialStamp: string;
  updatedAt: number;
  role: string;
  /** `filters.web_client` restrictions (the token's `permissions`). */
  webClient: string[];
  deniedProtocols: string[];
  deniedLoginMethods: string[];
  allowedIp: string[];
  deniedIp: string[];
  allowApiKeyAuth: boolean;
  mustChangePassword: boolean;
  /** `filters.tls_username`: `CommonName` binds the user to client certificates with that CN. */
  tlsUsername: string;
}

// SFTPGo saves last_login at most once every 10 minutes.
const LAST_LOGIN_MIN_DELAY_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The stamp of a user's credentials: changes when its password or identity changes. */
export function userCredentialStamp(user: { id: number; password: string | null }): string {
  return createHash('sha256')
    .update(`${user.id}:${user.password ?? ''}`)
    .digest('base64url')
    .slice(0, 16);
}

/** SFTPGo's `MustChangePassword`: asked by an admin, or `password_expiration` days elapsed. */
function mustChangePassword(user: EffectiveUser, now: number): boolean {
  if (user.filters.require_password_change) return true;
  const days = user.filters.password_expiration ?? 0;
  return days > 0 && user.lastPasswordChange > 0 && user.lastPasswordChange + days * DAY_MS < now;
}

function toAuthState(user: EffectiveUser, now: number): UserAuthState {
  const filters = user.filters;
  return {
    id: user.id,
    username: user.username,
    status: user.status,
    expirationDate: user.expirationDate,
    credentialStamp: userCredentialStamp(user),
    updatedAt: user.updatedAt,
    role: user.role,
    webClient: filters.web_client ?? [],
    deniedProtocols: filters.denied_protocols ?? [],
    deniedLoginMethods: filters.denied_login_methods ?? [],
    allowedIp: filters.allowed_ip ?? [],
    deniedIp: filters.denied_ip ?? [],
    allowApiKeyAuth: filters.allow_api_key_auth ?? false,
    mustChangePassword: mustChangePassword(user, now),
    tlsUsername: filters.tls_username ?? '',
  };
}

/** Why the user may not authenticate with a password-equivalent credential (password, API key). */
export function passwordLoginProblem(state: UserAuthState): string | undefined {
  return state.deniedLoginMethods.includes('password')
    ? `login method password is not allowed for user "${state.username}"`
    : undefined;
}

/** Why a user may not use the REST API right now, or undefined (SFTPGo's login conditions). */
export function userLoginProblem(state: UserAuthState, ip: string, now = nowMs()): string | undefined {
  if (state.status !== 1) return `user "${state.username}" is disabled`;
  if (state.expirationDate > 0 && state.expirationDate < now) return `user "${state.username}" is expired`;
  if (state.deniedProtocols.includes('HTTP'))
    return `protocol HTTP is not allowed for user "${state.username}"`;
  if (!isIpAllowed(ip, state.allowedIp, state.deniedIp)) return `login from IP ${ip} is not allowed`;
  return undefined;
}

/** User credentials for the REST API: password check, login conditions, cached state. */
@Injectable()
export class UserAuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly cache: UserAuthStateCache,
  ) {}

  /**
   * The effective user for these credentials, or undefined when they are wrong (unknown user,
   * wrong or empty password, disabled, expired): SFTPGo answers 401 to all of those. A user whose
   * credentials are right but who may not use HTTP, password login or this IP gets 403 (thrown).
   * User passwords are not trimmed.
   */
  async checkCredentials(
    rawUsername: string,
    password: string,
    ip: string,
  ): Promise<EffectiveUser | undefined> {
    if (!rawUsername || !password.trim()) return undefined;
    const user = await this.users.getEffectiveUser(rawUsername);
    if (!user?.password) return undefined;
    const now = nowMs();
    const state = toAuthState(user, now);
    if (state.status !== 1 || (state.expirationDate > 0 && state.expirationDate < now)) return undefined;
    if (!(await this.hasher.verify(password, user.password))) return undefined;
    const methodProblem = passwordLoginProblem(state);
    if (methodProblem) throw new ForbiddenError(methodProblem);
    const problem = userLoginProblem(state, ip, now);
    if (problem) throw new ForbiddenError(problem);
    await this.users.touchLastLogin(user.id, now, LAST_LOGIN_MIN_DELAY_MS);
    return user;
  }

  /** The user's authentication state, from a short-lived cache (no database read per request). */
  authState(rawUsername: string): Promise<UserAuthState | undefined> {
    return this.effectiveUser(rawUsername).then((user) => (user ? toAuthState(user, nowMs()) : undefined));
  }

  /**
   * The effective user (groups merged) from the same short-lived cache: what the file API works
   * with on every request, without a database read. Read-only.
   */
  effectiveUser(rawUsername: string): Promise<EffectiveUser | undefined> {
    const username = this.users.normalizeUsername(rawUsername);
    return this.cache.get(username, () => this.users.getEffectiveUser(username));
  }

  /** The state to put in a token for a user that just logged in. */
  stateOf(user: EffectiveUser): UserAuthState {
    return toAuthState(user, nowMs());
  }
}
