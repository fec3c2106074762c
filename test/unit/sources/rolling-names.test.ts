import { describe, expect, it } from 'vitest';
import { compareEventFileAge, compareRollingLogAge, EVENT_NAMES, isRenameRotation, LOG_NAMES, nameParts, NewestDate, parseRollingLogName } from '../../../src/sources/rolling-names.js';

describe('parseRollingLogName', () => {
  it('reads the date of the live file without a profile', () => {
    expect(parseRollingLogName('openclaw-2026-11-21.log')).toEqual({ profile: '', date: '2026-11-21', rotation: 0 });
  });

  it('reads the profile, including one with dashes', () => {
    expect(parseRollingLogName('openclaw-work-2026-11-21.log')).toEqual({ profile: 'work', date: '2026-11-21', rotation: 0 });
    expect(parseRollingLogName('openclaw-my-bot-2026-11-21.log')).toEqual({ profile: 'my-bot', date: '2026-11-21', rotation: 0 });
  });

  it('reads the rotation number of `.N.log`, with and without a profile', () => {
    expect(parseRollingLogName('openclaw-2026-11-21.1.log')).toEqual({ profile: '', date: '2026-11-21', rotation: 1 });
    expect(parseRollingLogName('openclaw-2026-11-21.5.log')).toEqual({ profile: '', date: '2026-11-21', rotation: 5 });
    expect(parseRollingLogName('openclaw-work-2026-11-21.12.log')).toEqual({ profile: 'work', date: '2026-11-21', rotation: 12 });
  });

  it.each([
    'openclaw.log',
    'events-2026-11-21.jsonl',
    'openclaw-2026-11-21.jsonl',
    'openclaw-2026-11-21.log.gz',
    'openclaw-2026-11-21.1.log.gz',
    'openclaw-2026-11-21.log.tmp',
    'openclaw-2026-1-21.log',
    'xopenclaw-2026-11-21.log',
    'openclaw-2026-11-21.x.log',
    'openclaw-2026-11-21..log',
    'gateway-2026-11-21.log',
    '',
  ])('does not take %j for a rolling log', (name) => {
    expect(parseRollingLogName(name)).toBeUndefined();
  });
});

describe('compareRollingLogAge', () => {
  it('orders by date, then `.5.log` before `.1.log` before the live file', () => {
    const names = [
      'openclaw-2026-11-22.log',
      'openclaw-2026-11-21.log',
      'openclaw-2026-11-21.1.log',
      'openclaw-2026-11-22.1.log',
      'openclaw-2026-11-21.5.log',
      'openclaw-2026-11-20.2.log',
      'openclaw-2026-11-21.3.log',
    ];
    expect([...names].sort(compareRollingLogAge)).toEqual([
      'openclaw-2026-11-20.2.log',
      'openclaw-2026-11-21.5.log',
      'openclaw-2026-11-21.3.log',
      'openclaw-2026-11-21.1.log',
      'openclaw-2026-11-21.log',
      'openclaw-2026-11-22.1.log',
      'openclaw-2026-11-22.log',
    ]);
  });

  it('compares rotation numbers as numbers, not text (`.10.log` is older than `.2.log`)', () => {
    expect(compareRollingLogAge('openclaw-2026-11-21.10.log', 'openclaw-2026-11-21.2.log')).toBeLessThan(0);
    expect(compareRollingLogAge('openclaw-2026-11-21.2.log', 'openclaw-2026-11-21.10.log')).toBeGreaterThan(0);
  });

  it('lets the date win over the rotation number and the profile', () => {
    expect(compareRollingLogAge('openclaw-2026-11-21.log', 'openclaw-2026-11-22.5.log')).toBeLessThan(0);
    expect(compareRollingLogAge('openclaw-zeta-2026-11-20.log', 'openclaw-alpha-2026-11-21.log')).toBeLessThan(0);
  });

  it('breaks ties by profile and calls the same name equal', () => {
    expect(compareRollingLogAge('openclaw-a-2026-11-21.log', 'openclaw-b-2026-11-21.log')).toBeLessThan(0);
    expect(compareRollingLogAge('openclaw-b-2026-11-21.log', 'openclaw-a-2026-11-21.log')).toBeGreaterThan(0);
    expect(compareRollingLogAge('openclaw-2026-11-21.1.log', 'openclaw-2026-11-21.1.log')).toBe(0);
  });

  it('falls back to plain name order when a name is not a rolling log', () => {
    expect(compareRollingLogAge('a.log', 'b.log')).toBe(-1);
    expect(compareRollingLogAge('b.log', 'a.log')).toBe(1);
    expect(compareRollingLogAge('a.log', 'a.log')).toBe(0);
    expect(compareRollingLogAge('openclaw-2026-11-21.log', 'openclaw.log')).toBe(-1);
  });
});

describe('the events plugin’s file names', () => {
  it('recognises events-YYYY-MM-DD[.N].jsonl only, and not the file log', () => {
    expect(['events-2026-11-21.jsonl', 'events-2026-11-21.1.jsonl', 'events-2026-11-21.12.jsonl'].every(EVENT_NAMES.matches)).toBe(true);
    expect(['events-2026-11-21.log', 'openclaw-2026-11-21.log', 'events-2026-11-21.jsonl.gz', 'xevents-2026-11-21.jsonl'].some(EVENT_NAMES.matches)).toBe(false);
    expect(LOG_NAMES.matches('events-2026-11-21.jsonl')).toBe(false);
  });

  it('orders oldest first: by date, then the highest archive number, the live file last', () => {
    const names = ['events-2026-11-22.jsonl', 'events-2026-11-21.jsonl', 'events-2026-11-21.1.jsonl', 'events-2026-11-21.3.jsonl', 'events-2026-11-22.1.jsonl'];
    expect([...names].sort(compareEventFileAge)).toEqual([
      'events-2026-11-21.3.jsonl',
      'events-2026-11-21.1.jsonl',
      'events-2026-11-21.jsonl',
      'events-2026-11-22.1.jsonl',
      'events-2026-11-22.jsonl',
    ]);
  });
});

describe('rotation names', () => {
  it('reads the date and rotation of the file log and of the event files', () => {
    expect(nameParts('openclaw-2026-11-21.log')).toEqual({ date: '2026-11-21', rotation: 0 });
    expect(nameParts('openclaw-work-2026-11-21.3.log')).toEqual({ date: '2026-11-21', rotation: 3 });
    expect(nameParts('events-2026-11-21.1.jsonl')).toEqual({ date: '2026-11-21', rotation: 1 });
    expect(nameParts('gateway.log')).toEqual({ date: undefined, rotation: 0 });
  });

  it('counts the live file becoming .1 as the rotation, not the shifts of older ones', () => {
    expect(isRenameRotation('openclaw-2026-11-21.log', 'openclaw-2026-11-21.1.log')).toBe(true);
    expect(isRenameRotation('openclaw-2026-11-21.1.log', 'openclaw-2026-11-21.2.log')).toBe(false);
    expect(isRenameRotation('events-2026-11-21.jsonl', 'events-2026-11-21.1.jsonl')).toBe(true);
    expect(isRenameRotation('openclaw-2026-11-21.log', 'openclaw-2026-11-21.log')).toBe(false);
  });

  it('sees a later date appear once, not what is there at the first scan', () => {
    const newest = new NewestDate();
    expect(newest.observe(['openclaw-2026-11-20.log', 'openclaw-2026-11-21.log'])).toBeUndefined();
    expect(newest.observe(['openclaw-2026-11-21.log', 'openclaw-2026-11-21.1.log'])).toBeUndefined();
    expect(newest.observe(['openclaw-2026-11-21.log', 'openclaw-2026-11-22.log'])).toBe('openclaw-2026-11-22.log');
    expect(newest.observe(['openclaw-2026-11-22.log', 'openclaw-2026-11-19.log'])).toBeUndefined();
  });
});
