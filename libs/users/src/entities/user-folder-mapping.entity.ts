import { FolderMountBase } from '@app/folders';
import { Column, Entity, JoinColumn, ManyToOne, type Relation } from 'typeorm';
import { UserEntity } from './user.entity';

/** A virtual folder mounted for a user, with the user's quota for it. */
@Entity({ name: 'users_folders_mapping' })
export class UserFolderMappingEntity extends FolderMountBase {
  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, (user) => user.folderMappings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: Relation<UserEntity>;
}
