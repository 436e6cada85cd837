import { hostId, toDefenderEntry, toDefenderHost } from './defender.mapper';

describe('defender mapper', () => {
  it('uses the hex of the IP text as id', () => {
    expect(hostId('127.0.0.1')).toBe('3132372e302e302e31');
  });

  it('renders list entries as SFTPGo (score or ban_time, seconds)', () => {
    expect(toDefenderEntry({ ip: '10.0.0.1', score: 3, banUntil: 0 })).toEqual({
      id: hostId('10.0.0.1'),
      ip: '10.0.0.1',
      score: 3,
    });
    expect(toDefenderEntry({ ip: '::1', score: 0, banUntil: Date.UTC(2026, 0, 2, 3, 4, 5, 678) })).toEqual({
      id: '3a3a31',
      ip: '::1',
      ban_time: '2026-01-02T03:04:05Z',
    });
  });

  it('renders a single host as Go marshals the struct value', () => {
    expect(toDefenderHost({ ip: '10.0.0.1', score: 3, banUntil: 0 })).toEqual({
      ip: '10.0.0.1',
      score: 3,
      ban_time: '0001-01-01T00:00:00Z',
    });
    expect(
      toDefenderHost({ ip: '10.0.0.1', score: 0, banUntil: Date.UTC(2026, 0, 2, 3, 4, 5, 670) }),
    ).toEqual({
      ip: '10.0.0.1',
      ban_time: '2026-01-02T03:04:05.67Z',
    });
    expect(
      toDefenderHost({ ip: '10.0.0.1', score: 0, banUntil: Date.UTC(2026, 0, 2, 3, 4, 5) }).ban_time,
    ).toBe('2026-01-02T03:04:05Z');
  });
});
