import type { BaseUserFilters, PermissionMap } from '@app/common';
import { bigintTransformer, jsonTransformer } from '@app/database';
import type { FilesystemConfig } from '@app/storage';
import { Column, Entity, OneToMany, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { GroupFolderMappingEntity } from './group-folder-mapping.entity';

/** `GroupUserSettings`: what members inherit. */
export interface GroupUserSettings {
  home_dir?: string;
  max_sessions?: number;
  quota_size?: number;
  quota_files?: number;
  permissions?: PermissionMap;
  upload_bandwidth?: number;
  download_bandwidth?: number;
  upload_data_transfer?: number;
  download_data_transfer?: number;
  total_data_transfer?: number;
  expires_in?: number;
  filters?: BaseUserFilters;
  filesystem?: FilesystemConfig;
}

/** A group (`Group`): shared settings and virtual folders for its members. */
@Entity({ name: 'groups' })
export class GroupEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description: string | null;

  /** Secrets inside `filesystem` are encrypted. */
  @Column({
    name: 'user_settings',
    type: 'text',
    nullable: true,
    transformer: jsonTransformer<GroupUserSettings>(() => ({})),
  })
  userSettings: GroupUserSettings;

  @OneToMany(() => GroupFolderMappingEntity, (mapping) => mapping.group)
  folderMappings: Relation<GroupFolderMappingEntity[]>;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
