import { AdminsService } from '@app/admins';
import { ApiKeyScope, ApiKeysService, parsePresentedKey, verifySecret } from '@app/api-keys';
import {
  type ApiError,
  AuthFailures,
  type AuthFailureKind,
  BadRequestError,
  ForbiddenError,
  clientCertificateName,
  clientIp,
  ipInCidrs,
  nowMs,
  PasswordHasher,
  type Principal,
  tlsUsernameProblem,
  UnauthorizedError,
} from '@app/common';
import { passwordLoginProblem, UserAuthService, userLoginProblem } from '@app/users';
import { Injectable } from '@nestjs/common';
import type { Strategy } from 'passport';
import { HeaderAPIKeyStrategy as HeaderApiKeyStrategy } from 'passport-headerapikey';
import type { TokenRequest } from './token-checks';

/** The header SFTPGo reads API keys from (`<id>.<secret>[.<username>]`). */
export const API_KEY_HEADER = 'x-sftpgo-api-key';

/** Which API a route belongs to: it decides the scope a key must have. */
export type ApiAudience = 'admin' | 'user';

const NOT_VALID = 'the provided api key is not valid';
const WRONG_SCOPE = 'the provided api key is invalid for this request';
const NOT_AUTHENTICATED = 'the provided api key cannot be authenticated';
const ACCOUNT_MISSING = 'the account does not exist';

/**
 * `X-SFTPGO-API-KEY` authentication (passport-headerapikey), one strategy per API: SFTPGo's checks and
 * codes in its order (malformed or unknown 400, wrong scope 403, expired or wrong secret 401, then
 * the account: bound, or named by the suffix of a generic key, and allowing API keys, 401). Every
 * refusal is reported to {@link AuthFailures}. Keys are read from a 2 s cache and new keys verify
 * with an HMAC: a request costs no database read and no slow hash.
 */
@Injectable()
export class ApiKeyAuthenticator {
  readonly strategies: Record<ApiAudience, Strategy>;

  constructor(
    private readonly keys: ApiKeysService,
    private readonly admins: AdminsService,
    private readonly users: UserAuthService,
    private readonly hasher: PasswordHasher,
    private readonly failures: AuthFailures,
  ) {
    this.strategies = { admin: this.strategy('admin'), user: this.strategy('user') };
  }

  private strategy(audience: ApiAudience): Strategy {
    return new HeaderApiKeyStrategy(
      { header: API_KEY_HEADER, prefix: '' },
      true,
      (value: string, done: (err: Error | null, principal?: object) => void, request?: unknown) => {
        this.authenticate(audience, value, request as TokenRequest).then(
          (principal) => done(null, principal),
          (err: Error) => done(err),
        );
      },
    ) as unknown as Strategy;
  }

  async authenticate(audience: ApiAudience, value: string, request: TokenRequest): Promise<Principal> {
    const ip = clientIp(request);
    // Reported (and, with the defender on, delayed) before the refusal is thrown.
    const refuse = async (
      error: ApiError,
      reason: string,
      kind: AuthFailureKind | undefined,
      username?: string,
    ): Promise<ApiError> => {
      await this.failures.report({ ip, credential: 'api_key', username, reason, kind });
      return error;
    };
    const presented = parsePresentedKey(value);
    // As SFTPGo, a malformed key is no login attempt: logged, not scored.
    if (!presented) throw await refuse(new BadRequestError(NOT_VALID), 'malformed API key', undefined);
    const key = await this.keys.authState(presented.keyId);
    if (!key) {
      throw await refuse(
        new BadRequestError(NOT_VALID),
        `unknown API key id "${presented.keyId}"`,
        'UserNotFound',
      );
    }
    if (key.scope !== (audience === 'admin' ? ApiKeyScope.Admin : ApiKeyScope.User)) {
      throw await refuse(
        new ForbiddenError(WRONG_SCOPE, ''),
        `API key ${key.keyId} has the wrong scope`,
        'LoginFailed',
      );
    }
    if (key.expiresAt > 0 && key.expiresAt < nowMs()) {
      throw await refuse(
        new UnauthorizedError(NOT_AUTHENTICATED, ''),
        `API key ${key.keyId} is expired`,
        'LoginFailed',
      );
    }
    if (!(await verifySecret(this.hasher, key.keyId, presented.secret, key.hash))) {
      throw await refuse(
        new UnauthorizedError(NOT_AUTHENTICATED, ''),
        `wrong secret for API key ${key.keyId}`,
        'LoginFailed',
      );
    }
    // A bound key always acts as its account: a suffix is ignored.
    const username = (audience === 'admin' ? key.admin : key.user) || presented.username;
    const principal =
      audience === 'admin'
        ? await this.asAdmin(username, ip)
        : await this.asUser(username, ip, clientCertificateName(request));
    if (principal === ACCOUNT_MISSING && (key.admin || key.user)) {
      // A bound account that is gone took its keys with it (cascade): read the key again.
      this.keys.forget(key.keyId);
      if (!(await this.keys.authState(key.keyId))) {
        throw await refuse(
          new BadRequestError(NOT_VALID),
          `API key ${key.keyId} was deleted with its account`,
          'UserNotFound',
        );
      }
    }
    if (typeof principal === 'string') {
      throw await refuse(
        new UnauthorizedError(
          `the ${audience} associated with the provided api key cannot be authenticated`,
          '',
        ),
        `API key ${key.keyId}: ${principal}`,
        principal === ACCOUNT_MISSING ? 'UserNotFound' : 'LoginFailed',
        username || undefined,
      );
    }
    this.keys.recordUse(key.keyId);
    return principal;
  }

  /** The admin a key acts as, or why it cannot. */
  private async asAdmin(username: string, ip: string): Promise<Principal | string> {
    if (!username) return 'a generic key needs a username suffix';
    const admin = await this.admins.authState(username);
    if (!admin) return ACCOUNT_MISSING;
    if (admin.status !== 1) return `admin "${username}" is disabled`;
    if (!admin.allowApiKeyAuth) return `admin "${username}" does not allow API key authentication`;
    if (admin.allowList.length > 0 && !ipInCidrs(ip, admin.allowList)) {
      return `login from IP ${ip} is not allowed for admin "${username}"`;
    }
    // As SFTPGo, the password-change and 2FA requirements do not apply to API key access.
    return {
      kind: 'admin',
      username: admin.username,
      permissions: admin.permissions,
      role: admin.role,
      authMethod: 'api_key',
    };
  }

  /** The user a key acts as (groups merged, so `allow_api_key_auth` may come from a group), or why it cannot. */
  private async asUser(
    username: string,
    ip: string,
    certificateName: string | undefined,
  ): Promise<Principal | string> {
    if (!username) return 'a generic key needs a username suffix';
    const user = await this.users.authState(username);
    if (!user) return ACCOUNT_MISSING;
    if (!user.allowApiKeyAuth) return `user "${username}" does not allow API key authentication`;
    const problem = userLoginProblem(user, ip) ?? passwordLoginProblem(user);
    if (problem) return problem;
    const certificateProblem = tlsUsernameProblem(certificateName, user.username, user.tlsUsername);
    if (certificateProblem) throw new ForbiddenError(certificateProblem);
    return {
      kind: 'user',
      username: user.username,
      permissions: user.webClient,
      role: user.role,
      authMethod: 'api_key',
      mustChangePassword: user.mustChangePassword,
    };
  }
}
