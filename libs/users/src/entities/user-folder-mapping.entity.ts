import { bigintTransformer } from '@app/database';
import { FolderEntity } from '@app/folders';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from './user.entity';

/** A virtual folder mounted for a user, with the user's quota for it. */
@Entity({ name: 'users_folders_mapping' })
export class UserFolderMappingEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, (user) => user.folderMappings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: Relation<UserEntity>;

  @Column({ name: 'folder_id', type: 'integer' })
  folderId: number;

  @ManyToOne(() => FolderEntity, { onDelete: 'CASCADE', eager: true })
  @JoinColumn({ name: 'folder_id' })
  folder: Relation<FolderEntity>;

  @Column({ name: 'virtual_path', type: 'varchar', length: 512 })
  virtualPath: string;

  /** Bytes; 0 unlimited, -1 counted in the user's quota. */
  @Column({ name: 'quota_size', type: 'bigint', transformer: bigintTransformer, default: 0 })
  quotaSize: number;

  @Column({ name: 'quota_files', type: 'integer', default: 0 })
  quotaFiles: number;

  @Column({ type: 'varchar', length: 191, nullable: true })
  subpath: string | null;
}
