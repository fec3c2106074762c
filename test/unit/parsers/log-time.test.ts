import { describe, expect, it } from 'vitest';
import { parseLogTime } from '../../../src/parsers/log-time.js';

/** What parseLogTime must return: Date.parse, when the time is plausible. */
function reference(value: string): number | undefined {
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

describe('parseLogTime', () => {
  it('equals Date.parse in any order of times, also when one shares the last one\'s second', () => {
    const times = [
      '2026-11-21T16:50:06.517+00:00',
      '2026-11-21T16:50:06.518+00:00',
      '2026-11-21T16:50:06.999+02:00',
      '2026-11-21T16:50:06.001Z',
      '2026-11-21T16:50:06.002Z',
      '2026-11-21T16:50:06Z',
      '2026-11-21T16:50:06.5Z',
      '2026-11-21T16:50:06.5125Z',
      '2026-11-21T16:50:06.512-05:30',
      '2026-11-21T16:50:06.51x+00:00',
      '2026-11-21T16:50:07.000+00:00',
      '2026-11-21T16:50:06.517+0000',
      '2026-11-21T16:50:06.517',
      '2026-11-21T16:50:06.518',
      '2026-11-21',
      '2026-02-30T16:50:06.517+00:00',
    ];
    for (const first of times) {
      for (const second of times) {
        parseLogTime(first);
        expect(parseLogTime(second), `${second} after ${first}`).toBe(reference(second));
      }
    }
  });

  it('refuses what is not a plausible log time', () => {
    expect(parseLogTime('1970-01-01T00:00:00.000Z')).toBeUndefined();
    expect(parseLogTime('2999-01-01T00:00:00.000Z')).toBeUndefined();
    expect(parseLogTime('soon')).toBeUndefined();
    expect(parseLogTime(1795279830000)).toBeUndefined();
  });
});
