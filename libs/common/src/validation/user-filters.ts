import { X509Certificate } from 'node:crypto';
import {
  BandwidthLimit,
  BaseUserFilters,
  PatternsFilter,
  PermissionMap,
  TimePeriod,
  UserFilters,
} from '../auth/user-settings.types';
import { ValidationError } from '../errors/api-error';
import { parseCidr } from '../util/client-ip';
import { cleanPath, isAbsPath, isValidGlob } from './paths';

/** Login methods a user can be denied (SFTPGo's `ValidLoginMethods`). */
export const LOGIN_METHODS: readonly string[] = [
  'publickey',
  'password',
  'password-over-SSH',
  'keyboard-interactive',
  'publickey+password',
  'publickey+keyboard-interactive',
  'TLSCertificate',
  'TLSCertificate+password',
];

/** Protocols a user can be denied (SFTPGo's `ValidProtocols`). */
export const USER_PROTOCOLS: readonly string[] = ['SSH', 'FTP', 'DAV', 'HTTP'];

/** Protocols two-factor authentication can be required for (SFTPGo's `MFAProtocols`). */
export const MFA_PROTOCOLS: readonly string[] = ['SSH', 'FTP', 'HTTP'];

/** Web client restrictions (sdk `WebClientOptions`). */
export const WEB_CLIENT_OPTIONS: readonly string[] = [
  'write-disabled',
  'password-change-disabled',
  'password-reset-disabled',
  'publickey-change-disabled',
  'tls-cert-change-disabled',
  'mfa-disabled',
  'api-key-auth-change-disabled',
  'info-change-disabled',
  'shares-disabled',
  'shares-without-password-disabled',
];

/** Valid `filters.tls_username` values besides `""`. */
export const TLS_USERNAMES: readonly string[] = ['None', 'CommonName'];

/** Valid `filters.user_type` values besides `""`. */
export const USER_TYPES: readonly string[] = ['LDAPUser', 'OSUser'];

// SFTPGo's email rule (internal/util/util.go `emailRegex`, from govalidator) re-expressed without
// its nested quantifiers: the original regex backtracks exponentially in JavaScript (Go's RE2 does
// not), so it would let one request block the event loop. Same language, linear time.
const EMAIL_NON_ASCII = '\\u00A0-\\uD7FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF';
const EMAIL_ATOM = `[a-zA-Z0-9!#$%&'*+\\-/=?^_\`{|}~${EMAIL_NON_ASCII}]`;
const EMAIL_DOT_ATOM = new RegExp(`^${EMAIL_ATOM}+(?:\\.${EMAIL_ATOM}+)*$`, 'u');
// Inside quotes: any character but NUL, and LF only as part of a folding CRLF followed by blanks.
const EMAIL_QUOTED_CHAR = new RegExp(`^[\\x01-\\x09\\x0b-\\x7f${EMAIL_NON_ASCII}]$`, 'u');
const DOMAIN_ALNUM = new RegExp(`^[a-zA-Z0-9${EMAIL_NON_ASCII}]$`, 'u');
const DOMAIN_ALPHA = new RegExp(`^[a-zA-Z${EMAIL_NON_ASCII}]$`, 'u');

function isQuotedLocalPartValid(local: string[]): boolean {
  if (local.length < 2 || local[0] !== '"' || local[local.length - 1] !== '"') return false;
  for (let i = 1; i < local.length - 1; i += 1) {
    const c = local[i];
    if (c === '\n') {
      if (local[i - 1] !== '\r' || (local[i + 1] !== ' ' && local[i + 1] !== '\t')) return false;
    } else if (!EMAIL_QUOTED_CHAR.test(c)) {
      return false;
    }
  }
  return true;
}

/**
 * The domain: labels of letters, digits and `-.~` (non-ASCII letters too), starting with a letter
 * or digit, and a final dot-separated part starting and ending with a letter; one trailing dot is
 * allowed. A dotted domain is required, so `x@email` is refused.
 */
function isEmailDomainValid(domain: string): boolean {
  const d = Array.from(domain.endsWith('.') ? domain.slice(0, -1) : domain);
  if (d.length < 3 || !DOMAIN_ALNUM.test(d[0]) || !DOMAIN_ALPHA.test(d[d.length - 1])) return false;
  let split = false;
  for (let i = 0; i < d.length; i += 1) {
    const c = d[i];
    if (c === '.') {
      if (DOMAIN_ALNUM.test(d[i - 1] ?? '') && DOMAIN_ALPHA.test(d[i + 1] ?? '')) split = true;
    } else if (c !== '-' && c !== '~' && !DOMAIN_ALNUM.test(c)) {
      return false;
    }
  }
  return split;
}

function isEmailValid(email: string): boolean {
  // The domain cannot hold `@` (a quoted local part can): split at the last one.
  const at = email.lastIndexOf('@');
  if (at < 0) return false;
  const local = email.slice(0, at);
  const localValid = EMAIL_DOT_ATOM.test(local) || isQuotedLocalPartValid(Array.from(local));
  return localValid && isEmailDomainValid(email.slice(at + 1));
}

/**
 * Throws `Validation error: email "x" is not valid` unless `email` passes SFTPGo's strict email
 * rule (`x@email` is invalid: the domain must be dotted). `field` names the field for type errors.
 */
export function validateEmail(email: string, field: string): void {
  if (typeof email !== 'string') throw new ValidationError(`${field} must be a string`);
  if (!isEmailValid(email)) throw new ValidationError(`email ${JSON.stringify(email)} is not valid`);
}

// ---------------------------------------------------------------------------------------------
// Typed readers: the filters arrive as raw JSON (unknown), so every field is type-checked and
// rejected with a message naming it, as Go's JSON decoder would reject a wrong type.

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readObject(value: unknown, field: string): Json | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new ValidationError(`${field} must be an object`);
  return value;
}

function readStringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ValidationError(`${field} must be a list of strings`);
  }
  return value as string[];
}

function readString(value: unknown, field: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new ValidationError(`${field} must be a string`);
  return value;
}

function readBool(value: unknown, field: string): boolean {
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new ValidationError(`${field} must be a boolean`);
  return value;
}

function readInt(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new ValidationError(`${field} must be an integer`);
  }
  return value;
}

function readNonNegativeInt(value: unknown, field: string): number {
  const n = readInt(value, field);
  if (n < 0) throw new ValidationError(`${field} must be greater than or equal to 0`);
  return n;
}

function readList(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError(`${field} must be a list`);
  return value;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

// ---------------------------------------------------------------------------------------------

function validateCidrList(values: string[], what: string): string[] {
  const list = unique(values);
  for (const cidr of list) {
    if (!parseCidr(cidr)) {
      throw new ValidationError(
        `could not parse ${what} IP/Mask ${JSON.stringify(cidr)}: invalid CIDR address: ${cidr}`,
      );
    }
  }
  return list;
}

function validateBandwidthLimits(value: unknown): BandwidthLimit[] {
  return readList(value, 'filters.bandwidth_limits').map((raw, idx) => {
    const field = `filters.bandwidth_limits[${idx}]`;
    const item = readObject(raw, field) ?? {};
    const sources = readStringList(item.sources, `${field}.sources`);
    if (sources.length === 0) throw new ValidationError('no bandwidth limit source specified');
    for (const source of sources) {
      if (!parseCidr(source)) {
        throw new ValidationError(
          `could not parse bandwidth limit source ${JSON.stringify(source)}: invalid CIDR address: ${source}`,
        );
      }
    }
    // Negative limits mean "no limit", stored as 0 as SFTPGo does.
    const upload = Math.max(0, readInt(item.upload_bandwidth, `${field}.upload_bandwidth`));
    const download = Math.max(0, readInt(item.download_bandwidth, `${field}.download_bandwidth`));
    const limit: BandwidthLimit = { sources };
    if (upload) limit.upload_bandwidth = upload;
    if (download) limit.download_bandwidth = download;
    return limit;
  });
}

function validateFilePatterns(value: unknown): PatternsFilter[] {
  const seen = new Set<string>();
  return readList(value, 'filters.file_patterns').map((raw, idx) => {
    const field = `filters.file_patterns[${idx}]`;
    const item = readObject(raw, field) ?? {};
    const rawPath = readString(item.path, `${field}.path`);
    const allowedIn = readStringList(item.allowed_patterns, `${field}.allowed_patterns`);
    const deniedIn = readStringList(item.denied_patterns, `${field}.denied_patterns`);
    const denyPolicy = readInt(item.deny_policy, `${field}.deny_policy`);
    const cleaned = cleanPath(rawPath);
    if (!isAbsPath(cleaned)) {
      throw new ValidationError(`invalid path ${JSON.stringify(rawPath)} for file patterns filter`);
    }
    if (seen.has(cleaned)) {
      throw new ValidationError(`duplicate file patterns filter for path ${JSON.stringify(rawPath)}`);
    }
    if (allowedIn.length === 0 && deniedIn.length === 0) {
      throw new ValidationError(`empty file patterns filter for path ${JSON.stringify(rawPath)}`);
    }
    if (denyPolicy !== 0 && denyPolicy !== 1) {
      throw new ValidationError(`invalid deny policy ${denyPolicy} for path ${JSON.stringify(rawPath)}`);
    }
    const normalise = (patterns: string[]): string[] =>
      unique(
        patterns.map((pattern) => {
          if (!isValidGlob(pattern)) {
            throw new ValidationError(`invalid file pattern filter ${JSON.stringify(pattern)}`);
          }
          return pattern.toLowerCase();
        }),
      );
    seen.add(cleaned);
    const filter: PatternsFilter = { path: cleaned };
    const allowed = normalise(allowedIn);
    const denied = normalise(deniedIn);
    if (allowed.length) filter.allowed_patterns = allowed;
    if (denied.length) filter.denied_patterns = denied;
    if (denyPolicy) filter.deny_policy = denyPolicy;
    return filter;
  });
}

function validateTlsCerts(values: string[]): string[] {
  const certs: string[] = [];
  values.forEach((pem, idx) => {
    if (pem === '') return;
    // Like Go's pem.Decode, which SFTPGo uses first: some PEM block must be there (indexOf, not a
    // regex, so that a long body of unterminated headers costs linear time).
    const begin = pem.indexOf('-----BEGIN ');
    if (begin < 0 || pem.indexOf('-----END ', begin) < 0) {
      throw new ValidationError(`invalid TLS certificate ${idx}`);
    }
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(pem);
    } catch {
      throw new ValidationError(`error parsing TLS certificate ${idx}`);
    }
    const key = cert.publicKey;
    if (key.asymmetricKeyType === 'rsa') {
      const size = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (size < 2048) {
        throw new ValidationError(`invalid size ${size} for rsa cert at position ${idx}, minimum 2048`);
      }
    }
    certs.push(pem);
  });
  return certs;
}

function isTimeOfDayValid(value: string): boolean {
  const match = /^(\d\d):(\d\d)$/.exec(value);
  return !!match && Number(match[1]) <= 23 && Number(match[2]) <= 59;
}

function validateAccessTime(value: unknown): TimePeriod[] {
  return readList(value, 'filters.access_time').map((raw, idx) => {
    const field = `filters.access_time[${idx}]`;
    const item = readObject(raw, field) ?? {};
    const day = readInt(item.day_of_week, `${field}.day_of_week`);
    const from = readString(item.from, `${field}.from`);
    const to = readString(item.to, `${field}.to`);
    if (day < 0 || day > 6) throw new ValidationError(`invalid day of week: ${day}`);
    if (!isTimeOfDayValid(from) || !isTimeOfDayValid(to)) {
      throw new ValidationError('invalid time of day. Supported format: HH:MM');
    }
    // Zero-padded HH:MM strings compare like the times they denote.
    if (to <= from) {
      throw new ValidationError('invalid time of day. The end time cannot be earlier than the start time');
    }
    return { day_of_week: day, from, to };
  });
}

function checkDenied(loginMethods: string[], protocols: string[]): void {
  if (loginMethods.length >= LOGIN_METHODS.length) throw new ValidationError('invalid denied_login_methods');
  for (const method of loginMethods) {
    if (!LOGIN_METHODS.includes(method)) {
      throw new ValidationError(`invalid login method: ${JSON.stringify(method)}`);
    }
  }
  if (protocols.length >= USER_PROTOCOLS.length) throw new ValidationError('invalid denied_protocols');
  for (const protocol of protocols) {
    if (!USER_PROTOCOLS.includes(protocol)) {
      throw new ValidationError(`invalid denied protocol ${JSON.stringify(protocol)}`);
    }
  }
}

/** What SFTPGo adds to the denied lists of an anonymous user: only FTP/WebDAV with a password. */
function anonymousDenied(filters: BaseUserFilters): { methods: string[]; protocols: string[] } {
  return {
    protocols: unique([...(filters.denied_protocols ?? []), 'SSH', 'HTTP']),
    methods: unique([
      ...(filters.denied_login_methods ?? []),
      ...LOGIN_METHODS.filter((m) => m !== 'password'),
    ]),
  };
}

/**
 * Validates and normalises `BaseUserFilters` (users' and groups' `filters`) with SFTPGo's rules.
 * The result holds only known keys with non-default values, plus `hooks` which SFTPGo always
 * serialises. For groups (`group: true`) `tls_certs` and `user_type` are always cleared.
 */
export function validateBaseUserFilters(input: unknown, options: { group: boolean }): BaseUserFilters {
  const raw = readObject(input, 'filters') ?? {};
  const out: BaseUserFilters = {};

  const allowedIp = validateCidrList(readStringList(raw.allowed_ip, 'filters.allowed_ip'), 'allowed');
  const deniedIp = validateCidrList(readStringList(raw.denied_ip, 'filters.denied_ip'), 'denied');
  const bandwidthLimits = validateBandwidthLimits(raw.bandwidth_limits);
  let loginMethods = unique(readStringList(raw.denied_login_methods, 'filters.denied_login_methods'));
  let protocols = unique(readStringList(raw.denied_protocols, 'filters.denied_protocols'));
  const isAnonymous = readBool(raw.is_anonymous, 'filters.is_anonymous');
  if (isAnonymous && !options.group) {
    // SFTPGo applies the anonymous restrictions before checking that something is still allowed.
    const denied = anonymousDenied({ denied_login_methods: loginMethods, denied_protocols: protocols });
    loginMethods = denied.methods;
    protocols = denied.protocols;
  }
  checkDenied(loginMethods, protocols);
  const twoFactor = unique(readStringList(raw.two_factor_protocols, 'filters.two_factor_protocols'));
  for (const protocol of twoFactor) {
    if (!MFA_PROTOCOLS.includes(protocol)) {
      throw new ValidationError(`invalid two factor protocol ${JSON.stringify(protocol)}`);
    }
  }
  const tlsUsername = readString(raw.tls_username, 'filters.tls_username');
  if (tlsUsername !== '' && !TLS_USERNAMES.includes(tlsUsername)) {
    throw new ValidationError(`invalid TLS username: ${JSON.stringify(tlsUsername)}`);
  }
  const tlsCerts = options.group ? [] : validateTlsCerts(readStringList(raw.tls_certs, 'filters.tls_certs'));
  const webClient = unique(readStringList(raw.web_client, 'filters.web_client'));
  for (const option of webClient) {
    if (!WEB_CLIENT_OPTIONS.includes(option)) {
      throw new ValidationError(`invalid web client options ${JSON.stringify(option)}`);
    }
  }
  const defaultShares = readNonNegativeInt(
    raw.default_shares_expiration,
    'filters.default_shares_expiration',
  );
  const maxShares = readNonNegativeInt(raw.max_shares_expiration, 'filters.max_shares_expiration');
  if (maxShares > 0 && maxShares < defaultShares) {
    throw new ValidationError(
      `default shares expiration: ${defaultShares} must be less than or equal to max shares expiration: ${maxShares}`,
    );
  }
  let startDirectory = readString(raw.start_directory, 'filters.start_directory');
  if (startDirectory !== '') {
    startDirectory = cleanPath(`/${startDirectory}`);
    if (startDirectory === '/') startDirectory = '';
  }
  const accessTime = validateAccessTime(raw.access_time);
  const filePatterns = validateFilePatterns(raw.file_patterns);

  const userType = options.group ? '' : readString(raw.user_type, 'filters.user_type');
  if (userType !== '' && !USER_TYPES.includes(userType)) {
    throw new ValidationError(`invalid user type: ${JSON.stringify(userType)}`);
  }
  const ftpSecurity = readInt(raw.ftp_security, 'filters.ftp_security');
  if (ftpSecurity !== 0 && ftpSecurity !== 1)
    throw new ValidationError(`invalid ftp_security: ${ftpSecurity}`);
  const maxUploadFileSize = readNonNegativeInt(raw.max_upload_file_size, 'filters.max_upload_file_size');
  const externalAuthCacheTime = readNonNegativeInt(
    raw.external_auth_cache_time,
    'filters.external_auth_cache_time',
  );
  const passwordExpiration = readNonNegativeInt(raw.password_expiration, 'filters.password_expiration');
  const passwordStrength = readNonNegativeInt(raw.password_strength, 'filters.password_strength');
  const hooks = readObject(raw.hooks, 'filters.hooks') ?? {};
  const disableFsChecks = readBool(raw.disable_fs_checks, 'filters.disable_fs_checks');
  const allowApiKeyAuth = readBool(raw.allow_api_key_auth, 'filters.allow_api_key_auth');

  // Same key order as SFTPGo's JSON; zero values are omitted (omitempty) except `hooks`.
  if (allowedIp.length) out.allowed_ip = allowedIp;
  if (deniedIp.length) out.denied_ip = deniedIp;
  if (loginMethods.length) out.denied_login_methods = loginMethods;
  if (protocols.length) out.denied_protocols = protocols;
  if (filePatterns.length) out.file_patterns = filePatterns;
  if (maxUploadFileSize) out.max_upload_file_size = maxUploadFileSize;
  if (tlsUsername) out.tls_username = tlsUsername;
  if (tlsCerts.length) out.tls_certs = tlsCerts;
  out.hooks = {
    external_auth_disabled: readBool(hooks.external_auth_disabled, 'filters.hooks.external_auth_disabled'),
    pre_login_disabled: readBool(hooks.pre_login_disabled, 'filters.hooks.pre_login_disabled'),
    check_password_disabled: readBool(hooks.check_password_disabled, 'filters.hooks.check_password_disabled'),
  };
  if (disableFsChecks) out.disable_fs_checks = true;
  if (webClient.length) out.web_client = webClient;
  if (allowApiKeyAuth) out.allow_api_key_auth = true;
  if (userType) out.user_type = userType;
  if (bandwidthLimits.length) out.bandwidth_limits = bandwidthLimits;
  if (externalAuthCacheTime) out.external_auth_cache_time = externalAuthCacheTime;
  if (startDirectory) out.start_directory = startDirectory;
  if (twoFactor.length) out.two_factor_protocols = twoFactor;
  if (ftpSecurity) out.ftp_security = ftpSecurity;
  if (isAnonymous) out.is_anonymous = true;
  if (defaultShares) out.default_shares_expiration = defaultShares;
  if (maxShares) out.max_shares_expiration = maxShares;
  if (passwordExpiration) out.password_expiration = passwordExpiration;
  if (passwordStrength) out.password_strength = passwordStrength;
  if (accessTime.length) out.access_time = accessTime;
  return out;
}

/**
 * Validates a user's `filters`: the base filters plus `require_password_change` and
 * `additional_emails`, then SFTPGo's combined rules. `totp_config` and `recovery_codes` are never
 * taken from input (only the user can set up 2FA): the caller keeps the stored ones and passes
 * them as `stored` so that `mfa-disabled` is refused while TOTP is active.
 */
export function validateUserFilters(input: unknown, stored?: Pick<UserFilters, 'totp_config'>): UserFilters {
  const raw = readObject(input, 'filters') ?? {};
  const base = validateBaseUserFilters(raw, { group: false });
  const requirePasswordChange = readBool(raw.require_password_change, 'filters.require_password_change');
  const additionalEmails = readStringList(raw.additional_emails, 'filters.additional_emails');
  for (const email of additionalEmails) validateEmail(email, 'filters.additional_emails');

  const webClient = base.web_client ?? [];
  if (stored?.totp_config?.enabled && webClient.includes('mfa-disabled')) {
    throw new ValidationError(
      'two-factor authentication cannot be disabled for a user with an active configuration',
    );
  }
  if (requirePasswordChange && webClient.includes('password-change-disabled')) {
    throw new ValidationError('you cannot require password change and at the same time disallow it');
  }
  if ((base.two_factor_protocols ?? []).length > 0 && webClient.includes('mfa-disabled')) {
    throw new ValidationError(
      'you cannot require two-factor authentication and at the same time disallow it',
    );
  }
  const out: UserFilters = { ...base };
  if (requirePasswordChange) out.require_password_change = true;
  if (additionalEmails.length) out.additional_emails = additionalEmails;
  return out;
}

/**
 * SFTPGo's `is_anonymous` settings (`user.go` setAnonymousSettings): every permission entry
 * becomes `["list","download"]`, SSH and HTTP are denied, every login method except `password` is
 * denied. A no-op when `filters.is_anonymous` is not set. Returns new objects.
 */
export function applyAnonymous<F extends BaseUserFilters>(
  permissions: PermissionMap,
  filters: F,
): { permissions: PermissionMap; filters: F } {
  if (!filters.is_anonymous) return { permissions, filters };
  const adjusted: PermissionMap = {};
  for (const dir of Object.keys(permissions)) adjusted[dir] = ['list', 'download'];
  const denied = anonymousDenied(filters);
  checkDenied(denied.methods, denied.protocols);
  return {
    permissions: adjusted,
    filters: { ...filters, denied_login_methods: denied.methods, denied_protocols: denied.protocols },
  };
}
