import { ValidationError } from '@app/common';
import {
  isEmptySecret,
  type Secret,
  type SecretOwner,
  SecretsService,
  SecretStatus,
  secretToWire,
  type SecretView,
} from '@app/kms';
import { Injectable } from '@nestjs/common';
import { posix } from 'node:path';
import {
  type AzBlobFsConfig,
  type CryptFsConfig,
  type FilesystemConfig,
  type FilesystemConfigWire,
  FsProvider,
  type GcsFsConfig,
  type HttpFsConfig,
  type OsFsConfig,
  type S3FsConfig,
  type SftpFsConfig,
} from './filesystem-config.types';

/** Options of {@link FilesystemConfigService.prepare}. */
export interface PrepareFilesystemOptions {
  /** Bound to every secret: the username, `folder_<name>` or `group_<name>` (SFTPGo's choice). */
  additionalData: string;
  owner: Exclude<SecretOwner, 'admin'>;
}

type Input = Record<string, unknown>;

const AZURE_ACCESS_TIERS = ['', 'Archive', 'Hot', 'Cool'];
const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}=?$/;
const MAX_CONCURRENCY = 64;

/**
 * Validates and stores `FilesystemConfig`s with SFTPGo's rules (`internal/vfs`): only the selected
 * provider's settings are kept, every secret is encrypted (or kept, on update, when the client sends
 * back what GET returned). The wire form, which never holds a secret in clear, is {@link filesystemToWire}.
 */
@Injectable()
export class FilesystemConfigService {
  constructor(private readonly secrets: SecretsService) {}

  /**
   * The config to store from a submitted `filesystem` (absent = local with no settings), given the
   * stored one on update. Throws {@link ValidationError} whose message names the field.
   */
  prepare(
    input: unknown,
    previous: FilesystemConfig | undefined,
    options: PrepareFilesystemOptions,
  ): FilesystemConfig {
    if (input === undefined || input === null) return { provider: FsProvider.Local };
    if (!isRecord(input)) throw new ValidationError('filesystem must be an object');
    const provider = input.provider ?? FsProvider.Local;
    if (typeof provider !== 'number' || !Number.isInteger(provider) || provider < 0 || provider > 6) {
      throw new ValidationError('invalid filesystem provider');
    }
    const ctx = new Context(this.secrets, previous, options);
    switch (provider as FsProvider) {
      case FsProvider.Local:
        return withSub(FsProvider.Local, 'osconfig', osConfig(ctx.fields(input, 'osconfig')));
      case FsProvider.S3:
        return withSub(FsProvider.S3, 's3config', s3Config(ctx.fields(input, 's3config'), ctx));
      case FsProvider.GCS:
        return withSub(FsProvider.GCS, 'gcsconfig', gcsConfig(ctx.fields(input, 'gcsconfig'), ctx));
      case FsProvider.AzureBlob:
        return withSub(
          FsProvider.AzureBlob,
          'azblobconfig',
          azConfig(ctx.fields(input, 'azblobconfig'), ctx),
        );
      case FsProvider.Crypt:
        return withSub(FsProvider.Crypt, 'cryptconfig', cryptConfig(ctx.fields(input, 'cryptconfig'), ctx));
      case FsProvider.SFTP:
        return withSub(FsProvider.SFTP, 'sftpconfig', sftpConfig(ctx.fields(input, 'sftpconfig'), ctx));
      case FsProvider.HTTP:
        return withSub(FsProvider.HTTP, 'httpconfig', httpConfig(ctx.fields(input, 'httpconfig'), ctx));
    }
  }
}

/** The submitted values of one sub-config, read with type checks that name the field. */
class Fields {
  constructor(
    readonly prefix: string,
    private readonly data: Input,
  ) {}

  name(field: string): string {
    return `${this.prefix}.${field}`;
  }

  raw(field: string): unknown {
    return this.data[field];
  }

  /** A string ('' when absent), trimmed unless `keepSpaces`. */
  str(field: string, keepSpaces = false): string {
    const value = this.data[field];
    if (value === undefined || value === null) return '';
    if (typeof value !== 'string') throw new ValidationError(`${this.name(field)} must be a string`);
    return keepSpaces ? value : value.trim();
  }

  /** An integer in [min, max] (0 when absent). */
  int(field: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const value = this.data[field];
    if (value === undefined || value === null) return 0;
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
      throw new ValidationError(`${this.name(field)} must be an integer`);
    }
    if (value < min || value > max) {
      const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `between ${min} and ${max}`;
      throw new ValidationError(`${this.name(field)} must be ${range}, got ${value}`);
    }
    return value;
  }

  bool(field: string): boolean {
    const value = this.data[field];
    if (value === undefined || value === null) return false;
    if (typeof value !== 'boolean') throw new ValidationError(`${this.name(field)} must be a boolean`);
    return value;
  }

  strList(field: string): string[] {
    const value = this.data[field];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new ValidationError(`${this.name(field)} must be a list of strings`);
    }
    return value as string[];
  }
}

/** What every sub-config reader needs: the secrets service, the stored config and the owner. */
class Context {
  constructor(
    private readonly secrets: SecretsService,
    private readonly previous: FilesystemConfig | undefined,
    private readonly options: PrepareFilesystemOptions,
  ) {}

  fields(input: Input, key: SubKey): Fields {
    const value = input[key];
    if (value === undefined || value === null) return new Fields(key, {});
    if (!isRecord(value)) throw new ValidationError(`${key} must be an object`);
    return new Fields(key, value);
  }

  /** The stored secret at `<sub>.<field>`, if any. */
  previousSecret(f: Fields, field: string): Secret | undefined {
    const sub: unknown = this.previous?.[f.prefix as SubKey];
    if (!isRecord(sub)) return undefined;
    const secret = sub[field];
    return isRecord(secret) ? (secret as Secret) : undefined;
  }

  secret(f: Fields, field: string, minEntropy = false): Secret | undefined {
    return this.secrets.prepare(f.raw(field), this.previousSecret(f, field), {
      additionalData: this.options.additionalData,
      field: f.name(field),
      owner: this.options.owner,
      minEntropy,
    });
  }

  /** GCS (SFTPGo's exception): anything but a Plain secret, even nothing, keeps the stored credentials. */
  gcsCredentials(f: Fields): Secret | undefined {
    const raw = f.raw('credentials');
    const previous = this.previousSecret(f, 'credentials');
    const plain = isRecord(raw) && raw.status === SecretStatus.Plain;
    if (!plain && previous !== undefined && !isEmptySecret(previous)) return { ...previous };
    return this.secret(f, 'credentials');
  }

  isEmpty(secret: Secret | undefined): boolean {
    return isEmptySecret(secret);
  }
}

type SubKey =
  'osconfig' | 's3config' | 'gcsconfig' | 'azblobconfig' | 'cryptconfig' | 'sftpconfig' | 'httpconfig';
const SUB_KEYS: readonly SubKey[] = [
  'osconfig',
  's3config',
  'gcsconfig',
  'azblobconfig',
  'cryptconfig',
  'sftpconfig',
  'httpconfig',
];

function osConfig(f: Fields): OsFsConfig {
  return compact({
    read_buffer_size: f.int('read_buffer_size', 0, 10),
    write_buffer_size: f.int('write_buffer_size', 0, 10),
  });
}

function s3Config(f: Fields, ctx: Context): S3FsConfig {
  const bucket = f.str('bucket');
  if (bucket === '') throw new ValidationError(`${f.name('bucket')} cannot be empty`);
  const endpoint = f.str('endpoint');
  const region = f.str('region');
  // Some S3-compatible stores carry the region in the endpoint (e.g. B2).
  if (endpoint === '' && region === '') {
    throw new ValidationError(`${f.name('region')} cannot be empty when ${f.name('endpoint')} is empty`);
  }
  const accessKey = f.str('access_key');
  const accessSecret = ctx.secret(f, 'access_secret');
  if (accessKey === '' && !ctx.isEmpty(accessSecret)) {
    throw new ValidationError(`${f.name('access_key')} cannot be empty with ${f.name('access_secret')} set`);
  }
  if (accessKey !== '' && ctx.isEmpty(accessSecret)) {
    throw new ValidationError(`${f.name('access_secret')} cannot be empty with ${f.name('access_key')} set`);
  }
  return compact({
    bucket,
    region,
    access_key: accessKey,
    access_secret: accessSecret,
    sse_customer_key: ctx.secret(f, 'sse_customer_key', true),
    role_arn: f.str('role_arn'),
    session_token: f.str('session_token'),
    endpoint,
    storage_class: f.str('storage_class'),
    acl: f.str('acl'),
    upload_part_size: partSize(f, 'upload_part_size', 5, 2000),
    upload_concurrency: f.int('upload_concurrency', 0, MAX_CONCURRENCY),
    upload_part_max_time: f.int('upload_part_max_time'),
    download_part_size: partSize(f, 'download_part_size', 5, 2000),
    download_concurrency: f.int('download_concurrency', 0, MAX_CONCURRENCY),
    download_part_max_time: f.int('download_part_max_time'),
    force_path_style: f.bool('force_path_style'),
    skip_tls_verify: f.bool('skip_tls_verify'),
    key_prefix: keyPrefix(f),
  });
}

function gcsConfig(f: Fields, ctx: Context): GcsFsConfig {
  const bucket = f.str('bucket');
  if (bucket === '') throw new ValidationError(`${f.name('bucket')} cannot be empty`);
  const automatic = f.int('automatic_credentials', 0, 1);
  // With automatic credentials (ADC) nothing is stored, as SFTPGo does.
  const credentials = automatic === 1 ? undefined : ctx.gcsCredentials(f);
  if (automatic === 0 && ctx.isEmpty(credentials)) {
    throw new ValidationError(`${f.name('credentials')} cannot be empty when automatic_credentials is 0`);
  }
  return compact({
    bucket,
    credentials,
    automatic_credentials: automatic,
    storage_class: f.str('storage_class'),
    acl: f.str('acl'),
    key_prefix: keyPrefix(f),
    upload_part_size: f.int('upload_part_size'),
    upload_part_max_time: f.int('upload_part_max_time'),
  });
}

function azConfig(f: Fields, ctx: Context): AzBlobFsConfig {
  const sasUrl = ctx.secret(f, 'sas_url');
  const rawSas = f.raw('sas_url');
  if (isRecord(rawSas) && rawSas.status === SecretStatus.Plain && !isHttpUrl(String(rawSas.payload))) {
    throw new ValidationError(`${f.name('sas_url')} must be an http or https URL`);
  }
  const container = f.str('container');
  const accountName = f.str('account_name');
  const accountKey = ctx.secret(f, 'account_key');
  const useEmulator = f.bool('use_emulator');
  // A SAS URL carries both the credentials and (optionally) the container.
  if (ctx.isEmpty(sasUrl)) {
    if (container === '') throw new ValidationError(`${f.name('container')} cannot be empty`);
    if (!useEmulator && (accountName === '' || ctx.isEmpty(accountKey))) {
      throw new ValidationError(
        `${f.name('account_name')} and ${f.name('account_key')} are required unless ` +
          `${f.name('sas_url')} is set or ${f.name('use_emulator')} is true`,
      );
    }
  }
  const accessTier = f.str('access_tier');
  if (!AZURE_ACCESS_TIERS.includes(accessTier)) {
    throw new ValidationError(`${f.name('access_tier')} must be one of "", Archive, Hot, Cool`);
  }
  return compact({
    container,
    account_name: accountName,
    account_key: accountKey,
    sas_url: sasUrl,
    endpoint: f.str('endpoint'),
    upload_part_size: f.int('upload_part_size', 0, 100),
    upload_concurrency: f.int('upload_concurrency', 0, MAX_CONCURRENCY),
    download_part_size: f.int('download_part_size', 0, 100),
    download_concurrency: f.int('download_concurrency', 0, MAX_CONCURRENCY),
    access_tier: accessTier,
    key_prefix: keyPrefix(f),
    use_emulator: useEmulator,
  });
}

function cryptConfig(f: Fields, ctx: Context): CryptFsConfig {
  const passphrase = ctx.secret(f, 'passphrase', true);
  if (ctx.isEmpty(passphrase)) throw new ValidationError(`${f.name('passphrase')} cannot be empty`);
  return compact({
    passphrase,
    read_buffer_size: f.int('read_buffer_size', 0, 10),
    write_buffer_size: f.int('write_buffer_size', 0, 10),
  });
}

function sftpConfig(f: Fields, ctx: Context): SftpFsConfig {
  let endpoint = f.str('endpoint');
  if (endpoint === '') throw new ValidationError(`${f.name('endpoint')} cannot be empty`);
  // SFTPGo's default port.
  if (!endpoint.includes(':')) endpoint += ':22';
  if (!isHostPort(endpoint))
    throw new ValidationError(`${f.name('endpoint')} must be host:port, got "${endpoint}"`);
  const username = f.str('username');
  if (username === '') throw new ValidationError(`${f.name('username')} cannot be empty`);
  const password = ctx.secret(f, 'password');
  const privateKey = ctx.secret(f, 'private_key');
  if (ctx.isEmpty(password) && ctx.isEmpty(privateKey)) {
    throw new ValidationError(`${f.name('password')} or ${f.name('private_key')} is required`);
  }
  const fingerprints = [...new Set(f.strList('fingerprints').map((s) => s.trim()))].filter((s) => s !== '');
  const bad = fingerprints.find((s) => !FINGERPRINT.test(s));
  if (bad !== undefined) {
    throw new ValidationError(
      `${f.name('fingerprints')}: "${bad}" is not a SHA256 fingerprint (SHA256:<base64>)`,
    );
  }
  const prefix = f.str('prefix');
  return compact({
    endpoint,
    username,
    password,
    private_key: privateKey,
    key_passphrase: ctx.secret(f, 'key_passphrase'),
    fingerprints,
    prefix: prefix === '' ? '/' : posix.normalize(`/${prefix}`).replace(/(.)\/+$/, '$1'),
    disable_concurrent_reads: f.bool('disable_concurrent_reads'),
    buffer_size: f.int('buffer_size', 0, 16),
    equality_check_mode: f.int('equality_check_mode', 0, 1),
  });
}

function httpConfig(f: Fields, ctx: Context): HttpFsConfig {
  const endpoint = f.str('endpoint').replace(/\/+$/, '');
  if (endpoint === '') throw new ValidationError(`${f.name('endpoint')} cannot be empty`);
  if (!isHttpUrl(endpoint)) throw new ValidationError(`${f.name('endpoint')} must be an http or https URL`);
  return compact({
    endpoint,
    username: f.str('username'),
    password: ctx.secret(f, 'password'),
    api_key: ctx.secret(f, 'api_key'),
    skip_tls_verify: f.bool('skip_tls_verify'),
    equality_check_mode: f.int('equality_check_mode', 0, 1),
  });
}

/** 0 (the SDK default) or min..max MB. */
function partSize(f: Fields, field: string, min: number, max: number): number {
  const value = f.int(field);
  if (value !== 0 && (value < min || value > max)) {
    throw new ValidationError(`${f.name(field)} must be 0 or between ${min} and ${max} (MB), got ${value}`);
  }
  return value;
}

/** `a/b` -> `a/b/`; a leading `/` is dropped; a prefix naming the bucket root (`/`, `.`) is refused. */
function keyPrefix(f: Fields): string {
  const raw = f.str('key_prefix');
  if (raw === '') return '';
  const clean = posix.normalize(`/${raw}`);
  if (clean === '/')
    throw new ValidationError(`${f.name('key_prefix')} must not be the storage root, got "${raw}"`);
  return `${clean.slice(1).replace(/\/+$/, '')}/`;
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== '';
  } catch {
    return false;
  }
}

/** `host:port` or `[ipv6]:port`, port 1..65535. */
function isHostPort(value: string): boolean {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]+)):(\d{1,5})$/.exec(value);
  if (match === null) return false;
  const port = Number(match[3]);
  return port >= 1 && port <= 65535;
}

function withSub<K extends SubKey>(provider: FsProvider, key: K, sub: FilesystemConfig[K]): FilesystemConfig {
  const out: FilesystemConfig = { provider };
  if (sub !== undefined && Object.keys(sub).length > 0) out[key] = sub;
  return out;
}

/** Drops empty values, like Go's `omitempty`: the stored and sent objects carry only what is set. */
function compact<T extends object>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined || value === '' || value === 0 || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out as T;
}

function isRecord(value: unknown): value is Input {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SECRET_FIELDS: Readonly<Record<SubKey, readonly string[]>> = {
  osconfig: [],
  s3config: ['access_secret', 'sse_customer_key'],
  gcsconfig: ['credentials'],
  azblobconfig: ['account_key', 'sas_url'],
  cryptconfig: ['passphrase'],
  sftpconfig: ['password', 'private_key', 'key_passphrase'],
  httpconfig: ['password', 'api_key'],
};

/**
 * The one wire form of a filesystem config, for GET, lists and every owner (users, groups, folders):
 * `provider` and all seven sub-objects (`{}` when unused), each secret through {@link secretToWire}
 * (`{status, payload}`, or with its key and additional data in the `confidential` view).
 */
export function filesystemToWire(
  config: FilesystemConfig | undefined,
  view: SecretView = 'hidden',
): FilesystemConfigWire {
  const provider = config?.provider ?? FsProvider.Local;
  const out: Record<string, unknown> = { provider };
  for (const key of SUB_KEYS) {
    const sub: unknown = config?.[key];
    const copy: Record<string, unknown> = {};
    if (isRecord(sub)) {
      for (const [field, value] of Object.entries(sub)) {
        if (SECRET_FIELDS[key].includes(field)) {
          const mapped = secretToWire(isRecord(value) ? (value as Secret) : undefined, view);
          if (mapped !== undefined) copy[field] = mapped;
        } else {
          copy[field] = Array.isArray(value) ? [...(value as unknown[])] : value;
        }
      }
    }
    out[key] = copy;
  }
  return out as unknown as FilesystemConfigWire;
}
