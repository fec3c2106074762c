import { describe, expect, it } from 'vitest';
import { isRenameRotation, nameParts, NewestDate } from '../../../src/sources/rotation-names.js';

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
