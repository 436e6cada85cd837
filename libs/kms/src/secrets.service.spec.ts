import { defaultConfig, type SftpgoConfig } from '@app/config';
import { type Principal, ValidationError } from '@app/common';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KMS_KEY_FILE, type PrepareSecretOptions, SecretsService } from './secrets.service';
import { isEmptySecret, secretToWire, secretViewFor } from './secret-view';
import type { Secret } from './secret.types';

const dirs: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sftpgo-kms-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function config(
  secrets: Partial<SftpgoConfig['kms']['secrets']> = {},
  minEntropy = 80,
  configDir = tempDir(),
): SftpgoConfig {
  const base = defaultConfig();
  return {
    ...base,
    configDir,
    logLevel: 'silent',
    defaultAdmin: { username: '', password: '' },
    common: { ...base.common, secret_min_entropy: minEntropy },
    kms: { secrets: { ...base.kms.secrets, ...secrets } },
  };
}

/** What a ValidationError thrown by `fn` says (the wire text). */
function validationError(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err.error;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

const STRONG = 'Vq3#pL9!xZ7@mK2$wR5&tY8*';
const OPTS: PrepareSecretOptions = {
  additionalData: 'user1',
  field: 's3config.access_secret',
  owner: 'user',
};

describe('SecretsService', () => {
  describe('seal / open', () => {
    const kms = new SecretsService(config({ master_key: 'a master key' }));

    it('round-trips and produces the stored shape', () => {
      const secret = kms.seal('my secret ✓', 'user1');
      expect(secret).toEqual({
        status: 'AES-256-GCM',
        payload: expect.stringMatching(/^[0-9a-f]+$/),
        key: expect.stringMatching(/^[0-9a-f]{64}$/),
        additional_data: 'user1',
        mode: 1,
      });
      // nonce 12 + ciphertext + tag 16
      expect(secret.payload).toHaveLength(2 * (12 + Buffer.byteLength('my secret ✓') + 16));
      expect(kms.open(secret)).toBe('my secret ✓');
      expect(kms.open({ status: 'Plain', payload: 'clear' })).toBe('clear');
    });

    it('uses a fresh key and nonce every time', () => {
      const a = kms.seal('same', 'user1');
      const b = kms.seal('same', 'user1');
      expect(a.payload).not.toBe(b.payload);
      expect(a.key).not.toBe(b.key);
    });

    it('fails on any tampering', () => {
      const secret = kms.seal('top secret', 'user1');
      const payload = secret.payload ?? '';
      const flip = (hex: string, at: number): string =>
        hex.slice(0, at) + (hex[at] === '0' ? '1' : '0') + hex.slice(at + 1);
      const tampered: Secret[] = [
        { ...secret, payload: flip(payload, 30) }, // ciphertext
        { ...secret, payload: flip(payload, 2) }, // nonce
        { ...secret, payload: flip(payload, payload.length - 1) }, // tag
        { ...secret, payload: payload.slice(0, -2) },
        { ...secret, key: flip(secret.key ?? '', 5) },
        { ...secret, additional_data: 'user2' },
        { ...secret, key: 'short' },
        { ...secret, status: 'Secretbox' },
      ];
      for (const t of tampered) expect(() => kms.open(t)).toThrow();
    });

    it('cannot open a secret sealed under another master key', () => {
      const other = new SecretsService(config({ master_key: 'another key' }));
      expect(() => other.open(kms.seal('x', 'user1'))).toThrow('cannot decrypt secret');
    });
  });

  describe('master key', () => {
    it('creates <configDir>/kms.key once (mode 0600) and reuses it', () => {
      const dir = tempDir();
      const first = new SecretsService(config({}, 80, dir));
      const file = join(dir, KMS_KEY_FILE);
      const content = readFileSync(file, 'utf8');
      expect(content.trim()).toMatch(/^[0-9a-f]{64}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const sealed = first.seal('persisted', 'folder_f1');
      const second = new SecretsService(config({}, 80, dir));
      expect(readFileSync(file, 'utf8')).toBe(content);
      expect(second.open(sealed)).toBe('persisted');
    });

    it('prefers master_key, then master_key_path, and writes no key file when one is set', () => {
      const dir = tempDir();
      const keyFile = join(dir, 'master.txt');
      writeFileSync(keyFile, '  shared-master\n');
      const fromString = new SecretsService(config({ master_key: 'shared-master' }, 80, dir));
      const fromFile = new SecretsService(config({ master_key_path: keyFile }, 80, dir));
      const both = new SecretsService(
        config({ master_key: 'shared-master', master_key_path: join(dir, 'missing') }, 80, dir),
      );
      const sealed = fromString.seal('v', 'group_g');
      expect(fromFile.open(sealed)).toBe('v');
      expect(both.open(sealed)).toBe('v');
      expect(statSync(join(dir, KMS_KEY_FILE), { throwIfNoEntry: false })).toBeUndefined();
    });

    it('refuses to start on a missing or empty key file rather than losing the secrets', () => {
      const dir = tempDir();
      expect(() => new SecretsService(config({ master_key_path: join(dir, 'nope') }, 80, dir))).toThrow(
        'not found',
      );
      writeFileSync(join(dir, 'empty'), '\n');
      expect(() => new SecretsService(config({ master_key_path: join(dir, 'empty') }, 80, dir))).toThrow(
        'is empty',
      );
      writeFileSync(join(dir, KMS_KEY_FILE), '');
      expect(() => new SecretsService(config({}, 80, dir))).toThrow('is empty');
      expect(() => new SecretsService(config({}, 80, join(dir, 'no-such-dir')))).toThrow(
        'cannot create the master key file',
      );
    });
  });

  describe('secretToWire / isEmptySecret', () => {
    const kms = new SecretsService(config({ master_key: 'k' }));

    it('hidden keeps only status and payload, and drops empty secrets', () => {
      const sealed = kms.seal('x', 'user1');
      expect(secretToWire(sealed)).toEqual({ status: 'AES-256-GCM', payload: sealed.payload });
      expect(secretToWire(sealed, 'hidden')).toEqual({ status: 'AES-256-GCM', payload: sealed.payload });
      expect(secretToWire(undefined)).toBeUndefined();
      expect(secretToWire({})).toBeUndefined();
      expect(secretToWire({ status: '', payload: '' })).toBeUndefined();
    });

    it('confidential keeps key and additional data', () => {
      const sealed = kms.seal('x', 'user1');
      expect(secretToWire(sealed, 'confidential')).toEqual(sealed);
      expect(secretToWire(undefined, 'confidential')).toBeUndefined();
    });

    it('isEmptySecret follows SFTPGo (any field set makes it non-empty)', () => {
      expect(isEmptySecret(undefined)).toBe(true);
      expect(isEmptySecret({})).toBe(true);
      expect(isEmptySecret({ status: 'Plain' })).toBe(false);
      expect(isEmptySecret({ key: 'k' })).toBe(false);
    });

    it('secretViewFor gives the confidential view only to `*` admins asking with confidential_data=1', () => {
      const admin = (permissions: string[]): Principal => ({
        kind: 'admin',
        username: 'a',
        permissions,
        role: '',
        authMethod: 'jwt',
      });
      expect(secretViewFor(admin(['*']), '1')).toBe('confidential');
      expect(secretViewFor(admin(['*']), undefined)).toBe('hidden');
      expect(secretViewFor(admin(['*']), '0')).toBe('hidden');
      expect(secretViewFor(admin(['*']), 'true')).toBe('hidden');
      expect(secretViewFor(admin(['*']), 1)).toBe('hidden');
      expect(secretViewFor(admin(['manage_folders', 'view_users']), '1')).toBe('hidden');
    });
  });

  describe('prepare', () => {
    const kms = new SecretsService(config({ master_key: 'k' }));
    const previous = kms.seal('old secret', 'user1');
    const imported: Secret = {
      status: 'Secretbox',
      payload: 'c29tZSBwYXlsb2Fk',
      key: 'a'.repeat(64),
      additional_data: 'user1',
      mode: 1,
    };

    it('seals a Plain secret bound to the additional data', () => {
      const out = kms.prepare({ status: 'Plain', payload: 'new secret', extra: 1 }, previous, OPTS);
      expect(out?.status).toBe('AES-256-GCM');
      expect(out?.additional_data).toBe('user1');
      expect(kms.open(out ?? {})).toBe('new secret');
    });

    it('keeps the stored secret when the client sends back what GET returned, or Redacted', () => {
      const hidden = secretToWire(previous);
      expect(kms.prepare(hidden, previous, OPTS)).toEqual(previous);
      expect(kms.prepare({ status: 'Redacted' }, previous, OPTS)).toEqual(previous);
      expect(kms.prepare({ status: 'AES-256-GCM', payload: 'stale' }, previous, OPTS)).toEqual(previous);
    });

    it('removes the secret when empty or omitted', () => {
      for (const input of [undefined, null, {}, { status: '', payload: '' }]) {
        expect(kms.prepare(input, previous, OPTS)).toBeUndefined();
      }
    });

    it('stores an imported encrypted secret with a 64-char key as is', () => {
      expect(kms.prepare(imported, undefined, OPTS)).toEqual(imported);
      const ours = kms.seal('from a backup', 'user1');
      const kept = kms.prepare(ours, undefined, OPTS);
      expect(kept).toEqual(ours);
      expect(kms.open(kept ?? {})).toBe('from a backup');
    });

    it.each<[string, unknown, Secret | undefined, string]>([
      ['a non-object', 'plain text', undefined, 'Validation error: invalid s3config.access_secret'],
      ['a wrong field type', { status: 'Plain', payload: 5 }, undefined, 'invalid s3config.access_secret'],
      [
        'an empty Plain payload',
        { status: 'Plain', payload: '' },
        previous,
        'invalid s3config.access_secret',
      ],
      ['an unknown status', { status: 'Rot13', payload: 'x' }, previous, 'invalid s3config.access_secret'],
      [
        'an encrypted secret with a short key',
        { status: 'AES-256-GCM', payload: 'abcd', key: 'abc' },
        undefined,
        'invalid encrypted s3config.access_secret',
      ],
      [
        'an encrypted secret without key',
        { status: 'Secretbox', payload: 'abcd' },
        undefined,
        'invalid encrypted s3config.access_secret',
      ],
      [
        'an encrypted secret without payload',
        { status: 'AES-256-GCM', key: 'a'.repeat(64) },
        undefined,
        'invalid s3config.access_secret',
      ],
      [
        'Redacted without a stored secret',
        { status: 'Redacted', payload: 'x' },
        undefined,
        'cannot save a user with a redacted secret',
      ],
    ])('rejects %s', (_what, input, prev, message) => {
      expect(validationError(() => kms.prepare(input, prev, OPTS))).toContain(message);
    });

    it('names the owner of a redacted secret', () => {
      const folder = { ...OPTS, owner: 'folder' as const };
      expect(validationError(() => kms.prepare({ status: 'Redacted' }, undefined, folder))).toBe(
        'Validation error: cannot save a folder with a redacted secret',
      );
    });

    it('checks common.secret_min_entropy only when asked, and only for Plain secrets', () => {
      const opts = { ...OPTS, field: 'cryptconfig.passphrase', minEntropy: true };
      expect(
        validationError(() => kms.prepare({ status: 'Plain', payload: 'password' }, undefined, opts)),
      ).toMatch(/^Validation error: the configured encryption secret is too weak: cryptconfig\.passphrase/);
      expect(kms.prepare({ status: 'Plain', payload: STRONG }, undefined, opts)?.status).toBe('AES-256-GCM');
      expect(kms.prepare({ status: 'Plain', payload: 'password' }, undefined, OPTS)?.status).toBe(
        'AES-256-GCM',
      );
      expect(kms.prepare(secretToWire(previous), previous, opts)).toEqual(previous);
      const lax = new SecretsService(config({ master_key: 'k' }, 0));
      expect(lax.prepare({ status: 'Plain', payload: 'password' }, undefined, opts)?.status).toBe(
        'AES-256-GCM',
      );
    });
  });
});
