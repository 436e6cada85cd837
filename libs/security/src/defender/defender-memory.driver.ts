import type { DefenderConfig } from '@app/config';
import { banIncrementMs, type DefenderDriver, type DefenderHost, MINUTE_MS } from './defender.types';

interface HostEvents {
  /** (epoch ms, score), oldest first. */
  events: { at: number; score: number }[];
}

/**
 * SFTPGo's `memory` defender (defendermem.go): per-host events scored within `observation_time`, a
 * ban once the score reaches the threshold (>=), the host's events dropped at the ban, events from
 * banned hosts ignored, every hit on a banned host extends its ban, and both maps trimmed back to
 * the soft limit (oldest first) once over the hard limit.
 */
export class MemoryDefenderDriver implements DefenderDriver {
  private readonly hostEvents = new Map<string, HostEvents>();
  private readonly banned = new Map<string, number>();
  private readonly observationMs: number;
  private readonly banMs: number;
  private readonly incrementMs: number;

  constructor(private readonly config: DefenderConfig) {
    this.observationMs = config.observation_time * MINUTE_MS;
    this.banMs = config.ban_time * MINUTE_MS;
    this.incrementMs = banIncrementMs(config);
  }

  isBanned(ip: string, now: number): boolean {
    const until = this.banned.get(ip);
    if (until === undefined || until <= now) return false;
    this.banned.set(ip, until + this.incrementMs);
    return true;
  }

  addEvent(ip: string, score: number, now: number): Promise<boolean> {
    const until = this.banned.get(ip);
    if (until !== undefined) {
      if (until > now) return Promise.resolve(false);
      this.banned.delete(ip);
    }
    const host = this.hostEvents.get(ip);
    if (!host) {
      this.hostEvents.set(ip, { events: [{ at: now, score }] });
      this.trimHosts();
      return Promise.resolve(false);
    }
    host.events.push({ at: now, score });
    host.events = host.events.filter((event) => event.at + this.observationMs > now);
    if (this.sum(host, now) >= this.config.threshold) {
      this.banned.set(ip, now + this.banMs);
      this.hostEvents.delete(ip);
      this.trimBanned(now);
      return Promise.resolve(true);
    }
    return Promise.resolve(false);
  }

  hosts(now: number): Promise<DefenderHost[]> {
    const result: DefenderHost[] = [];
    for (const [ip, until] of this.banned) {
      if (until > now) result.push({ ip, score: 0, banUntil: until });
    }
    for (const [ip, host] of this.hostEvents) {
      const score = this.sum(host, now);
      if (score > 0) result.push({ ip, score, banUntil: 0 });
    }
    return Promise.resolve(result);
  }

  host(ip: string, now: number): Promise<DefenderHost | undefined> {
    const until = this.banned.get(ip);
    if (until !== undefined && until > now) return Promise.resolve({ ip, score: 0, banUntil: until });
    const host = this.hostEvents.get(ip);
    const score = host ? this.sum(host, now) : 0;
    return Promise.resolve(score > 0 ? { ip, score, banUntil: 0 } : undefined);
  }

  deleteHost(ip: string): Promise<boolean> {
    const wasBanned = this.banned.delete(ip);
    const hadEvents = this.hostEvents.delete(ip);
    return Promise.resolve(wasBanned || hadEvents);
  }

  /** Sizes, for tests. */
  get size(): { hosts: number; banned: number } {
    return { hosts: this.hostEvents.size, banned: this.banned.size };
  }

  private sum(host: HostEvents, now: number): number {
    let score = 0;
    for (const event of host.events) if (event.at + this.observationMs > now) score += event.score;
    return score;
  }

  private trimHosts(): void {
    if (this.hostEvents.size <= this.config.entries_hard_limit) return;
    const byLastEvent = [...this.hostEvents].sort(
      ([, a], [, b]) => (a.events.at(-1)?.at ?? 0) - (b.events.at(-1)?.at ?? 0),
    );
    const excess = this.hostEvents.size - this.config.entries_soft_limit;
    for (const [ip] of byLastEvent.slice(0, excess)) this.hostEvents.delete(ip);
  }

  private trimBanned(now: number): void {
    if (this.banned.size <= this.config.entries_hard_limit) return;
    for (const [ip, until] of this.banned) if (until <= now) this.banned.delete(ip);
    const excess = this.banned.size - this.config.entries_soft_limit;
    if (excess <= 0) return;
    const byBanEnd = [...this.banned].sort(([, a], [, b]) => a - b);
    for (const [ip] of byBanEnd.slice(0, excess)) this.banned.delete(ip);
  }
}
