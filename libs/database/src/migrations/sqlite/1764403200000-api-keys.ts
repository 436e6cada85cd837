import type { MigrationInterface, QueryRunner } from 'typeorm';

/** API keys, deleted with the admin or user they are bound to (SQLite). */
export class ApiKeys1764403200000 implements MigrationInterface {
  name = 'ApiKeys1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "api_keys" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "key_id" varchar(50) NOT NULL UNIQUE,
      "name" varchar(255) NOT NULL,
      "api_key" varchar(255) NOT NULL,
      "scope" integer NOT NULL,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL,
      "last_use_at" bigint NOT NULL DEFAULT 0,
      "expires_at" bigint NOT NULL DEFAULT 0,
      "description" text NULL,
      "admin_id" integer NULL REFERENCES "admins" ("id") ON DELETE CASCADE,
      "user_id" integer NULL REFERENCES "users" ("id") ON DELETE CASCADE)`);
    await q.query(`CREATE INDEX "api_keys_admin_id_idx" ON "api_keys" ("admin_id")`);
    await q.query(`CREATE INDEX "api_keys_user_id_idx" ON "api_keys" ("user_id")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "api_keys"');
  }
}
