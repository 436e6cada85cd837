import type { ListQuery } from '@app/common';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { UserEntity } from '@app/users';
import { ShareEntity } from './entities/share.entity';

/** A share with its owner's username. */
export interface ShareRow {
  share: ShareEntity;
  username: string;
}

/** Persistence of shares; the foreign key deletes a user's shares with the user. */
@Injectable()
export class SharesRepository {
  constructor(private readonly dataSource: DataSource) {}

  private manager(em?: EntityManager): EntityManager {
    return em ?? this.dataSource.manager;
  }

  /** A share by its public id, with its owner's username. */
  async findByShareId(shareId: string, em?: EntityManager): Promise<ShareRow | undefined> {
    const result = await this.manager(em)
      .createQueryBuilder(ShareEntity, 's')
      .innerJoin('users', 'u', 'u.id = s.user_id')
      .addSelect('u.username', 'owner')
      .where('s.share_id = :shareId', { shareId })
      .getRawAndEntities();
    const share = result.entities[0];
    return share ? { share, username: String(result.raw[0]?.owner ?? '') } : undefined;
  }

  /** A share owner's id and own filters, in `em` (a restore may have just added the user). */
  findOwner(username: string, em: EntityManager): Promise<UserEntity | null> {
    return em.findOne(UserEntity, { where: { username } });
  }

  /** One page of a user's shares, ordered by share id. */
  list(userId: number, query: ListQuery): Promise<ShareEntity[]> {
    if (query.limit === 0) return Promise.resolve([]);
    return this.manager().find(ShareEntity, {
      where: { userId },
      order: { shareId: query.order },
      skip: query.offset,
      take: query.limit,
    });
  }

  /** One page of every user's shares with their owners, ordered by share id. */
  async listAll(query: ListQuery): Promise<ShareRow[]> {
    if (query.limit <= 0) return [];
    const result = await this.manager()
      .createQueryBuilder(ShareEntity, 's')
      .innerJoin('users', 'u', 'u.id = s.user_id')
      .addSelect('u.username', 'owner')
      .orderBy('s.share_id', query.order)
      .offset(query.offset)
      .limit(query.limit)
      .getRawAndEntities();
    return result.entities.map((share, i) => ({ share, username: String(result.raw[i]?.owner ?? '') }));
  }

  insert(share: Omit<ShareEntity, 'id'>, em?: EntityManager): Promise<ShareEntity> {
    const manager = this.manager(em);
    return manager.save(manager.create(ShareEntity, share));
  }

  async update(
    id: number,
    changes: Partial<
      Omit<ShareEntity, 'id' | 'shareId' | 'userId' | 'createdAt' | 'usedTokens' | 'lastUseAt'>
    >,
    em?: EntityManager,
  ): Promise<void> {
    await this.manager(em).update(ShareEntity, { id }, changes);
  }

  async delete(id: number, em?: EntityManager): Promise<void> {
    await this.manager(em).delete(ShareEntity, { id });
  }

  /**
   * Reserves `count` uses in one conditional UPDATE (SFTPGo's `UpdateShareLastUse`): true when they
   * fit under `max_tokens` (0 = unlimited). Concurrent callers can never over-use a share.
   */
  async reserveTokens(shareId: string, count: number, now: number): Promise<boolean> {
    const result = await this.manager()
      .createQueryBuilder()
      .update(ShareEntity)
      .set({ usedTokens: () => `used_tokens + ${Number(count)}`, lastUseAt: now })
      .where('share_id = :shareId AND (max_tokens = 0 OR used_tokens + :count <= max_tokens)', {
        shareId,
        count,
      })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Gives back uses reserved but not consumed (never below zero). */
  async refundTokens(shareId: string, count: number, now: number): Promise<void> {
    if (count <= 0) return;
    await this.manager()
      .createQueryBuilder()
      .update(ShareEntity)
      .set({
        usedTokens: () =>
          `CASE WHEN used_tokens > ${Number(count)} THEN used_tokens - ${Number(count)} ELSE 0 END`,
        lastUseAt: now,
      })
      .where('share_id = :shareId', { shareId })
      .execute();
  }
}
