import type { MigrationInterface, QueryRunner } from 'typeorm';

// Binary collation: names are case sensitive on every driver.
const TABLE = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin';

/** Users, groups, virtual folders and their mappings (MySQL / MariaDB). */
export class AdminApi1764316800000 implements MigrationInterface {
  name = 'AdminApi1764316800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE \`folders\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`name\` varchar(255) NOT NULL UNIQUE,
      \`description\` varchar(512) NULL,
      \`path\` varchar(512) NULL,
      \`used_quota_size\` bigint NOT NULL DEFAULT 0,
      \`used_quota_files\` int NOT NULL DEFAULT 0,
      \`last_quota_update\` bigint NOT NULL DEFAULT 0,
      \`filesystem\` longtext NULL) ${TABLE}`);
    await q.query(`CREATE TABLE \`groups\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`name\` varchar(255) NOT NULL UNIQUE,
      \`description\` varchar(512) NULL,
      \`user_settings\` longtext NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL) ${TABLE}`);
    await q.query(`CREATE TABLE \`users\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`username\` varchar(255) NOT NULL UNIQUE,
      \`status\` int NOT NULL,
      \`expiration_date\` bigint NOT NULL DEFAULT 0,
      \`description\` varchar(512) NULL,
      \`password\` varchar(255) NULL,
      \`public_keys\` longtext NULL,
      \`home_dir\` varchar(512) NOT NULL,
      \`uid\` bigint NOT NULL DEFAULT 0,
      \`gid\` bigint NOT NULL DEFAULT 0,
      \`max_sessions\` int NOT NULL DEFAULT 0,
      \`quota_size\` bigint NOT NULL DEFAULT 0,
      \`quota_files\` int NOT NULL DEFAULT 0,
      \`permissions\` longtext NOT NULL,
      \`used_quota_size\` bigint NOT NULL DEFAULT 0,
      \`used_quota_files\` int NOT NULL DEFAULT 0,
      \`last_quota_update\` bigint NOT NULL DEFAULT 0,
      \`upload_bandwidth\` int NOT NULL DEFAULT 0,
      \`download_bandwidth\` int NOT NULL DEFAULT 0,
      \`upload_data_transfer\` int NOT NULL DEFAULT 0,
      \`download_data_transfer\` int NOT NULL DEFAULT 0,
      \`total_data_transfer\` int NOT NULL DEFAULT 0,
      \`used_upload_data_transfer\` bigint NOT NULL DEFAULT 0,
      \`used_download_data_transfer\` bigint NOT NULL DEFAULT 0,
      \`last_login\` bigint NOT NULL DEFAULT 0,
      \`first_download\` bigint NOT NULL DEFAULT 0,
      \`first_upload\` bigint NOT NULL DEFAULT 0,
      \`last_password_change\` bigint NOT NULL DEFAULT 0,
      \`filters\` longtext NULL,
      \`filesystem\` longtext NULL,
      \`additional_info\` longtext NULL,
      \`email\` varchar(255) NULL,
      \`role_id\` int NULL,
      \`created_at\` bigint NOT NULL,
      \`updated_at\` bigint NOT NULL,
      CONSTRAINT \`users_role_id_fk\` FOREIGN KEY (\`role_id\`) REFERENCES \`roles\` (\`id\`) ON DELETE SET NULL) ${TABLE}`);
    await q.query(`CREATE TABLE \`users_folders_mapping\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`user_id\` int NOT NULL,
      \`folder_id\` int NOT NULL,
      \`virtual_path\` varchar(512) NOT NULL,
      \`quota_size\` bigint NOT NULL DEFAULT 0,
      \`quota_files\` int NOT NULL DEFAULT 0,
      \`subpath\` varchar(191) NULL,
      CONSTRAINT \`users_folders_mapping_uniq\` UNIQUE (\`user_id\`, \`folder_id\`),
      CONSTRAINT \`users_folders_mapping_user_id_fk\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE,
      CONSTRAINT \`users_folders_mapping_folder_id_fk\` FOREIGN KEY (\`folder_id\`) REFERENCES \`folders\` (\`id\`) ON DELETE CASCADE) ${TABLE}`);
    await q.query(`CREATE TABLE \`groups_folders_mapping\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`group_id\` int NOT NULL,
      \`folder_id\` int NOT NULL,
      \`virtual_path\` varchar(512) NOT NULL,
      \`quota_size\` bigint NOT NULL DEFAULT 0,
      \`quota_files\` int NOT NULL DEFAULT 0,
      \`subpath\` varchar(191) NULL,
      CONSTRAINT \`groups_folders_mapping_uniq\` UNIQUE (\`group_id\`, \`folder_id\`),
      CONSTRAINT \`groups_folders_mapping_group_id_fk\` FOREIGN KEY (\`group_id\`) REFERENCES \`groups\` (\`id\`) ON DELETE CASCADE,
      CONSTRAINT \`groups_folders_mapping_folder_id_fk\` FOREIGN KEY (\`folder_id\`) REFERENCES \`folders\` (\`id\`) ON DELETE CASCADE) ${TABLE}`);
    await q.query(`CREATE TABLE \`users_groups_mapping\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`user_id\` int NOT NULL,
      \`group_id\` int NOT NULL,
      \`group_type\` int NOT NULL,
      CONSTRAINT \`users_groups_mapping_uniq\` UNIQUE (\`user_id\`, \`group_id\`),
      CONSTRAINT \`users_groups_mapping_user_id_fk\` FOREIGN KEY (\`user_id\`) REFERENCES \`users\` (\`id\`) ON DELETE CASCADE,
      CONSTRAINT \`users_groups_mapping_group_id_fk\` FOREIGN KEY (\`group_id\`) REFERENCES \`groups\` (\`id\`) ON DELETE NO ACTION) ${TABLE}`);
    await q.query(`CREATE TABLE \`admins_groups_mapping\` (
      \`id\` int NOT NULL AUTO_INCREMENT PRIMARY KEY,
      \`admin_id\` int NOT NULL,
      \`group_id\` int NOT NULL,
      \`options\` longtext NULL,
      CONSTRAINT \`admins_groups_mapping_uniq\` UNIQUE (\`admin_id\`, \`group_id\`),
      CONSTRAINT \`admins_groups_mapping_admin_id_fk\` FOREIGN KEY (\`admin_id\`) REFERENCES \`admins\` (\`id\`) ON DELETE CASCADE,
      CONSTRAINT \`admins_groups_mapping_group_id_fk\` FOREIGN KEY (\`group_id\`) REFERENCES \`groups\` (\`id\`) ON DELETE CASCADE) ${TABLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE `admins_groups_mapping`');
    await q.query('DROP TABLE `users_groups_mapping`');
    await q.query('DROP TABLE `groups_folders_mapping`');
    await q.query('DROP TABLE `users_folders_mapping`');
    await q.query('DROP TABLE `users`');
    await q.query('DROP TABLE `groups`');
    await q.query('DROP TABLE `folders`');
  }
}
