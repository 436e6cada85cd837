import { filtersToWire } from './users.mapper';
import { isUserPasswordHash } from './user-password';

describe('filtersToWire', () => {
  it('always writes hooks and totp_config, and drops empty values', () => {
    expect(filtersToWire({}, 'hidden')).toEqual({
      hooks: { external_auth_disabled: false, pre_login_disabled: false, check_password_disabled: false },
      totp_config: {},
    });
    expect(
      filtersToWire(
        { allowed_ip: [], max_upload_file_size: 0, tls_username: '', is_anonymous: false },
        'hidden',
      ),
    ).not.toHaveProperty('allowed_ip');
  });

  it('hides TOTP and recovery code secrets', () => {
    const secret = { status: 'AES-256-GCM', payload: 'p', key: 'k'.repeat(64), additional_data: 'u' };
    const out = filtersToWire(
      {
        totp_config: { enabled: true, config_name: 'Default', secret },
        recovery_codes: [{ secret, used: true }, { secret }],
      },
      'hidden',
    );
    expect(out.totp_config).toEqual({
      enabled: true,
      config_name: 'Default',
      secret: { status: 'AES-256-GCM', payload: 'p' },
    });
    expect(out.recovery_codes).toEqual([
      { secret: { status: 'AES-256-GCM', payload: 'p' }, used: true },
      { secret: { status: 'AES-256-GCM', payload: 'p' } },
    ]);
  });
});

describe('isUserPasswordHash', () => {
  it.each([
    '$2a$10$x',
    '$2b$10$x',
    '$2y$10$x',
    '$argon2id$v=19$x',
    '$pbkdf2-sha256$1$a$b',
    '$1$a$b',
    '$6$a$b',
    '{SHA512}ab',
  ])('recognises %s', (value) => expect(isUserPasswordHash(value)).toBe(true));

  it.each(['password', '$2x$10$x', 'MD5}x', ''])('treats %s as plain text', (value) =>
    expect(isUserPasswordHash(value)).toBe(false),
  );
});
