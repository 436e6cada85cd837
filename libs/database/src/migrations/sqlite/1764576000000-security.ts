import type { MigrationInterface, QueryRunner } from 'typeorm';

/** IP lists and the defender's shared hosts and events (SQLite). */
export class Security1764576000000 implements MigrationInterface {
  name = 'Security1764576000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "ip_lists" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "type" integer NOT NULL,
      "ipornet" varchar(50) NOT NULL,
      "mode" integer NOT NULL,
      "description" varchar(512) NULL,
      "protocols" integer NOT NULL DEFAULT 0,
      "ip_type" integer NOT NULL,
      "first" varchar(32) NOT NULL,
      "last" varchar(32) NOT NULL,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE UNIQUE INDEX "ip_lists_type_ipornet_idx" ON "ip_lists" ("type", "ipornet")`);
    await q.query(`CREATE INDEX "ip_lists_range_idx" ON "ip_lists" ("type", "first", "last")`);
    await q.query(`CREATE INDEX "ip_lists_updated_at_idx" ON "ip_lists" ("type", "updated_at")`);
    await q.query(`CREATE TABLE "defender_hosts" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "ip" varchar(50) NOT NULL UNIQUE,
      "ban_time" bigint NOT NULL DEFAULT 0,
      "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE TABLE "defender_events" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "host_id" integer NOT NULL REFERENCES "defender_hosts" ("id") ON DELETE CASCADE,
      "date_time" bigint NOT NULL,
      "score" integer NOT NULL)`);
    await q.query(
      `CREATE INDEX "defender_events_host_time_idx" ON "defender_events" ("host_id", "date_time")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "defender_events"');
    await q.query('DROP TABLE "defender_hosts"');
    await q.query('DROP TABLE "ip_lists"');
  }
}
