import type { DataProviderConfig } from '@app/config';
import type { DataSourceOptions, EntitySchema, MixedList } from 'typeorm';
import { MIGRATIONS } from './migrations';
import { TypeOrmNestLogger } from './typeorm-logger';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Entities = MixedList<Function | string | EntitySchema>;

const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * TLS options from SFTPGo's `sslmode`: 0 off; pg 1 require (no verification), 2 verify-ca, 3
 * verify-full; mysql 1 verified TLS, 2 skip-verify, 3 preferred (encrypted without verification:
 * mysql2 cannot fall back to plain text, so this is the closest safe reading).
 */
function sslOptions(config: DataProviderConfig): false | { rejectUnauthorized: boolean } {
  if (config.sslmode === 0) return false;
  if (config.driver === 'mysql') return { rejectUnauthorized: config.sslmode === 1 };
  return { rejectUnauthorized: config.sslmode >= 2 };
}

/** TypeORM options for the configured driver; migrations always run, `synchronize` never. */
export function buildDataSourceOptions(config: DataProviderConfig, entities: Entities): DataSourceOptions {
  const common = {
    entities,
    migrations: MIGRATIONS[config.driver],
    migrationsRun: true,
    migrationsTableName: MIGRATIONS_TABLE,
    synchronize: false,
    logging: ['error' as const, 'warn' as const, 'migration' as const],
    logger: new TypeOrmNestLogger(),
  };
  const poolSize = config.pool_size > 0 ? config.pool_size : 10;
  switch (config.driver) {
    case 'sqlite':
      return { ...common, type: 'better-sqlite3', database: config.name, enableWAL: true, timeout: 10000 };
    case 'mysql':
      return {
        ...common,
        type: 'mysql',
        host: config.host,
        port: config.port || 3306,
        username: config.username,
        password: config.password,
        database: config.name,
        charset: 'utf8mb4_bin',
        ssl: sslOptions(config) || undefined,
        connectTimeout: 10000,
        extra: { connectionLimit: poolSize, enableKeepAlive: true },
      };
    case 'postgresql':
      return {
        ...common,
        type: 'postgres',
        host: config.host,
        port: config.port || 5432,
        username: config.username,
        password: config.password,
        database: config.name,
        ssl: sslOptions(config),
        connectTimeoutMS: 10000,
        poolSize,
        extra: { keepAlive: true },
      };
  }
}
