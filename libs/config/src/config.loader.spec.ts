import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coerceEnvValue, ConfigError, loadConfig, LoadedConfig } from './config.loader';
import { defaultBinding, defaultConfig, defaultRateLimiter } from './config.types';

const dirs: string[] = [];

function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'sftpgo-config-'));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Loads with `dir` as the working dir and nothing from the real process. */
function load(dir: string, env: NodeJS.ProcessEnv = {}, argv: string[] = []): LoadedConfig {
  return loadConfig({ argv, env, cwd: dir });
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns the defaults when there is no config file', () => {
    const dir = tempDir();
    const { config, warnings } = load(dir);
    const defaults = defaultConfig();
    expect(warnings).toEqual([]);
    expect(config.configDir).toBe(dir);
    expect(config.logLevel).toBe('info');
    expect(config.httpd).toEqual(defaults.httpd);
    expect(config.data_provider).toEqual({
      ...defaults.data_provider,
      name: join(dir, 'sftpgo.db'),
      backups_path: join(dir, 'backups'),
    });
    expect(config.defaultAdmin).toEqual({ username: '', password: '' });
  });

  it('reads sftpgo.json', () => {
    const dir = tempDir({
      'sftpgo.json': json({
        httpd: { bindings: [{ port: 9000, address: '127.0.0.1' }], jwt_lifetime: 60 },
        data_provider: { password_hashing: { algo: 'argon2id', argon2_options: { memory: 4096 } } },
      }),
    });
    const { config, warnings } = load(dir);
    expect(warnings).toEqual([]);
    // Keys missing from a file binding keep the binding defaults.
    expect(config.httpd.bindings).toEqual([{ ...defaultBinding(), address: '127.0.0.1', port: 9000 }]);
    expect(config.httpd.jwt_lifetime).toBe(60);
    expect(config.data_provider.password_hashing).toEqual({
      bcrypt_options: { cost: 10 },
      argon2_options: { memory: 4096, iterations: 1, parallelism: 2 },
      algo: 'argon2id',
    });
  });

  it.each(['sftpgo.yaml', 'sftpgo.yml'])('reads %s', (name) => {
    const yaml = [
      'httpd:',
      '  token_validation: 1',
      '  signing_passphrase:', // null keeps the default
      '  bindings:',
      '    - port: 8081',
      '      enable_rest_api: false',
      'data_provider:',
      '  create_default_admin: true',
      '  naming_rules: 1',
      '',
    ].join('\n');
    const { config } = load(tempDir({ [name]: yaml }));
    expect(config.httpd.token_validation).toBe(1);
    expect(config.httpd.signing_passphrase).toBe('');
    expect(config.httpd.bindings).toEqual([{ ...defaultBinding(), port: 8081, enable_rest_api: false }]);
    expect(config.data_provider.create_default_admin).toBe(true);
    expect(config.data_provider.naming_rules).toBe(1);
  });

  it('prefers sftpgo.json over sftpgo.yaml and accepts an empty YAML file', () => {
    const both = tempDir({ 'sftpgo.json': json({ httpd: { jwt_lifetime: 5 } }), 'sftpgo.yaml': 'httpd: 3' });
    expect(load(both).config.httpd.jwt_lifetime).toBe(5);
    expect(load(tempDir({ 'sftpgo.yaml': '# nothing configured\n' })).config.httpd.jwt_lifetime).toBe(20);
  });

  it('lets env variables override the file', () => {
    const dir = tempDir({
      'sftpgo.json': json({
        httpd: { jwt_lifetime: 60, bindings: [{ port: 9000 }] },
        data_provider: { driver: 'sqlite', name: 'file.db' },
      }),
    });
    const { config } = load(dir, {
      SFTPGO_HTTPD__JWT_LIFETIME: '30',
      SFTPGO_HTTPD__BINDINGS__0__PORT: '9999',
      SFTPGO_DATA_PROVIDER__DRIVER: 'mysql',
      SFTPGO_DATA_PROVIDER__HOST: 'db.example.com',
      SFTPGO_DATA_PROVIDER__PASSWORD_HASHING__ALGO: 'argon2id',
      SFTPGO_DATA_PROVIDER__PASSWORD_HASHING__BCRYPT_OPTIONS__COST: '12',
    });
    expect(config.httpd.jwt_lifetime).toBe(30);
    expect(config.httpd.bindings).toEqual([{ ...defaultBinding(), port: 9999 }]);
    expect(config.data_provider.driver).toBe('mysql');
    expect(config.data_provider.host).toBe('db.example.com');
    // Not sqlite: the name is a database name, not a path.
    expect(config.data_provider.name).toBe('file.db');
    expect(config.data_provider.password_hashing.algo).toBe('argon2id');
    expect(config.data_provider.password_hashing.bcrypt_options.cost).toBe(12);
  });

  describe('env bindings', () => {
    it('appends a binding built from the defaults for the next index', () => {
      const { config } = load(tempDir(), {
        SFTPGO_HTTPD__BINDINGS__1__PORT: '9090',
        SFTPGO_HTTPD__BINDINGS__2__ADDRESS: '127.0.0.1',
      });
      expect(config.httpd.bindings).toEqual([
        defaultBinding(),
        { ...defaultBinding(), port: 9090 },
        { ...defaultBinding(), address: '127.0.0.1' },
      ]);
    });

    it('sets several keys of one appended binding', () => {
      const { config } = load(tempDir(), {
        SFTPGO_HTTPD__BINDINGS__1__PORT: '9090',
        SFTPGO_HTTPD__BINDINGS__1__ENABLE_REST_API: 'false',
      });
      expect(config.httpd.bindings[1]).toEqual({ ...defaultBinding(), port: 9090, enable_rest_api: false });
    });

    it('rejects an index that would leave a gap', () => {
      const err = configError(() => load(tempDir(), { SFTPGO_HTTPD__BINDINGS__3__PORT: '9090' }));
      expect(err.message).toContain('httpd.bindings[3]: index would leave a gap');
      expect(err.message).toContain('SFTPGO_HTTPD__BINDINGS__3__PORT');
    });

    it('ignores indexes above 9 and unknown binding keys with a warning, without appending', () => {
      const { config, warnings } = load(tempDir(), {
        SFTPGO_HTTPD__BINDINGS__10__PORT: '9090',
        SFTPGO_HTTPD__BINDINGS__1__RENDER_OPENAPI: 'true',
      });
      expect(config.httpd.bindings).toEqual([defaultBinding()]);
      expect(warnings).toHaveLength(2);
      expect(warnings.join('\n')).toContain('SFTPGO_HTTPD__BINDINGS__10__PORT');
      expect(warnings.join('\n')).toContain('SFTPGO_HTTPD__BINDINGS__1__RENDER_OPENAPI');
    });
  });

  describe('env coercion', () => {
    it.each([
      ['1', true],
      ['t', true],
      ['TRUE', true],
      ['True', true],
      ['0', false],
      ['f', false],
      ['FALSE', false],
      ['False', false],
    ])('parses boolean %s', (raw, expected) => {
      const base = {
        SFTPGO_DATA_PROVIDER__PASSWORD_CACHING: raw,
        SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: raw,
      };
      const { config } = load(tempDir(), base);
      expect(config.data_provider.password_caching).toBe(expected);
      expect(config.data_provider.create_default_admin).toBe(expected);
    });

    it.each(['yes', 'on', '2'])('rejects boolean %s naming the key', (raw) => {
      const err = configError(() => load(tempDir(), { SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: raw }));
      expect(err.message).toContain('data_provider.create_default_admin: must be a boolean');
    });

    it('parses integers, surrounding spaces allowed', () => {
      const { config } = load(tempDir(), { SFTPGO_HTTPD__MAX_UPLOAD_FILE_SIZE: ' 1048576 ' });
      expect(config.httpd.max_upload_file_size).toBe(1048576);
    });

    it.each(['abc', '1.5', '1e3', '0x10', ' '])('rejects integer %j', (raw) => {
      const err = configError(() => load(tempDir(), { SFTPGO_HTTPD__BINDINGS__0__PORT: raw }));
      expect(err.message).toContain('invalid configuration: httpd.bindings[0].port: must be an integer');
      expect(err.message).toContain('SFTPGO_HTTPD__BINDINGS__0__PORT');
    });

    it('splits string lists on commas', () => {
      expect(coerceEnvValue(' a, b,,c ', [])).toEqual({ ok: true, value: ['a', 'b', 'c'] });
      expect(coerceEnvValue('x', ['default'])).toEqual({ ok: true, value: ['x'] });
    });

    it('keeps strings as they are and ignores empty values', () => {
      const { config } = load(tempDir(), {
        SFTPGO_DATA_PROVIDER__PASSWORD: ' secret ',
        SFTPGO_DATA_PROVIDER__NAME: '',
      });
      expect(config.data_provider.password).toBe(' secret ');
      expect(config.data_provider.name).toMatch(/sftpgo\.db$/);
    });
  });

  describe('validation', () => {
    it.each<[string, unknown, string]>([
      ['empty bindings', { httpd: { bindings: [] } }, 'httpd.bindings: at least one binding is required'],
      [
        'binding port',
        { httpd: { bindings: [{ port: 80 }, { port: 70000 }] } },
        'invalid configuration: httpd.bindings[1].port: must be an integer between 0 and 65535, got 70000',
      ],
      [
        'jwt_lifetime low',
        { httpd: { jwt_lifetime: 0 } },
        'httpd.jwt_lifetime: must be an integer between 1 and 720',
      ],
      [
        'jwt_lifetime high',
        { httpd: { jwt_lifetime: 721 } },
        'httpd.jwt_lifetime: must be an integer between 1',
      ],
      [
        'token_validation',
        { httpd: { token_validation: 4 } },
        'httpd.token_validation: must be an integer between',
      ],
      [
        'max upload',
        { httpd: { max_upload_file_size: -1 } },
        'httpd.max_upload_file_size: must be an integer >= 0',
      ],
      [
        'bolt',
        { data_provider: { driver: 'bolt' } },
        'data_provider.driver: "bolt" is not supported by this server',
      ],
      ['memory', { data_provider: { driver: 'memory' } }, 'data_provider.driver: "memory" is not supported'],
      [
        'cockroach',
        { data_provider: { driver: 'cockroachdb' } },
        'data_provider.driver: "cockroachdb" is not',
      ],
      ['postgres alias', { data_provider: { driver: 'postgres' } }, 'data_provider.driver: must be one of'],
      ['empty name', { data_provider: { name: '' } }, 'data_provider.name: must not be empty'],
      ['pg host', { data_provider: { driver: 'postgresql' } }, 'data_provider.host: must not be empty when'],
      [
        'mysql host',
        { data_provider: { driver: 'mysql', host: ' ' } },
        'data_provider.host: must not be empty',
      ],
      [
        'db port',
        { data_provider: { port: 65536 } },
        'data_provider.port: must be an integer between 0 and 65535',
      ],
      [
        'sslmode',
        { data_provider: { sslmode: 4 } },
        'data_provider.sslmode: must be an integer between 0 and 3',
      ],
      ['pool_size', { data_provider: { pool_size: -1 } }, 'data_provider.pool_size: must be an integer >= 0'],
      [
        'algo',
        { data_provider: { password_hashing: { algo: 'scrypt' } } },
        'data_provider.password_hashing.algo: must be bcrypt or argon2id',
      ],
      [
        'bcrypt cost',
        { data_provider: { password_hashing: { bcrypt_options: { cost: 32 } } } },
        'data_provider.password_hashing.bcrypt_options.cost: must be an integer between 4 and 31, got 32',
      ],
      [
        'argon2 memory',
        { data_provider: { password_hashing: { argon2_options: { memory: 512 } } } },
        'data_provider.password_hashing.argon2_options.memory: must be an integer >= 1024',
      ],
      [
        'argon2 iterations',
        { data_provider: { password_hashing: { argon2_options: { iterations: 0 } } } },
        'data_provider.password_hashing.argon2_options.iterations: must be an integer >= 1',
      ],
      [
        'argon2 parallelism',
        { data_provider: { password_hashing: { argon2_options: { parallelism: 256 } } } },
        'data_provider.password_hashing.argon2_options.parallelism: must be an integer between 1 and 255',
      ],
      [
        'naming_rules',
        { data_provider: { naming_rules: 8 } },
        'data_provider.naming_rules: must be an integer between',
      ],
      [
        'backups_path',
        { data_provider: { backups_path: '' } },
        'data_provider.backups_path: must not be empty',
      ],
    ])('rejects %s', (_name, file, expected) => {
      const err = configError(() => load(tempDir({ 'sftpgo.json': json(file) })));
      expect(err.message).toContain(expected);
      expect(err.problems).toHaveLength(1);
    });

    it('reports every problem in one error, one per line', () => {
      const dir = tempDir({ 'sftpgo.json': json({ httpd: { jwt_lifetime: 0, token_validation: 9 } }) });
      const err = configError(() => load(dir, { SFTPGO_DATA_PROVIDER__SSLMODE: '7' }));
      expect(err.problems).toHaveLength(3);
      expect(err.message.split('\n')).toEqual([
        expect.stringMatching(/^invalid configuration: httpd\.jwt_lifetime: /),
        expect.stringMatching(/^invalid configuration: httpd\.token_validation: /),
        expect.stringMatching(/^invalid configuration: data_provider\.sslmode: /),
      ]);
    });

    it.each<[string, unknown, string]>([
      [
        'string port',
        { httpd: { bindings: [{ port: 'abc' }] } },
        'httpd.bindings[0].port: must be an integer, got "abc"',
      ],
      ['float', { httpd: { jwt_lifetime: 1.5 } }, 'httpd.jwt_lifetime: must be an integer, got 1.5'],
      [
        'string bool',
        { data_provider: { create_default_admin: 'yes' } },
        'data_provider.create_default_admin: must be a boolean, got "yes"',
      ],
      [
        'number bool',
        { data_provider: { password_caching: 2 } },
        'data_provider.password_caching: must be a boolean',
      ],
      ['section', { httpd: 'x' }, 'httpd: must be an object, got "x"'],
      ['bindings', { httpd: { bindings: { port: 1 } } }, 'httpd.bindings: must be a list, got an object'],
      ['binding', { httpd: { bindings: [8080] } }, 'httpd.bindings[0]: must be an object, got 8080'],
      ['number string', { data_provider: { host: 5 } }, 'data_provider.host: must be a string, got 5'],
    ])('rejects a file type mismatch: %s', (_name, file, expected) => {
      const dir = tempDir({ 'sftpgo.json': json(file) });
      const err = configError(() => load(dir));
      expect(err.message).toContain(expected);
      expect(err.message).toContain(join(dir, 'sftpgo.json'));
    });

    it('accepts 0 and 1 for booleans in the file', () => {
      const dir = tempDir({
        'sftpgo.json': json({ data_provider: { create_default_admin: 1, password_caching: 0 } }),
      });
      const { config } = load(dir);
      expect(config.data_provider.create_default_admin).toBe(true);
      expect(config.data_provider.password_caching).toBe(false);
    });

    it('does not echo secret values in messages', () => {
      const dir = tempDir({ 'sftpgo.json': json({ data_provider: { password: 12345678 } }) });
      const err = configError(() => load(dir));
      expect(err.message).toContain('data_provider.password: must be a string, got a number');
      expect(err.message).not.toContain('12345678');
    });

    it('names the file on a parse error', () => {
      const jsonDir = tempDir({ 'sftpgo.json': '{ "httpd": ' });
      expect(configError(() => load(jsonDir)).message).toContain(join(jsonDir, 'sftpgo.json'));
      const yamlDir = tempDir({ 'sftpgo.yaml': 'httpd: [1' });
      expect(configError(() => load(yamlDir)).message).toContain(join(yamlDir, 'sftpgo.yaml'));
      const listDir = tempDir({ 'sftpgo.yml': '- 1\n' });
      expect(configError(() => load(listDir)).message).toContain('the top level must be a mapping');
    });
  });

  describe('HTTP edge keys (bindings, cors, TLS)', () => {
    it('reads nested binding objects and lists of objects from the file and the env', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          httpd: {
            cors: { enabled: true, allowed_origins: ['https://a.test'], max_age: 60 },
            bindings: [
              {
                port: 9000,
                proxy_allowed: ['10.0.0.0/8', '::1'],
                client_ip_proxy_header: 'X-Forwarded-For',
                security: {
                  enabled: true,
                  https_proxy_headers: [{ key: 'X-Forwarded-Proto', value: 'https' }],
                },
              },
            ],
          },
        }),
      });
      const { config, warnings } = load(dir, {
        SFTPGO_HTTPD__BINDINGS__1__PORT: '9001',
        SFTPGO_HTTPD__BINDINGS__1__SECURITY__HTTPS_PROXY_HEADERS__0__KEY: 'X-Forwarded-Ssl',
        SFTPGO_HTTPD__BINDINGS__1__SECURITY__HTTPS_PROXY_HEADERS__0__VALUE: 'on',
        SFTPGO_HTTPD__BINDINGS__0__CLIENT_IP_HEADER_DEPTH: '1',
        SFTPGO_HTTPD__CORS__ALLOWED_METHODS: 'GET, POST',
      });
      expect(warnings).toEqual([]);
      const [first, second] = config.httpd.bindings;
      expect(first).toMatchObject({
        port: 9000,
        proxy_allowed: ['10.0.0.0/8', '::1'],
        client_ip_header_depth: 1,
        min_tls_version: 12,
        security: { enabled: true, https_proxy_headers: [{ key: 'X-Forwarded-Proto', value: 'https' }] },
      });
      expect(second).toMatchObject({
        port: 9001,
        security: { https_proxy_headers: [{ key: 'X-Forwarded-Ssl', value: 'on' }] },
      });
      expect(config.httpd.cors).toMatchObject({
        enabled: true,
        max_age: 60,
        allowed_methods: ['GET', 'POST'],
      });
    });

    it('resolves certificate, CA and CRL paths against the config dir', () => {
      const dir = tempDir();
      const { config } = load(dir, {
        SFTPGO_HTTPD__CERTIFICATE_FILE: 'cert.pem',
        SFTPGO_HTTPD__CERTIFICATE_KEY_FILE: '/abs/key.pem',
        SFTPGO_HTTPD__CA_CERTIFICATES: 'ca1.pem,ca2.pem',
        SFTPGO_HTTPD__CA_REVOCATION_LISTS: 'ca.crl',
        SFTPGO_HTTPD__BINDINGS__0__CERTIFICATE_FILE: 'b.pem',
      });
      expect(config.httpd.certificate_file).toBe(join(dir, 'cert.pem'));
      expect(config.httpd.certificate_key_file).toBe('/abs/key.pem');
      expect(config.httpd.ca_certificates).toEqual([join(dir, 'ca1.pem'), join(dir, 'ca2.pem')]);
      expect(config.httpd.ca_revocation_lists).toEqual([join(dir, 'ca.crl')]);
      expect(config.httpd.bindings[0].certificate_file).toBe(join(dir, 'b.pem'));
      expect(config.httpd.bindings[0].certificate_key_file).toBe('');
    });

    it.each([
      [
        { proxy_allowed: ['10.0.0.1', 'not-an-ip'] },
        'httpd.bindings[0].proxy_allowed[1]: not an IP address or CIDR network: "not-an-ip"',
      ],
      [
        { proxy_allowed: ['10.0.0.0/33'] },
        'httpd.bindings[0].proxy_allowed[0]: not an IP address or CIDR network',
      ],
      [
        { client_ip_proxy_header: 'X Forwarded' },
        'httpd.bindings[0].client_ip_proxy_header: not a valid header name',
      ],
      [{ client_ip_header_depth: -1 }, 'httpd.bindings[0].client_ip_header_depth: must be an integer >= 0'],
      [{ min_tls_version: 14 }, 'httpd.bindings[0].min_tls_version: must be one of 10, 11, 12, 13, got 14'],
      [
        { tls_cipher_suites: ['TLS_BOGUS'] },
        'httpd.bindings[0].tls_cipher_suites[0]: unknown or unsupported cipher suite "TLS_BOGUS"',
      ],
      [
        { disabled_login_methods: 240 },
        'httpd.bindings[0].disabled_login_methods: with the REST API enabled',
      ],
      [
        { disabled_login_methods: 256 },
        'httpd.bindings[0].disabled_login_methods: must be an integer between 0 and 255',
      ],
      [{ enable_https: true }, 'httpd.bindings[0].enable_https: no certificate'],
      [
        { security: { cache_control: 'public' } },
        'httpd.bindings[0].security.cache_control: must be "" or "private"',
      ],
      [
        { security: { allowed_hosts_are_regex: true, allowed_hosts: ['('] } },
        'httpd.bindings[0].security.allowed_hosts[0]: invalid regular expression',
      ],
      [
        { security: { https_proxy_headers: [{ value: 'https' }] } },
        'httpd.bindings[0].security.https_proxy_headers[0].key: must not be empty',
      ],
    ])('refuses binding %j', (binding, message) => {
      const dir = tempDir({ 'sftpgo.json': json({ httpd: { bindings: [binding] } }) });
      expect(configError(() => load(dir)).message).toContain(message);
    });

    it('accepts every REST login method disabled on a binding without the REST API', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          httpd: { bindings: [{ port: 1, enable_rest_api: false, disabled_login_methods: 255 }] },
        }),
      });
      expect(load(dir).config.httpd.bindings[0].disabled_login_methods).toBe(255);
    });
  });

  describe('unknown keys', () => {
    it('warns once per top-most unknown key path of the file', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          common: {
            idle_timeout: 15,
            upload_mode: 1,
          },
          sftpd: { bindings: [{ port: 2022 }] },
          httpd: {
            setup: { installation_code: 'x' },
            bindings: [{ port: 8080, render_openapi: false, oidc: { client_id: 'x', scopes: ['openid'] } }],
          },
          data_provider: { delayed_quota_update: 2 },
        }),
      });
      const { warnings } = load(dir);
      expect(warnings).toEqual([
        'unknown configuration key "common.idle_timeout" ignored',
        'unknown configuration key "common.upload_mode" ignored',
        'unknown configuration key "sftpd" ignored',
        'unknown configuration key "httpd.setup" ignored',
        'unknown configuration key "httpd.bindings[0].render_openapi" ignored',
        'unknown configuration key "httpd.bindings[0].oidc" ignored',
        'unknown configuration key "data_provider.delayed_quota_update" ignored',
      ]);
    });

    it('warns about unknown env keys of supported sections only', () => {
      const { warnings } = load(tempDir(), {
        SFTPGO_HTTPD__SETUP__INSTALLATION_CODE: '1',
        SFTPGO_DATA_PROVIDER__DELAYED_QUOTA_UPDATE: '2',
        SFTPGO_DATA_PROVIDER__PASSWORD_HASHING: 'x', // an object, not a leaf
        SFTPGO_COMMON__IDLE_TIMEOUT: '5',
        SFTPGO_SFTPD__BINDINGS__0__PORT: '2022',
        SFTPGO_DEFAULT_ADMIN_USERNAME: 'admin',
        SFTPGO_DEFAULT_ADMIN_PASSWORD: 'password',
        SFTPGO_LOG_LEVEL: 'debug',
        OTHER_VARIABLE: 'x',
      });
      // `common` is supported (secret_min_entropy), so its unknown keys are reported; `sftpd` is not.
      expect(warnings).toHaveLength(4);
      expect(warnings[0]).toContain('SFTPGO_COMMON__IDLE_TIMEOUT');
      expect(warnings[1]).toContain('SFTPGO_DATA_PROVIDER__DELAYED_QUOTA_UPDATE');
      expect(warnings[2]).toContain('SFTPGO_DATA_PROVIDER__PASSWORD_HASHING');
      expect(warnings[3]).toContain('SFTPGO_HTTPD__SETUP__INSTALLATION_CODE');
    });
  });

  describe('command line and config dir', () => {
    function withSub(): { cwd: string; sub: string } {
      const cwd = tempDir();
      const sub = join(cwd, 'etc');
      mkdirSync(sub);
      writeFileSync(join(sub, 'sftpgo.json'), json({ httpd: { jwt_lifetime: 42 } }));
      return { cwd, sub };
    }

    it.each([
      ['--config-dir DIR', (d: string) => ['serve', '--config-dir', d]],
      ['--config-dir=DIR', (d: string) => ['serve', `--config-dir=${d}`]],
      ['-c DIR', (d: string) => ['serve', '-c', d, '--other-flag']],
      ['-c=DIR', (d: string) => [`-c=${d}`]],
    ])('reads %s, relative to the working dir', (_name, args) => {
      const { cwd, sub } = withSub();
      const { config } = load(cwd, {}, args('etc'));
      expect(config.configDir).toBe(sub);
      expect(config.httpd.jwt_lifetime).toBe(42);
      expect(config.data_provider.name).toBe(join(sub, 'sftpgo.db'));
    });

    it('reads SFTPGO_CONFIG_DIR, the flag winning over it', () => {
      const { cwd, sub } = withSub();
      expect(load(cwd, { SFTPGO_CONFIG_DIR: sub }).config.configDir).toBe(sub);
      expect(load(cwd, { SFTPGO_CONFIG_DIR: sub }, ['-c', cwd]).config.configDir).toBe(cwd);
    });

    it('fails on a flag without value', () => {
      expect(configError(() => load(tempDir(), {}, ['--config-dir'])).message).toContain('--config-dir');
      expect(configError(() => load(tempDir(), {}, ['-c'])).message).toContain('-c');
    });

    it('warns when the config dir does not exist', () => {
      const { warnings } = load(tempDir(), {}, ['-c', 'missing']);
      expect(warnings).toEqual([expect.stringContaining('does not exist')]);
    });

    it('reads --config-file / SFTPGO_CONFIG_FILE relative to the config dir', () => {
      const dir = tempDir({
        'sftpgo.json': json({ httpd: { jwt_lifetime: 1 } }),
        'custom.yaml': 'httpd:\n  jwt_lifetime: 7\n',
        'env.json': json({ httpd: { jwt_lifetime: 8 } }),
      });
      expect(load(dir, {}, ['--config-file', 'custom.yaml']).config.httpd.jwt_lifetime).toBe(7);
      expect(load(dir, { SFTPGO_CONFIG_FILE: 'env.json' }).config.httpd.jwt_lifetime).toBe(8);
      expect(configError(() => load(dir, {}, ['--config-file=nope.json'])).message).toContain('not found');
    });

    it('reads --log-level / SFTPGO_LOG_LEVEL and rejects unknown levels', () => {
      const dir = tempDir();
      expect(load(dir, { SFTPGO_LOG_LEVEL: 'debug' }).config.logLevel).toBe('debug');
      expect(load(dir, { SFTPGO_LOG_LEVEL: 'debug' }, ['--log-level', 'error']).config.logLevel).toBe(
        'error',
      );
      expect(configError(() => load(dir, {}, ['--log-level=verbose'])).message).toContain('--log-level');
    });
  });

  describe('paths', () => {
    it('resolves the sqlite name, backups path and users base dir against the config dir', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          data_provider: { name: 'data/app.db', backups_path: '../bk', users_base_dir: 'homes' },
        }),
      });
      const { data_provider: dp } = load(dir).config;
      expect(dp.name).toBe(join(dir, 'data/app.db'));
      expect(dp.backups_path).toBe(join(dir, '../bk'));
      expect(dp.users_base_dir).toBe(join(dir, 'homes'));
    });

    it('keeps absolute paths', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          data_provider: { name: '/srv/db.sqlite', backups_path: '/srv/bk', users_base_dir: '/srv/u' },
        }),
      });
      const { data_provider: dp } = load(dir).config;
      expect([dp.name, dp.backups_path, dp.users_base_dir]).toEqual(['/srv/db.sqlite', '/srv/bk', '/srv/u']);
    });

    it('reads and trims the signing passphrase file', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          httpd: { signing_passphrase: 'ignored', signing_passphrase_file: 'secret.txt' },
        }),
        'secret.txt': '  s3cret-value\n',
      });
      const { httpd } = load(dir).config;
      expect(httpd.signing_passphrase).toBe('s3cret-value');
      expect(httpd.signing_passphrase_file).toBe(join(dir, 'secret.txt'));
    });

    it('fails naming the key when the passphrase file cannot be read', () => {
      const err = configError(() =>
        load(tempDir(), { SFTPGO_HTTPD__SIGNING_PASSPHRASE_FILE: 'missing.txt' }),
      );
      expect(err.message).toContain('httpd.signing_passphrase_file: cannot read');
      const empty = tempDir({ 'empty.txt': ' \n' });
      const errEmpty = configError(() => load(empty, { SFTPGO_HTTPD__SIGNING_PASSPHRASE_FILE: 'empty.txt' }));
      expect(errEmpty.message).toContain('httpd.signing_passphrase_file: file');
    });

    it('keeps the SQLite in-memory name', () => {
      const { config } = load(tempDir(), { SFTPGO_DATA_PROVIDER__NAME: ':memory:' });
      expect(config.data_provider.name).toBe(':memory:');
    });
  });

  describe('common and kms sections', () => {
    it('defaults to SFTPGo values', () => {
      const { config } = load(tempDir());
      expect(config.common).toEqual(defaultConfig().common);
      expect(config.common.secret_min_entropy).toBe(80);
      expect(config.common.defender).toMatchObject({
        enabled: false,
        driver: 'memory',
        threshold: 15,
        ban_time: 30,
      });
      expect(config.common.rate_limiters).toEqual([defaultRateLimiter()]);
      expect(config.kms).toEqual({ secrets: { url: '', master_key: '', master_key_path: '' } });
    });

    it('reads the keys from the file and env, resolving master_key_path against the config dir', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          common: { secret_min_entropy: 60 },
          kms: { secrets: { url: 'local://', master_key_path: 'keys/master' } },
        }),
      });
      const { config } = load(dir, { SFTPGO_KMS__SECRETS__MASTER_KEY: 'env-master-key' });
      expect(config.common.secret_min_entropy).toBe(60);
      expect(config.kms.secrets).toEqual({
        url: 'local://',
        master_key: 'env-master-key',
        master_key_path: join(dir, 'keys/master'),
      });
      const env = { SFTPGO_COMMON__SECRET_MIN_ENTROPY: '0', SFTPGO_KMS__SECRETS__URL: 'builtin://' };
      const fromEnv = load(tempDir(), env).config;
      expect(fromEnv.common.secret_min_entropy).toBe(0);
      expect(fromEnv.kms.secrets.url).toBe('builtin://');
      const absolute = load(tempDir(), { SFTPGO_KMS__SECRETS__MASTER_KEY_PATH: '/etc/sftpgo/master.key' });
      expect(absolute.config.kms.secrets.master_key_path).toBe('/etc/sftpgo/master.key');
    });

    it('reads the defender and the rate limiters from the file and env; an appended limiter gets defaults', () => {
      const dir = tempDir({
        'sftpgo.json': json({
          common: {
            defender: { enabled: true, driver: 'provider', login_delay: { success: 10 } },
            allowlist_status: 1,
          },
        }),
      });
      const { config } = load(dir, {
        SFTPGO_COMMON__RATE_LIMITERS__0__AVERAGE: '100',
        SFTPGO_COMMON__RATE_LIMITERS__1__TYPE: '1',
        SFTPGO_COMMON__RATE_LIMITERS_REDIS_URL: 'redis://127.0.0.1:6379/2',
      });
      expect(config.common.defender).toMatchObject({
        enabled: true,
        driver: 'provider',
        login_delay: { success: 10, password_failed: 1000 },
      });
      expect(config.common.allowlist_status).toBe(1);
      expect(config.common.rate_limiters).toEqual([
        { ...defaultRateLimiter(), average: 100 },
        { ...defaultRateLimiter(), type: 1 },
      ]);
      expect(config.common.rate_limiters_redis_url).toBe('redis://127.0.0.1:6379/2');
    });

    it('rejects a negative entropy and unsupported KMS URLs, naming the key', () => {
      const err = configError(() =>
        load(tempDir({ 'sftpgo.json': json({ common: { secret_min_entropy: -1 } }) }), {
          SFTPGO_KMS__SECRETS__URL: 'awskms://alias/x',
        }),
      );
      expect(err.problems).toEqual([
        'common.secret_min_entropy: must be an integer >= 0, got -1',
        'kms.secrets.url: "awskms://alias/x" is not supported by this server, use "" or one of local://, builtin://',
      ]);
    });

    it('does not echo a wrongly typed master key', () => {
      const dir = tempDir({ 'sftpgo.json': json({ kms: { secrets: { master_key: 987654321 } } }) });
      const err = configError(() => load(dir));
      expect(err.message).toContain('kms.secrets.master_key: must be a string, got a number');
      expect(err.message).not.toContain('987654321');
    });
  });

  it('loads the default admin from env, trimmed, without requiring it', () => {
    const env = { SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: '1' };
    expect(load(tempDir(), env).config.defaultAdmin).toEqual({ username: '', password: '' });
    const { config } = load(tempDir(), {
      ...env,
      SFTPGO_DEFAULT_ADMIN_USERNAME: ' admin ',
      SFTPGO_DEFAULT_ADMIN_PASSWORD: ' pass word\n',
    });
    expect(config.data_provider.create_default_admin).toBe(true);
    expect(config.defaultAdmin).toEqual({ username: 'admin', password: 'pass word' });
  });
});
