import { bigintTransformer } from '@app/database';
import { Column, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { FolderEntity } from './folder.entity';

/**
 * The columns of a virtual folder mounted for a user or a group (`VirtualFolder` minus the folder's
 * own fields); the mapping entities add their owner.
 */
export abstract class FolderMountBase {
  @PrimaryGeneratedColumn()
  id: number;

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
