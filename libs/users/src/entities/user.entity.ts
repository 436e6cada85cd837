import type { PermissionMap, UserFilters } from '@app/common';
import { bigintTransformer, jsonTransformer } from '@app/database';
import { RoleEntity } from '@app/roles';
import { defaultFilesystem, type FilesystemConfig } from '@app/storage';
import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { UserFolderMappingEntity } from './user-folder-mapping.entity';
import { UserGroupMappingEntity } from './user-group-mapping.entity';

/** A user (`User`), as stored: not merged with its groups. */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  username: string;

  /** 0 disabled, 1 enabled. */
  @Column({ type: 'integer' })
  status: number;

  @Column({ name: 'expiration_date', type: 'bigint', transformer: bigintTransformer, default: 0 })
  expirationDate: number;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description: string | null;

  /** Hash; null or empty when the user has no password. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  password: string | null;

  @Column({
    name: 'public_keys',
    type: 'text',
    nullable: true,
    transformer: jsonTransformer<string[]>(() => []),
  })
  publicKeys: string[];

  @Column({ name: 'home_dir', type: 'varchar', length: 512 })
  homeDir: string;

  @Column({ type: 'bigint', transformer: bigintTransformer, default: 0 })
  uid: number;

  @Column({ type: 'bigint', transformer: bigintTransformer, default: 0 })
  gid: number;

  @Column({ name: 'max_sessions', type: 'integer', default: 0 })
  maxSessions: number;

  @Column({ name: 'quota_size', type: 'bigint', transformer: bigintTransformer, default: 0 })
  quotaSize: number;

  @Column({ name: 'quota_files', type: 'integer', default: 0 })
  quotaFiles: number;

  @Column({ type: 'text', transformer: jsonTransformer<PermissionMap>(() => ({})) })
  permissions: PermissionMap;

  @Column({ name: 'used_quota_size', type: 'bigint', transformer: bigintTransformer, default: 0 })
  usedQuotaSize: number;

  @Column({ name: 'used_quota_files', type: 'integer', default: 0 })
  usedQuotaFiles: number;

  @Column({ name: 'last_quota_update', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastQuotaUpdate: number;

  @Column({ name: 'upload_bandwidth', type: 'integer', default: 0 })
  uploadBandwidth: number;

  @Column({ name: 'download_bandwidth', type: 'integer', default: 0 })
  downloadBandwidth: number;

  @Column({ name: 'upload_data_transfer', type: 'integer', default: 0 })
  uploadDataTransfer: number;

  @Column({ name: 'download_data_transfer', type: 'integer', default: 0 })
  downloadDataTransfer: number;

  @Column({ name: 'total_data_transfer', type: 'integer', default: 0 })
  totalDataTransfer: number;

  @Column({ name: 'used_upload_data_transfer', type: 'bigint', transformer: bigintTransformer, default: 0 })
  usedUploadDataTransfer: number;

  @Column({ name: 'used_download_data_transfer', type: 'bigint', transformer: bigintTransformer, default: 0 })
  usedDownloadDataTransfer: number;

  @Column({ name: 'last_login', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastLogin: number;

  @Column({ name: 'first_download', type: 'bigint', transformer: bigintTransformer, default: 0 })
  firstDownload: number;

  @Column({ name: 'first_upload', type: 'bigint', transformer: bigintTransformer, default: 0 })
  firstUpload: number;

  @Column({ name: 'last_password_change', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastPasswordChange: number;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer<UserFilters>(() => ({})) })
  filters: UserFilters;

  /** Secrets inside are encrypted. */
  @Column({ type: 'text', nullable: true, transformer: jsonTransformer<FilesystemConfig>(defaultFilesystem) })
  filesystem: FilesystemConfig;

  @Column({ name: 'additional_info', type: 'text', nullable: true })
  additionalInfo: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email: string | null;

  @Column({ name: 'role_id', type: 'integer', nullable: true })
  roleId: number | null;

  @ManyToOne(() => RoleEntity, { nullable: true, eager: true, onDelete: 'SET NULL' })
  @JoinColumn({ name: 'role_id' })
  role: Relation<RoleEntity> | null;

  @OneToMany(() => UserFolderMappingEntity, (mapping) => mapping.user)
  folderMappings: Relation<UserFolderMappingEntity[]>;

  @OneToMany(() => UserGroupMappingEntity, (mapping) => mapping.user)
  groupMappings: Relation<UserGroupMappingEntity[]>;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
