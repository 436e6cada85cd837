import { bigintTransformer } from '@app/database';
import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One IP list entry (SFTPGo's `IPListEntry`). `first`/`last` are the network's first and last
 * addresses as 32 lower-case hex digits (IPv4 in the IPv4-mapped IPv6 range), so that "which entries
 * contain this address" is a string range query on every database.
 */
@Entity({ name: 'ip_lists' })
@Index('ip_lists_type_ipornet_idx', ['type', 'ipornet'], { unique: true })
@Index('ip_lists_range_idx', ['type', 'first', 'last'])
@Index('ip_lists_updated_at_idx', ['type', 'updatedAt'])
export class IpListEntryEntity {
  @PrimaryGeneratedColumn()
  id: number;

  /** 1 allow list, 2 defender, 3 rate limiter safe list. */
  @Column({ type: 'integer' })
  type: number;

  /** The network as stored (SFTPGo's normalisation: a bare IP gets /32 or /128). */
  @Column({ type: 'varchar', length: 50 })
  ipornet: string;

  /** 1 allow, 2 deny. */
  @Column({ type: 'integer' })
  mode: number;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description: string | null;

  /** Bits 1 SSH, 2 FTP, 4 WebDAV, 8 HTTP; 0 = all. */
  @Column({ type: 'integer', default: 0 })
  protocols: number;

  /** 4 or 6. */
  @Column({ name: 'ip_type', type: 'integer' })
  ipType: number;

  @Column({ type: 'varchar', length: 32 })
  first: string;

  @Column({ type: 'varchar', length: 32 })
  last: string;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
