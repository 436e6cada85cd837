import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from 'typeorm';
import { IpListEntryEntity } from '../entities/ip-list-entry.entity';
import type { IpListMatchRow } from './ip-list-table';

/** One page of a list: SFTPGo's `filter` (prefix), `from` (keyset), `order` and `limit`. */
export interface IpListPage {
  filter: string;
  from: string;
  order: 'ASC' | 'DESC';
  limit: number;
}

/** Persistence of the `ip_lists` table. */
@Injectable()
export class IpListsRepository {
  private readonly repo: Repository<IpListEntryEntity>;
  /** Compared byte by byte on every database: the column is declared so (binary / `COLLATE "C"`). */
  private readonly ipornet = 'e.ipornet';

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(IpListEntryEntity);
  }

  find(type: number, ipornet: string, em?: EntityManager): Promise<IpListEntryEntity | null> {
    return this.on(em).findOneBy({ type, ipornet });
  }

  /** The table's repository, inside `em`'s transaction when given. */
  private on(em?: EntityManager): Repository<IpListEntryEntity> {
    return em ? em.getRepository(IpListEntryEntity) : this.repo;
  }

  /** One page, ordered by `ipornet`, starting after `from`. */
  list(type: number, page: IpListPage): Promise<IpListEntryEntity[]> {
    const query = this.repo.createQueryBuilder('e').where('e.type = :type', { type });
    if (page.filter) this.prefix(query, page.filter);
    if (page.from)
      query.andWhere(`${this.ipornet} ${page.order === 'ASC' ? '>' : '<'} :from`, { from: page.from });
    return query.orderBy(this.ipornet, page.order).limit(page.limit).getMany();
  }

  /** `filter` as a range on `ipornet` (stored networks are ASCII), so that the index serves it. */
  private prefix(query: SelectQueryBuilder<IpListEntryEntity>, filter: string): void {
    query.andWhere(`${this.ipornet} >= :low AND ${this.ipornet} < :high`, {
      low: filter,
      high: `${filter}\u007f`,
    });
  }

  insert(entry: Omit<IpListEntryEntity, 'id'>, em?: EntityManager): Promise<IpListEntryEntity> {
    const repo = this.on(em);
    return repo.save(repo.create(entry));
  }

  async update(
    id: number,
    changes: Pick<IpListEntryEntity, 'mode' | 'protocols' | 'description' | 'updatedAt'>,
    em?: EntityManager,
  ): Promise<void> {
    await this.on(em).update({ id }, changes);
  }

  /** True when a row was deleted. */
  async delete(type: number, ipornet: string): Promise<boolean> {
    const result = await this.repo.delete({ type, ipornet });
    return (result.affected ?? 0) > 0;
  }

  /**
   * A cheap summary per type that changes with every write (see {@link ipListSummary}): computed by
   * the database here, and from the rows in memory by the service.
   */
  async summaries(): Promise<Map<number, string>> {
    const rows = await this.repo
      .createQueryBuilder('e')
      .select('e.type', 'type')
      .addSelect('COUNT(*)', 'n')
      .addSelect('SUM(e.id)', 'ids')
      .addSelect(`SUM(e.updated_at % ${SUMMARY_MODULUS})`, 'updated')
      .groupBy('e.type')
      .getRawMany<{ type: unknown; n: unknown; ids: unknown; updated: unknown }>();
    return new Map(
      rows.map((row) => [Number(row.type), summaryText(Number(row.n), Number(row.ids), Number(row.updated))]),
    );
  }

  /** The entries of a type, with what matching and syncing need; only those updated since `since` when given. */
  async syncRows(type: number, since?: number): Promise<IpListSyncRow[]> {
    const query = this.repo
      .createQueryBuilder('e')
      .select('e.id', 'id')
      .addSelect('e.ipornet', 'ipornet')
      .addSelect('e.mode', 'mode')
      .addSelect('e.protocols', 'protocols')
      .addSelect('e.ip_type', 'ipType')
      .addSelect('e.first', 'first')
      .addSelect('e.updated_at', 'updatedAt')
      .where('e.type = :type', { type });
    if (since !== undefined) query.andWhere('e.updated_at >= :since', { since });
    const rows = await query.getRawMany<Record<keyof IpListSyncRow, unknown>>();
    return rows.map((row) => ({
      id: Number(row.id),
      ipornet: String(row.ipornet),
      mode: Number(row.mode),
      protocols: Number(row.protocols),
      ipType: Number(row.ipType),
      first: String(row.first),
      updatedAt: Number(row.updatedAt),
    }));
  }
}

/**
 * `updated_at` is summed modulo 2^32 so that the sum stays exact in a double (SQLite hands sums back
 * as numbers) while an update, which always moves `updated_at` forward, still moves it.
 */
const SUMMARY_MODULUS = 4294967296;

/** A row as the in-memory lists keep it: matching fields plus what the summary is made of. */
export interface IpListSyncRow extends IpListMatchRow {
  id: number;
  updatedAt: number;
}

function summaryText(count: number, ids: number, updated: number): string {
  return `${count}/${ids}/${updated}`;
}

/**
 * The summary of a list: row count, sum of ids (ids are never reused, so a delete plus an insert
 * moves it) and sum of `updated_at` modulo 2^32.
 */
export function ipListSummary(rows: Iterable<{ id: number; updatedAt: number }>): string {
  let count = 0;
  let ids = 0;
  let updated = 0;
  for (const row of rows) {
    count += 1;
    ids += row.id;
    updated += row.updatedAt % SUMMARY_MODULUS;
  }
  return summaryText(count, ids, updated);
}
