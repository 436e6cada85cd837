/** `httpd.bindings[].security`: security headers and host checks (SFTPGo's unrolled/secure options). */
export interface HttpSecurityConfig {
  enabled: boolean;
  /** Host names (with port when not the default) accepted in `Host`; empty = any. */
  allowed_hosts: string[];
  allowed_hosts_are_regex: boolean;
  /** Headers (e.g. `X-Forwarded-Host`) read for the host instead of `Host`, when present. */
  hosts_proxy_headers: string[];
  /** Plain HTTP requests are redirected (307) to HTTPS. */
  https_redirect: boolean;
  /** Host of the redirect target; "" = the request's host. */
  https_host: string;
  /** `{key, value}` pairs: a request carrying one of them is taken as HTTPS (behind a TLS proxy). */
  https_proxy_headers: { key: string; value: string }[];
  /** `Strict-Transport-Security` max-age, sent on HTTPS requests only; 0 = none. */
  sts_seconds: number;
  sts_include_subdomains: boolean;
  sts_preload: boolean;
  content_type_nosniff: boolean;
  content_security_policy: string;
  permissions_policy: string;
  cross_origin_opener_policy: string;
  /** `private`: `Cache-Control: private` on every response; "" = none. */
  cache_control: string;
}

/** One HTTP listener (`httpd.bindings[]`), SFTPGo's key names. */
export interface HttpBindingConfig {
  /** Interface to listen on; "" = all interfaces; an absolute path = unix socket. */
  address: string;
  port: number;
  enable_rest_api: boolean;
  /** No web UI here: only counted to skip a binding with everything off, as SFTPGo does. */
  enable_web_admin: boolean;
  enable_web_client: boolean;
  enable_https: boolean;
  /** Per-binding certificate; else `httpd.certificate_file`/`certificate_key_file`. */
  certificate_file: string;
  certificate_key_file: string;
  /** 10, 11, 12 or 13 (TLS 1.0 .. 1.3). */
  min_tls_version: number;
  /** 1: require and verify a client certificate (against `httpd.ca_certificates`); else none. */
  client_auth_type: number;
  /** Go cipher suite names (e.g. `TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256`); empty = OpenSSL defaults. */
  tls_cipher_suites: string[];
  /** IPs or CIDRs of the proxies whose client IP header is trusted. */
  proxy_allowed: string[];
  /** e.g. `X-Forwarded-For`; "" = proxy headers never read. */
  client_ip_proxy_header: string;
  /** Position, from the right (0 = rightmost), in a comma-separated client IP header. */
  client_ip_header_depth: number;
  /** Bits: 16 admin token, 32 user token, 64 admin API keys, 128 user API keys (1-8: web UI, ignored). */
  disabled_login_methods: number;
  security: HttpSecurityConfig;
  /**
   * Beyond SFTPGo (which serves metrics on a separate telemetry listener): `GET /metrics` on this
   * binding answers without authentication (e.g. a loopback binding scraped by Prometheus). Otherwise
   * `/metrics` needs an admin with the `view_status` permission.
   */
  public_metrics: boolean;
}

/** `httpd.cors`: SFTPGo's rs/cors options. */
export interface HttpCorsConfig {
  enabled: boolean;
  /** Origins (`*` = any, one `*` wildcard allowed in an origin); empty = any. */
  allowed_origins: string[];
  /** Empty = GET, POST, HEAD. */
  allowed_methods: string[];
  /** `*` = any; empty = Accept, Content-Type, X-Requested-With. */
  allowed_headers: string[];
  exposed_headers: string[];
  allow_credentials: boolean;
  /** Seconds; 0 = no `Access-Control-Max-Age`, < 0 = `0`. */
  max_age: number;
  /** Preflights go on to the routes instead of being answered here. */
  options_passthrough: boolean;
  /** Status of an answered preflight; 0 = 204. */
  options_success_status: number;
  allow_private_network: boolean;
}

/** The `httpd` section. */
export interface HttpdConfig {
  bindings: HttpBindingConfig[];
  signing_passphrase: string;
  signing_passphrase_file: string;
  /** Minutes, 1..720. */
  jwt_lifetime: number;
  /** Bit 1: do not bind tokens to the client IP; bit 2: token `sub` must match the principal's updated_at. */
  token_validation: number;
  /** Bytes; 0 = unlimited. */
  max_upload_file_size: number;
  /** Default certificate of HTTPS bindings (PEM); relative to the config dir. */
  certificate_file: string;
  certificate_key_file: string;
  /** CA certificates (PEM files) client certificates are verified against. */
  ca_certificates: string[];
  /** CRL files (PEM or DER) of those CAs. */
  ca_revocation_lists: string[];
  cors: HttpCorsConfig;
}

/** `data_provider.password_hashing`. */
export interface PasswordHashingConfig {
  bcrypt_options: { cost: number };
  argon2_options: { memory: number; iterations: number; parallelism: number };
  algo: 'bcrypt' | 'argon2id';
}

/** The `data_provider` section. */
export interface DataProviderConfig {
  driver: 'sqlite' | 'mysql' | 'postgresql';
  /** Database name; for sqlite the file path, relative to the config dir unless absolute. */
  name: string;
  host: string;
  port: number;
  username: string;
  password: string;
  /** 0 disable, 1 require, 2 verify-ca (pg) / skip-verify (mysql), 3 verify-full (pg) / preferred (mysql). */
  sslmode: number;
  pool_size: number;
  users_base_dir: string;
  create_default_admin: boolean;
  password_hashing: PasswordHashingConfig;
  password_caching: boolean;
  /** Bit 1 allow any UTF-8, bit 2 lower-case, bit 4 trim spaces. */
  naming_rules: number;
  /** Where `/dumpdata` writes its files (relative to the config dir unless absolute). */
  backups_path: string;
  /** 0: quotas not tracked (scan/usage APIs 403); 1: always; 2 (default): users with quota limits, folders always. */
  track_quota: number;
}

/** `kms.secrets`: how filesystem secrets are encrypted at rest. */
export interface KmsSecretsConfig {
  /** "" (= `local://`), `local://` or `builtin://`: both use our built-in AES-256-GCM under the master key. */
  url: string;
  /** Any string; the encryption master key is its SHA-256. Wins over `master_key_path`. */
  master_key: string;
  /** File holding the master key (trimmed); relative to the config dir unless absolute. */
  master_key_path: string;
}

/** The `kms` section. */
export interface KmsConfig {
  secrets: KmsSecretsConfig;
}

/** `common.defender`: auto-blocking of hosts that keep failing to authenticate (SFTPGo's keys and defaults). */
export interface DefenderConfig {
  enabled: boolean;
  /** `memory` (this instance) or `provider` (bans shared through the database). */
  driver: 'memory' | 'provider';
  /** Minutes. */
  ban_time: number;
  /** Percent of `ban_time` added on each request from a banned host. */
  ban_time_increment: number;
  threshold: number;
  /** Unknown user. */
  score_invalid: number;
  /** Existing user, wrong credentials. */
  score_valid: number;
  score_limit_exceeded: number;
  score_no_auth: number;
  /** Minutes. */
  observation_time: number;
  entries_soft_limit: number;
  entries_hard_limit: number;
  /** Milliseconds to wait before answering a login: after a success, after a failure. */
  login_delay: { success: number; password_failed: number };
}

/** One `common.rate_limiters[]` entry (token bucket). */
export interface RateLimiterConfig {
  /** Requests per `period`; 0 disables the limiter. */
  average: number;
  /** Milliseconds. */
  period: number;
  burst: number;
  /** 1 global, 2 per source IP. */
  type: number;
  /** Subset of SSH, FTP, DAV, HTTP; only HTTP concerns this server. */
  protocols: string[];
  generate_defender_events: boolean;
  entries_soft_limit: number;
  entries_hard_limit: number;
}

/** The `common` section (the keys this server uses). */
export interface CommonConfig {
  /** Minimum entropy (bits) of a Plain encryption secret (crypt passphrase, S3 SSE-C key); 0 disables. */
  secret_min_entropy: number;
  defender: DefenderConfig;
  rate_limiters: RateLimiterConfig[];
  /** 1: only addresses on the allow list (IP list type 1) may connect. */
  allowlist_status: number;
  /**
   * Beyond SFTPGo: a Redis URL (`redis://host:6379/0`) where the rate limiters keep their buckets, so
   * several instances share one limit; "" keeps them in this process.
   */
  rate_limiters_redis_url: string;
}

/** The whole configuration as the server uses it (file + env, validated, paths resolved). */
export interface SftpgoConfig {
  /** Absolute config dir (`--config-dir`/`-c`, default the working dir). */
  configDir: string;
  /** `--log-level` / `SFTPGO_LOG_LEVEL`: debug, info, warn, error, silent. */
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  httpd: HttpdConfig;
  data_provider: DataProviderConfig;
  common: CommonConfig;
  kms: KmsConfig;
  /** `SFTPGO_DEFAULT_ADMIN_USERNAME` / `SFTPGO_DEFAULT_ADMIN_PASSWORD` (trimmed), not config keys. */
  defaultAdmin: { username: string; password: string };
}

/** SFTPGo's defaults for every supported key. */
export function defaultConfig(): Omit<SftpgoConfig, 'configDir' | 'logLevel' | 'defaultAdmin'> {
  return {
    httpd: {
      bindings: [defaultBinding()],
      signing_passphrase: '',
      signing_passphrase_file: '',
      jwt_lifetime: 20,
      token_validation: 0,
      max_upload_file_size: 0,
      certificate_file: '',
      certificate_key_file: '',
      ca_certificates: [],
      ca_revocation_lists: [],
      cors: {
        enabled: false,
        allowed_origins: [],
        allowed_methods: [],
        allowed_headers: [],
        exposed_headers: [],
        allow_credentials: false,
        max_age: 0,
        options_passthrough: false,
        options_success_status: 0,
        allow_private_network: false,
      },
    },
    data_provider: {
      driver: 'sqlite',
      name: 'sftpgo.db',
      host: '',
      port: 0,
      username: '',
      password: '',
      sslmode: 0,
      pool_size: 0,
      users_base_dir: '',
      create_default_admin: false,
      password_hashing: {
        bcrypt_options: { cost: 10 },
        argon2_options: { memory: 65536, iterations: 1, parallelism: 2 },
        algo: 'bcrypt',
      },
      password_caching: true,
      naming_rules: 5,
      backups_path: 'backups',
      track_quota: 2,
    },
    common: {
      secret_min_entropy: 80,
      defender: {
        enabled: false,
        driver: 'memory',
        ban_time: 30,
        ban_time_increment: 50,
        threshold: 15,
        score_invalid: 2,
        score_valid: 1,
        score_limit_exceeded: 3,
        score_no_auth: 0,
        observation_time: 30,
        entries_soft_limit: 100,
        entries_hard_limit: 150,
        login_delay: { success: 0, password_failed: 1000 },
      },
      rate_limiters: [defaultRateLimiter()],
      allowlist_status: 0,
      rate_limiters_redis_url: '',
    },
    kms: {
      secrets: { url: '', master_key: '', master_key_path: '' },
    },
  };
}

/** Defaults of one rate limiter (SFTPGo's: disabled, per source, all protocols). */
export function defaultRateLimiter(): RateLimiterConfig {
  return {
    average: 0,
    period: 1000,
    burst: 1,
    type: 2,
    protocols: ['SSH', 'FTP', 'DAV', 'HTTP'],
    generate_defender_events: false,
    entries_soft_limit: 100,
    entries_hard_limit: 150,
  };
}

/** Defaults of one binding (also used when an env index appends a binding). */
export function defaultBinding(): HttpBindingConfig {
  return {
    address: '',
    port: 8080,
    enable_rest_api: true,
    enable_web_admin: true,
    enable_web_client: true,
    enable_https: false,
    certificate_file: '',
    certificate_key_file: '',
    min_tls_version: 12,
    client_auth_type: 0,
    tls_cipher_suites: [],
    proxy_allowed: [],
    client_ip_proxy_header: '',
    client_ip_header_depth: 0,
    disabled_login_methods: 0,
    security: {
      enabled: false,
      allowed_hosts: [],
      allowed_hosts_are_regex: false,
      hosts_proxy_headers: [],
      https_redirect: false,
      https_host: '',
      https_proxy_headers: [],
      sts_seconds: 0,
      sts_include_subdomains: false,
      sts_preload: false,
      content_type_nosniff: false,
      content_security_policy: '',
      permissions_policy: '',
      cross_origin_opener_policy: '',
      cache_control: '',
    },
    public_metrics: false,
  };
}
