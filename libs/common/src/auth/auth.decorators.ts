import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { AdminPermission } from './admin-permission';
import type { Principal } from './principal';
import type { AnyRequest } from '../http/request-binding';

/** Metadata key of the route's authentication requirement. */
export const AUTH_REQUIREMENT = 'sftpgo:auth';

/**
 * What a route needs. Routes without `@Public()` or `@Authenticated()` are treated as
 * `{ as: 'admin', permission: '*' }`, so a forgotten decorator denies rather than exposes.
 */
export type AuthRequirement =
  | { as: 'public' }
  | {
      as: 'admin';
      permission?: AdminPermission;
      allowApiKey?: boolean;
      /** The route needs no credentials when this is true for the request (`/metrics` on a `public_metrics` binding). */
      publicWhen?: (request: AnyRequest) => boolean;
    }
  | { as: 'user'; allowApiKey?: boolean };

/** The requirement applied to routes that declare none. */
export const DEFAULT_AUTH_REQUIREMENT: AuthRequirement = { as: 'admin', permission: AdminPermission.All };

/** The route needs no credentials. */
export const Public = () => SetMetadata(AUTH_REQUIREMENT, { as: 'public' } satisfies AuthRequirement);

/** The route needs an admin (optionally with a permission) or a user token. */
export const Authenticated = (requirement: Exclude<AuthRequirement, { as: 'public' }>) =>
  SetMetadata(AUTH_REQUIREMENT, requirement);

/** Injects the authenticated {@link Principal} into a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<{ principal?: Principal }>();
  if (!request.principal) throw new Error('no principal on an authenticated route');
  return request.principal;
});
