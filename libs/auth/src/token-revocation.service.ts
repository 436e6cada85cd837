import { nowMs } from '@app/common';
import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { DataSource, LessThan, MoreThanOrEqual, Repository } from 'typeorm';
import { RevokedTokenEntity } from './entities/revoked-token.entity';

/** How often revocations made by other instances sharing the database are picked up. */
const SYNC_INTERVAL_MS = 2000;
const CLEANUP_INTERVAL_MS = 10 * 60 * 1000;
// Kept a minute past expiry, beyond the verification leeway (SFTPGo keeps them exp + 1 min).
const RETENTION_MS = 60 * 1000;

/** Hex SHA-256 of a token string: the form in which revoked tokens are stored. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Revoked tokens live in the database (they survive restarts and are shared by every instance on
 * the same database) and are mirrored in memory, so checking a request costs no query.
 */
@Injectable()
export class TokenRevocationService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(TokenRevocationService.name);
  private readonly repo: Repository<RevokedTokenEntity>;
  private readonly revoked = new Map<string, number>();
  private syncedUntil = 0;
  private timers: NodeJS.Timeout[] = [];

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(RevokedTokenEntity);
  }

  async onModuleInit(): Promise<void> {
    const rows = await this.repo.find({ where: { expiresAt: MoreThanOrEqual(nowMs() - RETENTION_MS) } });
    for (const row of rows) this.remember(row);
    this.syncedUntil = nowMs();
    this.timers = [
      setInterval(() => void this.sync(), SYNC_INTERVAL_MS).unref(),
      setInterval(() => void this.cleanup(), CLEANUP_INTERVAL_MS).unref(),
    ];
  }

  onModuleDestroy(): void {
    for (const timer of this.timers) clearInterval(timer);
  }

  /** True when the token (by hash) was revoked and has not expired since. */
  isRevoked(hash: string): boolean {
    return this.revoked.has(hash);
  }

  /** Revokes a token until its expiry (epoch ms). Idempotent. */
  async revoke(hash: string, expiresAt: number): Promise<void> {
    const row = { tokenHash: hash, expiresAt, createdAt: nowMs() };
    this.remember(row);
    await this.repo.upsert(row, ['tokenHash']);
  }

  private remember(row: RevokedTokenEntity): void {
    this.revoked.set(row.tokenHash, row.expiresAt);
  }

  /** Picks up revocations written by other instances since the last sync. */
  private async sync(): Promise<void> {
    // Overlap the window: a row committed late with an older created_at is still seen.
    const since = this.syncedUntil - SYNC_INTERVAL_MS;
    const startedAt = nowMs();
    try {
      const rows = await this.repo.find({ where: { createdAt: MoreThanOrEqual(since) } });
      for (const row of rows) this.remember(row);
      this.syncedUntil = startedAt;
    } catch (error) {
      this.logger.warn(`unable to sync revoked tokens: ${(error as Error).message}`);
    }
  }

  private async cleanup(): Promise<void> {
    const limit = nowMs() - RETENTION_MS;
    for (const [hash, expiresAt] of this.revoked) if (expiresAt < limit) this.revoked.delete(hash);
    try {
      await this.repo.delete({ expiresAt: LessThan(limit) });
    } catch (error) {
      this.logger.warn(`unable to remove expired revoked tokens: ${(error as Error).message}`);
    }
  }
}
