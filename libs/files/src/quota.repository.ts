import { FolderEntity } from '@app/folders';
import { UserEntity } from '@app/users';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QuotaCounter, TransferLimits, TransferUsage } from './quota-target';

/** Which disk counter: a user's or a folder's. */
export type CounterRef = Pick<QuotaCounter, 'kind' | 'id'>;

/** `column + param`, never below 0 (portable SQL: SQLite, MySQL/MariaDB and PostgreSQL). */
function clampedSum(column: string, param: string): string {
  return `CASE WHEN ${column} + ${param} < 0 THEN 0 ELSE ${column} + ${param} END`;
}

/**
 * The quota counters in the database. Every change is one `UPDATE ... SET used = used + :delta`: a
 * charge adds its limit check to the `WHERE`, so concurrent requests can never pass a limit together
 * (the database serialises the row updates; no value is read, changed in JS and written back).
 * `updated_at` is never touched (it is the user's token signature).
 */
@Injectable()
export class QuotaRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Adds `files`/`bytes` (both >= 0, not both 0) to a disk counter only if the result stays within its
   * limits; `strict` also demands room for one more byte, SFTPGo's "has space" check before a write.
   * True when applied.
   */
  async charge(counter: QuotaCounter, files: number, bytes: number, strict = false): Promise<boolean> {
    const { quotaFiles, quotaSize } = counter.limits;
    const qb = this.dataSource
      .createQueryBuilder()
      .update(counter.kind === 'user' ? UserEntity : FolderEntity)
      .set({
        usedQuotaFiles: () => 'used_quota_files + :files',
        usedQuotaSize: () => 'used_quota_size + :bytes',
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :id', { id: counter.id, files, bytes });
    if (quotaFiles > 0 && files > 0) {
      qb.andWhere('used_quota_files + :files <= :quotaFiles', { quotaFiles });
    }
    if (quotaSize > 0 && (bytes > 0 || strict)) {
      qb.andWhere('used_quota_size + :probe <= :quotaSize', {
        quotaSize,
        probe: strict ? Math.max(bytes, 1) : bytes,
      });
    }
    const result = await qb.execute();
    return (result.affected ?? 0) > 0;
  }

  /** Adds `files`/`bytes` (any sign) without a limit check: releases, and charges to unlimited counters. */
  async add(counter: QuotaCounter, files: number, bytes: number): Promise<void> {
    if (files === 0 && bytes === 0) return;
    await this.dataSource
      .createQueryBuilder()
      .update(counter.kind === 'user' ? UserEntity : FolderEntity)
      .set({
        usedQuotaFiles: () => 'used_quota_files + :files',
        usedQuotaSize: () => 'used_quota_size + :bytes',
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :id', { id: counter.id, files, bytes })
      .execute();
  }

  /**
   * Sets a disk counter to `files`/`bytes` (a scan's result, the usage API's reset mode), with
   * `last_quota_update` = now. False when the row is gone.
   */
  async resetUsage(counter: CounterRef, files: number, bytes: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(counter.kind === 'user' ? UserEntity : FolderEntity)
      .set({ usedQuotaFiles: files, usedQuotaSize: bytes, lastQuotaUpdate: Date.now() })
      .where('id = :id', { id: counter.id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Adds `files`/`bytes` to a disk counter, each clamped at 0 in SQL (the usage API's add mode). */
  async addUsageClamped(counter: CounterRef, files: number, bytes: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(counter.kind === 'user' ? UserEntity : FolderEntity)
      .set({
        usedQuotaFiles: () => clampedSum('used_quota_files', ':files'),
        usedQuotaSize: () => clampedSum('used_quota_size', ':bytes'),
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :id', { id: counter.id, files, bytes })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Sets the user's transfer usage (bytes); `last_quota_update` = now. False when the user is gone. */
  async resetTransferUsage(userId: number, upload: number, download: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(UserEntity)
      .set({
        usedUploadDataTransfer: upload,
        usedDownloadDataTransfer: download,
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :userId', { userId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** Adds to the user's transfer usage, each direction clamped at 0 in SQL. False when the user is gone. */
  async addTransferUsageClamped(userId: number, upload: number, download: number): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(UserEntity)
      .set({
        usedUploadDataTransfer: () => clampedSum('used_upload_data_transfer', ':upload'),
        usedDownloadDataTransfer: () => clampedSum('used_download_data_transfer', ':download'),
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :userId', { userId, upload, download })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** A disk counter's usage (to choose an error text only: never written back). */
  async diskUsage(counter: QuotaCounter): Promise<{ files: number; bytes: number }> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('c.used_quota_files', 'files')
      .addSelect('c.used_quota_size', 'bytes')
      .from(counter.kind === 'user' ? UserEntity : FolderEntity, 'c')
      .where('c.id = :id', { id: counter.id })
      .getRawOne<{ files: number | string | null; bytes: number | string | null }>();
    return { files: Number(row?.files ?? 0), bytes: Number(row?.bytes ?? 0) };
  }

  /** The user's used transfer bytes (for the "any allowance left" pre-checks only). */
  async transferUsage(userId: number): Promise<TransferUsage> {
    const row = await this.dataSource
      .createQueryBuilder()
      .select('u.used_upload_data_transfer', 'upload')
      .addSelect('u.used_download_data_transfer', 'download')
      .from(UserEntity, 'u')
      .where('u.id = :userId', { userId })
      .getRawOne<{ upload: number | string | null; download: number | string | null }>();
    return { upload: Number(row?.upload ?? 0), download: Number(row?.download ?? 0) };
  }

  /**
   * Adds `bytes` (> 0) to the user's upload or download transfer usage only if it stays within the
   * limits (the total supersedes the per-direction limit). True when applied.
   */
  async chargeTransfer(
    userId: number,
    limits: TransferLimits,
    direction: 'upload' | 'download',
    bytes: number,
  ): Promise<boolean> {
    const column = direction === 'upload' ? 'used_upload_data_transfer' : 'used_download_data_transfer';
    const qb = this.dataSource
      .createQueryBuilder()
      .update(UserEntity)
      .set({
        [direction === 'upload' ? 'usedUploadDataTransfer' : 'usedDownloadDataTransfer']: () =>
          `${column} + :bytes`,
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :userId', { userId, bytes });
    const limit = direction === 'upload' ? limits.upload : limits.download;
    if (limits.total > 0) {
      qb.andWhere('used_upload_data_transfer + used_download_data_transfer + :bytes <= :limit', {
        limit: limits.total,
      });
    } else if (limit > 0) {
      qb.andWhere(`${column} + :bytes <= :limit`, { limit });
    }
    const result = await qb.execute();
    return (result.affected ?? 0) > 0;
  }

  /** Adds `bytes` (any sign) to the user's transfer usage without a check (refunds). */
  async addTransfer(userId: number, direction: 'upload' | 'download', bytes: number): Promise<void> {
    if (bytes === 0) return;
    const column = direction === 'upload' ? 'used_upload_data_transfer' : 'used_download_data_transfer';
    await this.dataSource
      .createQueryBuilder()
      .update(UserEntity)
      .set({
        [direction === 'upload' ? 'usedUploadDataTransfer' : 'usedDownloadDataTransfer']: () =>
          `${column} + :bytes`,
        lastQuotaUpdate: Date.now(),
      })
      .where('id = :userId', { userId, bytes })
      .execute();
  }
}
