import type { MigrationInterface, QueryRunner } from 'typeorm';

// Binary collation: share ids are case sensitive.
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** Shares, deleted with their owner (MySQL / MariaDB). */
export class Shares1764489600000 implements MigrationInterface {
  name = 'Shares1764489600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE \`shares\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`share_id\` varchar(60) NOT NULL UNIQUE,
      \`name\` varchar(255) NOT NULL,
      \`description\` longtext NULL,
      \`scope\` int NOT NULL,
      \`paths\` longtext NOT NULL,
      \`user_id\` int NOT NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL,
      \`last_use_at\` bigint NOT NULL DEFAULT 0,
      \`expires_at\` bigint NOT NULL DEFAULT 0,
      \`password\` varchar(255) NULL,
      \`max_tokens\` int NOT NULL DEFAULT 0,
      \`used_tokens\` int NOT NULL DEFAULT 0,
      \`allow_from\` longtext NULL,
      CONSTRAINT \`shares_user_id_fk\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `shares`');
  }
}
