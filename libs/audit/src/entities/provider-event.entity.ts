import { bigintTransformer } from '@app/database';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One admin-side change (SFTPGo's `ProviderEvent`): who (`username`, `role`), what (`action` on
 * `object_type`/`object_name`, with the redacted object), when, from where (`ip`). Written by the
 * audit trail, read later by the event search API.
 */
@Entity({ name: 'provider_events' })
@Index('provider_events_timestamp_idx', ['timestamp'])
@Index('provider_events_object_idx', ['objectType', 'objectName'])
@Index('provider_events_username_idx', ['username'])
export class ProviderEventEntity {
  /** bigint in MySQL/PostgreSQL: the drivers hand it back as a string. */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string | number;

  /** When (epoch ms; the event search API reports nanoseconds, ms x 1e6). */
  @Column({ type: 'bigint', transformer: bigintTransformer })
  timestamp: number;

  /** `add`, `update` or `delete`. */
  @Column({ type: 'varchar', length: 16 })
  action: string;

  /** The acting admin (or the user, for user-side changes such as shares). */
  @Column({ type: 'varchar', length: 255 })
  username: string;

  @Column({ type: 'varchar', length: 50 })
  ip: string;

  /** SFTPGo's `ProviderEventObjectType` (`user`, `folder`, `group`, `admin`, `api_key`, `share`, `role`, ...). */
  @Column({ name: 'object_type', type: 'varchar', length: 32 })
  objectType: string;

  @Column({ name: 'object_name', type: 'varchar', length: 512 })
  objectName: string;

  /** The object's wire JSON with secrets removed, when there is one. */
  @Column({ name: 'object_data', type: 'text', nullable: true })
  objectData: string | null;

  /** The acting admin's role ("" = none). */
  @Column({ type: 'varchar', length: 255, default: '' })
  role: string;

  @Column({ name: 'instance_id', type: 'varchar', length: 64, default: '' })
  instanceId: string;
}
