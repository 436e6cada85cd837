import { bigintTransformer, jsonTransformer } from '@app/database';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A user's share: a public link to some of the owner's paths (`shareId` is the public id). */
@Entity({ name: 'shares' })
export class ShareEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'share_id', type: 'varchar', length: 60, unique: true })
  shareId: string;

  @Column({ type: 'varchar', length: 255 })
  name: string;

  @Column({ type: 'text', nullable: true })
  description: string | null;

  /** 1 read, 2 write, 3 read-write. */
  @Column({ type: 'integer' })
  scope: number;

  @Column({ type: 'text', transformer: jsonTransformer<string[]>(() => []) })
  paths: string[];

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;

  @Column({ name: 'last_use_at', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastUseAt: number;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer, default: 0 })
  expiresAt: number;

  /** bcrypt/argon2id hash, null when the share has no password. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  password: string | null;

  @Column({ name: 'max_tokens', type: 'integer', default: 0 })
  maxTokens: number;

  @Column({ name: 'used_tokens', type: 'integer', default: 0 })
  usedTokens: number;

  @Column({
    name: 'allow_from',
    type: 'text',
    nullable: true,
    transformer: jsonTransformer<string[]>(() => []),
  })
  allowFrom: string[];
}
