import type { MigrationInterface, QueryRunner } from 'typeorm';

// Binary collation: names are case sensitive on every driver, as on SFTPGo's SQLite and PostgreSQL.
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** Roles, admins and revoked tokens (MySQL / MariaDB). */
export class Initial1764230400000 implements MigrationInterface {
  name = 'Initial1764230400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE \`roles\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`name\` varchar(255) NOT NULL UNIQUE,
      \`description\` varchar(512) NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL) ${TABLE}`);
    await q.query(`CREATE TABLE \`admins\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`username\` varchar(255) NOT NULL UNIQUE,
      \`description\` varchar(512) NULL,
      \`password\` varchar(255) NOT NULL,
      \`email\` varchar(255) NULL,
      \`status\` int NOT NULL,
      \`permissions\` longtext NOT NULL,
      \`filters\` longtext NULL,
      \`additional_info\` longtext NULL,
      \`last_login\` bigint NOT NULL DEFAULT 0,
      \`role_id\` int NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL,
      KEY \`admins_role_id_idx\` (\`role_id\`),
      CONSTRAINT \`admins_role_id_fk\` FOREIGN KEY (\`role_id\`) REFERENCES \`roles\` (\`id\`) ON DELETE NO ACTION) ${TABLE}`);
    await q.query(`CREATE TABLE \`revoked_tokens\` (
      \`token_hash\` varchar(64) NOT NULL PRIMARY KEY,
      \`expires_at\` bigint NOT NULL,
      \`created_at\` bigint NOT NULL,
      KEY \`revoked_tokens_expires_at_idx\` (\`expires_at\`),
      KEY \`revoked_tokens_created_at_idx\` (\`created_at\`)) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `revoked_tokens`');
    await q.query('DROP TABLE `admins`');
    await q.query('DROP TABLE `roles`');
  }
}
