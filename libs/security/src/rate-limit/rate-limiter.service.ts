import { InjectConfig, type SftpgoConfig } from '@app/config';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { goDuration } from '../security-gate';
import {
  Defender,
  IpListMatcher,
  IpListMode,
  IpListType,
  RateLimiter,
  type RateLimitResult,
} from '../security.types';
import {
  MemoryRateLimitStorage,
  type RateLimitClock,
  type RateLimitStorage,
  systemClock,
} from './rate-limit.storage';
import { RedisRateLimitStorage } from './redis-rate-limit.storage';
import { isLimiterEnabled, type LimiterSpec, limiterSpec, validateLimiter } from './token-bucket';

/** DI token of the {@link RateLimitClock} (optional: the process clock by default). */
export const RATE_LIMIT_CLOCK = Symbol('RATE_LIMIT_CLOCK');
/** DI token of a {@link RateLimitStorage} replacing the configured one (tests). */
export const RATE_LIMIT_STORAGE = Symbol('RATE_LIMIT_STORAGE');

const ALLOWED: RateLimitResult = { allowed: true };

/**
 * SFTPGo's rate limiters (`common.rate_limiters`, behaviour doc §8) for HTTP: every enabled limiter
 * naming HTTP applies to every request, in order; a short wait is slept through, a longer one is
 * refused. Addresses on the rate-limiter safe list (IP list type 3) skip them all.
 */
@Injectable()
export class RateLimiterService extends RateLimiter implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RateLimiter');
  private limiters: LimiterSpec[] = [];
  private protocols: string[] = [];
  private storage: RateLimitStorage | undefined;

  constructor(
    @InjectConfig() private readonly config: SftpgoConfig,
    private readonly lists: IpListMatcher,
    private readonly defender: Defender,
    @Optional() @Inject(RATE_LIMIT_CLOCK) private readonly clock: RateLimitClock = systemClock,
    @Optional() @Inject(RATE_LIMIT_STORAGE) private readonly injectedStorage?: RateLimitStorage,
  ) {
    super();
  }

  /**
   * Validates and builds the limiters. At init rather than in the constructor: a refusal there makes
   * the bootstrap close the application (and its database connections) before rethrowing.
   */
  async onModuleInit(): Promise<void> {
    const enabled: LimiterSpec[] = [];
    this.config.common.rate_limiters.forEach((limiter, index) => {
      if (!isLimiterEnabled(limiter)) return;
      // As SFTPGo: every enabled limiter is validated, even those for protocols this server lacks.
      validateLimiter(limiter, index);
      enabled.push(limiterSpec(limiter, index));
    });
    this.protocols = [...new Set(enabled.flatMap((limiter) => limiter.protocols))];
    const limiters = enabled.filter((limiter) => limiter.protocols.includes('HTTP'));
    if (limiters.length === 0) return;
    const url = this.config.common.rate_limiters_redis_url;
    this.storage =
      this.injectedStorage ?? (url ? new RedisRateLimitStorage(url) : new MemoryRateLimitStorage(this.clock));
    await this.storage.init();
    this.limiters = limiters;
  }

  async onApplicationShutdown(): Promise<void> {
    this.limiters = [];
    await this.storage?.close();
  }

  /** SFTPGo's `rate_limiters` entry of `/api/v2/status`: active, and for which protocols. */
  status(): { is_active: boolean; protocols: string[] } {
    return { is_active: this.protocols.length > 0, protocols: [...this.protocols] };
  }

  async limit(ip: string): Promise<RateLimitResult> {
    const storage = this.storage;
    if (this.limiters.length === 0 || !storage) return ALLOWED;
    if (this.lists.modeFor(IpListType.RateLimiterSafeList, ip) === IpListMode.Allow) return ALLOWED;
    for (const limiter of this.limiters) {
      const waitMs = await storage.take(limiter, ip);
      if (waitMs > limiter.maxDelayMs) {
        if (limiter.generateDefenderEvents) await this.reportToDefender(ip);
        return {
          allowed: false,
          retryAfterMs: waitMs,
          error: `rate limit exceed, wait time to respect rate ${goDuration(waitMs)}, max wait time allowed ${goDuration(limiter.maxDelayMs)}`,
        };
      }
      if (waitMs > 0) await this.clock.sleep(waitMs);
    }
    return ALLOWED;
  }

  private async reportToDefender(ip: string): Promise<void> {
    try {
      await this.defender.addEvent(ip, 'LimitExceeded');
    } catch (error) {
      this.logger.warn(`unable to add a defender event for ${ip}: ${(error as Error).message}`);
    }
  }
}
