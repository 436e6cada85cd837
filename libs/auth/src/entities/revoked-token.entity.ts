import { bigintTransformer } from '@app/database';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A token revoked by logout (or by a failed signature check), kept until it would expire anyway. */
@Entity({ name: 'revoked_tokens' })
export class RevokedTokenEntity {
  /** Hex SHA-256 of the whole token string. */
  @PrimaryColumn({ name: 'token_hash', type: 'varchar', length: 64 })
  tokenHash: string;

  @Column({ name: 'expires_at', type: 'bigint', transformer: bigintTransformer })
  expiresAt: number;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;
}
