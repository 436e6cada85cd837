import { bigintTransformer } from '@app/database';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** An API key: `keyId` is public, only a hash of the secret is stored (`api_key`, as SFTPGo's column). */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'key_id', type: 'varchar', length: 50, unique: true })
  keyId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ name: 'api_key', type: 'varchar', length: 255 })
  hash: string;

  /** 1 admin, 2 user. */
  @Column({ type: 'integer' })
  scope: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;

  @Column({ name: 'last_use_at', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastUseAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer, default: 0 })
  expiresAt: number;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  @Column({ name: 'admin_id', type: 'integer', nullable: true })
  adminId: number | null;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;
}
