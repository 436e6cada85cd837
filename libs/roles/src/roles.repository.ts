import type { ListQuery } from '@app/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { RoleEntity } from './entities/role.entity';
import type { RoleReferences } from './roles.mapper';

/**
 * Persistence of roles. The back-references (`admins`, `users`) are read from those tables by name:
 * admins and users depend on roles, not the other way round.
 */
@Injectable()
export class RolesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  findByName(name: string, em?: EntityManager): Promise<RoleEntity | null> {
    return this.manager(em).findOne(RoleEntity, { where: { name } });
  }

  /** One page ordered by name, paged by the database. */
  list(query: ListQuery): Promise<RoleEntity[]> {
    if (query.limit === 0) return Promise.resolve([]);
    return this.manager().find(RoleEntity, {
      order: { name: query.order },
      skip: query.offset,
      take: query.limit,
    });
  }

  insert(role: Omit<RoleEntity, 'id'>, em: EntityManager): Promise<RoleEntity> {
    return em.save(em.create(RoleEntity, role));
  }

  async update(id: number, changes: Pick<RoleEntity, 'description' | 'updatedAt'>, em?: EntityManager) {
    await this.manager(em).update(RoleEntity, { id }, changes);
  }

  async delete(id: number, em: EntityManager): Promise<void> {
    await em.delete(RoleEntity, { id });
  }

  /** Usernames of the users and admins holding each role, sorted; two queries for any number of roles. */
  async references(roleIds: number[], em?: EntityManager): Promise<Map<number, RoleReferences>> {
    const refs = new Map<number, RoleReferences>(roleIds.map((id) => [id, { users: [], admins: [] }]));
    if (roleIds.length === 0) return refs;
    for (const [table, key] of [
      ['users', 'users'],
      ['admins', 'admins'],
    ] as const) {
      const rows = await this.manager(em)
        .createQueryBuilder()
        .select('t.username', 'username')
        .addSelect('t.role_id', 'role_id')
        .from(table, 't')
        .where('t.role_id IN (:...roleIds)', { roleIds })
        .orderBy('t.username', 'ASC')
        .getRawMany<{ username: string; role_id: number | string }>();
      for (const row of rows) refs.get(Number(row.role_id))?.[key].push(row.username);
    }
    return refs;
  }

  /** How many admins hold the role (they block its deletion). */
  async adminCount(roleId: number, em: EntityManager): Promise<number> {
    const row = await em
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from('admins', 'a')
      .where('a.role_id = :roleId', { roleId })
      .getRawOne<{ count: number | string }>();
    return Number(row?.count ?? 0);
  }

  /**
   * Detaches the role's users and bumps their `updated_at` (their tokens and caches see a change).
   * The foreign key would null `role_id` by itself; doing it here also bumps the timestamp in the
   * same statement.
   */
  async detachUsers(roleId: number, now: number, em: EntityManager): Promise<void> {
    const [sql, params] = em.connection.driver.escapeQueryWithParameters(
      'UPDATE users SET role_id = NULL, updated_at = :now WHERE role_id = :roleId',
      { now, roleId },
    );
    await em.query(sql, params);
  }
}
