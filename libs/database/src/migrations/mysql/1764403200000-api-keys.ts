import type { MigrationInterface, QueryRunner } from 'typeorm';

// Binary collation: key ids are case sensitive.
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** API keys, deleted with the admin or user they are bound to (MySQL / MariaDB). */
export class ApiKeys1764403200000 implements MigrationInterface {
  name = 'ApiKeys1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE \`api_keys\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`key_id\` varchar(50) NOT NULL UNIQUE,
      \`name\` varchar(255) NOT NULL,
      \`api_key\` varchar(255) NOT NULL,
      \`scope\` int NOT NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL,
      \`last_use_at\` bigint NOT NULL DEFAULT 0,
      \`expires_at\` bigint NOT NULL DEFAULT 0,
      \`description\` longtext NULL,
      \`admin_id\` int NULL,
      \`user_id\` int NULL,
      CONSTRAINT \`api_keys_admin_id_fk\` FOREIGN KEY (\`admin_id\`) REFERENCES \`admins\` (\`id\`) ON DELETE CASCADE,
      CONSTRAINT \`api_keys_user_id_fk\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `api_keys`');
  }
}
