/** One HTTP listener (`httpd.bindings[]`), SFTPGo's key names. */
export interface HttpBindingConfig {
  /** Interface to listen on; "" = all interfaces; an absolute path = unix socket. */
  address: string;
  port: number;
  enable_rest_api: boolean;
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
  backups_path: string;
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

/** The `common` section (the keys this server uses). */
export interface CommonConfig {
  /** Minimum entropy (bits) of a Plain encryption secret (crypt passphrase, S3 SSE-C key); 0 disables. */
  secret_min_entropy: number;
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
    },
    common: {
      secret_min_entropy: 80,
    },
    kms: {
      secrets: { url: '', master_key: '', master_key_path: '' },
    },
  };
}

/** Defaults of one binding (also used when an env index appends a binding). */
export function defaultBinding(): HttpBindingConfig {
  return { address: '', port: 8080, enable_rest_api: true };
}
