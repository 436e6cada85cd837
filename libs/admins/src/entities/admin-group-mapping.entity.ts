import { GroupEntity } from '@app/groups';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { jsonTransformer } from '@app/database';
import { AdminEntity } from './admin.entity';

/** `AdminGroupMappingOptions`: how the group is proposed for users this admin creates (UI only). */
export interface AdminGroupOptions {
  add_to_users_as?: number;
}

/** A group proposed by an admin for new users (`Admin.groups[]`); removed with the group or admin. */
@Entity({ name: 'admins_groups_mapping' })
export class AdminGroupMappingEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'admin_id', type: 'integer' })
  adminId: number;

  @ManyToOne(() => AdminEntity, (admin) => admin.groupMappings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'admin_id' })
  admin: Relation<AdminEntity>;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @ManyToOne(() => GroupEntity, { onDelete: 'CASCADE', eager: true })
  @JoinColumn({ name: 'group_id' })
  group: Relation<GroupEntity>;

  @Column({ type: 'text', nullable: true, transformer: jsonTransformer<AdminGroupOptions>(() => ({})) })
  options: AdminGroupOptions;
}
