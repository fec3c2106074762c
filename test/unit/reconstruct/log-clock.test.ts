import { describe, expect, it } from 'vitest';
import { LogClock } from '../../../src/reconstruct/log-clock.js';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const DAY = 86_400_000;

describe('LogClock', () => {
  it('holds a line far ahead of its clock, and counts it as an outlier when the next line comes back', () => {
    const clock = new LogClock({ outlierMs: 120_000 });
    expect(clock.observe('a', T0)).toBe('moved');
    expect(clock.observe('a', T0 + 2 * DAY)).toBe('pending');
    expect(clock.mark('a')).toBe(T0);
    expect(clock.observe('a', T0 + 1_000)).toBe('moved');
    expect(clock.outliers).toBe(1);
    expect(clock.mark('a')).toBe(T0 + 1_000);
    expect(clock.latest).toBe(T0 + 1_000);
  });

  it('follows a jump that the lines after it confirm (a quiet gateway, the next day)', () => {
    const clock = new LogClock({ outlierMs: 120_000 });
    clock.observe('a', T0);
    const readings = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => clock.observe('a', T0 + DAY + i));
    expect(readings).toEqual(['pending', 'pending', 'pending', 'pending', 'pending', 'pending', 'pending', 'moved']);
    expect(clock.mark('a')).toBe(T0 + DAY + 7);
    expect(clock.outliers).toBe(0);
  });

  it('when quiet (following, every source caught up), log time is the latest line read, a jump not confirmed yet included; the watermark stays', () => {
    const clock = new LogClock({ outlierMs: 5_000 });
    clock.observe('a', T0);
    expect(clock.observe('a', T0 + 30_000)).toBe('pending');
    expect(clock.now('a')).toBe(T0);
    expect(clock.now('a', true)).toBe(T0 + 30_000);
    expect(clock.mark('a')).toBe(T0);
    // The next line comes back: the jump was an outlier, and quiet time no longer counts from it.
    clock.observe('a', T0 + 10);
    expect(clock.now('a', true)).toBe(T0 + 10);
  });

  it('counts a burst of lines with another clock (a CLI process) as outliers when the log comes back', () => {
    const clock = new LogClock({ outlierMs: 120_000 });
    clock.observe('a', T0);
    for (let i = 0; i < 5; i++) clock.observe('a', T0 + DAY + i);
    clock.observe('a', T0 + 10);
    expect(clock.outliers).toBe(5);
    expect(clock.mark('a')).toBe(T0 + 10);
  });

  it('keeps one watermark per clock: a source 3 minutes behind is not hurried by another', () => {
    const clock = new LogClock({ outlierMs: 120_000 });
    clock.observe('a', T0 + 180_000);
    clock.observe('b', T0);
    expect(clock.now('a')).toBe(T0 + 180_000);
    expect(clock.now('b')).toBe(T0);
    expect(clock.latest).toBe(T0 + 180_000);
  });

  it('when following, a line ahead of the wall clock by more than the skew allowed is an outlier at once', () => {
    const clock = new LogClock({ outlierMs: 120_000, maxWallSkewMs: 300_000, wallNow: () => T0 });
    clock.observe('a', T0 - 1_000);
    expect(clock.observe('a', T0 + 301_000)).toBe('outlier');
    expect(clock.outliers).toBe(1);
    expect(clock.observe('a', T0 + 200_000)).toBe('pending');
  });
});
