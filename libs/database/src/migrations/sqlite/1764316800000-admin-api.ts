import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Users, groups, virtual folders and their mappings (SQLite). */
export class AdminApi1764316800000 implements MigrationInterface {
  name = 'AdminApi1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "folders" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "name" varchar(255) NOT NULL UNIQUE,
      "description" varchar(512) NULL,
      "path" varchar(512) NULL,
      "used_quota_size" bigint NOT NULL DEFAULT 0,
      "used_quota_files" integer NOT NULL DEFAULT 0,
      "last_quota_update" bigint NOT NULL DEFAULT 0,
      "filesystem" text NULL)`);
    await q.query(`CREATE TABLE "groups" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "name" varchar(255) NOT NULL UNIQUE,
      "description" varchar(512) NULL,
      "user_settings" text NULL,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE TABLE "users" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "username" varchar(255) NOT NULL UNIQUE,
      "status" integer NOT NULL,
      "expiration_date" bigint NOT NULL DEFAULT 0,
      "description" varchar(512) NULL,
      "password" varchar(255) NULL,
      "public_keys" text NULL,
      "home_dir" varchar(512) NOT NULL,
      "uid" bigint NOT NULL DEFAULT 0,
      "gid" bigint NOT NULL DEFAULT 0,
      "max_sessions" integer NOT NULL DEFAULT 0,
      "quota_size" bigint NOT NULL DEFAULT 0,
      "quota_files" integer NOT NULL DEFAULT 0,
      "permissions" text NOT NULL,
      "used_quota_size" bigint NOT NULL DEFAULT 0,
      "used_quota_files" integer NOT NULL DEFAULT 0,
      "last_quota_update" bigint NOT NULL DEFAULT 0,
      "upload_bandwidth" integer NOT NULL DEFAULT 0,
      "download_bandwidth" integer NOT NULL DEFAULT 0,
      "upload_data_transfer" integer NOT NULL DEFAULT 0,
      "download_data_transfer" integer NOT NULL DEFAULT 0,
      "total_data_transfer" integer NOT NULL DEFAULT 0,
      "used_upload_data_transfer" bigint NOT NULL DEFAULT 0,
      "used_download_data_transfer" bigint NOT NULL DEFAULT 0,
      "last_login" bigint NOT NULL DEFAULT 0,
      "first_download" bigint NOT NULL DEFAULT 0,
      "first_upload" bigint NOT NULL DEFAULT 0,
      "last_password_change" bigint NOT NULL DEFAULT 0,
      "filters" text NULL,
      "filesystem" text NULL,
      "additional_info" text NULL,
      "email" varchar(255) NULL,
      "role_id" integer NULL REFERENCES "roles" ("id") ON DELETE SET NULL,
      "created_at" bigint NOT NULL,
      "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "users_role_id_idx" ON "users" ("role_id")`);
    await q.query(`CREATE TABLE "users_folders_mapping" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "folder_id" integer NOT NULL REFERENCES "folders" ("id") ON DELETE CASCADE,
      "virtual_path" varchar(512) NOT NULL,
      "quota_size" bigint NOT NULL DEFAULT 0,
      "quota_files" integer NOT NULL DEFAULT 0,
      "subpath" varchar(191) NULL,
      CONSTRAINT "users_folders_mapping_uniq" UNIQUE ("user_id", "folder_id"))`);
    await q.query(`CREATE INDEX "users_folders_mapping_user_id_idx" ON "users_folders_mapping" ("user_id")`);
    await q.query(
      `CREATE INDEX "users_folders_mapping_folder_id_idx" ON "users_folders_mapping" ("folder_id")`,
    );
    await q.query(`CREATE TABLE "groups_folders_mapping" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "group_id" integer NOT NULL REFERENCES "groups" ("id") ON DELETE CASCADE,
      "folder_id" integer NOT NULL REFERENCES "folders" ("id") ON DELETE CASCADE,
      "virtual_path" varchar(512) NOT NULL,
      "quota_size" bigint NOT NULL DEFAULT 0,
      "quota_files" integer NOT NULL DEFAULT 0,
      "subpath" varchar(191) NULL,
      CONSTRAINT "groups_folders_mapping_uniq" UNIQUE ("group_id", "folder_id"))`);
    await q.query(
      `CREATE INDEX "groups_folders_mapping_group_id_idx" ON "groups_folders_mapping" ("group_id")`,
    );
    await q.query(
      `CREATE INDEX "groups_folders_mapping_folder_id_idx" ON "groups_folders_mapping" ("folder_id")`,
    );
    await q.query(`CREATE TABLE "users_groups_mapping" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "user_id" integer NOT NULL REFERENCES "users" ("id") ON DELETE CASCADE,
      "group_id" integer NOT NULL REFERENCES "groups" ("id") ON DELETE NO ACTION,
      "group_type" integer NOT NULL,
      CONSTRAINT "users_groups_mapping_uniq" UNIQUE ("user_id", "group_id"))`);
    await q.query(`CREATE INDEX "users_groups_mapping_user_id_idx" ON "users_groups_mapping" ("user_id")`);
    await q.query(`CREATE INDEX "users_groups_mapping_group_id_idx" ON "users_groups_mapping" ("group_id")`);
    await q.query(`CREATE TABLE "admins_groups_mapping" (
      "id" integer PRIMARY KEY AUTOINCREMENT NOT NULL,
      "admin_id" integer NOT NULL REFERENCES "admins" ("id") ON DELETE CASCADE,
      "group_id" integer NOT NULL REFERENCES "groups" ("id") ON DELETE CASCADE,
      "options" text NULL,
      CONSTRAINT "admins_groups_mapping_uniq" UNIQUE ("admin_id", "group_id"))`);
    await q.query(
      `CREATE INDEX "admins_groups_mapping_admin_id_idx" ON "admins_groups_mapping" ("admin_id")`,
    );
    await q.query(
      `CREATE INDEX "admins_groups_mapping_group_id_idx" ON "admins_groups_mapping" ("group_id")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "admins_groups_mapping"');
    await q.query('DROP TABLE "users_groups_mapping"');
    await q.query('DROP TABLE "groups_folders_mapping"');
    await q.query('DROP TABLE "users_folders_mapping"');
    await q.query('DROP TABLE "users"');
    await q.query('DROP TABLE "groups"');
    await q.query('DROP TABLE "folders"');
  }
}
