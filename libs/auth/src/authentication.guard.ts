import {
  AUTH_REQUIREMENT,
  type AuthRequirement,
  DEFAULT_AUTH_REQUIREMENT,
  ForbiddenError,
  hasAdminPermission,
  type Principal,
  UnauthorizedError,
} from '@app/common';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard, type IAuthGuard } from '@nestjs/passport';
import { ADMIN_JWT } from './strategies/admin-jwt.strategy';

/** Maps passport-jwt's reasons to SFTPGo's error texts. */
function tokenProblem(info: unknown): string {
  const name = info instanceof Error ? info.name : '';
  const message = info instanceof Error ? info.message : '';
  if (name === 'TokenExpiredError') return 'token is expired';
  if (/no auth token/i.test(message)) return 'no token found';
  return 'token is unauthorized';
}

/** Runs one passport strategy and turns its failures into SFTPGo's 401 bodies. */
function strategyGuard(strategy: string): IAuthGuard {
  class StrategyGuard extends AuthGuard(strategy) {
    override handleRequest<T>(error: unknown, principal: T, info: unknown): T {
      if (error) throw error;
      if (!principal) throw new UnauthorizedError(tokenProblem(info));
      return principal;
    }
  }
  return new StrategyGuard();
}

/**
 * The one global guard, deny by default: every route is authenticated as its `@Authenticated()`
 * declares (routes that declare nothing need an admin with `*`), unless it is `@Public()`.
 */
@Injectable()
export class AuthenticationGuard implements CanActivate {
  private readonly guards: Record<'admin' | 'user', IAuthGuard | undefined> = {
    admin: strategyGuard(ADMIN_JWT),
    user: undefined,
  };

  constructor(private readonly reflector: Reflector) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement =
      this.reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_REQUIREMENT, [
        context.getHandler(),
        context.getClass(),
      ]) ?? DEFAULT_AUTH_REQUIREMENT;
    if (requirement.as === 'public') return true;
    const guard = this.guards[requirement.as];
    if (!guard) throw new UnauthorizedError('no token found');
    await guard.canActivate(context);
    const request = context.switchToHttp().getRequest<{ user?: Principal; principal?: Principal }>();
    const principal = request.user;
    if (!principal) throw new UnauthorizedError('no token found');
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
