import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import type { RateLimitStorage } from './rate-limit.storage';
import type { LimiterSpec } from './token-bucket';

/** Prefix of every key unless the URL's `key_prefix` query parameter sets another. */
export const DEFAULT_REDIS_KEY_PREFIX = 'sftpgo:rl:';
/** A Redis that answers slower than this is treated as down: requests must not queue behind it. */
const COMMAND_TIMEOUT_MS = 500;
const CONNECT_TIMEOUT_MS = 2000;
/** At most one warning per this interval while Redis is unreachable. */
const WARN_INTERVAL_MS = 60_000;

/**
 * The token bucket of `token-bucket.ts` as one atomic script, so instances sharing the Redis share
 * the limit. Time is Redis' own clock (instances' clocks may differ). The bucket expires once it
 * would be full again: a missing key is a full bucket. Returns the wait in ms as a string (a Lua
 * number reply would be truncated to an integer).
 * KEYS[1] bucket; ARGV rate per ms, burst, max delay ms.
 */
const TAKE_SCRIPT = `
if redis.replicate_commands then redis.replicate_commands() end
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local max_delay = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local tokens = burst
local last = now
local state = redis.call('HMGET', KEYS[1], 'tokens', 'last')
if state[1] and state[2] then
  tokens = math.min(burst, tonumber(state[1]) + math.max(0, now - tonumber(state[2])) * rate)
  last = math.max(now, tonumber(state[2]))
end
tokens = tokens - 1
local wait = 0
if tokens < 0 then wait = -tokens / rate end
if wait <= max_delay then
  redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'last', string.format('%.17g', last))
  redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate) + 1000)
end
return string.format('%.17g', wait)
`;

type ScriptedRedis = Redis & {
  sftpgoTake(key: string, rate: string, burst: string, maxDelay: string): Promise<string>;
};

/**
 * Buckets in Redis (`common.rate_limiters_redis_url`), shared by every instance using it. Per-source
 * buckets are bounded by their expiry rather than `entries_*_limit`. When Redis is unreachable the
 * limiters let requests through (logging a warning at most once a minute): losing Redis must not
 * take every client down with it.
 */
export class RedisRateLimitStorage implements RateLimitStorage {
  private readonly logger = new Logger('RateLimiter');
  private readonly redis: ScriptedRedis;
  private readonly prefix: string;
  private lastWarning = -Infinity;

  constructor(url: string) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    if (!parsed || (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:')) {
      // The URL may hold a password: name the key, not the value.
      throw new Error('common.rate_limiters_redis_url: not a redis:// or rediss:// URL');
    }
    this.prefix = parsed.searchParams.get('key_prefix') ?? DEFAULT_REDIS_KEY_PREFIX;
    parsed.searchParams.delete('key_prefix');
    this.redis = new Redis(parsed.toString(), {
      lazyConnect: true,
      // Fail fast instead of queueing requests while disconnected: the limiters then fail open.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      // ioredis waits this long for a 'close' that a refused socket never sends: keep shutdown short.
      disconnectTimeout: 200,
    }) as ScriptedRedis;
    this.redis.defineCommand('sftpgoTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
    this.redis.on('error', (error: Error) => this.warn(error));
  }

  async init(): Promise<void> {
    try {
      await this.redis.connect();
    } catch (error) {
      // ioredis keeps reconnecting in the background; until then requests pass.
      this.warn(error as Error);
    }
  }

  async take(spec: LimiterSpec, source: string): Promise<number> {
    const key = `${this.prefix}${spec.id}:${spec.perSource ? source : '*'}`;
    try {
      const wait = await this.redis.sftpgoTake(
        key,
        String(spec.ratePerMs),
        String(spec.burst),
        String(spec.maxDelayMs),
      );
      return Number(wait);
    } catch (error) {
      this.warn(error as Error);
      return 0;
    }
  }

  async close(): Promise<void> {
    // quit() is refused without a connection (no offline queue); disconnect() also stops reconnecting.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private warn(error: Error): void {
    const now = performance.now();
    if (now - this.lastWarning < WARN_INTERVAL_MS) return;
    this.lastWarning = now;
    this.logger.warn(`rate limiter storage unavailable, requests are not rate limited: ${error.message}`);
  }
}
