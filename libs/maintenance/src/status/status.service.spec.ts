import { defaultConfig, type SftpgoConfig } from '@app/config';
import type { DefenderService, RateLimiterService } from '@app/security';
import type { DataSource } from 'typeorm';
import { PING_TIMEOUT_MS, StatusService } from './status.service';

/** A StatusService whose database answers the ping with `query`. */
function serviceWith(query: () => Promise<unknown>, protocols: string[] = []) {
  const config = {
    ...defaultConfig(),
    data_provider: { ...defaultConfig().data_provider, driver: 'postgresql' },
  } as SftpgoConfig;
  const dataSource = { query } as unknown as DataSource;
  const defender = { isActive: false } as DefenderService;
  const limiters = {
    status: () => ({ is_active: protocols.length > 0, protocols }),
  } as unknown as RateLimiterService;
  return new StatusService(config, dataSource, defender, limiters);
}

describe('StatusService', () => {
  afterEach(() => jest.useRealTimers());

  it('reports the data provider active when the ping answers', async () => {
    const service = serviceWith(() => Promise.resolve([{ '?column?': 1 }]));
    expect(await service.dataProvider()).toEqual({ driver: 'postgresql', is_active: true, error: '' });
  });

  it("reports the ping's error when the database refuses it", async () => {
    const service = serviceWith(() => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')));
    expect(await service.dataProvider()).toEqual({
      driver: 'postgresql',
      is_active: false,
      error: 'connect ECONNREFUSED 127.0.0.1:5432',
    });
  });

  it('gives up on a ping that never answers', async () => {
    jest.useFakeTimers();
    const service = serviceWith(() => new Promise(() => undefined));
    const status = service.dataProvider();
    await jest.advanceTimersByTimeAsync(PING_TIMEOUT_MS);
    expect(await status).toEqual({
      driver: 'postgresql',
      is_active: false,
      error: `no answer within ${PING_TIMEOUT_MS} ms`,
    });
  });

  it("keeps SFTPGo's null for the protocols of inactive rate limiters", async () => {
    const ok = () => Promise.resolve([]);
    expect((await serviceWith(ok).status()).rate_limiters).toEqual({ is_active: false, protocols: null });
    expect((await serviceWith(ok, ['HTTP']).status()).rate_limiters).toEqual({
      is_active: true,
      protocols: ['HTTP'],
    });
  });
});
