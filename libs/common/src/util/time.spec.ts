import { nowMs, toRfc3339Seconds } from './time';

describe('toRfc3339Seconds', () => {
  it('formats UTC with seconds precision and a Z suffix', () => {
    expect(toRfc3339Seconds(Date.UTC(2026, 6, 21, 18, 6, 26))).toBe('2026-07-21T18:06:26Z');
  });

  it('truncates milliseconds instead of rounding', () => {
    expect(toRfc3339Seconds(Date.UTC(2026, 6, 21, 18, 6, 26, 999))).toBe('2026-07-21T18:06:26Z');
    expect(toRfc3339Seconds(Date.UTC(2026, 6, 21, 18, 6, 26, 1))).toBe('2026-07-21T18:06:26Z');
  });

  it('formats the epoch', () => {
    expect(toRfc3339Seconds(0)).toBe('1970-01-01T00:00:00Z');
  });

  it('matches the RFC 3339 seconds shape', () => {
    expect(toRfc3339Seconds(1_767_225_599_123)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});

describe('nowMs', () => {
  it('is the current time in epoch milliseconds', () => {
    const before = Date.now();
    const now = nowMs();
    expect(Number.isInteger(now)).toBe(true);
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
