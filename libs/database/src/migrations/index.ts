import type { MigrationInterface } from 'typeorm';
import { Initial1764230400000 as MysqlInitial } from './mysql/1764230400000-initial';
import { Initial1764230400000 as PostgresInitial } from './postgres/1764230400000-initial';
import { Initial1764230400000 as SqliteInitial } from './sqlite/1764230400000-initial';

type MigrationClass = new () => MigrationInterface;

/** The committed migrations of each driver family, oldest first. */
export const MIGRATIONS: Record<'sqlite' | 'mysql' | 'postgresql', MigrationClass[]> = {
  sqlite: [SqliteInitial],
  mysql: [MysqlInitial],
  postgresql: [PostgresInitial],
};
