import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Roles, admins and revoked tokens (SQLite). */
export class Initial1764230400000 implements MigrationInterface {
  name = 'Initial1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "roles" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "name" varchar(255) NOT NULL UNIQUE,
      "description" varchar(512) NULL,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE TABLE "admins" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "username" varchar(255) NOT NULL UNIQUE,
      "description" varchar(512) NULL,
      "password" varchar(255) NOT NULL,
      "email" varchar(255) NULL,
      "status" integer NOT NULL,
      "permissions" text NOT NULL,
      "filters" text NULL,
      "additional_info" text NULL,
      "last_login" bigint NOT NULL DEFAULT 0,
      "role_id" integer NULL REFERENCES "roles" ("id") ON DELETE NO ACTION,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "admins_role_id_idx" ON "admins" ("role_id")`);
    await q.query(`CREATE TABLE "revoked_tokens" (
      "token_hash" varchar(64) NOT NULL PRIMARY KEY,
      "expires_at" bigint NOT NULL,
      "created_at" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "revoked_tokens_expires_at_idx" ON "revoked_tokens" ("expires_at")`);
    await q.query(`CREATE INDEX "revoked_tokens_created_at_idx" ON "revoked_tokens" ("created_at")`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "revoked_tokens"`);
    await q.query(`DROP TABLE "admins"`);
    await q.query(`DROP TABLE "roles"`);
  }
}
