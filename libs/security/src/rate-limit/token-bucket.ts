import type { RateLimiterConfig } from '@app/config';

/** SFTPGo's rate limiter types. */
export const RateLimiterKind = { Global: 1, Source: 2 } as const;

/** The protocols a rate limiter may name (SFTPGo's `rateLimiterProtocolValues`). */
export const RATE_LIMITER_PROTOCOLS: readonly string[] = ['SSH', 'FTP', 'DAV', 'HTTP'];

/** Longest wait SFTPGo ever accepts before refusing, whatever the rate. */
const MAX_DELAY_CAP_MS = 10_000;

/** One enabled `common.rate_limiters[]` entry, with its token-bucket parameters worked out once. */
export interface LimiterSpec {
  /** Position in `common.rate_limiters` (for messages and storage keys). */
  index: number;
  /** Names the bucket in shared storage; changes when the limiter's parameters change. */
  id: string;
  /** Tokens added per millisecond (`average / period`). */
  ratePerMs: number;
  burst: number;
  /** A wait up to this is slept through; a longer one is refused. */
  maxDelayMs: number;
  perSource: boolean;
  generateDefenderEvents: boolean;
  softLimit: number;
  hardLimit: number;
  protocols: string[];
}

/** A bucket: its tokens (negative while requests wait for future tokens) as of `last` (ms). */
export interface BucketState {
  tokens: number;
  last: number;
}

/** SFTPGo's `RateLimiterConfig.isEnabled`: a positive average and at least one protocol. */
export function isLimiterEnabled(config: RateLimiterConfig): boolean {
  return config.average > 0 && config.protocols.length > 0;
}

/**
 * Checks one enabled limiter as SFTPGo does at start (`RateLimiterConfig.validate`), throwing an Error
 * that names the key, e.g. `common.rate_limiters[0].period: invalid period 50. It must be >= 100`.
 */
export function validateLimiter(config: RateLimiterConfig, index: number): void {
  const key = (name: string) => `common.rate_limiters[${index}].${name}`;
  if (!Number.isInteger(config.burst) || config.burst < 1) {
    throw new Error(`${key('burst')}: invalid burst ${config.burst}. It must be >= 1`);
  }
  if (!Number.isFinite(config.period) || config.period < 100) {
    throw new Error(`${key('period')}: invalid period ${config.period}. It must be >= 100`);
  }
  if (config.type !== RateLimiterKind.Global && config.type !== RateLimiterKind.Source) {
    throw new Error(`${key('type')}: invalid type ${config.type}`);
  }
  if (config.type === RateLimiterKind.Source) {
    if (!(config.entries_soft_limit > 0)) {
      throw new Error(
        `${key('entries_soft_limit')}: invalid entries_soft_limit ${config.entries_soft_limit}`,
      );
    }
    if (!(config.entries_hard_limit > config.entries_soft_limit)) {
      throw new Error(
        `${key('entries_hard_limit')}: invalid entries_hard_limit ${config.entries_hard_limit} must be > ${config.entries_soft_limit}`,
      );
    }
  }
  for (const protocol of config.protocols) {
    if (!RATE_LIMITER_PROTOCOLS.includes(protocol)) {
      throw new Error(`${key('protocols')}: invalid protocol "${protocol}"`);
    }
  }
}

/**
 * SFTPGo's maximum accepted wait (`getLimiter`): half the period when the rate is under one per
 * second, else half the interval between two requests at the rate truncated to whole requests per
 * second (Go's `time.Second / (time.Duration(rtl) * 2)`), capped at 10 s.
 */
export function maxDelayMs(average: number, period: number): number {
  const perSecond = (average * 1000) / period;
  const delay = perSecond < 1 ? period / 2 : Math.trunc(1e9 / (Math.trunc(perSecond) * 2)) / 1e6;
  return Math.min(delay, MAX_DELAY_CAP_MS);
}

/** The token-bucket parameters of an enabled limiter (validate it first). */
export function limiterSpec(config: RateLimiterConfig, index: number): LimiterSpec {
  return {
    index,
    id: `${index}-${config.type}-${config.average}-${config.period}-${config.burst}`,
    ratePerMs: config.average / config.period,
    burst: config.burst,
    maxDelayMs: maxDelayMs(config.average, config.period),
    perSource: config.type === RateLimiterKind.Source,
    // SFTPGo only scores per-source refusals: a global refusal says nothing about one address.
    generateDefenderEvents: config.generate_defender_events && config.type === RateLimiterKind.Source,
    softLimit: config.entries_soft_limit,
    hardLimit: config.entries_hard_limit,
    protocols: [...new Set(config.protocols)],
  };
}

/**
 * One reservation on a bucket, as Go's `rate.Limiter.Reserve` followed by `Cancel` when refused:
 * refill since `last` up to `burst`, take a token (going negative means waiting for a future one),
 * and keep the new state only when the wait is acceptable. A missing bucket is a full one.
 */
export function reserve(
  state: BucketState | undefined,
  spec: Pick<LimiterSpec, 'ratePerMs' | 'burst' | 'maxDelayMs'>,
  now: number,
): { waitMs: number; next: BucketState | undefined } {
  let tokens = spec.burst;
  let last = now;
  if (state) {
    tokens = Math.min(spec.burst, state.tokens + Math.max(0, now - state.last) * spec.ratePerMs);
    last = Math.max(now, state.last);
  }
  tokens -= 1;
  // Go truncates the wait to whole nanoseconds.
  const waitMs = tokens < 0 ? Math.trunc((-tokens / spec.ratePerMs) * 1e6) / 1e6 : 0;
  if (waitMs > spec.maxDelayMs) return { waitMs, next: state };
  return { waitMs, next: { tokens, last } };
}
