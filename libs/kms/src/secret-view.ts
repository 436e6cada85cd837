import { AdminPermission, hasAdminPermission, type Principal } from '@app/common';
import type { Secret } from './secret.types';

/** How much of a stored secret the wire shows: `{status, payload}` (default) or everything stored. */
export type SecretView = 'hidden' | 'confidential';

/** True when the secret is missing or has no status, payload, key and additional data (SFTPGo's IsEmpty). */
export function isEmptySecret(secret?: Secret): boolean {
  return !secret || (!secret.status && !secret.payload && !secret.key && !secret.additional_data);
}

/**
 * The one place a stored secret is written for the wire: `hidden` keeps `{status, payload}` only
 * (never key or additional_data); `confidential` (`?confidential_data=1`) also keeps key, additional
 * data and mode. Undefined when the secret is empty.
 */
export function secretToWire(secret: Secret | undefined, view: SecretView = 'hidden'): Secret | undefined {
  if (secret === undefined || isEmptySecret(secret)) return undefined;
  const out: Secret = {};
  if (secret.status) out.status = secret.status;
  if (secret.payload) out.payload = secret.payload;
  if (view === 'hidden') return out;
  if (secret.key) out.key = secret.key;
  if (secret.additional_data) out.additional_data = secret.additional_data;
  if (secret.mode) out.mode = secret.mode;
  return out;
}

/** The view asked by `?confidential_data=1`: honoured only for `*` admins, as SFTPGo does. */
export function secretViewFor(principal: Principal, confidentialData: unknown): SecretView {
  return confidentialData === '1' && hasAdminPermission(principal.permissions, AdminPermission.All)
    ? 'confidential'
    : 'hidden';
}
