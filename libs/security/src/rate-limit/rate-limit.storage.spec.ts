import { defaultRateLimiter } from '@app/config';
import { MemoryRateLimitStorage, type RateLimitClock } from './rate-limit.storage';
import { RedisRateLimitStorage } from './redis-rate-limit.storage';
import { limiterSpec } from './token-bucket';

function fakeClock(): RateLimitClock & { advance(ms: number): void } {
  let now = 1000;
  return {
    now: () => now,
    sleep: (ms) => {
      now += ms;
      return Promise.resolve();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

describe('MemoryRateLimitStorage', () => {
  const perSource = limiterSpec(
    {
      ...defaultRateLimiter(),
      average: 1,
      period: 1000,
      burst: 1,
      entries_soft_limit: 2,
      entries_hard_limit: 3,
    },
    0,
  );
  const global = limiterSpec({ ...defaultRateLimiter(), average: 1, period: 1000, burst: 1, type: 1 }, 1);

  it('keeps one bucket per source for a per-source limiter', () => {
    const storage = new MemoryRateLimitStorage(fakeClock());
    expect(storage.takeNow(perSource, '10.0.0.1')).toBe(0);
    expect(storage.takeNow(perSource, '10.0.0.1')).toBe(1000);
    expect(storage.takeNow(perSource, '10.0.0.2')).toBe(0);
  });

  it('keeps one bucket for every source for a global limiter', () => {
    const storage = new MemoryRateLimitStorage(fakeClock());
    expect(storage.takeNow(global, '10.0.0.1')).toBe(0);
    expect(storage.takeNow(global, '10.0.0.2')).toBe(1000);
    expect(storage.sourceCount(1)).toBe(0);
  });

  it('refills with time', () => {
    const clock = fakeClock();
    const storage = new MemoryRateLimitStorage(clock);
    storage.takeNow(perSource, 'a');
    clock.advance(1000);
    expect(storage.takeNow(perSource, 'a')).toBe(0);
  });

  it('trims the least recently used sources to the soft limit when the hard limit is reached', () => {
    const storage = new MemoryRateLimitStorage(fakeClock());
    for (const source of ['a', 'b', 'c']) storage.takeNow(perSource, source);
    expect(storage.sourceCount(0)).toBe(3);
    storage.takeNow(perSource, 'a'); // a is now the most recent: b is the oldest
    storage.takeNow(perSource, 'd');
    expect(storage.sourceCount(0)).toBe(3);
    expect(storage.hasSource(0, 'b')).toBe(false);
    expect(['a', 'c', 'd'].every((source) => storage.hasSource(0, source))).toBe(true);
    // A trimmed source starts again with a full bucket.
    expect(storage.takeNow(perSource, 'b')).toBe(0);
    expect(storage.hasSource(0, 'c')).toBe(false);
  });

  it('counts a refused request as activity (SFTPGo updates last activity on every reserve)', () => {
    const storage = new MemoryRateLimitStorage(fakeClock());
    for (const source of ['a', 'b', 'c']) storage.takeNow(perSource, source);
    expect(storage.takeNow(perSource, 'a')).toBe(1000);
    storage.takeNow(perSource, 'd');
    expect(storage.hasSource(0, 'a')).toBe(true);
    expect(storage.hasSource(0, 'b')).toBe(false);
  });
});

describe('RedisRateLimitStorage', () => {
  it('refuses a URL that is not a Redis one, naming the key', () => {
    expect(() => new RedisRateLimitStorage('http://127.0.0.1:6379')).toThrow(
      'common.rate_limiters_redis_url: not a redis:// or rediss:// URL',
    );
    expect(() => new RedisRateLimitStorage('not a url')).toThrow('common.rate_limiters_redis_url');
  });
});
