import { defaultRateLimiter, type RateLimiterConfig } from '@app/config';
import { isLimiterEnabled, limiterSpec, maxDelayMs, reserve, validateLimiter } from './token-bucket';

const config = (overrides: Partial<RateLimiterConfig>): RateLimiterConfig => ({
  ...defaultRateLimiter(),
  ...overrides,
});

describe('maxDelayMs (SFTPGo getLimiter)', () => {
  it.each([
    [1, 1000, 500],
    [1, 1500, 750],
    [3, 2000, 500], // 1.5/s: Go truncates the rate to 1/s before halving the interval
    [10, 1000, 50],
    [1, 100, 50],
    [100, 1000, 5],
    [3, 1000, 166.666666],
    [1, 60_000, 10_000], // capped
  ])('average %d per %d ms -> %d ms', (average, period, expected) => {
    expect(maxDelayMs(average, period)).toBeCloseTo(expected, 6);
  });
});

describe('validateLimiter', () => {
  it('accepts the defaults with an average', () => {
    expect(() => validateLimiter(config({ average: 1 }), 0)).not.toThrow();
  });

  it.each<[Partial<RateLimiterConfig>, string]>([
    [{ burst: 0 }, 'common.rate_limiters[2].burst: invalid burst 0. It must be >= 1'],
    [{ period: 99 }, 'common.rate_limiters[2].period: invalid period 99. It must be >= 100'],
    [{ type: 3 }, 'common.rate_limiters[2].type: invalid type 3'],
    [{ entries_soft_limit: 0 }, 'common.rate_limiters[2].entries_soft_limit: invalid entries_soft_limit 0'],
    [
      { entries_soft_limit: 10, entries_hard_limit: 10 },
      'common.rate_limiters[2].entries_hard_limit: invalid entries_hard_limit 10 must be > 10',
    ],
    [{ protocols: ['HTTP', 'SMTP'] }, 'common.rate_limiters[2].protocols: invalid protocol "SMTP"'],
  ])('rejects %j', (overrides, message) => {
    expect(() => validateLimiter(config({ average: 1, ...overrides }), 2)).toThrow(message);
  });

  it('ignores the entry limits of a global limiter', () => {
    expect(() => validateLimiter(config({ average: 1, type: 1, entries_soft_limit: 0 }), 0)).not.toThrow();
  });

  it('treats no average or no protocol as disabled', () => {
    expect(isLimiterEnabled(config({ average: 0 }))).toBe(false);
    expect(isLimiterEnabled(config({ average: 1, protocols: [] }))).toBe(false);
    expect(isLimiterEnabled(config({ average: 1 }))).toBe(true);
  });
});

describe('limiterSpec', () => {
  it('scores only per-source refusals', () => {
    expect(
      limiterSpec(config({ average: 1, type: 1, generate_defender_events: true }), 0).generateDefenderEvents,
    ).toBe(false);
    expect(
      limiterSpec(config({ average: 1, type: 2, generate_defender_events: true }), 0).generateDefenderEvents,
    ).toBe(true);
  });

  it('names the bucket after its parameters', () => {
    expect(limiterSpec(config({ average: 5, period: 2000, burst: 3, type: 1 }), 4).id).toBe('4-1-5-2000-3');
  });
});

describe('reserve', () => {
  const oneASecond = limiterSpec(config({ average: 1, period: 1000, burst: 1 }), 0);

  it('starts full, then refuses a request that would wait longer than the max delay', () => {
    const first = reserve(undefined, oneASecond, 0);
    expect(first.waitMs).toBe(0);
    const second = reserve(first.next, oneASecond, 0);
    expect(second.waitMs).toBe(1000);
    // Refused: the token is given back (Go's Cancel), the state is unchanged.
    expect(second.next).toBe(first.next);
  });

  it('accepts a short wait and books the future token', () => {
    const first = reserve(undefined, oneASecond, 0);
    const waited = reserve(first.next, oneASecond, 600);
    expect(waited.waitMs).toBeCloseTo(400, 6);
    expect(waited.next?.tokens).toBeCloseTo(-0.4, 9);
    // The next one queues behind the booked token: 1400 ms away, refused.
    expect(reserve(waited.next, oneASecond, 600).waitMs).toBeCloseTo(1400, 3);
  });

  it('lets a burst through at once and refills at the rate, never beyond the burst', () => {
    const spec = limiterSpec(config({ average: 10, period: 1000, burst: 5 }), 0);
    let state = reserve(undefined, spec, 0).next;
    for (let i = 0; i < 4; i++) {
      const r = reserve(state, spec, 0);
      expect(r.waitMs).toBe(0);
      state = r.next;
    }
    expect(reserve(state, spec, 0).waitMs).toBeCloseTo(100, 6); // > 50 ms max delay: refused
    expect(reserve(state, spec, 60).waitMs).toBeCloseTo(40, 6); // accepted after a 40 ms sleep
    const later = reserve(state, spec, 3_600_000);
    expect(later.next?.tokens).toBe(4);
  });
});
