import { bigintTransformer } from '@app/database';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A host the `provider` defender driver tracks, shared by every instance on the database. */
@Entity({ name: 'defender_hosts' })
export class DefenderHostEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** The IP as text (normalised). */
  @Column({ type: 'varchar', length: 50, unique: true })
  ip: string;

  /** Banned until (epoch ms); 0 = not banned. */
  @Column({ name: 'ban_time', type: 'bigint', transformer: bigintTransformer, default: 0 })
  banTime: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
