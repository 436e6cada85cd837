import { startServer } from '../src/bootstrap';
import { createTestDatabase, type TestDatabase } from './support/test-db';
import { ADMIN, jwtPayload, startTestServer, testEnv } from './support/test-server';

describe('configuration (sftpgo.json + SFTPGO_ environment)', () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase();
  });

  afterEach(async () => {
    await db?.drop();
  });

  const lifetimeOf = (token: string) => {
    const claims = jwtPayload(token);
    return ((claims.exp as number) - (claims.iat as number)) / 60;
  };

  it('takes jwt_lifetime and password hashing from the config file', async () => {
    const app = await startTestServer(db, {
      configFile: {
        httpd: { jwt_lifetime: 5 },
        data_provider: { password_hashing: { algo: 'argon2id', argon2_options: { memory: 1024 } } },
        sftpd: { bindings: [{ port: 2022 }] },
      },
    });
    try {
      expect(lifetimeOf(await app.token())).toBe(5);
      const rows = await db.query<{ password: string }>('SELECT "password" FROM "admins"');
      expect(rows[0].password.startsWith('$argon2id$')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('warns once about each unknown key', async () => {
    const app = await startTestServer(db, {
      configFile: {
        sftpd: { bindings: [{ port: 2022 }] },
        httpd: { jwt_lifetime: 6, setup: { installation_code: 'x' } },
      },
      captureLogs: 'info',
    });
    try {
      const warnings = app
        .logs()
        .split('\n')
        .filter(Boolean)
        .map((line) => (JSON.parse(line) as { msg: string }).msg)
        .filter((msg) => msg.startsWith('unknown configuration key'));
      expect(warnings.filter((msg) => msg.includes('"sftpd"'))).toHaveLength(1);
      expect(warnings.filter((msg) => msg.includes('"httpd.setup"'))).toHaveLength(1);
      expect(lifetimeOf(await app.token())).toBe(6);
    } finally {
      await app.close();
    }
  });

  it('lets the environment override the config file', async () => {
    const app = await startTestServer(db, {
      configFile: { httpd: { jwt_lifetime: 5 } },
      env: { SFTPGO_HTTPD__JWT_LIFETIME: '7' },
    });
    try {
      expect(lifetimeOf(await app.token())).toBe(7);
    } finally {
      await app.close();
    }
  });

  it('reads a YAML config file too', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const configDir = mkdtempSync(join(tmpdir(), 'sftpgo-yaml-'));
    writeFileSync(join(configDir, 'sftpgo.yaml'), 'httpd:\n  jwt_lifetime: 9\n');
    const app = await startTestServer(db, { configDir });
    try {
      expect(lifetimeOf(await app.token())).toBe(9);
    } finally {
      await app.close();
    }
  });

  it.each([
    ['a non-numeric port', { SFTPGO_HTTPD__BINDINGS__0__PORT: 'abc' }, /httpd\.bindings\[0\]\.port/],
    ['an unsupported driver', { SFTPGO_DATA_PROVIDER__DRIVER: 'bolt' }, /data_provider\.driver/],
    ['a jwt lifetime out of range', { SFTPGO_HTTPD__JWT_LIFETIME: '100000' }, /httpd\.jwt_lifetime/],
    [
      'a bad boolean',
      { SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: 'maybe' },
      /data_provider\.create_default_admin/,
    ],
  ])('refuses to start with %s, naming the key', async (_case, extra, key) => {
    const env = await testEnv(db, extra);
    await expect(startServer({ argv: [], env, cwd: process.cwd() })).rejects.toThrow(key);
  });

  it('refuses a bad value in the config file, naming the key', async () => {
    await expect(startTestServer(db, { configFile: { httpd: { token_validation: 'yes' } } })).rejects.toThrow(
      /httpd\.token_validation/,
    );
  });

  it('needs both default admin variables to create the first admin', async () => {
    const env = await testEnv(db, { SFTPGO_DEFAULT_ADMIN_PASSWORD: '' });
    await expect(startServer({ argv: [], env, cwd: process.cwd() })).rejects.toThrow(
      /SFTPGO_DEFAULT_ADMIN_USERNAME and SFTPGO_DEFAULT_ADMIN_PASSWORD/,
    );
    // Nothing half-done: the next start with both variables creates the admin.
    const app = await startTestServer(db);
    try {
      expect((await app.request('/api/v2/token', { basic: ADMIN })).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('does not create a default admin when one exists or when not asked', async () => {
    const first = await startTestServer(db);
    await first.close();
    const second = await startTestServer(db, {
      env: { SFTPGO_DEFAULT_ADMIN_USERNAME: 'another', SFTPGO_DEFAULT_ADMIN_PASSWORD: 'another-password' },
    });
    try {
      const rows = await db.query<{ username: string }>('SELECT "username" FROM "admins"');
      expect(rows.map((r) => r.username)).toEqual([ADMIN.username]);
    } finally {
      await second.close();
    }
    const other = await createTestDatabase();
    const app = await startTestServer(other, { env: { SFTPGO_DATA_PROVIDER__CREATE_DEFAULT_ADMIN: '0' } });
    try {
      expect(await other.query('SELECT "username" FROM "admins"')).toEqual([]);
      expect((await app.request('/api/v2/token', { basic: ADMIN })).status).toBe(401);
    } finally {
      await app.close();
      await other.drop();
    }
  });
});
