import type { ListQuery } from '@app/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { ApiKeyEntity } from './entities/api-key.entity';

/** A key with the usernames of the admin or user it is bound to. */
export interface ApiKeyRow {
  key: ApiKeyEntity;
  admin: string;
  user: string;
}

/**
 * Persistence of API keys. The bound admin/user are read by id from their tables (keys depend on
 * accounts, not the reverse); the foreign keys delete a key with its account.
 */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  private select(em?: EntityManager) {
    return this.manager(em)
      .createQueryBuilder(ApiKeyEntity, 'k')
      .leftJoin('admins', 'a', 'a.id = k.admin_id')
      .leftJoin('users', 'u', 'u.id = k.user_id')
      .addSelect('a.username', 'bound_admin')
      .addSelect('u.username', 'bound_user');
  }

  private static rows(result: { entities: ApiKeyEntity[]; raw: Record<string, unknown>[] }): ApiKeyRow[] {
    return result.entities.map((key, i) => ({
      key,
      admin: String(result.raw[i]?.bound_admin ?? ''),
      user: String(result.raw[i]?.bound_user ?? ''),
    }));
  }

  async findByKeyId(keyId: string, em?: EntityManager): Promise<ApiKeyRow | undefined> {
    const result = await this.select(em).where('k.key_id = :keyId', { keyId }).getRawAndEntities();
    return ApiKeysRepository.rows(result)[0];
  }

  /** One page ordered by key id, paged by the database. */
  async list(query: ListQuery): Promise<ApiKeyRow[]> {
    if (query.limit === 0) return [];
    const result = await this.select()
      .orderBy('k.key_id', query.order)
      .offset(query.offset)
      .limit(query.limit)
      .getRawAndEntities();
    return ApiKeysRepository.rows(result);
  }

  insert(key: Omit<ApiKeyEntity, 'id'>, em?: EntityManager): Promise<ApiKeyEntity> {
    const manager = this.manager(em);
    return manager.save(manager.create(ApiKeyEntity, key));
  }

  async update(
    id: number,
    changes: Pick<
      ApiKeyEntity,
      'name' | 'scope' | 'description' | 'expiresAt' | 'adminId' | 'userId' | 'updatedAt'
    >,
    em?: EntityManager,
  ): Promise<void> {
    await this.manager(em).update(ApiKeyEntity, { id }, changes);
  }

  async delete(id: number, em?: EntityManager): Promise<void> {
    await this.manager(em).delete(ApiKeyEntity, { id });
  }

  /** Records a use; never moves `last_use_at` backwards. */
  async touchLastUse(keyId: string, now: number): Promise<void> {
    await this.manager()
      .createQueryBuilder()
      .update(ApiKeyEntity)
      .set({ lastUseAt: now })
      .where('key_id = :keyId AND last_use_at < :now', { keyId, now })
      .execute();
  }

  /** The id of the account a key is bound to, or undefined when there is no such account. */
  async accountId(
    table: 'admins' | 'users',
    username: string,
    em?: EntityManager,
  ): Promise<number | undefined> {
    const row = await this.manager(em)
      .createQueryBuilder()
      .select('t.id', 'id')
      .from(table, 't')
      .where('t.username = :username', { username })
      .getRawOne<{ id: number | string }>();
    return row ? Number(row.id) : undefined;
  }
}
