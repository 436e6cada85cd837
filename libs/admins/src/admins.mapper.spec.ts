import { adminFiltersToWire, adminProfileToWire, adminToWire } from './admins.mapper';
import type { AdminEntity } from './entities/admin.entity';

function admin(overrides: Partial<AdminEntity> = {}): AdminEntity {
  return {
    id: 3,
    username: 'a1',
    description: null,
    password: '$2a$10$hash',
    email: null,
    status: 1,
    permissions: ['*'],
    filters: {},
    additionalInfo: null,
    lastLogin: 0,
    roleId: null,
    role: null,
    groupMappings: [],
    createdAt: 10,
    updatedAt: 11,
    ...overrides,
  } as AdminEntity;
}

describe('adminToWire', () => {
  it('sends a minimal admin as SFTPGo does (Appendix A), never the password', () => {
    const wire = adminToWire(admin());
    expect(wire).toEqual({
      id: 3,
      status: 1,
      username: 'a1',
      permissions: ['*'],
      filters: { require_two_factor: false, totp_config: {}, preferences: {} },
      created_at: 10,
      updated_at: 11,
      last_login: 0,
    });
    expect(JSON.stringify(wire)).not.toContain('hash');
  });

  it('sends optional fields, groups and the role name', () => {
    const wire = adminToWire(
      admin({
        email: 'a@example.com',
        description: 'd',
        additionalInfo: 'i',
        role: { id: 1, name: 'r', description: null, createdAt: 1, updatedAt: 1 },
      }),
      [{ name: 'g', addToUsersAs: 1 }],
    );
    expect(wire).toMatchObject({
      email: 'a@example.com',
      description: 'd',
      additional_info: 'i',
      groups: [{ name: 'g', options: { add_to_users_as: 1 } }],
      role: 'r',
    });
  });
});

describe('adminFiltersToWire', () => {
  it('hides TOTP and recovery secrets: status and encrypted payload only', () => {
    const secret = { status: 'AES-256-GCM', payload: 'p', key: 'k', additional_data: 'a1', mode: 1 };
    expect(
      adminFiltersToWire({
        totp_config: { enabled: true, config_name: 'Default', secret },
        recovery_codes: [{ secret, used: true }, { secret }],
      }),
    ).toEqual({
      require_two_factor: false,
      totp_config: { enabled: true, config_name: 'Default', secret: { status: 'AES-256-GCM', payload: 'p' } },
      recovery_codes: [
        { secret: { status: 'AES-256-GCM', payload: 'p' }, used: true },
        { secret: { status: 'AES-256-GCM', payload: 'p' } },
      ],
      preferences: {},
    });
  });
});

describe('adminProfileToWire', () => {
  it('always sends allow_api_key_auth', () => {
    expect(adminProfileToWire(admin())).toEqual({ allow_api_key_auth: false });
    expect(
      adminProfileToWire(
        admin({ email: 'e@example.com', description: 'd', filters: { allow_api_key_auth: true } }),
      ),
    ).toEqual({ email: 'e@example.com', description: 'd', allow_api_key_auth: true });
  });
});
