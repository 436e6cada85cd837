import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Shares, deleted with their owner (SQLite). */
export class Shares1764489600000 implements MigrationInterface {
  name = 'Shares1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "shares" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "share_id" varchar(60) NOT NULL UNIQUE,
      "name" varchar(255) NOT NULL,
      "description" text NULL,
      "scope" integer NOT NULL,
      "paths" text NOT NULL,
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL,
      "last_use_at" bigint NOT NULL DEFAULT 0,
      "expires_at" bigint NOT NULL DEFAULT 0,
      "password" varchar(255) NULL,
      "max_tokens" integer NOT NULL DEFAULT 0,
      "used_tokens" integer NOT NULL DEFAULT 0,
      "allow_from" text NULL)`);
    await q.query(`CREATE INDEX "shares_user_id_idx" ON "shares" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "shares"');
  }
}
