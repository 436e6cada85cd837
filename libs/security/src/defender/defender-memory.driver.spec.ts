import { type DefenderConfig, defaultConfig } from '@app/config';
import { MemoryDefenderDriver } from './defender-memory.driver';

const MIN = 60_000;
const T0 = 1_800_000_000_000;

function config(overrides: Partial<DefenderConfig> = {}): DefenderConfig {
  return { ...defaultConfig().common.defender, enabled: true, ...overrides };
}

describe('MemoryDefenderDriver', () => {
  it('bans when the score reaches the threshold (>=) and drops the host events', async () => {
    const driver = new MemoryDefenderDriver(config({ threshold: 5 }));
    for (let i = 0; i < 4; i++) await driver.addEvent('10.0.0.1', 1, T0 + i);
    expect(driver.isBanned('10.0.0.1', T0 + 10)).toBe(false);
    expect(await driver.host('10.0.0.1', T0 + 10)).toEqual({ ip: '10.0.0.1', score: 4, banUntil: 0 });
    await driver.addEvent('10.0.0.1', 1, T0 + 20);
    expect(await driver.host('10.0.0.1', T0 + 21)).toEqual({
      ip: '10.0.0.1',
      score: 0,
      banUntil: T0 + 20 + 30 * MIN,
    });
    expect(driver.size).toEqual({ hosts: 0, banned: 1 });
  });

  it('only counts events within the observation time', async () => {
    const driver = new MemoryDefenderDriver(config({ threshold: 3, observation_time: 10 }));
    await driver.addEvent('10.0.0.1', 2, T0);
    await driver.addEvent('10.0.0.1', 2, T0 + 10 * MIN);
    expect(driver.isBanned('10.0.0.1', T0 + 10 * MIN)).toBe(false);
    expect((await driver.host('10.0.0.1', T0 + 10 * MIN))?.score).toBe(2);
    await driver.addEvent('10.0.0.1', 1, T0 + 11 * MIN);
    expect(driver.isBanned('10.0.0.1', T0 + 11 * MIN)).toBe(true);
  });

  it('extends a ban by ban_time * ban_time_increment / 100 minutes on each hit, at least one minute', async () => {
    const driver = new MemoryDefenderDriver(config({ threshold: 2, ban_time: 10, ban_time_increment: 50 }));
    await driver.addEvent('10.0.0.1', 1, T0);
    await driver.addEvent('10.0.0.1', 1, T0);
    expect(driver.isBanned('10.0.0.1', T0 + 1)).toBe(true);
    expect(driver.isBanned('10.0.0.1', T0 + 2)).toBe(true);
    expect((await driver.host('10.0.0.1', T0 + 3))?.banUntil).toBe(T0 + 10 * MIN + 2 * 5 * MIN);

    const small = new MemoryDefenderDriver(config({ threshold: 2, ban_time: 1, ban_time_increment: 10 }));
    await small.addEvent('10.0.0.2', 1, T0);
    await small.addEvent('10.0.0.2', 1, T0);
    expect(small.isBanned('10.0.0.2', T0 + 1)).toBe(true);
    expect((await small.host('10.0.0.2', T0 + 2))?.banUntil).toBe(T0 + 2 * MIN);
  });

  it('ignores events of a banned host; an expired ban is forgotten at the next event', async () => {
    const driver = new MemoryDefenderDriver(config({ threshold: 2, ban_time: 1 }));
    await driver.addEvent('10.0.0.1', 2, T0);
    await driver.addEvent('10.0.0.1', 1, T0 + 1);
    await driver.addEvent('10.0.0.1', 1, T0 + 2);
    expect(await driver.hosts(T0 + 3)).toEqual([{ ip: '10.0.0.1', score: 0, banUntil: T0 + 1 + MIN }]);
    expect(driver.isBanned('10.0.0.1', T0 + 1 + MIN)).toBe(false);
    await driver.addEvent('10.0.0.1', 1, T0 + 1 + MIN);
    expect(await driver.hosts(T0 + 1 + MIN)).toEqual([{ ip: '10.0.0.1', score: 1, banUntil: 0 }]);
  });

  it('lists banned and scored hosts and deletes them', async () => {
    const driver = new MemoryDefenderDriver(config({ threshold: 2 }));
    await driver.addEvent('10.0.0.1', 2, T0);
    await driver.addEvent('10.0.0.2', 1, T0);
    await driver.addEvent('10.0.0.3', 0, T0);
    // The first event of a host never bans it (scores are below the threshold; SFTPGo).
    expect(await driver.hosts(T0)).toEqual([
      { ip: '10.0.0.1', score: 2, banUntil: 0 },
      { ip: '10.0.0.2', score: 1, banUntil: 0 },
    ]);
    expect(await driver.host('10.0.0.3', T0)).toBeUndefined();
    await driver.addEvent('10.0.0.1', 1, T0);
    expect(await driver.deleteHost('10.0.0.1')).toBe(true);
    expect(driver.isBanned('10.0.0.1', T0)).toBe(false);
    expect(await driver.deleteHost('10.0.0.1')).toBe(false);
    expect(await driver.deleteHost('10.0.0.9')).toBe(false);
  });

  it('trims hosts and bans back to the soft limit, oldest first, past the hard limit', async () => {
    const driver = new MemoryDefenderDriver(
      config({ threshold: 2, entries_soft_limit: 2, entries_hard_limit: 3 }),
    );
    for (let i = 1; i <= 4; i++) await driver.addEvent(`10.0.0.${i}`, 1, T0 + i);
    expect(driver.size.hosts).toBe(2);
    expect((await driver.hosts(T0 + 5)).map((host) => host.ip)).toEqual(['10.0.0.3', '10.0.0.4']);
    for (let i = 1; i <= 4; i++) {
      await driver.addEvent(`10.1.0.${i}`, 1, T0 + 10 + i);
      await driver.addEvent(`10.1.0.${i}`, 1, T0 + 10 + i);
    }
    expect(driver.size.banned).toBe(2);
    expect(driver.isBanned('10.1.0.1', T0 + 20)).toBe(false);
    expect(driver.isBanned('10.1.0.4', T0 + 20)).toBe(true);
  });
});
