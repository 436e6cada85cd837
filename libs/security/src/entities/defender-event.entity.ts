import { bigintTransformer } from '@app/database';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One scored event of a host (`provider` defender driver); deleted with its host. */
@Entity({ name: 'defender_events' })
@Index('defender_events_host_time_idx', ['hostId', 'dateTime'])
export class DefenderEventEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'host_id', type: 'integer' })
  hostId: number;

  /** When (epoch ms). */
  @Column({ name: 'date_time', type: 'bigint', transformer: bigintTransformer })
  dateTime: number;

  @Column({ type: 'integer' })
  score: number;
}
