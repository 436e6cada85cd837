import { ValidationError } from '../errors/api-error';
import {
  applyAnonymous,
  LOGIN_METHODS,
  validateBaseUserFilters,
  validateEmail,
  validateUserFilters,
} from './user-filters';

const EC_CERT = `-----BEGIN CERTIFICATE-----
MIIBdTCCARugAwIBAgIUOjgHszEQeM+dw6fgsxp9PeQbHK4wCgYIKoZIzj0EAwIw
DzENMAsGA1UEAwwEdGVzdDAgFw0yNjExMjcwODU0MzdaGA8yMTI2MTEwMzA4NTQz
N1owDzENMAsGA1UEAwwEdGVzdDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABP5f
/58A0eJRs3nFQNCS/2awV/xjATS/ICttWty/3wgjRgO2nzqv9TWAe0CUNwHA0UuY
B/0OlzCcUZ5luaOMSSejUzBRMB0GA1UdDgQWBBSWTFayFyLssrQCb/EhjjBNzS/G
0DAfBgNVHSMEGDAWgBSWTFayFyLssrQCb/EhjjBNzS/G0DAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIBa5YMTmVDOMUg1vzUV2jlyC8I1F8Dzw+yh6
bDhQrs7KAiEAuDBy0bVNctfuyh8oalPDK4XnpQAEQBCv7BqFM9pyEs4=
-----END CERTIFICATE-----`;

const RSA1024_CERT = `-----BEGIN CERTIFICATE-----
MIIB/DCCAWWgAwIBAgIUfbohO3qsAqM8lK4uIxhLAacf+ZwwDQYJKoZIhvcNAQEL
BQAwDzENMAsGA1UEAwwEd2VhazAgFw0yNjExMjcwODU0MzdaGA8yMTI2MTEwMzA4
NTQzN1owDzENMAsGA1UEAwwEd2VhazCBnzANBgkqhkiG9w0BAQEFAAOBjQAwgYkC
gYEAubS+4CbZ/MRoexwThQU0uNplyN1kDn6lYsoIq/20xEr0lfgUvwwYO7DUDyP2
nRyWYqOOvRUnACHaTMusGtMYPogdmx/ADCiNMMNLuolfIQTWr/kXAYb1UnFj2hPu
ZycA/de1jpv/WKKoXge1tT+oBySf9LB82Gfj2cEDcXeqCQ0CAwEAAaNTMFEwHQYD
VR0OBBYEFGcI8UUws//3sxnT5rmrHJAA/dglMB8GA1UdIwQYMBaAFGcI8UUws//3
sxnT5rmrHJAA/dglMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQELBQADgYEA
Zi5sqaTW8apd8D938XF+ZS/qAerhZABhIJDr4Tv3AytK70TzqPxOaVrVJJ99/r2h
z42ZpMupy0/eP+uLgHtszJPWWiEecF6Clf6x5podihVZWZyDOk/np+EahTRcOorH
YZht/YdPLMfCEmq+WSeFJ/9XrlFKBMTP5aiASU69S/Y=
-----END CERTIFICATE-----`;

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.error;
    throw err;
  }
  throw new Error('no error thrown');
}

const HOOKS = { external_auth_disabled: false, pre_login_disabled: false, check_password_disabled: false };
const base = (input: unknown) => validateBaseUserFilters(input, { group: false });
const baseError = (input: unknown) => errorOf(() => base(input));

describe('validateEmail', () => {
  it.each(['user@example.com', 'a.b+c@sub.example.org', 'x@e.co', 'élève@école.fr', 'user@example.com.'])(
    'accepts %j',
    (email) => {
      expect(() => validateEmail(email, 'email')).not.toThrow();
    },
  );

  it.each([
    'x@email',
    'invalid@email',
    'no-at-sign',
    '@example.com',
    'a@.com',
    'a b@example.com',
    'a@example.1',
  ])('refuses %j', (email) => {
    expect(errorOf(() => validateEmail(email, 'email'))).toBe(
      `Validation error: email ${JSON.stringify(email)} is not valid`,
    );
  });

  it.each([
    '"john doe"@example.com',
    '""@example.com',
    '"a@b"@example.com',
    '"fold\r\n ed"@example.com',
    'a@b.c-d.e~f.gh',
    'a@1.b',
  ])('accepts %j like SFTPGo', (email) => {
    expect(() => validateEmail(email, 'email')).not.toThrow();
  });

  it.each([
    '"bad\nlf"@example.com',
    '"x@example.com',
    'a..b@example.com',
    'a@-b.com',
    'a@b.c1',
    'a@b..',
    'a@b_c.com',
    'a\u0000@example.com',
    '😀@example.com',
  ])('refuses %j like SFTPGo', (email) => {
    expect(() => validateEmail(email, 'email')).toThrow(ValidationError);
  });

  it('stays linear on adversarial input (the original regex backtracks exponentially)', () => {
    for (const email of [
      `a@${'a.'.repeat(50_000)}!`,
      `a@${'a-'.repeat(50_000)}.!`,
      `"${' '.repeat(100_000)}`,
    ]) {
      expect(() => validateEmail(email, 'email')).toThrow(ValidationError);
    }
  });

  it('names the field for a wrong type', () => {
    expect(errorOf(() => validateEmail(3 as unknown as string, 'email'))).toBe(
      'Validation error: email must be a string',
    );
  });
});

describe('validateBaseUserFilters: shape', () => {
  it.each([undefined, null, {}])('gives only the hooks for %j', (input) => {
    expect(base(input)).toEqual({ hooks: HOOKS });
  });

  it('refuses a non-object', () => {
    expect(baseError([])).toBe('Validation error: filters must be an object');
    expect(baseError('x')).toBe('Validation error: filters must be an object');
  });

  it('drops unknown keys and zero values', () => {
    expect(
      base({ foo: 1, allowed_ip: [], max_upload_file_size: 0, disable_fs_checks: false, tls_username: '' }),
    ).toEqual({ hooks: HOOKS });
  });

  it.each([
    [{ allowed_ip: '10.0.0.0/8' }, 'filters.allowed_ip must be a list of strings'],
    [{ denied_ip: [1] }, 'filters.denied_ip must be a list of strings'],
    [{ max_upload_file_size: '1' }, 'filters.max_upload_file_size must be an integer'],
    [{ max_upload_file_size: 1.5 }, 'filters.max_upload_file_size must be an integer'],
    [{ max_upload_file_size: -1 }, 'filters.max_upload_file_size must be greater than or equal to 0'],
    [{ disable_fs_checks: 'yes' }, 'filters.disable_fs_checks must be a boolean'],
    [{ hooks: [] }, 'filters.hooks must be an object'],
    [{ hooks: { pre_login_disabled: 1 } }, 'filters.hooks.pre_login_disabled must be a boolean'],
    [{ tls_username: 1 }, 'filters.tls_username must be a string'],
    [{ file_patterns: {} }, 'filters.file_patterns must be a list'],
    [{ file_patterns: ['x'] }, 'filters.file_patterns[0] must be an object'],
    [
      { access_time: [{ day_of_week: '1', from: '10:00', to: '11:00' }] },
      'filters.access_time[0].day_of_week must be an integer',
    ],
    [
      { bandwidth_limits: [{ sources: ['10.0.0.0/8'], upload_bandwidth: 'a' }] },
      'filters.bandwidth_limits[0].upload_bandwidth must be an integer',
    ],
    [{ external_auth_cache_time: -5 }, 'filters.external_auth_cache_time must be greater than or equal to 0'],
    [{ password_expiration: -1 }, 'filters.password_expiration must be greater than or equal to 0'],
    [{ password_strength: -1 }, 'filters.password_strength must be greater than or equal to 0'],
  ])('names the field for a wrong type: %j', (input, message) => {
    expect(baseError(input)).toBe(`Validation error: ${message}`);
  });

  it('keeps every field of a full filter set', () => {
    const input = {
      allowed_ip: ['192.168.1.0/24', '2001:db8::/32'],
      denied_ip: ['10.0.0.0/8'],
      denied_login_methods: ['password', 'keyboard-interactive'],
      denied_protocols: ['FTP', 'DAV'],
      file_patterns: [
        { path: '/docs', allowed_patterns: ['*.pdf'], denied_patterns: ['*.exe'], deny_policy: 1 },
      ],
      max_upload_file_size: 1048576,
      tls_username: 'CommonName',
      tls_certs: [EC_CERT],
      hooks: { external_auth_disabled: true, pre_login_disabled: true, check_password_disabled: true },
      disable_fs_checks: true,
      web_client: ['write-disabled', 'shares-disabled'],
      allow_api_key_auth: true,
      user_type: 'LDAPUser',
      bandwidth_limits: [{ sources: ['172.16.0.0/12'], upload_bandwidth: 100, download_bandwidth: 200 }],
      external_auth_cache_time: 60,
      start_directory: '/start/dir',
      two_factor_protocols: ['SSH', 'HTTP'],
      ftp_security: 1,
      is_anonymous: false,
      default_shares_expiration: 7,
      max_shares_expiration: 30,
      password_expiration: 90,
      password_strength: 50,
      access_time: [{ day_of_week: 1, from: '08:00', to: '18:00' }],
    };
    const { is_anonymous: _unused, ...expected } = input;
    expect(base(input)).toEqual(expected);
    expect(Object.keys(base(input))).toEqual(Object.keys(expected));
  });
});

describe('validateBaseUserFilters: IP filters', () => {
  it('removes duplicates', () => {
    expect(
      base({ allowed_ip: ['10.0.0.0/8', '10.0.0.0/8'], denied_ip: ['::1/128', '::1/128'] }),
    ).toMatchObject({
      allowed_ip: ['10.0.0.0/8'],
      denied_ip: ['::1/128'],
    });
  });

  it('refuses a bare IP', () => {
    expect(baseError({ allowed_ip: ['192.168.1.1'] })).toBe(
      'Validation error: could not parse allowed IP/Mask "192.168.1.1": invalid CIDR address: 192.168.1.1',
    );
    expect(baseError({ denied_ip: ['1.2.3.4/33'] })).toBe(
      'Validation error: could not parse denied IP/Mask "1.2.3.4/33": invalid CIDR address: 1.2.3.4/33',
    );
  });
});

describe('validateBaseUserFilters: login methods and protocols', () => {
  it('refuses denying every login method', () => {
    expect(baseError({ denied_login_methods: [...LOGIN_METHODS] })).toBe(
      'Validation error: invalid denied_login_methods',
    );
  });

  it('refuses an unknown login method', () => {
    expect(baseError({ denied_login_methods: ['magic'] })).toBe(
      'Validation error: invalid login method: "magic"',
    );
  });

  it('refuses denying every protocol and unknown protocols', () => {
    expect(baseError({ denied_protocols: ['SSH', 'FTP', 'DAV', 'HTTP'] })).toBe(
      'Validation error: invalid denied_protocols',
    );
    expect(baseError({ denied_protocols: ['SMB'] })).toBe('Validation error: invalid denied protocol "SMB"');
  });

  it('removes duplicates before counting', () => {
    expect(base({ denied_protocols: ['SSH', 'SSH', 'FTP', 'FTP'] })).toMatchObject({
      denied_protocols: ['SSH', 'FTP'],
    });
  });

  it('validates two_factor_protocols', () => {
    expect(base({ two_factor_protocols: ['SSH', 'FTP', 'HTTP'] })).toMatchObject({
      two_factor_protocols: ['SSH', 'FTP', 'HTTP'],
    });
    expect(baseError({ two_factor_protocols: ['DAV'] })).toBe(
      'Validation error: invalid two factor protocol "DAV"',
    );
  });
});

describe('validateBaseUserFilters: file patterns', () => {
  it('cleans the path, lower-cases and de-duplicates patterns', () => {
    expect(
      base({
        file_patterns: [{ path: '/a/../docs/', allowed_patterns: ['*.PDF', '*.pdf'], deny_policy: 0 }],
      }),
    ).toMatchObject({ file_patterns: [{ path: '/docs', allowed_patterns: ['*.pdf'] }] });
  });

  it('refuses a relative or missing path', () => {
    expect(baseError({ file_patterns: [{ path: 'docs', allowed_patterns: ['*'] }] })).toBe(
      'Validation error: invalid path "docs" for file patterns filter',
    );
    expect(baseError({ file_patterns: [{ allowed_patterns: ['*'] }] })).toBe(
      'Validation error: invalid path "" for file patterns filter',
    );
  });

  it('refuses the same path twice', () => {
    expect(
      baseError({
        file_patterns: [
          { path: '/d', denied_patterns: ['*'] },
          { path: '/d/', denied_patterns: ['*.x'] },
        ],
      }),
    ).toBe('Validation error: duplicate file patterns filter for path "/d/"');
  });

  it('requires at least one pattern', () => {
    expect(baseError({ file_patterns: [{ path: '/d', allowed_patterns: [], denied_patterns: [] }] })).toBe(
      'Validation error: empty file patterns filter for path "/d"',
    );
  });

  it('refuses a deny policy other than 0 or 1', () => {
    expect(baseError({ file_patterns: [{ path: '/d', denied_patterns: ['*'], deny_policy: 2 }] })).toBe(
      'Validation error: invalid deny policy 2 for path "/d"',
    );
  });

  it('refuses an invalid glob', () => {
    expect(baseError({ file_patterns: [{ path: '/d', denied_patterns: ['[a-'] }] })).toBe(
      'Validation error: invalid file pattern filter "[a-"',
    );
  });
});

describe('validateBaseUserFilters: TLS', () => {
  it('validates tls_username', () => {
    expect(base({ tls_username: 'None' })).toMatchObject({ tls_username: 'None' });
    expect(baseError({ tls_username: 'Email' })).toBe('Validation error: invalid TLS username: "Email"');
  });

  it('accepts PEM certificates and skips empty ones', () => {
    expect(base({ tls_certs: ['', EC_CERT] })).toMatchObject({ tls_certs: [EC_CERT] });
  });

  it('copes with many unterminated PEM headers', () => {
    expect(baseError({ tls_certs: ['-----BEGIN X-----'.repeat(50_000)] })).toBe(
      'Validation error: invalid TLS certificate 0',
    );
  });

  it('refuses something that is not PEM', () => {
    expect(baseError({ tls_certs: ['not a cert'] })).toBe('Validation error: invalid TLS certificate 0');
  });

  it('refuses a PEM block that is not a certificate', () => {
    const bogus = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----';
    expect(baseError({ tls_certs: [EC_CERT, bogus] })).toBe(
      'Validation error: error parsing TLS certificate 1',
    );
  });

  it('refuses RSA certificates under 2048 bits', () => {
    expect(baseError({ tls_certs: [RSA1024_CERT] })).toBe(
      'Validation error: invalid size 1024 for rsa cert at position 0, minimum 2048',
    );
  });

  it('clears tls_certs and user_type for groups, without validating them', () => {
    const out = validateBaseUserFilters({ tls_certs: ['junk'], user_type: 'LDAPUser' }, { group: true });
    expect(out).toEqual({ hooks: HOOKS });
  });
});

describe('validateBaseUserFilters: other rules', () => {
  it('always serialises hooks with the three booleans', () => {
    expect(base({ hooks: { pre_login_disabled: true } }).hooks).toEqual({
      ...HOOKS,
      pre_login_disabled: true,
    });
  });

  it('validates web_client options', () => {
    expect(base({ web_client: ['mfa-disabled', 'mfa-disabled'] })).toMatchObject({
      web_client: ['mfa-disabled'],
    });
    expect(baseError({ web_client: ['everything-disabled'] })).toBe(
      'Validation error: invalid web client options "everything-disabled"',
    );
  });

  it('validates user_type', () => {
    expect(base({ user_type: 'OSUser' })).toMatchObject({ user_type: 'OSUser' });
    expect(baseError({ user_type: 'Robot' })).toBe('Validation error: invalid user type: "Robot"');
  });

  it('validates ftp_security', () => {
    expect(baseError({ ftp_security: 2 })).toBe('Validation error: invalid ftp_security: 2');
  });

  it('requires sources for bandwidth limits and zeroes negative limits', () => {
    expect(baseError({ bandwidth_limits: [{ upload_bandwidth: 1 }] })).toBe(
      'Validation error: no bandwidth limit source specified',
    );
    expect(baseError({ bandwidth_limits: [{ sources: ['10.0.0.1'] }] })).toBe(
      'Validation error: could not parse bandwidth limit source "10.0.0.1": invalid CIDR address: 10.0.0.1',
    );
    expect(
      base({ bandwidth_limits: [{ sources: ['10.0.0.0/8'], upload_bandwidth: -1, download_bandwidth: 5 }] }),
    ).toMatchObject({ bandwidth_limits: [{ sources: ['10.0.0.0/8'], download_bandwidth: 5 }] });
  });

  it.each([
    ['/', undefined],
    ['/a/../b/', '/b'],
    ['rel/dir', '/rel/dir'],
    ['', undefined],
  ])('cleans start_directory %j', (input, expected) => {
    expect(base({ start_directory: input }).start_directory).toBe(expected);
  });

  it('requires max shares expiration >= default', () => {
    expect(baseError({ default_shares_expiration: 10, max_shares_expiration: 5 })).toBe(
      'Validation error: default shares expiration: 10 must be less than or equal to max shares expiration: 5',
    );
    expect(base({ default_shares_expiration: 10 })).toMatchObject({ default_shares_expiration: 10 });
    expect(base({ default_shares_expiration: 5, max_shares_expiration: 5 })).toMatchObject({
      max_shares_expiration: 5,
    });
  });

  it('validates access_time', () => {
    const period = (day_of_week: number, from: string, to: string) => ({
      access_time: [{ day_of_week, from, to }],
    });
    expect(base(period(0, '00:00', '23:59'))).toMatchObject(period(0, '00:00', '23:59'));
    expect(baseError(period(7, '08:00', '09:00'))).toBe('Validation error: invalid day of week: 7');
    expect(baseError(period(-1, '08:00', '09:00'))).toBe('Validation error: invalid day of week: -1');
    for (const bad of ['8:00', '24:00', '08:60', '08-00', '', 'ab:cd']) {
      expect(baseError(period(1, bad, '23:00'))).toBe(
        'Validation error: invalid time of day. Supported format: HH:MM',
      );
    }
    expect(baseError(period(1, '10:00', '09:59'))).toBe(
      'Validation error: invalid time of day. The end time cannot be earlier than the start time',
    );
    expect(baseError(period(1, '10:00', '10:00'))).toBe(
      'Validation error: invalid time of day. The end time cannot be earlier than the start time',
    );
  });
});

describe('validateUserFilters', () => {
  it('adds require_password_change and additional_emails', () => {
    expect(
      validateUserFilters({ require_password_change: true, additional_emails: ['a@example.com'] }),
    ).toEqual({
      hooks: HOOKS,
      require_password_change: true,
      additional_emails: ['a@example.com'],
    });
  });

  it('validates additional_emails', () => {
    expect(errorOf(() => validateUserFilters({ additional_emails: ['a@example.com', 'x@email'] }))).toBe(
      'Validation error: email "x@email" is not valid',
    );
    expect(errorOf(() => validateUserFilters({ additional_emails: 'a@example.com' }))).toBe(
      'Validation error: filters.additional_emails must be a list of strings',
    );
  });

  it('drops totp_config and recovery_codes from input', () => {
    const out = validateUserFilters({
      totp_config: { enabled: true, config_name: 'Default', secret: { status: 'Plain', payload: 'x' } },
      recovery_codes: [{ secret: { status: 'Plain', payload: 'y' } }],
    });
    expect(out).toEqual({ hooks: HOOKS });
  });

  it('refuses requiring a password change while disallowing it', () => {
    expect(
      errorOf(() =>
        validateUserFilters({ require_password_change: true, web_client: ['password-change-disabled'] }),
      ),
    ).toBe('Validation error: you cannot require password change and at the same time disallow it');
  });

  it('refuses requiring 2FA while disallowing it', () => {
    expect(
      errorOf(() => validateUserFilters({ two_factor_protocols: ['SSH'], web_client: ['mfa-disabled'] })),
    ).toBe('Validation error: you cannot require two-factor authentication and at the same time disallow it');
  });

  it('refuses mfa-disabled while the stored TOTP configuration is active', () => {
    const stored = { totp_config: { enabled: true, config_name: 'Default' } };
    expect(errorOf(() => validateUserFilters({ web_client: ['mfa-disabled'] }, stored))).toBe(
      'Validation error: two-factor authentication cannot be disabled for a user with an active configuration',
    );
    expect(
      validateUserFilters({ web_client: ['mfa-disabled'] }, { totp_config: { enabled: false } }),
    ).toMatchObject({
      web_client: ['mfa-disabled'],
    });
  });

  it('applies the anonymous restrictions to the denied lists', () => {
    const out = validateUserFilters({ is_anonymous: true, denied_protocols: ['FTP'] });
    expect(out.is_anonymous).toBe(true);
    expect(out.denied_protocols).toEqual(['FTP', 'SSH', 'HTTP']);
    expect(out.denied_login_methods).toEqual(LOGIN_METHODS.filter((m) => m !== 'password'));
  });

  it('refuses an anonymous user that would have no protocol or login method left', () => {
    expect(errorOf(() => validateUserFilters({ is_anonymous: true, denied_protocols: ['FTP', 'DAV'] }))).toBe(
      'Validation error: invalid denied_protocols',
    );
    expect(
      errorOf(() => validateUserFilters({ is_anonymous: true, denied_login_methods: ['password'] })),
    ).toBe('Validation error: invalid denied_login_methods');
  });

  it('does not apply the anonymous restrictions to groups', () => {
    expect(validateBaseUserFilters({ is_anonymous: true }, { group: true })).toEqual({
      hooks: HOOKS,
      is_anonymous: true,
    });
  });
});

describe('applyAnonymous', () => {
  it('is a no-op for a regular user', () => {
    const permissions = { '/': ['*'] };
    const filters = { hooks: HOOKS };
    expect(applyAnonymous(permissions, filters)).toEqual({ permissions, filters });
  });

  it('restricts every permission entry to list and download and denies SSH/HTTP and non-password logins', () => {
    const out = applyAnonymous(
      { '/': ['*'], '/up': ['upload'], '/none': [] },
      { is_anonymous: true, denied_protocols: ['DAV'], web_client: ['write-disabled'] },
    );
    expect(out.permissions).toEqual({
      '/': ['list', 'download'],
      '/up': ['list', 'download'],
      '/none': ['list', 'download'],
    });
    expect(out.filters).toEqual({
      is_anonymous: true,
      denied_protocols: ['DAV', 'SSH', 'HTTP'],
      denied_login_methods: LOGIN_METHODS.filter((m) => m !== 'password'),
      web_client: ['write-disabled'],
    });
  });

  it('is idempotent on validated filters and does not mutate its input', () => {
    const filters = validateUserFilters({ is_anonymous: true });
    const snapshot = JSON.parse(JSON.stringify(filters)) as unknown;
    const once = applyAnonymous({ '/': ['*'] }, filters);
    const twice = applyAnonymous(once.permissions, once.filters);
    expect(twice).toEqual(once);
    expect(filters).toEqual(snapshot);
  });
});
