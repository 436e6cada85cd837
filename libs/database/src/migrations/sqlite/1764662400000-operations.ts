import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The audit trail of admin-side changes, SFTPGo's provider events (SQLite). */
export class Operations1764662400000 implements MigrationInterface {
  name = 'Operations1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "provider_events" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "timestamp" bigint NOT NULL,
      "action" varchar(16) NOT NULL,
      "username" varchar(255) NOT NULL,
      "ip" varchar(50) NOT NULL,
      "object_type" varchar(32) NOT NULL,
      "object_name" varchar(512) NOT NULL,
      "object_data" text NULL,
      "role" varchar(255) NOT NULL DEFAULT '',
      "instance_id" varchar(64) NOT NULL DEFAULT '')`);
    await q.query(`CREATE INDEX "provider_events_timestamp_idx" ON "provider_events" ("timestamp")`);
    await q.query(
      `CREATE INDEX "provider_events_object_idx" ON "provider_events" ("object_type", "object_name")`,
    );
    await q.query(`CREATE INDEX "provider_events_username_idx" ON "provider_events" ("username")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "provider_events"');
  }
}
