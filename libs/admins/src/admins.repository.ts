import type { ListQuery } from '@app/common';
import { GroupEntity } from '@app/groups';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { AdminGroupChoice } from './admin-validation';
import { AdminGroupMappingEntity } from './entities/admin-group-mapping.entity';
import { AdminEntity } from './entities/admin.entity';

/** The columns an insert or a full update writes. */
export type AdminRow = Omit<AdminEntity, 'id' | 'role' | 'groupMappings'>;

/** Persistence of admins; the only place that queries the `admins` tables. */
@Injectable()
export class AdminsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  findByUsername(username: string, em?: EntityManager): Promise<AdminEntity | null> {
    return this.manager(em).findOne(AdminEntity, { where: { username } });
  }

  count(): Promise<number> {
    return this.manager().count(AdminEntity);
  }

  /** One page ordered by username, paged by the database (the role join is many-to-one). */
  list(query: ListQuery): Promise<AdminEntity[]> {
    if (query.limit === 0) return Promise.resolve([]);
    return this.manager()
      .createQueryBuilder(AdminEntity, 'admin')
      .leftJoinAndSelect('admin.role', 'role')
      .orderBy('admin.username', query.order)
      .limit(query.limit)
      .offset(query.offset)
      .getMany();
  }

  insert(admin: AdminRow, em?: EntityManager): Promise<AdminEntity> {
    const manager = this.manager(em);
    return manager.save(manager.create(AdminEntity, admin));
  }

  async update(id: number, changes: Partial<AdminRow>, em?: EntityManager): Promise<void> {
    await this.manager(em).update(AdminEntity, { id }, changes);
  }

  /** Deletes the admin; its group choices (and later its API keys) go with it by foreign key. */
  async delete(id: number, em?: EntityManager): Promise<boolean> {
    const result = await this.manager(em).delete(AdminEntity, { id });
    return (result.affected ?? 0) > 0;
  }

  /** Group choices of each admin, sorted by group name; one query for any number of admins. */
  async groupChoices(adminIds: number[], em?: EntityManager): Promise<Map<number, AdminGroupChoice[]>> {
    const choices = new Map<number, AdminGroupChoice[]>(adminIds.map((id) => [id, []]));
    if (adminIds.length === 0) return choices;
    const mappings = await this.manager(em).find(AdminGroupMappingEntity, {
      where: { adminId: In(adminIds) },
    });
    for (const mapping of mappings) {
      choices
        .get(mapping.adminId)
        ?.push({ name: mapping.group.name, addToUsersAs: mapping.options?.add_to_users_as ?? 0 });
    }
    for (const list of choices.values())
      list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return choices;
  }

  /** The ids of the named groups; names without a group are absent from the map. */
  async groupIds(names: string[], em: EntityManager): Promise<Map<string, number>> {
    if (names.length === 0) return new Map();
    const groups = await em.find(GroupEntity, {
      select: { id: true, name: true },
      where: { name: In(names) },
    });
    return new Map(groups.map((group) => [group.name, group.id]));
  }

  /** Replaces the admin's group choices. */
  async replaceGroups(
    adminId: number,
    groups: { groupId: number; addToUsersAs: number }[],
    em: EntityManager,
  ): Promise<void> {
    await em.delete(AdminGroupMappingEntity, { adminId });
    if (groups.length === 0) return;
    await em.insert(
      AdminGroupMappingEntity,
      groups.map((g) => ({ adminId, groupId: g.groupId, options: { add_to_users_as: g.addToUsersAs } })),
    );
  }

  /** Sets `last_login` unless it was set less than `minDelayMs` ago (one conditional UPDATE). */
  async touchLastLogin(id: number, now: number, minDelayMs: number): Promise<void> {
    await this.manager()
      .createQueryBuilder()
      .update(AdminEntity)
      .set({ lastLogin: now })
      .where('id = :id AND last_login < :limit', { id, limit: now - minDelayMs })
      .execute();
  }
}
