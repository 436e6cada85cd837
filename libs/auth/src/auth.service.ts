import { AdminsService, credentialStamp } from '@app/admins';
import { UserAuthService } from '@app/users';
import {
  AuthFailures,
  type ClientPeer,
  ForbiddenError,
  parseBasicAuth,
  type Principal,
  tlsUsernameProblem,
  UnauthorizedError,
} from '@app/common';
import { Injectable } from '@nestjs/common';
import { TokenRevocationService } from './token-revocation.service';
import { TokenAudience, type TokenResponse, TokenService } from './token.service';

const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="SFTPGo"' };

/** Issues and revokes API tokens. */
@Injectable()
export class AuthService {
  constructor(
    private readonly admins: AdminsService,
    private readonly tokens: TokenService,
    private readonly revocations: TokenRevocationService,
    private readonly users: UserAuthService,
    private readonly failures: AuthFailures,
  ) {}

  /** `GET /token`: Basic credentials of an admin for an `API` token bound to the client IP. */
  async adminToken(authorization: string | undefined, peer: ClientPeer): Promise<TokenResponse> {
    const credentials = parseBasicAuth(authorization);
    if (!credentials) throw new UnauthorizedError('', 'Unauthorized', BASIC_CHALLENGE);
    const ip = peer.ip;
    const admin = await this.admins.checkCredentials(credentials.username, credentials.password, ip);
    if (!admin) {
      // As SFTPGo: an empty user name or password is no login attempt (no defender event).
      const tried = credentials.username !== '' && credentials.password.trim() !== '';
      const known =
        tried &&
        (await this.admins.authState(this.admins.normalizeUsername(credentials.username))) !== undefined;
      await this.failures.report({
        ip,
        credential: 'basic',
        username: credentials.username,
        reason: 'invalid credentials for an admin token',
        kind: tried ? (known ? 'LoginFailed' : 'UserNotFound') : undefined,
      });
      throw new UnauthorizedError('invalid credentials', 'Unauthorized', BASIC_CHALLENGE);
    }
    await this.failures.succeeded(ip);
    const filters = admin.filters;
    return this.tokens.issue(
      {
        username: admin.username,
        updatedAt: admin.updatedAt,
        credentialStamp: credentialStamp(admin),
        permissions: admin.permissions,
        role: admin.role?.name ?? '',
        requireTwoFactor: (filters.require_two_factor ?? false) && !filters.totp_config?.enabled,
        mustChangePassword: filters.require_password_change ?? false,
      },
      TokenAudience.AdminApi,
      ip,
    );
  }

  /**
   * `GET /user/token`: Basic credentials of a user for an `APIUser` token bound to the client IP.
   * Wrong credentials, disabled or expired users: 401; HTTP, password login or this IP denied, or a
   * client certificate not matching `tls_username`: 403.
   */
  async userToken(authorization: string | undefined, peer: ClientPeer): Promise<TokenResponse> {
    const credentials = parseBasicAuth(authorization);
    if (!credentials?.username || !credentials.password.trim()) {
      throw new UnauthorizedError('', 'Unauthorized', BASIC_CHALLENGE);
    }
    const ip = peer.ip;
    const denied = (reason: string) =>
      this.failures.report({
        ip,
        credential: 'basic',
        username: credentials.username,
        reason,
        kind: 'LoginFailed',
      });
    let user: Awaited<ReturnType<UserAuthService['checkCredentials']>>;
    try {
      user = await this.users.checkCredentials(credentials.username, credentials.password, ip);
    } catch (err) {
      // Right password, but HTTP, password login or this IP denied: SFTPGo counts a failed login.
      if (err instanceof ForbiddenError) await denied(err.message);
      throw err;
    }
    if (!user) {
      const known = (await this.users.authState(credentials.username)) !== undefined;
      await this.failures.report({
        ip,
        credential: 'basic',
        username: credentials.username,
        reason: 'invalid credentials for a user token',
        kind: known ? 'LoginFailed' : 'UserNotFound',
      });
      throw new UnauthorizedError('invalid credentials', 'Unauthorized', BASIC_CHALLENGE);
    }
    const state = this.users.stateOf(user);
    const certificateProblem = tlsUsernameProblem(peer.certificateName, user.username, state.tlsUsername);
    if (certificateProblem) {
      await denied(certificateProblem);
      throw new ForbiddenError(certificateProblem);
    }
    await this.failures.succeeded(ip);
    return this.tokens.issue(
      {
        username: user.username,
        updatedAt: user.updatedAt,
        credentialStamp: state.credentialStamp,
        permissions: state.webClient,
        role: state.role,
        mustChangePassword: state.mustChangePassword,
      },
      TokenAudience.UserApi,
      ip,
    );
  }

  /** `GET /logout` and `GET /user/logout`: the calling token is refused from now until it expires, on every instance. */
  async logout(principal: Principal): Promise<{ message: string }> {
    if (principal.token) await this.revocations.revoke(principal.token.hash, principal.token.expiresAt);
    return { message: 'Your token has been invalidated' };
  }
}
