import { bigintTransformer } from '@app/database';
import { FolderEntity } from '@app/folders';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { GroupEntity } from './group.entity';

/** A virtual folder mounted in a group (`VirtualFolder` minus the folder's own fields). */
@Entity({ name: 'groups_folders_mapping' })
export class GroupFolderMappingEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @ManyToOne(() => GroupEntity, (group) => group.folderMappings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group: Relation<GroupEntity>;

  @Column({ name: 'folder_id', type: 'integer' })
  folderId: number;

  @ManyToOne(() => FolderEntity, { onDelete: 'CASCADE', eager: true })
  @JoinColumn({ name: 'folder_id' })
  folder: Relation<FolderEntity>;

  @Column({ name: 'virtual_path', type: 'varchar', length: 512 })
  virtualPath: string;

  @Column({ name: 'quota_size', type: 'bigint', transformer: bigintTransformer, default: 0 })
  quotaSize: number;

  @Column({ name: 'quota_files', type: 'integer', default: 0 })
  quotaFiles: number;

  @Column({ type: 'varchar', length: 191, nullable: true })
  subpath: string | null;
}
