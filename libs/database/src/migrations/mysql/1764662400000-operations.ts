import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** The audit trail of admin-side changes, SFTPGo's provider events (MySQL / MariaDB). */
export class Operations1764662400000 implements MigrationInterface {
  name = 'Operations1764662400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE \`provider_events\` (
      \`id\` bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`timestamp\` bigint NOT NULL,
      \`action\` varchar(16) NOT NULL,
      \`username\` varchar(255) NOT NULL,
      \`ip\` varchar(50) NOT NULL,
      \`object_type\` varchar(32) NOT NULL,
      \`object_name\` varchar(512) NOT NULL,
      \`object_data\` longtext NULL,
      \`role\` varchar(255) NOT NULL DEFAULT '',
      \`instance_id\` varchar(64) NOT NULL DEFAULT '',
      KEY \`provider_events_timestamp_idx\` (\`timestamp\`),
      KEY \`provider_events_object_idx\` (\`object_type\`, \`object_name\`(191)),
      KEY \`provider_events_username_idx\` (\`username\`(191))) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `provider_events`');
  }
}
