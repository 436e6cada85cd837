import { ValidationError } from '@app/common';
import { defaultConfig, type SftpgoConfig } from '@app/config';
import { type Secret, SecretsService } from '@app/kms';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FilesystemConfigService,
  filesystemToWire,
  type PrepareFilesystemOptions,
} from './filesystem-config.service';
import { type FilesystemConfig, FsProvider } from './filesystem-config.types';

const configDir = mkdtempSync(join(tmpdir(), 'sftpgo-storage-'));
afterAll(() => rmSync(configDir, { recursive: true, force: true }));

function config(minEntropy = 80): SftpgoConfig {
  const base = defaultConfig();
  return {
    ...base,
    configDir,
    logLevel: 'silent',
    defaultAdmin: { username: '', password: '' },
    common: { ...base.common, secret_min_entropy: minEntropy },
    kms: { secrets: { ...base.kms.secrets, master_key: 'storage spec key' } },
  };
}

const kms = new SecretsService(config());
const service = new FilesystemConfigService(kms);
const OPTS: PrepareFilesystemOptions = { additionalData: 'user1', owner: 'user' };
const STRONG = 'Vq3#pL9!xZ7@mK2$wR5&tY8*';
const plain = (payload: string): Secret => ({ status: 'Plain', payload });

function prepare(input: unknown, previous?: FilesystemConfig): FilesystemConfig {
  return service.prepare(input, previous, OPTS);
}

function rejection(input: unknown, previous?: FilesystemConfig): string {
  try {
    prepare(input, previous);
  } catch (err) {
    if (err instanceof ValidationError) return err.error.replace(/^Validation error: /, '');
    throw err;
  }
  throw new Error('expected a ValidationError');
}

const S3_MIN = { bucket: 'b', region: 'us-east-1' };
const SFTP_MIN = { endpoint: 'sftp.example.com:2022', username: 'u', password: plain('pw') };

describe('FilesystemConfigService.prepare', () => {
  it('defaults to the local provider and rejects unknown providers', () => {
    expect(prepare(undefined)).toEqual({ provider: 0 });
    expect(prepare(null)).toEqual({ provider: 0 });
    expect(prepare({})).toEqual({ provider: 0 });
    for (const provider of [7, -1, 1.5, '1'])
      expect(rejection({ provider })).toBe('invalid filesystem provider');
    expect(rejection('s3')).toBe('filesystem must be an object');
    expect(rejection({ provider: 1, s3config: 'x' })).toBe('s3config must be an object');
  });

  it('keeps only the selected provider settings and drops unknown and empty fields', () => {
    const out = prepare({
      provider: FsProvider.Local,
      osconfig: { read_buffer_size: 2, write_buffer_size: 0, unknown: 1 },
      s3config: { bucket: 'ignored' },
      cryptconfig: { passphrase: plain('ignored') },
    });
    expect(out).toEqual({ provider: 0, osconfig: { read_buffer_size: 2 } });
  });

  it('checks the field types, naming the field', () => {
    expect(rejection({ provider: 0, osconfig: { read_buffer_size: '2' } })).toBe(
      'osconfig.read_buffer_size must be an integer',
    );
    expect(rejection({ provider: 1, s3config: { ...S3_MIN, bucket: 5 } })).toBe(
      's3config.bucket must be a string',
    );
    expect(rejection({ provider: 1, s3config: { ...S3_MIN, force_path_style: 'yes' } })).toBe(
      's3config.force_path_style must be a boolean',
    );
    expect(rejection({ provider: 5, sftpconfig: { ...SFTP_MIN, fingerprints: 'x' } })).toBe(
      'sftpconfig.fingerprints must be a list of strings',
    );
  });

  it('bounds the local and crypt buffer sizes to 0..10', () => {
    expect(rejection({ provider: 0, osconfig: { write_buffer_size: 11 } })).toBe(
      'osconfig.write_buffer_size must be between 0 and 10, got 11',
    );
    expect(
      rejection({ provider: 4, cryptconfig: { passphrase: plain(STRONG), read_buffer_size: -1 } }),
    ).toContain('cryptconfig.read_buffer_size must be between 0 and 10');
  });

  describe('S3', () => {
    it('stores every field, normalised, with the secrets encrypted', () => {
      const out = prepare({
        provider: 1,
        s3config: {
          bucket: ' bucket ',
          region: 'eu-west-1',
          access_key: 'AKIA',
          access_secret: plain('s3 secret'),
          sse_customer_key: plain(STRONG),
          role_arn: 'arn:aws:iam::1:role/r',
          session_token: 'tok',
          endpoint: 'http://127.0.0.1:9000',
          storage_class: 'STANDARD',
          acl: 'private',
          upload_part_size: 5,
          upload_concurrency: 4,
          upload_part_max_time: 60,
          download_part_size: 2000,
          download_concurrency: 3,
          download_part_max_time: 30,
          force_path_style: true,
          skip_tls_verify: true,
          key_prefix: '/some//prefix',
        },
      });
      const s3 = out.s3config ?? {};
      expect(Object.keys(out)).toEqual(['provider', 's3config']);
      expect(s3.bucket).toBe('bucket');
      expect(s3.key_prefix).toBe('some/prefix/');
      expect(s3.access_secret?.status).toBe('AES-256-GCM');
      expect(kms.open(s3.access_secret ?? {})).toBe('s3 secret');
      expect(kms.open(s3.sse_customer_key ?? {})).toBe(STRONG);
      expect(s3).toMatchObject({ upload_part_size: 5, download_part_size: 2000, force_path_style: true });
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['no bucket', { region: 'r' }, 's3config.bucket cannot be empty'],
      [
        'no region nor endpoint',
        { bucket: 'b' },
        's3config.region cannot be empty when s3config.endpoint is empty',
      ],
      ['a key without secret', { ...S3_MIN, access_key: 'k' }, 's3config.access_secret cannot be empty with'],
      [
        'a secret without key',
        { ...S3_MIN, access_secret: plain('s') },
        's3config.access_key cannot be empty with',
      ],
      [
        'a small part size',
        { ...S3_MIN, upload_part_size: 4 },
        's3config.upload_part_size must be 0 or between 5',
      ],
      [
        'a big part size',
        { ...S3_MIN, download_part_size: 2001 },
        's3config.download_part_size must be 0 or',
      ],
      [
        'a negative concurrency',
        { ...S3_MIN, upload_concurrency: -1 },
        's3config.upload_concurrency must be',
      ],
      [
        'a root key prefix',
        { ...S3_MIN, key_prefix: '/' },
        's3config.key_prefix must not be the storage root',
      ],
      [
        'a dot key prefix',
        { ...S3_MIN, key_prefix: './' },
        's3config.key_prefix must not be the storage root',
      ],
      [
        'a weak SSE-C key',
        { ...S3_MIN, sse_customer_key: plain('password') },
        'encryption secret is too weak',
      ],
      [
        'an invalid encrypted secret',
        { ...S3_MIN, access_key: 'k', access_secret: { status: 'AES-256-GCM', payload: 'ab', key: 'x' } },
        'invalid encrypted s3config.access_secret',
      ],
      [
        'a redacted secret',
        { ...S3_MIN, access_key: 'k', access_secret: { status: 'Redacted' } },
        'cannot save a user with a redacted secret',
      ],
    ])('rejects %s', (_what, s3config, message) => {
      expect(rejection({ provider: 1, s3config })).toContain(message);
    });

    it('accepts an endpoint without region', () => {
      expect(
        prepare({ provider: 1, s3config: { bucket: 'b', endpoint: 'https://s3.example' } }).s3config,
      ).toEqual({
        bucket: 'b',
        endpoint: 'https://s3.example',
      });
    });

    it('on update keeps the stored secret sent back as GET shows it, replaces Plain and drops empty', () => {
      const stored = prepare({
        provider: 1,
        s3config: { ...S3_MIN, access_key: 'k', access_secret: plain('one') },
      });
      const wire = filesystemToWire(stored);
      const again = prepare(wire, stored);
      expect(again.s3config?.access_secret).toEqual(stored.s3config?.access_secret);
      const changed = prepare(
        { provider: 1, s3config: { ...S3_MIN, access_key: 'k', access_secret: plain('two') } },
        stored,
      );
      expect(kms.open(changed.s3config?.access_secret ?? {})).toBe('two');
      expect(prepare({ provider: 1, s3config: S3_MIN }, stored).s3config?.access_secret).toBeUndefined();
    });
  });

  describe('GCS', () => {
    const creds = plain('{"type":"service_account"}');

    it('requires a bucket and credentials unless automatic', () => {
      expect(rejection({ provider: 2, gcsconfig: { credentials: creds } })).toBe(
        'gcsconfig.bucket cannot be empty',
      );
      expect(rejection({ provider: 2, gcsconfig: { bucket: 'b' } })).toContain(
        'gcsconfig.credentials cannot be empty',
      );
      expect(rejection({ provider: 2, gcsconfig: { bucket: 'b', automatic_credentials: 2 } })).toContain(
        'gcsconfig.automatic_credentials must be between 0 and 1',
      );
      const auto = prepare({
        provider: 2,
        gcsconfig: { bucket: 'b', automatic_credentials: 1, credentials: creds },
      });
      expect(auto.gcsconfig).toEqual({ bucket: 'b', automatic_credentials: 1 });
    });

    it('keeps the stored credentials for anything but Plain, even when omitted', () => {
      const stored = prepare({
        provider: 2,
        gcsconfig: { bucket: 'b', credentials: creds, key_prefix: 'p' },
      });
      expect(stored.gcsconfig?.key_prefix).toBe('p/');
      expect(kms.open(stored.gcsconfig?.credentials ?? {})).toBe('{"type":"service_account"}');
      const kept = stored.gcsconfig?.credentials;
      expect(prepare({ provider: 2, gcsconfig: { bucket: 'b' } }, stored).gcsconfig?.credentials).toEqual(
        kept,
      );
      expect(prepare(filesystemToWire(stored), stored).gcsconfig?.credentials).toEqual(kept);
      const replaced = prepare(
        { provider: 2, gcsconfig: { bucket: 'b', credentials: plain('new') } },
        stored,
      );
      expect(kms.open(replaced.gcsconfig?.credentials ?? {})).toBe('new');
    });
  });

  describe('Azure Blob', () => {
    it('requires a container and account name+key, a SAS URL or the emulator', () => {
      expect(rejection({ provider: 3, azblobconfig: { account_name: 'a', account_key: plain('k') } })).toBe(
        'azblobconfig.container cannot be empty',
      );
      expect(rejection({ provider: 3, azblobconfig: { container: 'c', account_name: 'a' } })).toContain(
        'azblobconfig.account_name and azblobconfig.account_key are required',
      );
      const keyed = prepare({
        provider: 3,
        azblobconfig: { container: 'c', account_name: 'a', account_key: plain('k'), access_tier: 'Hot' },
      });
      expect(kms.open(keyed.azblobconfig?.account_key ?? {})).toBe('k');
      const sas = prepare({
        provider: 3,
        azblobconfig: { sas_url: plain('https://a.blob.core.windows.net/c?sv=1') },
      });
      expect(sas.azblobconfig?.sas_url?.status).toBe('AES-256-GCM');
      expect(
        prepare({ provider: 3, azblobconfig: { container: 'c', use_emulator: true } }).azblobconfig,
      ).toEqual({
        container: 'c',
        use_emulator: true,
      });
    });

    it('validates the access tier, part sizes and the SAS URL', () => {
      const base = { container: 'c', use_emulator: true };
      expect(rejection({ provider: 3, azblobconfig: { ...base, access_tier: 'Cold' } })).toContain(
        'azblobconfig.access_tier must be one of',
      );
      expect(rejection({ provider: 3, azblobconfig: { ...base, upload_part_size: 101 } })).toContain(
        'azblobconfig.upload_part_size must be between 0 and 100',
      );
      expect(rejection({ provider: 3, azblobconfig: { sas_url: plain('not a url') } })).toBe(
        'azblobconfig.sas_url must be an http or https URL',
      );
    });
  });

  describe('crypt', () => {
    it('requires a strong passphrase, encrypted at rest', () => {
      expect(rejection({ provider: 4 })).toBe('cryptconfig.passphrase cannot be empty');
      expect(rejection({ provider: 4, cryptconfig: { passphrase: plain('weak') } })).toContain(
        'the configured encryption secret is too weak: cryptconfig.passphrase',
      );
      const out = prepare({ provider: 4, cryptconfig: { passphrase: plain(STRONG), write_buffer_size: 3 } });
      expect(out.cryptconfig?.write_buffer_size).toBe(3);
      expect(kms.open(out.cryptconfig?.passphrase ?? {})).toBe(STRONG);
      // The stored (already checked) passphrase is kept on update without a new check.
      expect(prepare(filesystemToWire(out), out).cryptconfig?.passphrase).toEqual(
        out.cryptconfig?.passphrase,
      );
    });

    it('skips the entropy check when common.secret_min_entropy is 0', () => {
      const lax = new FilesystemConfigService(new SecretsService(config(0)));
      const out = lax.prepare({ provider: 4, cryptconfig: { passphrase: plain('weak') } }, undefined, OPTS);
      expect(out.cryptconfig?.passphrase?.status).toBe('AES-256-GCM');
    });
  });

  describe('SFTP', () => {
    it('normalises the endpoint, prefix and fingerprints', () => {
      const fp = `SHA256:${'A'.repeat(43)}`;
      const out = prepare({
        provider: 5,
        sftpconfig: {
          endpoint: 'sftp.example.com',
          username: 'u',
          private_key: plain('-----BEGIN OPENSSH PRIVATE KEY-----'),
          key_passphrase: plain('kp'),
          fingerprints: [fp, ` ${fp} `, ''],
          prefix: 'data/../srv/',
          buffer_size: 16,
          equality_check_mode: 1,
          disable_concurrent_reads: true,
        },
      });
      expect(out.sftpconfig).toMatchObject({
        endpoint: 'sftp.example.com:22',
        fingerprints: [fp],
        prefix: '/srv',
        buffer_size: 16,
        equality_check_mode: 1,
        disable_concurrent_reads: true,
      });
      expect(prepare({ provider: 5, sftpconfig: SFTP_MIN }).sftpconfig?.prefix).toBe('/');
      expect(
        prepare({ provider: 5, sftpconfig: { ...SFTP_MIN, endpoint: '[::1]:22' } }).sftpconfig?.endpoint,
      ).toBe('[::1]:22');
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['no endpoint', { ...SFTP_MIN, endpoint: '' }, 'sftpconfig.endpoint cannot be empty'],
      ['a bad endpoint', { ...SFTP_MIN, endpoint: 'host:port' }, 'sftpconfig.endpoint must be host:port'],
      ['a port out of range', { ...SFTP_MIN, endpoint: 'h:70000' }, 'sftpconfig.endpoint must be host:port'],
      ['no username', { ...SFTP_MIN, username: ' ' }, 'sftpconfig.username cannot be empty'],
      [
        'no credentials',
        { ...SFTP_MIN, password: undefined },
        'sftpconfig.password or sftpconfig.private_key',
      ],
      ['a big buffer', { ...SFTP_MIN, buffer_size: 17 }, 'sftpconfig.buffer_size must be between 0 and 16'],
      [
        'a bad equality mode',
        { ...SFTP_MIN, equality_check_mode: 2 },
        'sftpconfig.equality_check_mode must be',
      ],
      ['a bad fingerprint', { ...SFTP_MIN, fingerprints: ['MD5:aa'] }, 'sftpconfig.fingerprints: "MD5:aa"'],
    ])('rejects %s', (_what, sftpconfig, message) => {
      expect(rejection({ provider: 5, sftpconfig })).toContain(message);
    });
  });

  describe('HTTP', () => {
    it('requires an http(s) endpoint and encrypts password and api key', () => {
      expect(rejection({ provider: 6 })).toBe('httpconfig.endpoint cannot be empty');
      expect(rejection({ provider: 6, httpconfig: { endpoint: 'ftp://x' } })).toBe(
        'httpconfig.endpoint must be an http or https URL',
      );
      const out = prepare({
        provider: 6,
        httpconfig: {
          endpoint: 'https://h.example/api/v1/',
          username: 'u',
          password: plain('p'),
          api_key: plain('k'),
        },
      });
      expect(out.httpconfig?.endpoint).toBe('https://h.example/api/v1');
      expect(kms.open(out.httpconfig?.api_key ?? {})).toBe('k');
    });
  });

  it('names the folder or group that holds a redacted secret', () => {
    const input = { provider: 4, cryptconfig: { passphrase: { status: 'Redacted' } } };
    expect(() => service.prepare(input, undefined, { additionalData: 'group_g', owner: 'group' })).toThrow(
      'cannot save a group with a redacted secret',
    );
  });

  it('binds secrets to the owner additional data', () => {
    const out = service.prepare({ provider: 4, cryptconfig: { passphrase: plain(STRONG) } }, undefined, {
      additionalData: 'folder_f1',
      owner: 'folder',
    });
    expect(out.cryptconfig?.passphrase?.additional_data).toBe('folder_f1');
  });
});

describe('filesystemToWire', () => {
  const EMPTY = {
    osconfig: {},
    s3config: {},
    gcsconfig: {},
    azblobconfig: {},
    cryptconfig: {},
    sftpconfig: {},
    httpconfig: {},
  };

  it('always sends the provider and the seven sub-objects', () => {
    expect(filesystemToWire(undefined)).toEqual({ provider: 0, ...EMPTY });
    expect(filesystemToWire({ provider: 0 })).toEqual({ provider: 0, ...EMPTY });
    const local = prepare({ provider: 0, osconfig: { read_buffer_size: 1 } });
    expect(filesystemToWire(local)).toEqual({ provider: 0, ...EMPTY, osconfig: { read_buffer_size: 1 } });
  });

  it('hides secrets as {status, payload} and never sends them in clear', () => {
    const stored = prepare({ provider: 5, sftpconfig: { ...SFTP_MIN, password: plain('clear-pw') } });
    const wire = filesystemToWire(stored);
    const password = stored.sftpconfig?.password ?? {};
    expect(wire.sftpconfig.password).toEqual({ status: 'AES-256-GCM', payload: password.payload });
    expect(JSON.stringify(wire)).not.toContain('clear-pw');
    expect(JSON.stringify(wire)).not.toContain(password.key);
    expect(wire).toEqual({
      provider: 5,
      ...EMPTY,
      sftpconfig: {
        endpoint: 'sftp.example.com:2022',
        username: 'u',
        password: wire.sftpconfig.password,
        prefix: '/',
      },
    });
  });

  it('gives key and additional data in the confidential form', () => {
    const stored = prepare({ provider: 4, cryptconfig: { passphrase: plain(STRONG) } });
    const wire = filesystemToWire(stored, 'confidential');
    expect(wire.cryptconfig.passphrase).toEqual(stored.cryptconfig?.passphrase);
    expect(JSON.stringify(wire)).not.toContain(STRONG);
  });

  it('does not share arrays with the stored config', () => {
    const fp = `SHA256:${'B'.repeat(43)}`;
    const stored = prepare({ provider: 5, sftpconfig: { ...SFTP_MIN, fingerprints: [fp] } });
    const wire = filesystemToWire(stored);
    wire.sftpconfig.fingerprints?.push('x');
    expect(stored.sftpconfig?.fingerprints).toEqual([fp]);
  });
});
