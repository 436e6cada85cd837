import {
  AUTH_REQUIREMENT,
  type AuthRequirement,
  DEFAULT_AUTH_REQUIREMENT,
  DisabledLoginMethod,
  ForbiddenError,
  hasAdminPermission,
  isLoginMethodDisabled,
  type Principal,
  UnauthorizedError,
} from '@app/common';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import passport, { type Strategy } from 'passport';
import { AdminJwtStrategy } from './strategies/admin-jwt.strategy';
import { API_KEY_HEADER, type ApiAudience, ApiKeyAuthenticator } from './strategies/api-key.strategy';
import { UserJwtStrategy } from './strategies/user-jwt.strategy';

/** Maps passport-jwt's reasons to SFTPGo's error texts. */
function tokenProblem(info: unknown): string {
  const name = info instanceof Error ? info.name : '';
  const message = info instanceof Error ? info.message : '';
  if (name === 'TokenExpiredError') return 'token is expired';
  if (/no auth token/i.test(message)) return 'no token found';
  return 'token is unauthorized';
}

/**
 * Runs one passport strategy instance (never looked up by name in passport's global registry, so
 * several applications in one process, as in the e2e tests, keep their own) and turns its failures
 * into SFTPGo's 401 bodies.
 */
function authenticate(strategy: Strategy, request: unknown, response: unknown): Promise<Principal> {
  return new Promise((resolve, reject) => {
    // Passport augments a strategy *instance* in place (success/fail/error per request): handing it
    // the shared instance lets concurrent requests overwrite each other's callbacks and hang. A
    // per-request object inheriting from the strategy keeps each request's callbacks its own.
    const middleware = passport.authenticate(
      Object.create(strategy) as Strategy,
      { session: false },
      (error: unknown, principal: Principal | false, info: unknown) => {
        if (error) return reject(error);
        if (!principal) return reject(new UnauthorizedError(tokenProblem(info)));
        resolve(principal);
      },
    ) as (req: unknown, res: unknown, next: (error?: unknown) => void) => void;
    middleware(request, response, (error) => reject(error ?? new UnauthorizedError('no token found')));
  });
}

/**
 * The one global guard, deny by default: every route is authenticated as its `@Authenticated()`
 * declares (routes that declare nothing need an admin with `*`), unless it is `@Public()`. The
 * headers pick the strategy (an `X-SFTPGO-API-KEY` wins over a bearer token, as SFTPGo); the route's
 * API (admin or user) picks the token audience and the key scope it accepts.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly jwt: Record<ApiAudience, Strategy>;
  private readonly apiKey: Record<ApiAudience, Strategy>;

  constructor(
    private readonly reflector: Reflector,
    adminJwt: AdminJwtStrategy,
    userJwt: UserJwtStrategy,
    apiKeys: ApiKeyAuthenticator,
  ) {
    this.jwt = { admin: adminJwt, user: userJwt };
    this.apiKey = apiKeys.strategies;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement =
      this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_REQUIREMENT, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_AUTH_REQUIREMENT;
    if (requirement.as === 'public') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<{
      principal?: Principal;
      headers: Record<string, unknown>;
      raw: IncomingMessage;
    }>();
    if (requirement.as === 'admin' && requirement.publicWhen?.(request)) return true;
    // A binding's `disabled_login_methods` 64/128: the key header is ignored, as if absent.
    const keysOff = isLoginMethodDisabled(
      request,
      requirement.as === 'admin' ? DisabledLoginMethod.AdminApiKey : DisabledLoginMethod.UserApiKey,
    );
    const strategy =
      request.headers[API_KEY_HEADER] && !keysOff ? this.apiKey[requirement.as] : this.jwt[requirement.as];
    const principal = await authenticate(strategy, request, http.getResponse());
    request.principal = principal;
    authorize(principal, requirement);
    return true;
  }
}

/** Checks the route's requirement against the authenticated principal (403 when not met). */
function authorize(principal: Principal, requirement: Exclude<AuthRequirement, { as: 'public' }>): void {
  if (requirement.allowApiKey === false && principal.authMethod === 'api_key') {
    throw new ForbiddenError('', 'API key authentication is not allowed');
  }
  if (requirement.as !== 'admin' || !requirement.permission) return;
  if (principal.mustChangePassword) {
    throw new ForbiddenError(
      'Password change required. Please set a new password to continue to use your account',
    );
  }
  if (!hasAdminPermission(principal.permissions, requirement.permission)) throw new ForbiddenError();
}
