import type { DefenderConfig } from '@app/config';
import type { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { DefenderEventEntity } from '../entities/defender-event.entity';
import { DefenderHostEntity } from '../entities/defender-host.entity';
import { banIncrementMs, type DefenderDriver, type DefenderHost, MINUTE_MS } from './defender.types';

/** How often the banned hosts are read again (bans and unbans made by other instances show up within it). */
export const PROVIDER_REFRESH_MS = 1000;

/**
 * SFTPGo's `provider` defender (defenderdb.go): hosts and events in `defender_hosts` /
 * `defender_events`, shared by every instance on the database; a ban once the score is over the
 * threshold (>, as SFTPGo). Unlike SFTPGo, the request path reads no database: `isBanned` looks at a
 * snapshot of the banned hosts read every second, plus this instance's own bans and unbans at once;
 * the ban extensions of hits on banned hosts are added up and written with each refresh.
 */
export class ProviderDefenderDriver implements DefenderDriver {
  /** Banned hosts (ip -> banned until), as last read plus local changes. */
  private bans = new Map<string, number>();
  /** Ban extensions (ip -> ms) not yet written. */
  private pending = new Map<string, number>();
  /** Local bans (until) and unbans (0) since the current refresh started: its snapshot may predate them. */
  private readonly dirty = new Map<string, number>();
  private refreshing?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private lastCleanup = 0;
  private readonly observationMs: number;
  private readonly banMs: number;
  private readonly incrementMs: number;

  constructor(
    private readonly config: DefenderConfig,
    private readonly dataSource: DataSource,
    private readonly now: () => number,
    private readonly logger: Logger,
    private readonly refreshMs = PROVIDER_REFRESH_MS,
  ) {
    this.observationMs = config.observation_time * MINUTE_MS;
    this.banMs = config.ban_time * MINUTE_MS;
    this.incrementMs = banIncrementMs(config);
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.refreshing;
    await this.flush().catch(() => undefined);
  }

  isBanned(ip: string, now: number): boolean {
    const until = this.bans.get(ip);
    if (until === undefined || until <= now) return false;
    this.bans.set(ip, until + this.incrementMs);
    this.pending.set(ip, (this.pending.get(ip) ?? 0) + this.incrementMs);
    return true;
  }

  /** Writes the pending extensions, then reads the banned hosts again; one at a time. */
  refresh(): Promise<void> {
    this.refreshing ??= this.readBans()
      .catch((err: Error) => this.logger.warn(`defender: cannot refresh the banned hosts: ${err.message}`))
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  async addEvent(ip: string, score: number, now: number): Promise<boolean> {
    // A banned host's requests are refused before they can fail a login; a late one does not count.
    if ((this.bans.get(ip) ?? 0) > now) return false;
    const hosts = this.dataSource.getRepository(DefenderHostEntity);
    await hosts
      .createQueryBuilder()
      .insert()
      .values({ ip, banTime: 0, updatedAt: now })
      .orUpdate(['updated_at'], ['ip'])
      .execute();
    const host = await hosts.findOne({ where: { ip }, select: { id: true } });
    if (!host) return false;
    await this.dataSource
      .getRepository(DefenderEventEntity)
      .insert({ hostId: host.id, dateTime: now, score });
    const total = await this.scoreOf([host.id], now);
    let banned = false;
    if ((total.get(host.id) ?? 0) > this.config.threshold) {
      const until = now + this.banMs;
      await hosts.update({ id: host.id }, { banTime: until });
      this.bans.set(ip, until);
      this.dirty.set(ip, until);
      banned = true;
    }
    this.cleanup(now);
    return banned;
  }

  async hosts(now: number): Promise<DefenderHost[]> {
    const rows = await this.dataSource
      .getRepository(DefenderHostEntity)
      .createQueryBuilder('h')
      .where('h.updated_at >= :from OR h.ban_time > :now', { from: now - this.observationMs, now })
      .orderBy('h.updated_at', 'DESC')
      .limit(this.config.entries_hard_limit)
      .getMany();
    return this.withScores(rows, now);
  }

  async host(ip: string, now: number): Promise<DefenderHost | undefined> {
    const row = await this.dataSource.getRepository(DefenderHostEntity).findOne({ where: { ip } });
    if (!row) return undefined;
    return (await this.withScores([row], now))[0];
  }

  async deleteHost(ip: string, now: number): Promise<boolean> {
    if (!(await this.host(ip, now))) return false;
    await this.dataSource.getRepository(DefenderHostEntity).delete({ ip });
    this.bans.delete(ip);
    this.pending.delete(ip);
    this.dirty.set(ip, 0);
    return true;
  }

  /** Banned hosts (ban end from the database or, when later, this instance's) and hosts with a score. */
  private async withScores(rows: DefenderHostEntity[], now: number): Promise<DefenderHost[]> {
    const scores = await this.scoreOf(
      rows.filter((row) => row.banTime <= now).map((row) => row.id),
      now,
    );
    const result: DefenderHost[] = [];
    for (const row of rows) {
      const banUntil = Math.max(row.banTime, this.bans.get(row.ip) ?? 0);
      if (banUntil > now) result.push({ ip: row.ip, score: 0, banUntil });
      else if ((scores.get(row.id) ?? 0) > 0)
        result.push({ ip: row.ip, score: scores.get(row.id) ?? 0, banUntil: 0 });
    }
    return result;
  }

  /** Host id -> sum of its scores within the observation time. */
  private async scoreOf(hostIds: number[], now: number): Promise<Map<number, number>> {
    if (hostIds.length === 0) return new Map();
    const rows = await this.dataSource
      .getRepository(DefenderEventEntity)
      .createQueryBuilder('e')
      .select('e.host_id', 'hostId')
      .addSelect('SUM(e.score)', 'total')
      .where('e.host_id IN (:...hostIds)', { hostIds })
      .andWhere('e.date_time >= :from', { from: now - this.observationMs })
      .groupBy('e.host_id')
      .getRawMany<{ hostId: number | string; total: number | string }>();
    return new Map(rows.map((row) => [Number(row.hostId), Number(row.total)]));
  }

  private async readBans(): Promise<void> {
    await this.flush();
    this.dirty.clear();
    const now = this.now();
    const rows = await this.dataSource
      .getRepository(DefenderHostEntity)
      .createQueryBuilder('h')
      .select(['h.ip', 'h.banTime'])
      .where('h.ban_time > :now', { now })
      .getMany();
    const next = new Map(rows.map((row) => [row.ip, row.banTime]));
    // What changed here while the query ran may be missing from its rows.
    for (const [ip, until] of this.dirty) {
      if (until === 0) next.delete(ip);
      else next.set(ip, Math.max(next.get(ip) ?? 0, until));
    }
    for (const [ip, ms] of this.pending) {
      const until = next.get(ip);
      if (until !== undefined) next.set(ip, until + ms);
    }
    this.bans = next;
  }

  /** Adds the pending ban extensions to the stored ban ends (kept for the next try on failure). */
  private async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const hosts = this.dataSource.getRepository(DefenderHostEntity);
    const entries = [...batch];
    for (const [index, [ip, ms]] of entries.entries()) {
      try {
        await hosts
          .createQueryBuilder()
          .update()
          .set({ banTime: () => 'ban_time + :ms' })
          .setParameter('ms', ms)
          .where('ip = :ip', { ip })
          .execute();
      } catch (err) {
        for (const [left, leftMs] of entries.slice(index))
          this.pending.set(left, (this.pending.get(left) ?? 0) + leftMs);
        throw err;
      }
    }
  }

  /** SFTPGo: old events and idle hosts are deleted at most every 3 x observation_time. */
  private cleanup(now: number): void {
    if (this.lastCleanup !== 0 && this.lastCleanup + 3 * this.observationMs > now) return;
    const previous = this.lastCleanup;
    this.lastCleanup = now;
    const before = now - this.observationMs - MINUTE_MS;
    void (async () => {
      await this.dataSource
        .getRepository(DefenderEventEntity)
        .createQueryBuilder()
        .delete()
        .where('date_time < :before', { before })
        .execute();
      await this.dataSource
        .getRepository(DefenderHostEntity)
        .createQueryBuilder()
        .delete()
        .where('updated_at < :before AND ban_time < :now', { before, now })
        .execute();
    })().catch((err: Error) => {
      this.lastCleanup = previous;
      this.logger.warn(`defender: cleanup failed: ${err.message}`);
    });
  }
}
