import {
  ADMIN_PERMISSIONS,
  AdminPermission,
  convertName,
  isPasswordHash,
  nameProblem,
  parseCidr,
  validateEmail,
  ValidationError,
} from '@app/common';
import { descriptionProblem } from '@app/roles';
import type { AdminDto } from './dto/admin.dto';
import type { AdminFilters } from './entities/admin.entity';

/** SFTPGo reserves these usernames for its own use (event rules, system actions). */
const RESERVED_USERNAMES = new Set(['__self__', '__system__']);
/** `add_to_users_as`: 0 membership, 1 primary, 2 secondary. */
const GROUP_AS_PRIMARY = 1;
const MAX_GROUP_MODE = 2;
// Column sizes: a longer value would fail in the database (500) instead of a 400 here.
const MAX_EMAIL_LENGTH = 255;
const MAX_PASSWORD_HASH_LENGTH = 255;

/** A group proposed by an admin for new users. */
export interface AdminGroupChoice {
  name: string;
  addToUsersAs: number;
}

/** An admin body after SFTPGo's rules: names converted, lists normalised; secrets not included. */
export interface ValidatedAdmin {
  username: string;
  status: number;
  /** Trimmed; "" when the body has none (create refuses it, update keeps the stored hash). */
  password: string;
  email: string | null;
  description: string | null;
  additionalInfo: string | null;
  permissions: string[];
  /** Role name, "" for none. */
  role: string;
  /** Without `totp_config`/`recovery_codes`: those never come from a body. */
  filters: AdminFilters;
  groups: AdminGroupChoice[];
}

/**
 * SFTPGo's permission rules: duplicates removed; empty refused; `*` collapses the list (and is
 * refused to a role admin); unknown values refused.
 */
export function validateAdminPermissions(input: readonly string[] | undefined, role: string): string[] {
  const permissions = [...new Set(input ?? [])];
  if (permissions.length === 0) throw new ValidationError('please grant some permissions to this admin');
  if (permissions.includes(AdminPermission.All)) {
    if (role) throw new ValidationError('a role admin cannot be a super admin');
    return [AdminPermission.All];
  }
  const unknown = permissions.find((perm) => !ADMIN_PERMISSIONS.includes(perm));
  if (unknown !== undefined) throw new ValidationError(`invalid permission: ${JSON.stringify(unknown)}`);
  return permissions;
}

/** `allow_list`: de-duplicated; every entry a CIDR network (a bare IP is refused). */
export function validateAllowList(input: readonly string[] | undefined): string[] {
  const list = [...new Set(input ?? [])];
  for (const entry of list) {
    if (!parseCidr(entry)) {
      throw new ValidationError(
        `could not parse allow list entry ${JSON.stringify(entry)} : invalid CIDR address`,
      );
    }
  }
  return list;
}

/** `groups`: names mandatory (naming rules applied), unique, modes 0..2, at most one primary. */
export function validateAdminGroups(input: AdminDto['groups'], rules: number): AdminGroupChoice[] {
  const groups: AdminGroupChoice[] = [];
  const seen = new Set<string>();
  let primary = false;
  for (const item of input ?? []) {
    const name = convertName(item.name ?? '', rules);
    if (!name) throw new ValidationError('group name is mandatory');
    if (seen.has(name)) throw new ValidationError(`the group ${JSON.stringify(name)} is duplicated`);
    seen.add(name);
    const mode = item.options?.add_to_users_as ?? 0;
    if (mode < 0 || mode > MAX_GROUP_MODE) {
      throw new ValidationError(`invalid mode to add groups to new users: ${mode}`);
    }
    if (mode === GROUP_AS_PRIMARY) {
      if (primary) throw new ValidationError('only one primary group is allowed');
      primary = true;
    }
    groups.push({ name, addToUsersAs: mode });
  }
  return groups;
}

/** Email rule of SFTPGo (dotted domain), plus the column size. */
export function validateAdminEmail(email: string | null | undefined): string | null {
  if (!email) return null;
  if (email.length > MAX_EMAIL_LENGTH)
    throw new ValidationError(`email ${JSON.stringify(email)} is not valid`);
  validateEmail(email, 'email');
  return email;
}

/**
 * Applies the naming rules and SFTPGo's admin validation (`admin.go` validate) to a request body.
 * `passwordRequired`: creation needs a password; an update without one keeps the stored hash.
 */
export function validateAdmin(body: AdminDto, rules: number, passwordRequired: boolean): ValidatedAdmin {
  const username = convertName(body.username ?? '', rules);
  if (!username) throw new ValidationError('username is mandatory');
  if (RESERVED_USERNAMES.has(username)) throw new ValidationError('this username is reserved');
  const problem = nameProblem(username, rules, 'username');
  if (problem) throw new ValidationError(problem);
  // Admin passwords are trimmed, at save as at login.
  const password = (body.password ?? '').trim();
  if (!password && passwordRequired) throw new ValidationError('please set a password');
  if (isPasswordHash(password) && password.length > MAX_PASSWORD_HASH_LENGTH) {
    throw new ValidationError('the password hash is too long');
  }
  const role = body.role ? convertName(body.role, rules) : '';
  const permissions = validateAdminPermissions(body.permissions, role);
  const email = validateAdminEmail(body.email);
  const input = body.filters ?? {};
  const allowList = validateAllowList(input.allow_list);
  const groups = validateAdminGroups(body.groups, rules);
  const descriptionIssue = descriptionProblem(body.description);
  if (descriptionIssue) throw new ValidationError(descriptionIssue);
  const preferences = input.preferences ?? {};
  const filters: AdminFilters = {
    ...(allowList.length > 0 ? { allow_list: allowList } : {}),
    ...(input.allow_api_key_auth ? { allow_api_key_auth: true } : {}),
    ...(input.require_password_change ? { require_password_change: true } : {}),
    require_two_factor: input.require_two_factor ?? false,
    preferences: {
      ...(preferences.hide_user_page_sections
        ? { hide_user_page_sections: preferences.hide_user_page_sections }
        : {}),
      ...(preferences.default_users_expiration
        ? { default_users_expiration: preferences.default_users_expiration }
        : {}),
    },
  };
  return {
    username,
    status: body.status ?? 0,
    password,
    email,
    description: body.description || null,
    additionalInfo: body.additional_info || null,
    permissions,
    role,
    filters,
    groups,
  };
}

/** True when two permission lists grant the same set (order and duplicates ignored). */
export function samePermissions(a: readonly string[], b: readonly string[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((perm) => right.has(perm));
}
