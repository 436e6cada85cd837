import { AuthFailures } from '@app/common';
import { type DefenderConfig, defaultConfig, type SftpgoConfig } from '@app/config';
import type { DataSource } from 'typeorm';
import { IpListMatcher, IpListMode, IpListType } from '../security.types';
import { DefenderService, ipFromHostId } from './defender.service';
import { DefenderClock } from './defender.types';

class FakeClock extends DefenderClock {
  t = 1_800_000_000_000;
  override now(): number {
    return this.t;
  }
}

class FakeLists extends IpListMatcher {
  readonly modes = new Map<string, IpListMode>();
  modeFor(type: IpListType, ip: string): IpListMode | undefined {
    return type === IpListType.Defender ? this.modes.get(ip) : undefined;
  }
}

async function makeService(overrides: Partial<DefenderConfig> = {}) {
  const defender = {
    ...defaultConfig().common.defender,
    enabled: true,
    score_valid: 1,
    score_invalid: 1,
    score_limit_exceeded: 1,
    login_delay: { success: 0, password_failed: 0 },
    ...overrides,
  };
  const config = { common: { ...defaultConfig().common, defender } } as unknown as SftpgoConfig;
  const clock = new FakeClock();
  const lists = new FakeLists();
  const failures = new AuthFailures();
  const service = new DefenderService(config, lists, failures, {} as DataSource, clock);
  await service.onModuleInit();
  return { service, clock, lists, failures };
}

describe('DefenderService', () => {
  it('bans after threshold failures reported through AuthFailures, by kind', async () => {
    const { service, failures } = await makeService({ threshold: 5, score_valid: 1, score_invalid: 2 });
    await failures.report({ ip: '10.0.0.1', credential: 'basic', reason: 'x', kind: 'UserNotFound' });
    await failures.report({ ip: '10.0.0.1', credential: 'basic', reason: 'x', kind: 'UserNotFound' });
    await failures.report({ ip: '10.0.0.1', credential: 'basic', reason: 'x' });
    expect(await service.host(Buffer.from('10.0.0.1').toString('hex'))).toEqual({
      ip: '10.0.0.1',
      score: 4,
      banUntil: 0,
    });
    expect(service.isBanned('10.0.0.1')).toBe(false);
    await failures.report({ ip: '10.0.0.1', credential: 'api_key', reason: 'x', kind: 'LoginFailed' });
    expect(service.isBanned('10.0.0.1')).toBe(true);
    expect(service.isBanned('10.0.0.2')).toBe(false);
  });

  it('tells its ban observers of each ban, once (events of a banned host ban nothing)', async () => {
    const { service } = await makeService({ threshold: 2 });
    const banned: string[] = [];
    service.onBan((ip) => banned.push(ip));
    await service.addEvent('10.0.0.1', 'LoginFailed');
    expect(banned).toEqual([]);
    await service.addEvent('10.0.0.1', 'LoginFailed');
    await service.addEvent('10.0.0.1', 'LoginFailed');
    await service.addEvent('10.0.0.2', 'LoginFailed');
    expect(banned).toEqual(['10.0.0.1']);
  });

  it('lets a ban expire with the clock', async () => {
    const { service, clock } = await makeService({ threshold: 2, ban_time: 1, ban_time_increment: 1 });
    await service.addEvent('10.0.0.1', 'LoginFailed');
    await service.addEvent('10.0.0.1', 'LoginFailed');
    expect(service.isBanned('10.0.0.1')).toBe(true);
    clock.t += 2 * 60_000 - 1;
    expect(service.isBanned('10.0.0.1')).toBe(true);
    clock.t += 60_001;
    expect(service.isBanned('10.0.0.1')).toBe(false);
  });

  it('never bans a safe-listed host and always bans a denied one', async () => {
    const { service, lists } = await makeService({ threshold: 2 });
    lists.modes.set('10.0.0.1', IpListMode.Allow);
    lists.modes.set('10.0.0.2', IpListMode.Deny);
    for (let i = 0; i < 5; i++) await service.addEvent('10.0.0.1', 'UserNotFound');
    expect(service.isBanned('10.0.0.1')).toBe(false);
    expect(await service.hosts()).toEqual([]);
    expect(service.isBanned('10.0.0.2')).toBe(true);
  });

  it('does nothing when disabled', async () => {
    const { service, lists } = await makeService({ enabled: false, threshold: 0 });
    lists.modes.set('10.0.0.2', IpListMode.Deny);
    await service.addEvent('10.0.0.1', 'UserNotFound');
    expect(service.isBanned('10.0.0.2')).toBe(false);
    expect(await service.hosts()).toEqual([]);
    await expect(service.host('3132372e302e302e31')).rejects.toMatchObject({
      status: 500,
      error: 'defender is disabled',
    });
    await expect(service.deleteHost('3132372e302e302e31')).rejects.toMatchObject({
      status: 404,
      publicMessage: 'Not found',
    });
  });

  it('refuses an invalid configuration at init with the key in the message', async () => {
    await expect(makeService({ score_valid: 20 })).rejects.toThrow('common.defender.score_valid');
  });

  it('waits login_delay.password_failed after a scored failure only', async () => {
    const { failures } = await makeService({ login_delay: { success: 0, password_failed: 60 } });
    let start = Date.now();
    await failures.report({ ip: '10.0.0.1', credential: 'basic', reason: 'x', kind: 'LoginFailed' });
    expect(Date.now() - start).toBeGreaterThanOrEqual(55);
    start = Date.now();
    await failures.report({ ip: '10.0.0.1', credential: 'api_key', reason: 'malformed' });
    expect(Date.now() - start).toBeLessThan(50);
  });

  it('unbans through deleteHost and answers 404 for unknown hosts', async () => {
    const { service } = await makeService({ threshold: 2 });
    await service.addEvent('10.0.0.1', 'UserNotFound');
    await service.addEvent('10.0.0.1', 'UserNotFound');
    const id = Buffer.from('10.0.0.1').toString('hex');
    expect((await service.hosts()).map((host) => host.ip)).toEqual(['10.0.0.1']);
    expect(await service.deleteHost(id)).toEqual({ message: 'OK' });
    expect(service.isBanned('10.0.0.1')).toBe(false);
    await expect(service.host(id)).rejects.toMatchObject({ status: 404, error: 'Not Found' });
    await expect(service.deleteHost(id)).rejects.toMatchObject({ status: 404 });
  });
});

describe('ipFromHostId', () => {
  it('decodes the hex of the IP text', () => {
    expect(ipFromHostId('3132372e302e302e31')).toBe('127.0.0.1');
    expect(ipFromHostId(Buffer.from('::1').toString('hex'))).toBe('::1');
  });

  it('refuses non-hex ids and non-IPs with SFTPGo messages', () => {
    expect(() => ipFromHostId('zz')).toThrow('invalid host id');
    expect(() => ipFromHostId('123')).toThrow('invalid host id');
    expect(() => ipFromHostId(Buffer.from('nope').toString('hex'))).toThrow('ip address "nope" is not valid');
  });
});
