import { bigintTransformer, jsonTransformer } from '@app/database';
import { defaultFilesystem, type FilesystemConfig } from '@app/storage';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A virtual folder (`BaseVirtualFolder`): storage mounted into users' and groups' trees. */
@Entity({ name: 'folders' })
export class FolderEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description: string | null;

  /** `mapped_path`. */
  @Column({ name: 'path', type: 'varchar', length: 512, nullable: true })
  mappedPath: string | null;

  @Column({ name: 'used_quota_size', type: 'bigint', transformer: bigintTransformer, default: 0 })
  usedQuotaSize: number;

  @Column({ name: 'used_quota_files', type: 'integer', default: 0 })
  usedQuotaFiles: number;

  @Column({ name: 'last_quota_update', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastQuotaUpdate: number;

  /** Secrets inside are encrypted. */
  @Column({ type: 'text', nullable: true, transformer: jsonTransformer<FilesystemConfig>(defaultFilesystem) })
  filesystem: FilesystemConfig;
}
