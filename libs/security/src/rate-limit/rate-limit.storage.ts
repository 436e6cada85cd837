import { type BucketState, type LimiterSpec, reserve } from './token-bucket';

/**
 * Where the token buckets live. Not `@nestjs/throttler`'s `ThrottlerStorage`: its `increment` is a
 * fixed-window hit counter (hits and time to expire), which cannot hold a fractional, refilling token
 * count, report a wait shorter than the window, or give a token back when a request is refused, so
 * it cannot give SFTPGo's token-bucket answers.
 */
export interface RateLimitStorage {
  /** Prepares the storage (connects); never throws for a storage that fails open. */
  init(): Promise<void>;
  /**
   * Reserves one token of `spec`'s bucket (the per-source one of `source` when the limiter is per
   * source) and returns the wait in ms before it is available; the token is kept only when that wait
   * is at most `spec.maxDelayMs`.
   */
  take(spec: LimiterSpec, source: string): Promise<number>;
  close(): Promise<void>;
}

/** Monotonic milliseconds and sleeping, injectable so unit tests drive time. */
export interface RateLimitClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** The process clock: monotonic, so a wall-clock change neither empties nor fills the buckets. */
export const systemClock: RateLimitClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * Buckets in this process (SFTPGo's behaviour): one per global limiter, one per source address per
 * per-source limiter, the latter kept in least-recently-used order and trimmed to the soft limit
 * when a new source would reach the hard limit.
 */
export class MemoryRateLimitStorage implements RateLimitStorage {
  private readonly global = new Map<number, BucketState>();
  private readonly sources = new Map<number, Map<string, BucketState>>();

  constructor(private readonly clock: RateLimitClock = systemClock) {}

  init(): Promise<void> {
    return Promise.resolve();
  }

  take(spec: LimiterSpec, source: string): Promise<number> {
    return Promise.resolve(this.takeNow(spec, source));
  }

  /** The synchronous work of {@link take}. */
  takeNow(spec: LimiterSpec, source: string): number {
    const now = this.clock.now();
    if (!spec.perSource) {
      const { waitMs, next } = reserve(this.global.get(spec.index), spec, now);
      if (next) this.global.set(spec.index, next);
      return waitMs;
    }
    let buckets = this.sources.get(spec.index);
    if (!buckets) {
      buckets = new Map();
      this.sources.set(spec.index, buckets);
    }
    const current = buckets.get(source);
    if (current) {
      // Re-inserting moves the source to the most recently used end of the Map's order.
      buckets.delete(source);
    } else if (buckets.size >= spec.hardLimit) {
      trimOldest(buckets, buckets.size - spec.softLimit);
    }
    const { waitMs, next } = reserve(current, spec, now);
    // A refused first request still records the (full) bucket, as SFTPGo creates it before reserving.
    buckets.set(source, next ?? { tokens: spec.burst, last: now });
    return waitMs;
  }

  /** How many per-source buckets limiter `index` holds (for tests and status). */
  sourceCount(index: number): number {
    return this.sources.get(index)?.size ?? 0;
  }

  /** True when limiter `index` holds a bucket for `source`. */
  hasSource(index: number, source: string): boolean {
    return this.sources.get(index)?.has(source) ?? false;
  }

  close(): Promise<void> {
    this.global.clear();
    this.sources.clear();
    return Promise.resolve();
  }
}

function trimOldest(buckets: Map<string, BucketState>, count: number): void {
  for (const key of buckets.keys()) {
    if (count-- <= 0) break;
    buckets.delete(key);
  }
}
