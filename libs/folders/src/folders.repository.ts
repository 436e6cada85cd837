import type { ListQuery } from '@app/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { FolderEntity } from './entities/folder.entity';

/** Who mounts a folder (read-only back-references), each list sorted. */
export interface FolderReferences {
  users: string[];
  groups: string[];
}

/** Runs SQL with `:name` parameters on any of the three drivers (identifiers quoted by the caller). */
async function execute(em: EntityManager, sql: string, params: Record<string, unknown>): Promise<void> {
  const [query, parameters] = em.connection.driver.escapeQueryWithParameters(sql, params);
  await em.query(query, parameters);
}

/**
 * Persistence of virtual folders. The back-references (users, groups) and the `updated_at` bumps of
 * the users mounting a folder go through the table names: users and groups depend on folders, not the
 * other way round.
 */
@Injectable()
export class FoldersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  findByName(name: string, em?: EntityManager): Promise<FolderEntity | null> {
    return this.manager(em).findOne(FolderEntity, { where: { name } });
  }

  /** The folders with these names (any order; missing names are simply absent). */
  findByNames(names: string[], em?: EntityManager): Promise<FolderEntity[]> {
    if (names.length === 0) return Promise.resolve([]);
    return this.manager(em).find(FolderEntity, { where: { name: In(names) } });
  }

  /** One page ordered by name, paged by the database (ORDER BY name LIMIT/OFFSET). */
  list(query: ListQuery): Promise<FolderEntity[]> {
    if (query.limit === 0) return Promise.resolve([]);
    return this.manager().find(FolderEntity, {
      order: { name: query.order },
      skip: query.offset,
      take: query.limit,
    });
  }

  insert(folder: Omit<FolderEntity, 'id'>, em: EntityManager): Promise<FolderEntity> {
    return em.save(em.create(FolderEntity, folder));
  }

  async update(
    id: number,
    changes: Pick<FolderEntity, 'mappedPath' | 'description' | 'filesystem'>,
    em: EntityManager,
  ): Promise<void> {
    await em.update(FolderEntity, { id }, changes);
  }

  async delete(id: number, em: EntityManager): Promise<void> {
    await em.delete(FolderEntity, { id });
  }

  /** Usernames and group names mounting each folder; two queries for any number of folders. */
  async references(folderIds: number[], em?: EntityManager): Promise<Map<number, FolderReferences>> {
    const refs = new Map<number, FolderReferences>(folderIds.map((id) => [id, { users: [], groups: [] }]));
    if (folderIds.length === 0) return refs;
    const users = await this.manager(em)
      .createQueryBuilder()
      .select('u.username', 'name')
      .addSelect('m.folder_id', 'folder_id')
      .from('users_folders_mapping', 'm')
      .innerJoin('users', 'u', 'u.id = m.user_id')
      .where('m.folder_id IN (:...folderIds)', { folderIds })
      .orderBy('u.username', 'ASC')
      .getRawMany<{ name: string; folder_id: number | string }>();
    for (const row of users) refs.get(Number(row.folder_id))?.users.push(row.name);
    const groups = await this.manager(em)
      .createQueryBuilder()
      .select('g.name', 'name')
      .addSelect('m.folder_id', 'folder_id')
      .from('groups_folders_mapping', 'm')
      .innerJoin('groups', 'g', 'g.id = m.group_id')
      .where('m.folder_id IN (:...folderIds)', { folderIds })
      .orderBy('g.name', 'ASC')
      .getRawMany<{ name: string; folder_id: number | string }>();
    for (const row of groups) refs.get(Number(row.folder_id))?.groups.push(row.name);
    return refs;
  }

  /**
   * Bumps `updated_at` of every user mounting the folder, directly or through one of its groups, in
   * one statement (their sessions and caches see the change).
   */
  async touchUsersOf(folderId: number, now: number, em: EntityManager): Promise<void> {
    const q = (name: string) => em.connection.driver.escape(name);
    await execute(
      em,
      `UPDATE ${q('users')} SET ${q('updated_at')} = :now WHERE ${q('id')} IN (` +
        `SELECT ${q('user_id')} FROM ${q('users_folders_mapping')} WHERE ${q('folder_id')} = :folderId` +
        ` UNION SELECT ${q('ugm')}.${q('user_id')} FROM ${q('users_groups_mapping')} ${q('ugm')}` +
        ` INNER JOIN ${q('groups_folders_mapping')} ${q('gfm')} ON ${q('gfm')}.${q('group_id')} = ${q('ugm')}.${q('group_id')}` +
        ` WHERE ${q('gfm')}.${q('folder_id')} = :folderId)`,
      { now, folderId },
    );
  }
}
