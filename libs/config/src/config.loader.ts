import { readFileSync, statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { isIP } from 'node:net';
import { loadAll } from 'js-yaml';
import { defaultBinding, defaultConfig, defaultRateLimiter, SftpgoConfig } from './config.types';
import { opensslCipherName } from './tls-ciphers';

/** Thrown when the configuration cannot be loaded or is invalid; `problems` holds one entry per issue. */
export class ConfigError extends Error {
  /** Every problem found, each naming its key path (the message has them one per line). */
  readonly problems: readonly string[];

  constructor(message: string, problems: readonly string[] = [message]) {
    super(message);
    this.name = 'ConfigError';
    this.problems = problems;
  }

  /** One error carrying all validation problems, each line prefixed `invalid configuration: `. */
  static invalid(problems: readonly string[]): ConfigError {
    return new ConfigError(problems.map((p) => `invalid configuration: ${p}`).join('\n'), problems);
  }
}

/** Options of {@link loadConfig}; each defaults to the current process's value. */
export interface LoadConfigOptions {
  argv?: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** What {@link loadConfig} returns: the validated config and the warnings to log (unknown keys...). */
export interface LoadedConfig {
  config: SftpgoConfig;
  warnings: string[];
}

type LogLevel = SftpgoConfig['logLevel'];
type Tree = Record<string, unknown>;
type Coerced = { ok: true; value: unknown } | { ok: false; message: string };

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const ENV_PREFIX = 'SFTPGO_';
/** SFTPGO_* variables that are not config keys: never warn about them. */
const NON_KEY_ENV = new Set([
  'SFTPGO_DEFAULT_ADMIN_USERNAME',
  'SFTPGO_DEFAULT_ADMIN_PASSWORD',
  'SFTPGO_CONFIG_DIR',
  'SFTPGO_CONFIG_FILE',
  'SFTPGO_LOG_LEVEL',
]);
const CONFIG_FILE_NAMES = ['sftpgo.json', 'sftpgo.yaml', 'sftpgo.yml'];
/**
 * Lists of objects: each element is built from its template, so missing keys get defaults. Keys are
 * paths with list indexes written `[]`.
 */
const OBJECT_LISTS: Readonly<Record<string, () => Tree>> = {
  'httpd.bindings': () => ({ ...defaultBinding() }),
  'common.rate_limiters': () => ({ ...defaultRateLimiter() }),
  'httpd.bindings[].security.https_proxy_headers': () => ({ key: '', value: '' }),
};

/** The template of the object list at `keyPath` (indexes ignored), if it is one. */
function objectListTemplate(keyPath: string): (() => Tree) | undefined {
  return OBJECT_LISTS[keyPath.replace(/\[\d+\]/g, '[]')];
}
/** SFTPGo supports env indexes 0-9 only. */
const MAX_ENV_INDEX = 9;
/** Go's strconv.ParseBool. */
const BOOL_STRINGS: Readonly<Record<string, boolean>> = {
  '1': true,
  t: true,
  T: true,
  true: true,
  TRUE: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  false: false,
  FALSE: false,
  False: false,
};
const SUPPORTED_DRIVERS = ['sqlite', 'mysql', 'postgresql'];
const SFTPGO_ONLY_DRIVERS = ['bolt', 'memory', 'cockroachdb'];
/** Both mean the built-in master-key encryption here (cloud KMS providers are not supported). */
const KMS_URLS = ['', 'local://', 'builtin://'];

/**
 * Loads the SFTPGo-compatible configuration: defaults <- config file <- `SFTPGO_*` env, validated, paths
 * resolved against the config dir. Throws {@link ConfigError}; unknown keys only produce warnings.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const argv = options.argv ?? process.argv.slice(2);
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const warnings: string[] = [];
  const problems: string[] = [];

  const cli = parseArgv(argv);
  const configDir = resolve(cwd, cli.configDir ?? nonEmpty(env.SFTPGO_CONFIG_DIR) ?? '.');
  if (!isDirectory(configDir)) {
    warnings.push(`config dir "${configDir}" does not exist or is not a directory`);
  }

  const base = defaultConfig();
  // Same object, seen as a tree: the merge only stores values of the default's type, so `base` stays typed.
  const tree: Tree = base;
  const file = findConfigFile(configDir, cli.configFile ?? nonEmpty(env.SFTPGO_CONFIG_FILE));
  if (file !== undefined) {
    mergeFileObject(tree, parseConfigFile(file), '', { source: `in ${file}`, warnings, problems });
  }
  applyEnv(tree, env, warnings, problems);

  const rawLevel = cli.logLevel ?? nonEmpty(env.SFTPGO_LOG_LEVEL) ?? 'info';
  const logLevel = LOG_LEVELS.find((l) => l === rawLevel);
  if (logLevel === undefined) {
    problems.push(
      `log level (--log-level / SFTPGO_LOG_LEVEL): must be one of ${LOG_LEVELS.join(', ')}, got ${quote(rawLevel)}`,
    );
  }

  const httpd = base.httpd;
  if (httpd.signing_passphrase_file !== '') {
    const passphraseFile = resolve(configDir, httpd.signing_passphrase_file);
    httpd.signing_passphrase_file = passphraseFile;
    try {
      const content = readFileSync(passphraseFile, 'utf8').trim();
      // An empty file would silently fall back to a random key, invalidating tokens on every restart.
      if (content === '') problems.push(`httpd.signing_passphrase_file: file "${passphraseFile}" is empty`);
      else httpd.signing_passphrase = content;
    } catch (err) {
      problems.push(`httpd.signing_passphrase_file: cannot read "${passphraseFile}": ${errorText(err)}`);
    }
  }

  validate(base, problems);
  if (problems.length > 0 || logLevel === undefined) throw ConfigError.invalid(problems);

  const dp = base.data_provider;
  // ':memory:' is SQLite's in-memory database, not a file name.
  if (dp.driver === 'sqlite' && dp.name !== ':memory:') dp.name = resolve(configDir, dp.name);
  dp.backups_path = resolve(configDir, dp.backups_path);
  if (dp.users_base_dir !== '') dp.users_base_dir = resolve(configDir, dp.users_base_dir);
  // Certificates, CAs and CRLs are read (and re-read on SIGHUP) by the HTTP bindings.
  const fromConfigDir = (file: string) => (file === '' ? '' : resolve(configDir, file));
  httpd.certificate_file = fromConfigDir(httpd.certificate_file);
  httpd.certificate_key_file = fromConfigDir(httpd.certificate_key_file);
  httpd.ca_certificates = httpd.ca_certificates.map(fromConfigDir);
  httpd.ca_revocation_lists = httpd.ca_revocation_lists.map(fromConfigDir);
  for (const binding of httpd.bindings) {
    binding.certificate_file = fromConfigDir(binding.certificate_file);
    binding.certificate_key_file = fromConfigDir(binding.certificate_key_file);
  }
  const secrets = base.kms.secrets;
  // Read by the KMS at start-up; resolved here like every other path.
  if (secrets.master_key_path !== '') secrets.master_key_path = resolve(configDir, secrets.master_key_path);

  const defaultAdmin = {
    username: (env.SFTPGO_DEFAULT_ADMIN_USERNAME ?? '').trim(),
    password: (env.SFTPGO_DEFAULT_ADMIN_PASSWORD ?? '').trim(),
  };
  return { config: { configDir, logLevel, ...base, defaultAdmin }, warnings };
}

interface CliOptions {
  configDir?: string;
  configFile?: string;
  logLevel?: string;
}

const FLAGS: ReadonlyArray<{ long: string; short?: string; key: keyof CliOptions }> = [
  { long: '--config-dir', short: '-c', key: 'configDir' },
  { long: '--config-file', key: 'configFile' },
  { long: '--log-level', key: 'logLevel' },
];

/** Picks our flags out of argv; anything else (subcommands, other flags) is left to its owner. */
function parseArgv(argv: readonly string[]): CliOptions {
  const out: CliOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') break;
    for (const flag of FLAGS) {
      const names = flag.short === undefined ? [flag.long] : [flag.long, flag.short];
      let value: string | undefined;
      if (names.includes(arg)) {
        value = argv[i + 1];
        if (value === undefined) throw new ConfigError(`${arg}: missing value`);
        i++;
      } else {
        const name = names.find((n) => arg.startsWith(`${n}=`));
        if (name === undefined) continue;
        value = arg.slice(name.length + 1);
      }
      if (value === '') throw new ConfigError(`${flag.long}: must not be empty`);
      out[flag.key] = value; // last occurrence wins, as with pflag
      break;
    }
  }
  return out;
}

function findConfigFile(configDir: string, explicit: string | undefined): string | undefined {
  if (explicit !== undefined) {
    const file = resolve(configDir, explicit);
    if (!isFile(file)) throw new ConfigError(`configuration file "${file}" not found`);
    return file;
  }
  return CONFIG_FILE_NAMES.map((n) => resolve(configDir, n)).find(isFile);
}

function parseConfigFile(file: string): Tree {
  const ext = extname(file).toLowerCase();
  if (!['.json', '.yaml', '.yml'].includes(ext)) {
    throw new ConfigError(
      `configuration file "${file}": unsupported format "${ext}", use .json, .yaml or .yml`,
    );
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new ConfigError(`cannot read configuration file "${file}": ${errorText(err)}`);
  }
  let data: unknown;
  try {
    if (ext === '.json') {
      data = text.trim() === '' ? null : JSON.parse(text);
    } else {
      // loadAll, unlike load, accepts an empty or comment-only file (zero documents).
      const docs = loadAll(text, { filename: file });
      if (docs.length > 1) throw new Error('expected a single YAML document');
      data = docs[0] ?? null;
    }
  } catch (err) {
    throw new ConfigError(`cannot parse configuration file "${file}": ${errorText(err)}`);
  }
  if (data === null) return {};
  if (!isPlainObject(data))
    throw new ConfigError(`configuration file "${file}": the top level must be a mapping`);
  return data;
}

interface MergeContext {
  /** Appended to type errors, e.g. `in /etc/sftpgo/sftpgo.json`. */
  source: string;
  warnings: string[];
  problems: string[];
}

/** Merges a parsed file object into `target` (defaults), type-checking leaves against the defaults. */
function mergeFileObject(target: Tree, source: Tree, path: string, ctx: MergeContext): void {
  for (const [rawKey, value] of Object.entries(source)) {
    // Viper matches keys case-insensitively; messages use the canonical (lower-case) name.
    const key = findKey(target, (k) => k === rawKey) ?? findKey(target, (k) => k === rawKey.toLowerCase());
    const keyPath = joinPath(path, key ?? rawKey);
    if (key === undefined) {
      ctx.warnings.push(`unknown configuration key "${keyPath}" ignored`);
      continue;
    }
    // null (e.g. a YAML key with no value) keeps the default, as with viper.
    if (value === null || value === undefined) continue;
    const current = target[key];
    const template = objectListTemplate(keyPath);
    if (template !== undefined) {
      if (!Array.isArray(value)) {
        ctx.problems.push(`${keyPath}: must be a list, got ${describe(value, keyPath)} (${ctx.source})`);
        continue;
      }
      target[key] = value.map((item: unknown, i) => {
        const element = template();
        if (isPlainObject(item)) mergeFileObject(element, item, `${keyPath}[${i}]`, ctx);
        else
          ctx.problems.push(
            `${keyPath}[${i}]: must be an object, got ${describe(item, keyPath)} (${ctx.source})`,
          );
        return element;
      });
    } else if (isPlainObject(current)) {
      if (isPlainObject(value)) mergeFileObject(current, value, keyPath, ctx);
      else
        ctx.problems.push(`${keyPath}: must be an object, got ${describe(value, keyPath)} (${ctx.source})`);
    } else {
      const result = checkFileValue(value, current, keyPath);
      if (result.ok) target[key] = result.value;
      else ctx.problems.push(`${keyPath}: ${result.message} (${ctx.source})`);
    }
  }
}

function checkFileValue(value: unknown, def: unknown, path: string): Coerced {
  if (Array.isArray(def)) {
    return Array.isArray(value) && value.every((v) => typeof v === 'string')
      ? { ok: true, value: [...value] }
      : { ok: false, message: `must be a list of strings, got ${describe(value, path)}` };
  }
  switch (typeof def) {
    case 'string':
      return typeof value === 'string'
        ? { ok: true, value }
        : { ok: false, message: `must be a string, got ${describe(value, path)}` };
    case 'number':
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? { ok: true, value }
        : { ok: false, message: `must be an integer, got ${describe(value, path)}` };
    case 'boolean':
      // viper decodes 0/1 as booleans; nothing else.
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 0 || value === 1) return { ok: true, value: value === 1 };
      return { ok: false, message: `must be a boolean, got ${describe(value, path)}` };
    default:
      return { ok: false, message: 'unsupported key type' };
  }
}

/**
 * Converts an env string to the type of `def` (the default at that key), SFTPGo-style: integers in
 * decimal, booleans as Go's strconv.ParseBool, string lists comma separated. Exported for tests.
 */
export function coerceEnvValue(raw: string, def: unknown): Coerced {
  const text = raw.trim();
  if (Array.isArray(def)) {
    return {
      ok: true,
      value: text
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    };
  }
  switch (typeof def) {
    case 'string':
      return { ok: true, value: raw };
    case 'number': {
      // Number() alone would accept '', ' ', '0x10', '1e3' and '1.0'.
      const n = /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
      return Number.isSafeInteger(n)
        ? { ok: true, value: n }
        : { ok: false, message: `must be an integer, got ${quote(raw)}` };
    }
    case 'boolean': {
      const b = BOOL_STRINGS[text];
      return b === undefined
        ? { ok: false, message: `must be a boolean (1, 0, true, false, t, f), got ${quote(raw)}` }
        : { ok: true, value: b };
    }
    default:
      return { ok: false, message: 'unsupported key type' };
  }
}

/** Applies `SFTPGO_SECTION__KEY[__INDEX__KEY]` variables over the merged tree. */
function applyEnv(tree: Tree, env: NodeJS.ProcessEnv, warnings: string[], problems: string[]): void {
  const supportedSections = new Set(Object.keys(tree).map((k) => k.toUpperCase()));
  // Sorted so that, for a given list, index 1 is appended before index 2 (indexes are single digits).
  const names = Object.keys(env)
    .filter((n) => n.startsWith(ENV_PREFIX) && !NON_KEY_ENV.has(n))
    .sort();
  for (const name of names) {
    const raw = env[name];
    // viper ignores empty env values (AllowEmptyEnv is off in SFTPGo).
    if (raw === undefined || raw === '') continue;
    const segments = name.slice(ENV_PREFIX.length).split('__');
    const outcome = applyEnvVar(tree, segments, raw, name);
    if (outcome.kind === 'problem') problems.push(outcome.message);
    else if (outcome.kind === 'unknown' && supportedSections.has(segments[0])) {
      warnings.push(
        `environment variable ${name} does not match a supported configuration key, ignored` +
          (outcome.reason === undefined ? '' : ` (${outcome.reason})`),
      );
    }
  }
}

type EnvOutcome =
  { kind: 'set' } | { kind: 'unknown'; reason?: string } | { kind: 'problem'; message: string };

function applyEnvVar(tree: Tree, segments: readonly string[], raw: string, name: string): EnvOutcome {
  let node = tree;
  let path = '';
  // Elements (a binding, a header of a new binding) appended only once the whole variable proved valid.
  const pendingAppends: { list: unknown[]; element: Tree }[] = [];
  for (let i = 0; i < segments.length; i++) {
    const key = findKey(node, (k) => k.toUpperCase() === segments[i]);
    if (key === undefined) return { kind: 'unknown' };
    const keyPath = joinPath(path, key);
    const current = node[key];
    const last = i === segments.length - 1;
    const template = objectListTemplate(keyPath);
    if (template !== undefined && Array.isArray(current)) {
      const indexSegment = segments[i + 1];
      if (indexSegment === undefined || i + 1 === segments.length - 1 || !/^\d+$/.test(indexSegment)) {
        return { kind: 'unknown', reason: `use ${segments.slice(0, i + 1).join('__')}__<index>__<key>` };
      }
      const index = Number(indexSegment);
      if (index > MAX_ENV_INDEX)
        return { kind: 'unknown', reason: `list indexes must be 0-${MAX_ENV_INDEX}` };
      if (index > current.length) {
        return {
          kind: 'problem',
          message:
            `${keyPath}[${index}]: index would leave a gap, the list has ${current.length} element(s) ` +
            `so the next index is ${current.length} (from ${name})`,
        };
      }
      let element: unknown = current[index];
      if (index === current.length) {
        const fresh = template();
        pendingAppends.push({ list: current, element: fresh });
        element = fresh;
      }
      if (!isPlainObject(element)) return { kind: 'unknown' };
      node = element;
      path = `${keyPath}[${index}]`;
      i++;
      continue;
    }
    if (isPlainObject(current)) {
      if (last) return { kind: 'unknown' };
      node = current;
      path = keyPath;
      continue;
    }
    if (!last) return { kind: 'unknown' };
    const result = coerceEnvValue(raw, current);
    if (!result.ok) return { kind: 'problem', message: `${keyPath}: ${result.message} (from ${name})` };
    node[key] = result.value;
    for (const { list, element } of pendingAppends) list.push(element);
    return { kind: 'set' };
  }
  return { kind: 'unknown' };
}

type MergedConfig = ReturnType<typeof defaultConfig>;

/** Checks the merged values; every failure is pushed as `key.path: reason`. */
function validate(c: MergedConfig, problems: string[]): void {
  const intRange = (path: string, value: number, min: number, max?: number): void => {
    if (Number.isInteger(value) && value >= min && (max === undefined || value <= max)) return;
    const range = max === undefined ? `>= ${min}` : `between ${min} and ${max}`;
    problems.push(`${path}: must be an integer ${range}, got ${value}`);
  };
  const required = (path: string, value: string, why = ''): void => {
    if (value.trim() === '') problems.push(`${path}: must not be empty${why}`);
  };

  const h = c.httpd;
  if (h.bindings.length === 0) problems.push('httpd.bindings: at least one binding is required');
  h.bindings.forEach((b, i) => validateBinding(c, b, `httpd.bindings[${i}]`, problems, intRange));
  intRange('httpd.jwt_lifetime', h.jwt_lifetime, 1, 720);
  intRange('httpd.token_validation', h.token_validation, 0, 3);
  intRange('httpd.max_upload_file_size', h.max_upload_file_size, 0);
  const cors = h.cors;
  if (cors.options_success_status !== 0)
    intRange('httpd.cors.options_success_status', cors.options_success_status, 200, 299);

  const dp = c.data_provider;
  const driver: string = dp.driver;
  if (SFTPGO_ONLY_DRIVERS.includes(driver)) {
    problems.push(
      `data_provider.driver: "${driver}" is not supported by this server, use one of ${SUPPORTED_DRIVERS.join(', ')}`,
    );
  } else if (!SUPPORTED_DRIVERS.includes(driver)) {
    problems.push(
      `data_provider.driver: must be one of ${SUPPORTED_DRIVERS.join(', ')}, got ${quote(driver)}`,
    );
  } else if (driver !== 'sqlite') {
    required('data_provider.host', dp.host, ` when data_provider.driver is "${driver}"`);
  }
  required('data_provider.name', dp.name);
  intRange('data_provider.port', dp.port, 0, 65535);
  intRange('data_provider.sslmode', dp.sslmode, 0, 3);
  intRange('data_provider.pool_size', dp.pool_size, 0);
  const ph = dp.password_hashing;
  const algo: string = ph.algo;
  if (algo !== 'bcrypt' && algo !== 'argon2id') {
    problems.push(`data_provider.password_hashing.algo: must be bcrypt or argon2id, got ${quote(algo)}`);
  }
  intRange('data_provider.password_hashing.bcrypt_options.cost', ph.bcrypt_options.cost, 4, 31);
  intRange('data_provider.password_hashing.argon2_options.memory', ph.argon2_options.memory, 1024);
  intRange('data_provider.password_hashing.argon2_options.iterations', ph.argon2_options.iterations, 1);
  intRange(
    'data_provider.password_hashing.argon2_options.parallelism',
    ph.argon2_options.parallelism,
    1,
    255,
  );
  intRange('data_provider.naming_rules', dp.naming_rules, 0, 7);
  required('data_provider.backups_path', dp.backups_path);
  intRange('data_provider.track_quota', dp.track_quota, 0, 2);

  intRange('common.secret_min_entropy', c.common.secret_min_entropy, 0);
  const kmsUrl = c.kms.secrets.url;
  if (!KMS_URLS.includes(kmsUrl)) {
    problems.push(
      `kms.secrets.url: ${quote(kmsUrl)} is not supported by this server, use "" or one of ` +
        KMS_URLS.filter((u) => u !== '').join(', '),
    );
  }
}

/** `disabled_login_methods` bits of the REST API: admin token, user token, admin keys, user keys. */
const REST_LOGIN_METHODS = 16 | 32 | 64 | 128;
const TLS_VERSIONS = [10, 11, 12, 13];

type IntRange = (path: string, value: number, min: number, max?: number) => void;

/** Checks one `httpd.bindings[]` entry (`path` names it in every message). */
function validateBinding(
  c: MergedConfig,
  b: MergedConfig['httpd']['bindings'][number],
  path: string,
  problems: string[],
  intRange: IntRange,
): void {
  intRange(`${path}.port`, b.port, 0, 65535);
  intRange(`${path}.client_ip_header_depth`, b.client_ip_header_depth, 0);
  intRange(`${path}.disabled_login_methods`, b.disabled_login_methods, 0, 255);
  if (b.enable_rest_api && (b.disabled_login_methods & REST_LOGIN_METHODS) === REST_LOGIN_METHODS) {
    problems.push(
      `${path}.disabled_login_methods: with the REST API enabled, bits 16, 32, 64 and 128 cannot all be set ` +
        '(no way left to authenticate)',
    );
  }
  b.proxy_allowed.forEach((entry, j) => {
    if (!isIpOrCidr(entry))
      problems.push(`${path}.proxy_allowed[${j}]: not an IP address or CIDR network: ${quote(entry)}`);
  });
  if (b.client_ip_proxy_header !== '' && !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(b.client_ip_proxy_header)) {
    problems.push(
      `${path}.client_ip_proxy_header: not a valid header name: ${quote(b.client_ip_proxy_header)}`,
    );
  }
  if (!TLS_VERSIONS.includes(b.min_tls_version)) {
    problems.push(
      `${path}.min_tls_version: must be one of ${TLS_VERSIONS.join(', ')}, got ${b.min_tls_version}`,
    );
  }
  b.tls_cipher_suites.forEach((name, j) => {
    if (opensslCipherName(name) === undefined) {
      problems.push(`${path}.tls_cipher_suites[${j}]: unknown or unsupported cipher suite ${quote(name)}`);
    }
  });
  if (b.enable_https) {
    const hasOwn = b.certificate_file !== '' || b.certificate_key_file !== '';
    const cert = hasOwn ? b.certificate_file : c.httpd.certificate_file;
    const key = hasOwn ? b.certificate_key_file : c.httpd.certificate_key_file;
    if (cert === '' || key === '') {
      problems.push(
        `${path}.enable_https: no certificate: set ${path}.certificate_file and .certificate_key_file, ` +
          'or httpd.certificate_file and httpd.certificate_key_file',
      );
    }
    if (b.client_auth_type === 1 && c.httpd.ca_certificates.length === 0) {
      problems.push(`${path}.client_auth_type: 1 needs httpd.ca_certificates to verify client certificates`);
    }
  }
  const sec = b.security;
  intRange(`${path}.security.sts_seconds`, sec.sts_seconds, 0);
  if (sec.cache_control !== '' && sec.cache_control !== 'private') {
    problems.push(`${path}.security.cache_control: must be "" or "private", got ${quote(sec.cache_control)}`);
  }
  if (sec.allowed_hosts_are_regex) {
    sec.allowed_hosts.forEach((pattern, j) => {
      try {
        new RegExp(pattern);
      } catch (err) {
        problems.push(`${path}.security.allowed_hosts[${j}]: invalid regular expression: ${errorText(err)}`);
      }
    });
  }
  sec.https_proxy_headers.forEach((header, j) => {
    if (header.key.trim() === '')
      problems.push(`${path}.security.https_proxy_headers[${j}].key: must not be empty`);
  });
}

/** SFTPGo's `proxy_allowed` entries: an IP, or a CIDR network (v4 or v6). */
function isIpOrCidr(entry: string): boolean {
  const match = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(entry.trim());
  if (!match) return false;
  const family = isIP(match[1]);
  if (family === 0) return false;
  return match[2] === undefined || Number(match[2]) <= (family === 4 ? 32 : 128);
}

function isPlainObject(value: unknown): value is Tree {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function findKey(node: Tree, match: (key: string) => boolean): string | undefined {
  return Object.keys(node).find(match);
}

function joinPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/** Describes a wrong value for a message; secrets only by type so they never reach the logs. */
function describe(value: unknown, path: string): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  if (/(password|passphrase|master_key)$/.test(path)) return `a ${typeof value}`;
  return typeof value === 'string' ? quote(value) : String(value);
}

function quote(value: string): string {
  return JSON.stringify(value);
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
