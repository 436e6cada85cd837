import { AdminEntity } from '@app/admins';
import type { ListQuery } from '@app/common';
import { GroupEntity } from '@app/groups';
import { RoleEntity } from '@app/roles';
import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { UserFolderMappingEntity } from './entities/user-folder-mapping.entity';
import { UserGroupMappingEntity } from './entities/user-group-mapping.entity';
import { UserEntity } from './entities/user.entity';

/** The columns a write sets on `users` (relations and the id are handled separately). */
export type UserRow = Omit<UserEntity, 'id' | 'role' | 'folderMappings' | 'groupMappings'>;

/** A folder mount to store for a user. */
export type UserFolderRow = Pick<
  UserFolderMappingEntity,
  'folderId' | 'virtualPath' | 'quotaSize' | 'quotaFiles' | 'subpath'
>;

/** A group membership to store for a user. */
export type UserGroupRow = Pick<UserGroupMappingEntity, 'groupId' | 'groupType'>;

/** Persistence of users and their mappings; the only place that queries the `users*` tables. */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction: nothing is half-written. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * One page of users ordered by username, paged in the database; `role` ("" = any) restricts the
   * page to that role's users. Mappings are loaded for the page only, in two more queries.
   */
  async list(query: ListQuery, role: string): Promise<UserEntity[]> {
    if (query.limit <= 0) return [];
    const repo = this.dataSource.getRepository(UserEntity);
    // Deferred join: the page's ids come from the username index alone (a deep OFFSET then skips
    // index entries, not whole rows), then only those rows are read.
    const idsQuery = repo
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .orderBy('u.username', query.order)
      .limit(query.limit)
      .offset(query.offset);
    if (role) idsQuery.innerJoin('u.role', 'role').where('role.name = :role', { role });
    const ids = (await idsQuery.getRawMany<{ id: number | string }>()).map((row) => Number(row.id));
    if (ids.length === 0) return [];
    const rows = await repo.find({ where: { id: In(ids) }, relations: { role: true } });
    const byId = new Map(rows.map((user) => [user.id, user]));
    const users = ids.map((id) => byId.get(id)).filter((user): user is UserEntity => user !== undefined);
    await this.loadMappings(this.dataSource.manager, users);
    return users;
  }

  /** The user with its role and mappings; with `role` non-empty, only if the user has that role. */
  async findByUsername(
    username: string,
    role: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<UserEntity | null> {
    const user = await manager.getRepository(UserEntity).findOne({
      where: { username },
      relations: { role: true },
    });
    if (!user || (role && user.role?.name !== role)) return null;
    await this.loadMappings(manager, [user]);
    return user;
  }

  /** The user with this id, with its role and mappings (to return what was just stored). */
  async findById(id: number): Promise<UserEntity | null> {
    const user = await this.dataSource
      .getRepository(UserEntity)
      .findOne({ where: { id }, relations: { role: true } });
    if (user) await this.loadMappings(this.dataSource.manager, [user]);
    return user;
  }

  /** Updates some columns of one user (self-service changes). */
  async updateColumns(manager: EntityManager, id: number, row: Partial<UserEntity>): Promise<void> {
    // save() of a partial entity with its id updates just the given columns (transformers applied).
    await manager.getRepository(UserEntity).save({ ...row, id });
  }

  /** Sets `last_login` unless it was set less than `minDelayMs` ago (one conditional UPDATE). */
  async touchLastLogin(id: number, now: number, minDelayMs: number): Promise<void> {
    await this.dataSource
      .getRepository(UserEntity)
      .createQueryBuilder()
      .update()
      .set({ lastLogin: now })
      .where('id = :id AND last_login < :limit', { id, limit: now - minDelayMs })
      .execute();
  }

  /** The calling admin (its preferences give new users a default expiration). */
  findAdmin(username: string): Promise<AdminEntity | null> {
    return this.dataSource.getRepository(AdminEntity).findOne({ where: { username } });
  }

  findRole(manager: EntityManager, name: string): Promise<RoleEntity | null> {
    return manager.getRepository(RoleEntity).findOne({ where: { name } });
  }

  /** Group ids by name, for the names that exist. */
  async findGroupIds(manager: EntityManager, names: string[]): Promise<Map<string, number>> {
    const groups = await manager.getRepository(GroupEntity).find({
      select: { id: true, name: true },
      where: { name: In(names) },
    });
    return new Map(groups.map((g) => [g.name, g.id]));
  }

  findGroupById(manager: EntityManager, id: number): Promise<GroupEntity | null> {
    return manager.getRepository(GroupEntity).findOne({ where: { id } });
  }

  /** Groups by id with their folder mounts (for the effective user). */
  findGroupsWithFolders(ids: number[]): Promise<GroupEntity[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.dataSource.getRepository(GroupEntity).find({
      where: { id: In(ids) },
      relations: { folderMappings: { folder: true } },
    });
  }

  async insert(
    manager: EntityManager,
    row: UserRow,
    folders: UserFolderRow[],
    groups: UserGroupRow[],
  ): Promise<number> {
    const repo = manager.getRepository(UserEntity);
    const { id } = await repo.save(repo.create(row));
    await this.insertMappings(manager, id, folders, groups);
    return id;
  }

  /** Replaces the user's columns and mappings (a full replace, as SFTPGo's PUT). */
  async update(
    manager: EntityManager,
    id: number,
    row: UserRow,
    folders: UserFolderRow[],
    groups: UserGroupRow[],
  ): Promise<void> {
    const repo = manager.getRepository(UserEntity);
    await repo.save(repo.create({ ...row, id }));
    await manager.delete(UserFolderMappingEntity, { userId: id });
    await manager.delete(UserGroupMappingEntity, { userId: id });
    await this.insertMappings(manager, id, folders, groups);
  }

  /** Deletes the user; its folder and group mappings go with it (also cascaded by the schema). */
  async delete(manager: EntityManager, id: number): Promise<void> {
    await manager.delete(UserFolderMappingEntity, { userId: id });
    await manager.delete(UserGroupMappingEntity, { userId: id });
    await manager.delete(UserEntity, { id });
  }

  private async insertMappings(
    manager: EntityManager,
    userId: number,
    folders: UserFolderRow[],
    groups: UserGroupRow[],
  ): Promise<void> {
    if (folders.length > 0) {
      await manager.insert(
        UserFolderMappingEntity,
        folders.map((f) => ({ ...f, userId })),
      );
    }
    if (groups.length > 0) {
      await manager.insert(
        UserGroupMappingEntity,
        groups.map((g) => ({ ...g, userId })),
      );
    }
  }

  /** Attaches folder mounts (with folders) and group memberships (with groups) to `users`. */
  private async loadMappings(manager: EntityManager, users: UserEntity[]): Promise<void> {
    if (users.length === 0) return;
    const ids = users.map((u) => u.id);
    // Sequential: inside a transaction both queries share one connection.
    const folders = await manager.getRepository(UserFolderMappingEntity).find({
      where: { userId: In(ids) },
      relations: { folder: true },
      order: { id: 'ASC' },
    });
    const groups = await manager.getRepository(UserGroupMappingEntity).find({
      where: { userId: In(ids) },
      relations: { group: true },
      order: { id: 'ASC' },
    });
    const byUser = new Map(users.map((u) => [u.id, u]));
    for (const user of users) {
      user.folderMappings = [];
      user.groupMappings = [];
    }
    for (const m of folders) byUser.get(m.userId)?.folderMappings.push(m);
    for (const m of groups) byUser.get(m.userId)?.groupMappings.push(m);
  }
}
