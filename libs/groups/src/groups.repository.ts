import type { ListQuery } from '@app/common';
import type { ResolvedVirtualFolder } from '@app/folders';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { GroupFolderMappingEntity } from './entities/group-folder-mapping.entity';
import { GroupEntity } from './entities/group.entity';

/** Who refers to a group (read-only back-references), each list sorted. */
export interface GroupReferences {
  users: string[];
  admins: string[];
}

/**
 * Persistence of groups and their folder mounts. The back-references (users, admins) and the
 * `updated_at` bumps of members go through the table names: users and admins depend on groups, not
 * the other way round.
 */
@Injectable()
export class GroupsRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  findByName(name: string, em?: EntityManager): Promise<GroupEntity | null> {
    return this.manager(em).findOne(GroupEntity, { where: { name } });
  }

  /** One page ordered by name, paged by the database (ORDER BY name LIMIT/OFFSET). */
  list(query: ListQuery): Promise<GroupEntity[]> {
    if (query.limit === 0) return Promise.resolve([]);
    return this.manager().find(GroupEntity, {
      order: { name: query.order },
      skip: query.offset,
      take: query.limit,
    });
  }

  insert(group: Omit<GroupEntity, 'id' | 'folderMappings'>, em: EntityManager): Promise<GroupEntity> {
    return em.save(em.create(GroupEntity, group));
  }

  async update(
    id: number,
    changes: Pick<GroupEntity, 'description' | 'userSettings' | 'updatedAt'>,
    em: EntityManager,
  ): Promise<void> {
    await em.update(GroupEntity, { id }, changes);
  }

  async delete(id: number, em: EntityManager): Promise<void> {
    await em.delete(GroupEntity, { id });
  }

  /** The folder mounts of each group (folders loaded), in the order they were saved. */
  async mounts(groupIds: number[], em?: EntityManager): Promise<Map<number, GroupFolderMappingEntity[]>> {
    const out = new Map<number, GroupFolderMappingEntity[]>(groupIds.map((id) => [id, []]));
    if (groupIds.length === 0) return out;
    const rows = await this.manager(em).find(GroupFolderMappingEntity, {
      where: { groupId: In(groupIds) },
      relations: { folder: true },
      order: { id: 'ASC' },
    });
    for (const row of rows) out.get(row.groupId)?.push(row);
    return out;
  }

  /** Replaces the folder mounts of a group. */
  async replaceMounts(groupId: number, mounts: ResolvedVirtualFolder[], em: EntityManager): Promise<void> {
    await em.delete(GroupFolderMappingEntity, { groupId });
    if (mounts.length === 0) return;
    await em.insert(
      GroupFolderMappingEntity,
      mounts.map((mount) => ({
        groupId,
        folderId: mount.folder.id,
        virtualPath: mount.virtualPath,
        quotaSize: mount.quotaSize,
        quotaFiles: mount.quotaFiles,
        subpath: mount.subpath,
      })),
    );
  }

  /** Usernames of the member users and of the admins proposing each group; two queries in all. */
  async references(groupIds: number[], em?: EntityManager): Promise<Map<number, GroupReferences>> {
    const refs = new Map<number, GroupReferences>(groupIds.map((id) => [id, { users: [], admins: [] }]));
    if (groupIds.length === 0) return refs;
    for (const [mapping, table, owner, key] of [
      ['users_groups_mapping', 'users', 'user_id', 'users'],
      ['admins_groups_mapping', 'admins', 'admin_id', 'admins'],
    ] as const) {
      const rows = await this.manager(em)
        .createQueryBuilder()
        .select('t.username', 'name')
        .addSelect('m.group_id', 'group_id')
        .from(mapping, 'm')
        .innerJoin(table, 't', `t.id = m.${owner}`)
        .where('m.group_id IN (:...groupIds)', { groupIds })
        .orderBy('t.username', 'ASC')
        .getRawMany<{ name: string; group_id: number | string }>();
      for (const row of rows) refs.get(Number(row.group_id))?.[key].push(row.name);
    }
    return refs;
  }

  /** How many users belong to the group (they block its deletion). */
  async memberCount(groupId: number, em: EntityManager): Promise<number> {
    const row = await em
      .createQueryBuilder()
      .select('COUNT(*)', 'count')
      .from('users_groups_mapping', 'm')
      .where('m.group_id = :groupId', { groupId })
      .getRawOne<{ count: number | string }>();
    return Number(row?.count ?? 0);
  }

  /** Bumps `updated_at` of every member (their sessions and caches see the new settings), one statement. */
  async touchMembers(groupId: number, now: number, em: EntityManager): Promise<void> {
    const q = (name: string) => em.connection.driver.escape(name);
    const [sql, params] = em.connection.driver.escapeQueryWithParameters(
      `UPDATE ${q('users')} SET ${q('updated_at')} = :now WHERE ${q('id')} IN (` +
        `SELECT ${q('user_id')} FROM ${q('users_groups_mapping')} WHERE ${q('group_id')} = :groupId)`,
      { now, groupId },
    );
    await em.query(sql, params);
  }
}
