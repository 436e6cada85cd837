import { type Secret, secretToWire, type SecretView } from '@app/kms';
import type { AdminGroupChoice } from './admin-validation';
import type { AdminEntity, AdminFilters } from './entities/admin.entity';

/** `AdminFilters` on the wire: `require_two_factor`, `totp_config` and `preferences` always present. */
export interface AdminFiltersWire {
  allow_list?: string[];
  allow_api_key_auth?: boolean;
  require_password_change?: boolean;
  require_two_factor: boolean;
  totp_config: { enabled?: boolean; config_name?: string; secret?: Secret };
  recovery_codes?: { secret?: Secret; used?: boolean }[];
  preferences: { hide_user_page_sections?: number; default_users_expiration?: number };
}

/** An admin as SFTPGo sends it (`Admin` schema), in its field order; the password hash only in a dump. */
export interface AdminWire {
  id: number;
  status: number;
  username: string;
  /** Only in the `confidential` view (`/dumpdata`). */
  password?: string;
  email?: string;
  permissions: string[];
  filters: AdminFiltersWire;
  description?: string;
  additional_info?: string;
  groups?: { name: string; options: { add_to_users_as: number } }[];
  created_at: number;
  updated_at: number;
  last_login: number;
  role?: string;
}

/** `AdminProfile` on the wire. */
export interface AdminProfileWire {
  email?: string;
  description?: string;
  allow_api_key_auth: boolean;
}

/** The filters as sent: TOTP and recovery secrets as `view` shows them (status and payload by default). */
export function adminFiltersToWire(
  filters: AdminFilters | null | undefined,
  view: SecretView = 'hidden',
): AdminFiltersWire {
  const f = filters ?? {};
  const totp = f.totp_config ?? {};
  const secret = secretToWire(totp.secret, view);
  const codes = (f.recovery_codes ?? []).map((code) => {
    const hidden = secretToWire(code.secret, view);
    return { ...(hidden ? { secret: hidden } : {}), ...(code.used ? { used: true } : {}) };
  });
  const preferences = f.preferences ?? {};
  return {
    ...(f.allow_list?.length ? { allow_list: f.allow_list } : {}),
    ...(f.allow_api_key_auth ? { allow_api_key_auth: true } : {}),
    ...(f.require_password_change ? { require_password_change: true } : {}),
    require_two_factor: f.require_two_factor ?? false,
    totp_config: {
      ...(totp.enabled ? { enabled: true } : {}),
      ...(totp.config_name ? { config_name: totp.config_name } : {}),
      ...(secret ? { secret } : {}),
    },
    ...(codes.length > 0 ? { recovery_codes: codes } : {}),
    preferences: {
      ...(preferences.hide_user_page_sections
        ? { hide_user_page_sections: preferences.hide_user_page_sections }
        : {}),
      ...(preferences.default_users_expiration
        ? { default_users_expiration: preferences.default_users_expiration }
        : {}),
    },
  };
}

/** Builds the wire JSON of an admin; `groups` are its group choices sorted by name; hash and secrets only when confidential. */
export function adminToWire(
  admin: AdminEntity,
  groups: readonly AdminGroupChoice[] = [],
  view: SecretView = 'hidden',
): AdminWire {
  return {
    id: admin.id,
    status: admin.status,
    username: admin.username,
    ...(view === 'confidential' && admin.password ? { password: admin.password } : {}),
    ...(admin.email ? { email: admin.email } : {}),
    permissions: admin.permissions,
    filters: adminFiltersToWire(admin.filters, view),
    ...(admin.description ? { description: admin.description } : {}),
    ...(admin.additionalInfo ? { additional_info: admin.additionalInfo } : {}),
    ...(groups.length > 0
      ? { groups: groups.map((g) => ({ name: g.name, options: { add_to_users_as: g.addToUsersAs } })) }
      : {}),
    created_at: admin.createdAt,
    updated_at: admin.updatedAt,
    last_login: admin.lastLogin,
    ...(admin.role ? { role: admin.role.name } : {}),
  };
}

/** Builds `GET /admin/profile`. */
export function adminProfileToWire(admin: AdminEntity): AdminProfileWire {
  return {
    ...(admin.email ? { email: admin.email } : {}),
    ...(admin.description ? { description: admin.description } : {}),
    allow_api_key_auth: admin.filters?.allow_api_key_auth ?? false,
  };
}
