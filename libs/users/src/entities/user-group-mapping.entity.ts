import { GroupEntity } from '@app/groups';
import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { UserEntity } from './user.entity';

/** `GroupMapping` type: 1 primary, 2 secondary, 3 membership only. */
export enum GroupType {
  Primary = 1,
  Secondary = 2,
  Membership = 3,
}

/** A user's membership of a group. A group with members cannot be deleted (no cascade). */
@Entity({ name: 'users_groups_mapping' })
export class UserGroupMappingEntity {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => UserEntity, (user) => user.groupMappings, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id' })
  user: Relation<UserEntity>;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @ManyToOne(() => GroupEntity, { eager: true })
  @JoinColumn({ name: 'group_id' })
  group: Relation<GroupEntity>;

  @Column({ name: 'group_type', type: 'integer' })
  groupType: GroupType;
}
