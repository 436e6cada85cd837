import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'mysql2/promise';
import { Client } from 'pg';

/** The database the e2e suite runs on: `SFTPGO_TEST_DB` = sqlite (default), mysql or postgresql. */
export type TestDriver = 'sqlite' | 'mysql' | 'postgresql';

export const TEST_DRIVER: TestDriver = ((): TestDriver => {
  const value = (process.env.SFTPGO_TEST_DB ?? 'sqlite').toLowerCase();
  if (value === 'sqlite' || value === 'mysql' || value === 'postgresql') return value;
  if (value === 'postgres' || value === 'pgsql') return 'postgresql';
  if (value === 'mariadb') return 'mysql';
  throw new Error(`SFTPGO_TEST_DB must be sqlite, mysql or postgresql, got "${value}"`);
})();

const MYSQL = {
  host: process.env.SFTPGO_TEST_MYSQL_HOST ?? '127.0.0.1',
  port: Number(process.env.SFTPGO_TEST_MYSQL_PORT ?? 3306),
  user: process.env.SFTPGO_TEST_MYSQL_USER ?? 'root',
  password: process.env.SFTPGO_TEST_MYSQL_PASSWORD ?? '',
};
const PG = {
  host: process.env.SFTPGO_TEST_PG_HOST ?? '127.0.0.1',
  port: Number(process.env.SFTPGO_TEST_PG_PORT ?? 5432),
  user: process.env.SFTPGO_TEST_PG_USER ?? 'postgres',
  password: process.env.SFTPGO_TEST_PG_PASSWORD ?? '',
};

/** A fresh, empty database for one test file, and SQL access to it for arranging state. */
export interface TestDatabase {
  driver: TestDriver;
  /** `SFTPGO_DATA_PROVIDER__*` variables pointing the server at it. */
  env: Record<string, string>;
  /** Runs SQL with `?` placeholders (rewritten to `$n` for PostgreSQL); returns the rows. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Kills the server's connections to the database (mysql/postgresql only). */
  killConnections(): Promise<void>;
  drop(): Promise<void>;
}

/** Creates the database named by `SFTPGO_TEST_DB` for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `sftpgo_e2e_${randomBytes(6).toString('hex')}`;
  const db =
    TEST_DRIVER === 'mysql'
      ? await createMysql(name)
      : TEST_DRIVER === 'postgresql'
        ? await createPostgres(name)
        : await createSqlite();
  const query = db.query.bind(db);
  db.query = async <T>(sql: string, params?: unknown[]): Promise<T[]> => {
    try {
      return await query<T>(sql, params);
    } catch (error) {
      // A native driver's error may come from another Jest realm (the addon is loaded once per
      // worker), failing `instanceof Error` here: rethrow it as this realm's Error.
      const { message, code } = error as { message?: string; code?: string };
      throw Object.assign(new Error(message ?? String(error)), { code });
    }
  };
  return db;
}

async function createSqlite(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'sftpgo-db-'));
  const file = join(dir, 'sftpgo.db');
  // better-sqlite3 is what the server uses; opening per query keeps the test side simple.
  const Database = (await import('better-sqlite3')).default;
  return {
    driver: 'sqlite',
    env: { SFTPGO_DATA_PROVIDER__DRIVER: 'sqlite', SFTPGO_DATA_PROVIDER__NAME: file },
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const db = new Database(file, { timeout: 10000 });
      // As the server's connections: SQLite enforces foreign keys only when asked, per connection.
      db.pragma('foreign_keys = ON');
      try {
        const statement = db.prepare(sql);
        return (statement.reader ? statement.all(...params) : (statement.run(...params), [])) as T[];
      } finally {
        db.close();
      }
    },
    async killConnections() {
      throw new Error('not applicable to sqlite');
    },
    async drop() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createMysql(name: string): Promise<TestDatabase> {
  const admin = await createConnection(MYSQL);
  await admin.query(`CREATE DATABASE \`${name}\``);
  await admin.end();
  const conn = await createConnection({ ...MYSQL, database: name });
  return {
    driver: 'mysql',
    env: {
      SFTPGO_DATA_PROVIDER__DRIVER: 'mysql',
      SFTPGO_DATA_PROVIDER__HOST: MYSQL.host,
      SFTPGO_DATA_PROVIDER__PORT: String(MYSQL.port),
      SFTPGO_DATA_PROVIDER__USERNAME: MYSQL.user,
      SFTPGO_DATA_PROVIDER__PASSWORD: MYSQL.password,
      SFTPGO_DATA_PROVIDER__NAME: name,
    },
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      const [rows] = await conn.query(sql.replaceAll('"', '`'), params);
      return (Array.isArray(rows) ? rows : []) as T[];
    },
    async killConnections() {
      const [rows] = await conn.query(
        'SELECT id FROM information_schema.processlist WHERE db = ? AND id <> CONNECTION_ID()',
        [name],
      );
      for (const row of rows as { id: number }[]) await conn.query(`KILL ${row.id}`).catch(() => undefined);
    },
    async drop() {
      await conn.query(`DROP DATABASE \`${name}\``);
      await conn.end();
    },
  };
}

async function createPostgres(name: string): Promise<TestDatabase> {
  const admin = new Client({ ...PG, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  const conn = new Client({ ...PG, database: name });
  await conn.connect();
  return {
    driver: 'postgresql',
    env: {
      SFTPGO_DATA_PROVIDER__DRIVER: 'postgresql',
      SFTPGO_DATA_PROVIDER__HOST: PG.host,
      SFTPGO_DATA_PROVIDER__PORT: String(PG.port),
      SFTPGO_DATA_PROVIDER__USERNAME: PG.user,
      SFTPGO_DATA_PROVIDER__PASSWORD: PG.password,
      SFTPGO_DATA_PROVIDER__NAME: name,
    },
    async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      let n = 0;
      const result = await conn.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params,
      );
      return result.rows as T[];
    },
    async killConnections() {
      await conn.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
    },
    async drop() {
      await conn.end();
      await admin.query(`DROP DATABASE "${name}" WITH (FORCE)`);
      await admin.end();
    },
  };
}
