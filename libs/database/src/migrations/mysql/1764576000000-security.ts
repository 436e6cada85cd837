import type { MigrationInterface, QueryRunner } from 'typeorm';

// Binary collation: hex range comparisons and IP texts compare byte by byte.
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** IP lists and the defender's shared hosts and events (MySQL / MariaDB). */
export class Security1764576000000 implements MigrationInterface {
  name = 'Security1764576000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE \`ip_lists\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`type\` int NOT NULL,
      \`ipornet\` varchar(50) NOT NULL,
      \`mode\` int NOT NULL,
      \`description\` varchar(512) NULL,
      \`protocols\` int NOT NULL DEFAULT 0,
      \`ip_type\` int NOT NULL,
      \`first\` varchar(32) NOT NULL,
      \`last\` varchar(32) NOT NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL,
      UNIQUE KEY \`ip_lists_type_ipornet_idx\` (\`type\`, \`ipornet\`),
      KEY \`ip_lists_range_idx\` (\`type\`, \`first\`, \`last\`),
      KEY \`ip_lists_updated_at_idx\` (\`type\`, \`updated_at\`)) ${TABLE}`);
    await q.query(`CREATE TABLE \`defender_hosts\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`ip\` varchar(50) NOT NULL UNIQUE,
      \`ban_time\` bigint NOT NULL DEFAULT 0,
      \`updated_at\` bigint NOT NULL) ${TABLE}`);
    await q.query(`CREATE TABLE \`defender_events\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`host_id\` int NOT NULL,
      \`date_time\` bigint NOT NULL,
      \`score\` int NOT NULL,
      KEY \`defender_events_host_time_idx\` (\`host_id\`, \`date_time\`),
      CONSTRAINT \`defender_events_host_id_fk\` FOREIGN KEY (\`host_id\`) REFERENCES \`defender_hosts\` (\`id\`) ON DELETE CASCADE) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `defender_events`');
    await q.query('DROP TABLE `defender_hosts`');
    await q.query('DROP TABLE `ip_lists`');
  }
}
