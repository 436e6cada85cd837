import { passwordEntropy, ValidationError } from '@app/common';
import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  type CipherGCM,
  type DecipherGCM,
} from 'node:crypto';
import { linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isEmptySecret } from './secret-view';
import { type Secret, SecretStatus, ENCRYPTED_SECRET_STATUSES } from './secret.types';

/** Name of the generated master key file in the config dir (when no master key is configured). */
export const KMS_KEY_FILE = 'kms.key';

/** Who owns a secret, for SFTPGo's `cannot save a <owner> with a redacted secret`. */
export type SecretOwner = 'user' | 'group' | 'folder' | 'admin';

/** Options of {@link SecretsService.prepare}. */
export interface PrepareSecretOptions {
  /** Bound to the ciphertext: the username, `folder_<name>` or `group_<name>`, as SFTPGo does. */
  additionalData: string;
  /** The field path used in messages, e.g. `s3config.access_secret`. */
  field: string;
  owner: SecretOwner;
  /** Check a Plain payload against `common.secret_min_entropy` (crypt passphrase, S3 SSE-C key). */
  minEntropy?: boolean;
}

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const HEX = /^(?:[0-9a-fA-F]{2})+$/;
/** `mode` 1: encrypted under a master key (SFTPGo's meaning). */
const MASTER_KEY_MODE = 1;

/**
 * Encrypts filesystem (and other) secrets at rest with AES-256-GCM.
 *
 * The master key is SHA-256 of, in order of preference: `kms.secrets.master_key`; the trimmed content
 * of `kms.secrets.master_key_path`; the content of `<configDir>/kms.key`, created once with 32 random
 * bytes (hex, mode 0600) and reused on every start. Losing that file makes stored secrets unreadable,
 * so it is never regenerated: an empty or unreadable key file stops the start-up.
 *
 * Each secret gets its own random 32-byte `key` (stored hex); the data key is
 * HKDF-SHA256(master key, salt = that key, info = additional_data), and additional_data is also the
 * GCM AAD, so a secret copied to another owner does not decrypt.
 */
@Injectable()
export class SecretsService {
  private readonly masterKey: Buffer;
  private readonly minEntropy: number;

  constructor(@InjectConfig() config: SftpgoConfig) {
    this.masterKey = createHash('sha256').update(loadMasterKey(config)).digest();
    this.minEntropy = config.common.secret_min_entropy;
  }

  /** Encrypts `plain` bound to `additionalData`; the result is what is stored. */
  seal(plain: string, additionalData: string): Secret {
    const key = randomBytes(KEY_BYTES);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher: CipherGCM = createCipheriv('aes-256-gcm', this.dataKey(key, additionalData), nonce);
    cipher.setAAD(Buffer.from(additionalData, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return {
      status: SecretStatus.AES256GCM,
      payload: Buffer.concat([nonce, ciphertext, cipher.getAuthTag()]).toString('hex'),
      key: key.toString('hex'),
      additional_data: additionalData,
      mode: MASTER_KEY_MODE,
    };
  }

  /** Decrypts a secret made by {@link seal} (Plain is returned as is); throws on any tampering. */
  open(secret: Secret): string {
    if (secret.status === SecretStatus.Plain) return secret.payload ?? '';
    const { status, payload = '', key = '', additional_data: aad = '' } = secret;
    if (status !== SecretStatus.AES256GCM) throw new Error(`cannot decrypt a secret with status "${status}"`);
    if (!HEX_KEY.test(key) || !HEX.test(payload) || payload.length < 2 * (NONCE_BYTES + TAG_BYTES)) {
      throw new Error('cannot decrypt a malformed secret');
    }
    const raw = Buffer.from(payload, 'hex');
    const nonce = raw.subarray(0, NONCE_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const ciphertext = raw.subarray(NONCE_BYTES, raw.length - TAG_BYTES);
    const decipher: DecipherGCM = createDecipheriv(
      'aes-256-gcm',
      this.dataKey(Buffer.from(key, 'hex'), aad),
      nonce,
    );
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // Never echo the payload: the message may reach a log.
      throw new Error('cannot decrypt secret: authentication failed');
    }
  }

  /**
   * Turns a submitted secret into the one to store, with SFTPGo's semantics: `{status:"Plain",
   * payload}` is sealed; any other non-empty secret (e.g. what GET returned) keeps `previous`; without
   * a previous secret, an imported encrypted secret is stored as is; `Redacted` cannot be saved;
   * empty or omitted removes the secret (undefined). Throws {@link ValidationError} naming the field.
   */
  prepare(input: unknown, previous: Secret | undefined, options: PrepareSecretOptions): Secret | undefined {
    const { field, owner } = options;
    if (input === undefined || input === null) return undefined;
    const secret = parseSecret(input);
    if (secret === undefined) throw new ValidationError(`invalid ${field}`);
    if (isEmptySecret(secret)) return undefined;
    const status = secret.status ?? '';
    if (status === SecretStatus.Plain) {
      const payload = secret.payload ?? '';
      if (payload === '') throw new ValidationError(`invalid ${field}`);
      if (options.minEntropy === true && this.minEntropy > 0 && passwordEntropy(payload) < this.minEntropy) {
        throw new ValidationError(
          `the configured encryption secret is too weak: ${field} needs at least ${this.minEntropy} bits ` +
            'of entropy, use a longer secret with lower and upper case letters, digits and symbols',
        );
      }
      return this.seal(payload, options.additionalData);
    }
    const encrypted = ENCRYPTED_SECRET_STATUSES.includes(status);
    if (!encrypted && status !== SecretStatus.Redacted) throw new ValidationError(`invalid ${field}`);
    // The redacted or encrypted value GET returned: the stored secret is unchanged.
    if (previous !== undefined && !isEmptySecret(previous)) return { ...previous };
    if (status === SecretStatus.Redacted) {
      throw new ValidationError(`cannot save a ${owner} with a redacted secret`);
    }
    // An encrypted secret from a backup (SFTPGo or ours), stored as is.
    if (!secret.payload) throw new ValidationError(`invalid ${field}`);
    const localKey = status === SecretStatus.AES256GCM || status === SecretStatus.Secretbox;
    if (localKey && !HEX_KEY.test(secret.key ?? '')) throw new ValidationError(`invalid encrypted ${field}`);
    return secret;
  }

  private dataKey(salt: Buffer, additionalData: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.masterKey, salt, Buffer.from(additionalData, 'utf8'), 32));
  }
}

/** Keeps the Secret fields of a submitted object; undefined when it is not a well-typed Secret. */
function parseSecret(input: unknown): Secret | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return undefined;
  const record = input as Record<string, unknown>;
  const out: Secret = {};
  for (const name of ['status', 'payload', 'key', 'additional_data'] as const) {
    const value = record[name];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string') return undefined;
    if (value !== '') out[name] = value;
  }
  const mode = record.mode;
  if (mode !== undefined && mode !== null) {
    if (typeof mode !== 'number' || !Number.isInteger(mode)) return undefined;
    if (mode !== 0) out.mode = mode;
  }
  return out;
}

/** The master key material (a string; hashed by the caller). See {@link SecretsService}. */
function loadMasterKey(config: SftpgoConfig): string {
  const { master_key: masterKey, master_key_path: path } = config.kms.secrets;
  if (masterKey !== '') return masterKey;
  if (path !== '') return readKeyFile(path, 'kms.secrets.master_key_path') ?? missing(path);
  const file = join(config.configDir, KMS_KEY_FILE);
  const existing = readKeyFile(file, 'the master key file');
  if (existing !== undefined) return existing;
  // Written aside then hard-linked: the link fails if another process won the race, and nobody ever
  // reads a half-written key.
  const temp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temp, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new Error(
      `kms: cannot create the master key file "${file}": ${code}; ` +
        'set kms.secrets.master_key or kms.secrets.master_key_path',
      { cause: err },
    );
  }
  try {
    linkSync(temp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    unlinkSync(temp);
  }
  return readKeyFile(file, 'the master key file') ?? missing(file);
}

/** The trimmed content of a key file; undefined when it does not exist; throws when unusable. */
function readKeyFile(path: string, what: string): string | undefined {
  let content: string;
  try {
    content = readFileSync(path, 'utf8').trim();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new Error(`kms: cannot read ${what} "${path}": ${code ?? String(err)}`, { cause: err });
  }
  if (content === '') throw new Error(`kms: ${what} "${path}" is empty`);
  return content;
}

function missing(path: string): never {
  throw new Error(`kms: master key file "${path}" not found`);
}
