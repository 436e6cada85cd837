import type { AuditedRoute } from '@app/common';
import type { AuditAction } from './audit.types';

/** What an audited request offers to name the changed object, read after the route succeeded. */
export interface AuditNameSources {
  /** The route parameters (URL-decoded). */
  params: unknown;
  /** The request body as parsed, before validation. */
  body: unknown;
  /** A response header by its (lower-case) name. */
  header(name: string): unknown;
  /** The caller's username. */
  principal: string;
}

/** Reads the object's name of one audited request. */
export type AuditNameResolver = (sources: AuditNameSources) => string;

/** One value as a name part: strings as they are, numbers in decimal, anything else empty. */
function namePart(value: unknown): string {
  if (Array.isArray(value)) return namePart(value[0]);
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return '';
}

function field(container: unknown, key: string): unknown {
  return container !== null && typeof container === 'object'
    ? (container as Record<string, unknown>)[key]
    : undefined;
}

/** The last path segment of a `Location` header, URL-decoded (the created object's key as stored). */
function locationKey(location: unknown): string {
  const value = namePart(location);
  const last = value.slice(value.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Compiles one source (`param:x`, `body:x`, `header:x`, `location`, `principal`); throws on anything else. */
function compileSource(source: string): AuditNameResolver {
  if (/[{}]/.test(source)) throw new Error(`@Audited: unbalanced braces in "${source}"`);
  const colon = source.indexOf(':');
  const kind = colon < 0 ? source : source.slice(0, colon);
  const key = colon < 0 ? '' : source.slice(colon + 1);
  if (kind === 'location' && key === '') return (s) => locationKey(s.header('location'));
  if (kind === 'principal' && key === '') return (s) => s.principal;
  if (key !== '') {
    if (kind === 'param') return (s) => namePart(field(s.params, key));
    if (kind === 'body') return (s) => namePart(field(s.body, key));
    if (kind === 'header') {
      const name = key.toLowerCase();
      return (s) => namePart(s.header(name));
    }
  }
  throw new Error(`@Audited: unknown object name source "${source}"`);
}

const PLACEHOLDER = /\{([^{}]*)\}/g;

/**
 * Compiles an `@Audited` name (once per handler): one source, or a template with sources in braces
 * (`{body:type}_{location}`). A typo fails on the route's first request, before its change is made.
 */
export function compileObjectName(spec: string): AuditNameResolver {
  if (!spec.includes('{')) return compileSource(spec);
  const parts: (string | AuditNameResolver)[] = [];
  let last = 0;
  for (const match of spec.matchAll(PLACEHOLDER)) {
    if (match.index > last) parts.push(spec.slice(last, match.index));
    parts.push(compileSource(match[1]));
    last = match.index + match[0].length;
  }
  if (last < spec.length) parts.push(spec.slice(last));
  if (parts.some((part) => typeof part === 'string' && /[{}]/.test(part))) {
    throw new Error(`@Audited: unbalanced braces in the object name "${spec}"`);
  }
  return (sources) => parts.map((part) => (typeof part === 'string' ? part : part(sources))).join('');
}

/** The route's action: the one it declares, else from the HTTP method (POST add, PUT/PATCH update, DELETE delete). */
export function auditAction(route: AuditedRoute, method: string): AuditAction | undefined {
  if (route.action) return route.action;
  switch (method) {
    case 'POST':
      return 'add';
    case 'PUT':
    case 'PATCH':
      return 'update';
    case 'DELETE':
      return 'delete';
    default:
      return undefined;
  }
}

/**
 * The changed object as the route returned it, when it did: a plain JSON object that is not an
 * `ApiResponse` (`{message}`, possibly with a one-time secret such as a new API key beside it).
 */
export function returnedObject(result: unknown): Record<string, unknown> | undefined {
  if (result === null || typeof result !== 'object' || Object.getPrototypeOf(result) !== Object.prototype) {
    return undefined;
  }
  return 'message' in result ? undefined : (result as Record<string, unknown>);
}
