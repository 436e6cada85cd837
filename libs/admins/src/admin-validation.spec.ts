import { ValidationError } from '@app/common';
import {
  samePermissions,
  validateAdmin,
  validateAdminGroups,
  validateAdminPermissions,
  validateAllowList,
} from './admin-validation';

const RULES = 5; // SFTPGo's default: UTF-8 allowed, trim spaces.

function problem(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error.error;
    throw error;
  }
  throw new Error('no validation error');
}

describe('validateAdminPermissions', () => {
  it('removes duplicates and collapses * to ["*"]', () => {
    expect(validateAdminPermissions(['view_users', 'view_users', 'add_users'], '')).toEqual([
      'view_users',
      'add_users',
    ]);
    expect(validateAdminPermissions(['view_users', '*', 'unknown'], '')).toEqual(['*']);
  });

  it('refuses empty lists, unknown values and * for a role admin', () => {
    expect(problem(() => validateAdminPermissions([], ''))).toBe(
      'Validation error: please grant some permissions to this admin',
    );
    expect(problem(() => validateAdminPermissions(undefined, ''))).toMatch(/please grant/);
    expect(problem(() => validateAdminPermissions(['fly'], ''))).toBe(
      'Validation error: invalid permission: "fly"',
    );
    expect(problem(() => validateAdminPermissions(['*'], 'r'))).toBe(
      'Validation error: a role admin cannot be a super admin',
    );
  });
});

describe('validateAllowList', () => {
  it('keeps CIDRs once, refuses bare IPs and garbage', () => {
    expect(validateAllowList(['10.0.0.0/8', '10.0.0.0/8', '::1/128'])).toEqual(['10.0.0.0/8', '::1/128']);
    expect(problem(() => validateAllowList(['10.0.0.1']))).toMatch(
      /could not parse allow list entry "10.0.0.1"/,
    );
    expect(problem(() => validateAllowList(['10.0.0.0/33']))).toMatch(/allow list/);
  });
});

describe('validateAdminGroups', () => {
  it('converts names, defaults the mode to membership', () => {
    expect(
      validateAdminGroups([{ name: ' g ' }, { name: 'h', options: { add_to_users_as: 1 } }], RULES),
    ).toEqual([
      { name: 'g', addToUsersAs: 0 },
      { name: 'h', addToUsersAs: 1 },
    ]);
  });

  it('refuses missing names, duplicates, bad modes and two primaries', () => {
    expect(problem(() => validateAdminGroups([{}], RULES))).toBe('Validation error: group name is mandatory');
    expect(problem(() => validateAdminGroups([{ name: 'g' }, { name: ' g' }], RULES))).toBe(
      'Validation error: the group "g" is duplicated',
    );
    expect(
      problem(() => validateAdminGroups([{ name: 'g', options: { add_to_users_as: 3 } }], RULES)),
    ).toMatch(/invalid mode/);
    const twoPrimaries = [
      { name: 'a', options: { add_to_users_as: 1 } },
      { name: 'b', options: { add_to_users_as: 1 } },
    ];
    expect(problem(() => validateAdminGroups(twoPrimaries, RULES))).toBe(
      'Validation error: only one primary group is allowed',
    );
  });
});

describe('validateAdmin', () => {
  const valid = { username: ' Admin1 ', password: ' pwd ', status: 1, permissions: ['*'] };

  it('normalises the body: naming rules, trimmed password, filters SFTPGo always keeps', () => {
    expect(validateAdmin(valid, RULES, true)).toEqual({
      username: 'Admin1',
      status: 1,
      password: 'pwd',
      email: null,
      description: null,
      additionalInfo: null,
      permissions: ['*'],
      role: '',
      filters: { require_two_factor: false, preferences: {} },
      groups: [],
    });
    expect(validateAdmin(valid, 7, true).username).toBe('admin1');
  });

  it('status defaults to 0 (disabled), as a Go zero value', () => {
    expect(validateAdmin({ ...valid, status: undefined }, RULES, true).status).toBe(0);
  });

  it('requires a password on create only', () => {
    expect(problem(() => validateAdmin({ ...valid, password: '  ' }, RULES, true))).toBe(
      'Validation error: please set a password',
    );
    expect(validateAdmin({ ...valid, password: undefined }, RULES, false).password).toBe('');
  });

  it('checks the username: mandatory, reserved, valid characters, ASCII without rule 1', () => {
    expect(problem(() => validateAdmin({ ...valid, username: ' ' }, RULES, true))).toBe(
      'Validation error: username is mandatory',
    );
    expect(problem(() => validateAdmin({ ...valid, username: '__system__' }, RULES, true))).toBe(
      'Validation error: this username is reserved',
    );
    expect(problem(() => validateAdmin({ ...valid, username: 'a:b' }, RULES, true))).toMatch(/Invalid input/);
    expect(problem(() => validateAdmin({ ...valid, username: 'città' }, 0, true))).toMatch(
      /the following characters are allowed/,
    );
  });

  it('checks the email and the description size', () => {
    expect(problem(() => validateAdmin({ ...valid, email: 'x@email' }, RULES, true))).toBe(
      'Validation error: email "x@email" is not valid',
    );
    expect(validateAdmin({ ...valid, email: 'x@example.com' }, RULES, true).email).toBe('x@example.com');
    expect(problem(() => validateAdmin({ ...valid, description: 'x'.repeat(513) }, RULES, true))).toMatch(
      /description is too long/,
    );
  });

  it('keeps only the filters a body may set', () => {
    const admin = validateAdmin(
      {
        ...valid,
        filters: {
          allow_list: ['192.0.2.0/24'],
          allow_api_key_auth: true,
          require_password_change: true,
          require_two_factor: true,
          preferences: { hide_user_page_sections: 0, default_users_expiration: 10 },
        },
      },
      RULES,
      true,
    );
    expect(admin.filters).toEqual({
      allow_list: ['192.0.2.0/24'],
      allow_api_key_auth: true,
      require_password_change: true,
      require_two_factor: true,
      preferences: { default_users_expiration: 10 },
    });
  });
});

describe('samePermissions', () => {
  it('ignores order and duplicates', () => {
    expect(samePermissions(['a', 'b', 'a'], ['b', 'a'])).toBe(true);
    expect(samePermissions(['a'], ['a', 'b'])).toBe(false);
  });
});
