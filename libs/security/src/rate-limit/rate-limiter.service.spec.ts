import { defaultConfig, type RateLimiterConfig, type SftpgoConfig } from '@app/config';
import { Defender, IpListMatcher, IpListMode, IpListType } from '../security.types';
import { MemoryRateLimitStorage, type RateLimitClock } from './rate-limit.storage';
import { RateLimiterService } from './rate-limiter.service';

function fakeClock(): RateLimitClock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: (ms) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

async function setup(limiters: Partial<RateLimiterConfig>[], safe: string[] = []) {
  const base = defaultConfig();
  const config = {
    ...base,
    common: {
      ...base.common,
      rate_limiters: limiters.map((limiter) => ({ ...base.common.rate_limiters[0], ...limiter })),
    },
  } as SftpgoConfig;
  const lists: IpListMatcher = {
    modeFor: (type: IpListType, ip: string) =>
      type === IpListType.RateLimiterSafeList && safe.includes(ip) ? IpListMode.Allow : undefined,
  };
  const events: [string, string][] = [];
  const defender: Defender = {
    isBanned: () => false,
    addEvent: (ip, kind) => {
      events.push([ip, kind]);
    },
  };
  const clock = fakeClock();
  const service = new RateLimiterService(config, lists, defender, clock, new MemoryRateLimitStorage(clock));
  await service.onModuleInit();
  return { service, clock, events };
}

describe('RateLimiterService', () => {
  it('allows everything when no limiter is enabled', async () => {
    const { service } = await setup([{ average: 0 }]);
    for (let i = 0; i < 10; i++) expect(await service.limit('10.0.0.1')).toEqual({ allowed: true });
    expect(service.status()).toEqual({ is_active: false, protocols: [] });
  });

  it('refuses with SFTPGo error text and the wait', async () => {
    const { service } = await setup([{ average: 1, period: 1000, burst: 1, type: 1 }]);
    expect(await service.limit('10.0.0.1')).toEqual({ allowed: true });
    expect(await service.limit('10.0.0.2')).toEqual({
      allowed: false,
      retryAfterMs: 1000,
      error: 'rate limit exceed, wait time to respect rate 1s, max wait time allowed 500ms',
    });
  });

  it('sleeps through a wait up to the max delay, then allows', async () => {
    const { service, clock } = await setup([{ average: 10, period: 1000, burst: 1, type: 2 }]);
    expect(await service.limit('10.0.0.1')).toEqual({ allowed: true });
    clock.sleep(60);
    clock.slept.length = 0;
    expect(await service.limit('10.0.0.1')).toEqual({ allowed: true });
    expect(clock.slept).toHaveLength(1);
    expect(clock.slept[0]).toBeCloseTo(40, 6);
  });

  it('applies every HTTP limiter and ignores those of other protocols', async () => {
    const { service } = await setup([
      { average: 100, period: 1000, burst: 100, type: 1 },
      { average: 1, period: 1000, burst: 2, type: 2 },
      { average: 1, period: 1000, burst: 1, type: 1, protocols: ['SSH', 'FTP'] },
    ]);
    expect(service.status()).toEqual({ is_active: true, protocols: ['SSH', 'FTP', 'DAV', 'HTTP'] });
    expect((await service.limit('10.0.0.1')).allowed).toBe(true);
    expect((await service.limit('10.0.0.1')).allowed).toBe(true);
    expect((await service.limit('10.0.0.1')).allowed).toBe(false);
    expect((await service.limit('10.0.0.2')).allowed).toBe(true);
  });

  it('skips every limiter for an address on the rate limiter safe list', async () => {
    const { service } = await setup([{ average: 1, period: 1000, burst: 1, type: 1 }], ['10.0.0.9']);
    for (let i = 0; i < 5; i++) expect((await service.limit('10.0.0.9')).allowed).toBe(true);
    expect((await service.limit('10.0.0.1')).allowed).toBe(true);
    expect((await service.limit('10.0.0.1')).allowed).toBe(false);
  });

  it('reports per-source refusals to the defender when asked, never global ones', async () => {
    const perSource = await setup([
      { average: 1, period: 1000, burst: 1, type: 2, generate_defender_events: true },
    ]);
    await perSource.service.limit('10.0.0.1');
    await perSource.service.limit('10.0.0.1');
    expect(perSource.events).toEqual([['10.0.0.1', 'LimitExceeded']]);

    const global = await setup([
      { average: 1, period: 1000, burst: 1, type: 1, generate_defender_events: true },
    ]);
    await global.service.limit('10.0.0.1');
    await global.service.limit('10.0.0.1');
    expect(global.events).toEqual([]);

    const quiet = await setup([{ average: 1, period: 1000, burst: 1, type: 2 }]);
    await quiet.service.limit('10.0.0.1');
    await quiet.service.limit('10.0.0.1');
    expect(quiet.events).toEqual([]);
  });

  it('validates enabled limiters at start, naming the key, and leaves disabled ones alone', async () => {
    await expect(
      setup([
        { average: 0, period: 10 },
        { average: 1, period: 50 },
      ]),
    ).rejects.toThrow('common.rate_limiters[1].period: invalid period 50. It must be >= 100');
    await expect(setup([{ average: 1, protocols: ['HTTP', 'HTTPS'] }])).rejects.toThrow(
      'common.rate_limiters[0].protocols: invalid protocol "HTTPS"',
    );
  });
});
