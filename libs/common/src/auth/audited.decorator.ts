import { SetMetadata } from '@nestjs/common';

/** Metadata key of a route's audit-trail description. */
export const AUDITED = 'sftpgo:audited';

/**
 * What an audited route changes. The audit interceptor (libs/audit) records one event after the route
 * succeeds: the action (from the HTTP method unless given: POST add, PUT/PATCH update, DELETE delete),
 * the object type, and the object's name read from `name`:
 * `param:<routeParam>`, `body:<field>` (request body) or `header:<response header>` (e.g.
 * `header:x-object-id` for generated ids), `location` (the last segment of the response's `Location`,
 * URL-decoded: a created object's key as stored) or `principal` (the caller's own username); or a
 * template of several in braces (`{param:type}_{param:ipornet}`).
 */
export interface AuditedRoute {
  type: string;
  name: string;
  action?: 'add' | 'update' | 'delete';
}

/** Marks a route as an admin-side change for the audit trail. */
export const Audited = (route: AuditedRoute) => SetMetadata(AUDITED, route);
