import { DataProviderConfig, defaultConfig } from '@app/config';
import { buildDataSourceOptions } from './data-source.factory';
import { MIGRATIONS } from './migrations';

class SampleEntity {}

function provider(overrides: Partial<DataProviderConfig> = {}): DataProviderConfig {
  return { ...defaultConfig().data_provider, ...overrides };
}

/** The options as a plain record, to read driver-specific keys without narrowing the union. */
function build(overrides: Partial<DataProviderConfig> = {}): Record<string, unknown> {
  return buildDataSourceOptions(provider(overrides), [SampleEntity]) as unknown as Record<string, unknown>;
}

describe('buildDataSourceOptions', () => {
  describe.each([
    ['sqlite', 'better-sqlite3'],
    ['mysql', 'mysql'],
    ['postgresql', 'postgres'],
  ] as const)('for %s', (driver, type) => {
    const options = build({ driver, name: 'sftpgo', host: 'db.example' });

    it(`uses the ${type} driver`, () => {
      expect(options.type).toBe(type);
    });

    it('runs the migrations of its family at start-up and never synchronizes', () => {
      expect(options.migrations).toBe(MIGRATIONS[driver]);
      expect(options.migrations).toHaveLength(MIGRATIONS[driver].length);
      expect(options.migrationsRun).toBe(true);
      expect(options.synchronize).toBe(false);
      expect(options.migrationsTableName).toBe('schema_migrations');
    });

    it('passes the entities through', () => {
      expect(options.entities).toEqual([SampleEntity]);
    });

    it('names the database', () => {
      expect(options.database).toBe('sftpgo');
    });
  });

  it('gives each family its own migrations', () => {
    const sqlite = build({ driver: 'sqlite' }).migrations;
    const mysql = build({ driver: 'mysql' }).migrations;
    const postgres = build({ driver: 'postgresql' }).migrations;
    expect(sqlite).not.toBe(mysql);
    expect(mysql).not.toBe(postgres);
    expect(sqlite).not.toBe(postgres);
  });

  describe('sqlite', () => {
    it('uses the file name with WAL enabled and a busy timeout', () => {
      const options = build({ driver: 'sqlite', name: '/var/lib/sftpgo/sftpgo.db' });
      expect(options).toMatchObject({
        type: 'better-sqlite3',
        database: '/var/lib/sftpgo/sftpgo.db',
        enableWAL: true,
      });
      expect(options.timeout).toBeGreaterThan(0);
    });

    it('defaults to sftpgo.db', () => {
      expect(build().database).toBe('sftpgo.db');
    });
  });

  describe('mysql', () => {
    it('connects with the configured coordinates', () => {
      const options = build({
        driver: 'mysql',
        host: 'mysql.example',
        port: 3307,
        username: 'sftpgo',
        password: 'pw',
        name: 'sftpgo_db',
      });
      expect(options).toMatchObject({
        host: 'mysql.example',
        port: 3307,
        username: 'sftpgo',
        password: 'pw',
        database: 'sftpgo_db',
      });
    });

    it('defaults the port to 3306', () => {
      expect(build({ driver: 'mysql', port: 0 }).port).toBe(3306);
    });

    it('talks utf8mb4 with a binary collation', () => {
      expect(build({ driver: 'mysql' }).charset).toBe('utf8mb4_bin');
    });

    it('sizes the pool at 10 by default, else at pool_size', () => {
      expect(build({ driver: 'mysql', pool_size: 0 }).extra).toMatchObject({ connectionLimit: 10 });
      expect(build({ driver: 'mysql', pool_size: 25 }).extra).toMatchObject({ connectionLimit: 25 });
    });

    // 3 is SFTPGo's `preferred`: encrypted, not verified (mysql2 has no plain-text fallback).
    it.each([
      [0, undefined],
      [1, { rejectUnauthorized: true }],
      [2, { rejectUnauthorized: false }],
      [3, { rejectUnauthorized: false }],
    ])('maps sslmode %i to ssl %j', (sslmode, ssl) => {
      expect(build({ driver: 'mysql', sslmode }).ssl).toEqual(ssl);
    });
  });

  describe('postgresql', () => {
    it('connects with the configured coordinates', () => {
      const options = build({
        driver: 'postgresql',
        host: 'pg.example',
        port: 6432,
        username: 'sftpgo',
        password: 'pw',
        name: 'sftpgo_db',
      });
      expect(options).toMatchObject({
        type: 'postgres',
        host: 'pg.example',
        port: 6432,
        username: 'sftpgo',
        password: 'pw',
        database: 'sftpgo_db',
      });
    });

    it('defaults the port to 5432', () => {
      expect(build({ driver: 'postgresql', port: 0 }).port).toBe(5432);
    });

    it('sizes the pool at 10 by default, else at pool_size', () => {
      expect(build({ driver: 'postgresql', pool_size: 0 }).poolSize).toBe(10);
      expect(build({ driver: 'postgresql', pool_size: 3 }).poolSize).toBe(3);
    });

    it.each([
      [0, false],
      [1, { rejectUnauthorized: false }],
      [2, { rejectUnauthorized: true }],
      [3, { rejectUnauthorized: true }],
    ])('maps sslmode %i to ssl %j', (sslmode, ssl) => {
      expect(build({ driver: 'postgresql', sslmode }).ssl).toEqual(ssl);
    });
  });
});
