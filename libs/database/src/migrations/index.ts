import type { MigrationInterface } from 'typeorm';
import { Initial1764230400000 as MysqlInitial } from './mysql/1764230400000-initial';
import { Initial1764230400000 as PostgresInitial } from './postgres/1764230400000-initial';
import { Initial1764230400000 as SqliteInitial } from './sqlite/1764230400000-initial';
import { AdminApi1764316800000 as MysqlAdminApi } from './mysql/1764316800000-admin-api';
import { AdminApi1764316800000 as PostgresAdminApi } from './postgres/1764316800000-admin-api';
import { AdminApi1764316800000 as SqliteAdminApi } from './sqlite/1764316800000-admin-api';
import { ApiKeys1764403200000 as MysqlApiKeys } from './mysql/1764403200000-api-keys';
import { ApiKeys1764403200000 as PostgresApiKeys } from './postgres/1764403200000-api-keys';
import { ApiKeys1764403200000 as SqliteApiKeys } from './sqlite/1764403200000-api-keys';
import { Shares1764489600000 as MysqlShares } from './mysql/1764489600000-shares';
import { Shares1764489600000 as PostgresShares } from './postgres/1764489600000-shares';
import { Shares1764489600000 as SqliteShares } from './sqlite/1764489600000-shares';
import { Security1764576000000 as MysqlSecurity } from './mysql/1764576000000-security';
import { Security1764576000000 as PostgresSecurity } from './postgres/1764576000000-security';
import { Security1764576000000 as SqliteSecurity } from './sqlite/1764576000000-security';
import { Operations1764662400000 as MysqlOperations } from './mysql/1764662400000-operations';
import { Operations1764662400000 as PostgresOperations } from './postgres/1764662400000-operations';
import { Operations1764662400000 as SqliteOperations } from './sqlite/1764662400000-operations';

type MigrationClass = new () => MigrationInterface;

/** The committed migrations of each driver family, oldest first. */
export const MIGRATIONS: Record<'sqlite' | 'mysql' | 'postgresql', MigrationClass[]> = {
  sqlite: [SqliteInitial, SqliteAdminApi, SqliteApiKeys, SqliteShares, SqliteSecurity, SqliteOperations],
  mysql: [MysqlInitial, MysqlAdminApi, MysqlApiKeys, MysqlShares, MysqlSecurity, MysqlOperations],
  postgresql: [
    PostgresInitial,
    PostgresAdminApi,
    PostgresApiKeys,
    PostgresShares,
    PostgresSecurity,
    PostgresOperations,
  ],
};
