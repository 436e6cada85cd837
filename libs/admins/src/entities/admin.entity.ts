import { bigintTransformer, jsonTransformer } from '@app/database';
import type { Secret } from '@app/kms';
import { RoleEntity } from '@app/roles';
import {
  Column,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { AdminGroupMappingEntity } from './admin-group-mapping.entity';

/** `AdminFilters` of the spec. */
export interface AdminFilters {
  allow_list?: string[];
  allow_api_key_auth?: boolean;
  require_password_change?: boolean;
  require_two_factor?: boolean;
  totp_config?: { enabled?: boolean; config_name?: string; secret?: Secret };
  recovery_codes?: { secret?: Secret; used?: boolean }[];
  preferences?: { hide_user_page_sections?: number; default_users_expiration?: number };
}

/** An administrator of the REST API (SFTPGo's `Admin` schema). */
@Entity({ name: 'admins' })
export class AdminEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ type: 'varchar', length: 255, unique: true })
  username: string;

  @Column({ type: 'varchar', length: 512, nullable: true })
  description: string | null;

  /** bcrypt or argon2id hash, never the plain password. */
  @Column({ type: 'varchar', length: 255 })
  password: string;

  @Column({ type: 'varchar', length: 255, nullable: true })
  email: string | null;

  /** 1 enabled; any other value cannot log in (SFTPGo does not range-check it). */
  @Column({ type: 'integer' })
  status: number;

  @Column({ type: 'text', transformer: jsonTransformer<string[]>(() => []) })
  permissions: string[];

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer<AdminFilters>(() => ({})) })
  filters: AdminFilters;

  @Column({ name: 'additional_info', type: 'text', nullable: true })
  additionalInfo: string | null;

  @Column({ name: 'last_login', type: 'bigint', transformer: bigintTransformer, default: 0 })
  lastLogin: number;

  @Column({ name: 'role_id', type: 'integer', nullable: true })
  roleId: number | null;

  @ManyToOne(() => RoleEntity, { nullable: true, eager: true })
  @JoinColumn({ name: 'role_id' })
  role: Relation<RoleEntity> | null;

  @OneToMany(() => AdminGroupMappingEntity, (mapping) => mapping.admin)
  groupMappings: Relation<AdminGroupMappingEntity[]>;

  @Column({ name: 'created_at', type: 'bigint', transformer: bigintTransformer })
  createdAt: number;

  @Column({ name: 'updated_at', type: 'bigint', transformer: bigintTransformer })
  updatedAt: number;
}
