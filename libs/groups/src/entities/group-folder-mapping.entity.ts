import { FolderMountBase } from '@app/folders';
import { Column, Entity, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { GroupEntity } from './group.entity';

/** A virtual folder mounted in a group. */
@Entity({ name: 'groups_folders_mapping' })
export class GroupFolderMappingEntity extends FolderMountBase {
  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @ManyToOne(() => GroupEntity, (group) => group.folderMappings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id' })
  group: Relation<GroupEntity>;
}
