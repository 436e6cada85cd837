import { ActiveScans } from './active-scans';

describe('ActiveScans', () => {
  it('holds one entry per key until it is removed', () => {
    const scans = new ActiveScans<{ name: string; startTime: number }>();
    expect(scans.tryAdd('a', { name: 'a', startTime: 2 })).toBe(true);
    expect(scans.tryAdd('a', { name: 'a', startTime: 3 })).toBe(false);
    expect(scans.tryAdd('b', { name: 'b', startTime: 1 })).toBe(true);
    expect(scans.list()).toEqual([
      { name: 'b', startTime: 1 },
      { name: 'a', startTime: 2 },
    ]);
    scans.remove('a');
    scans.remove('missing');
    expect(scans.tryAdd('a', { name: 'a', startTime: 4 })).toBe(true);
    expect(scans.list().map((s) => s.name)).toEqual(['b', 'a']);
  });
});
