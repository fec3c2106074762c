import { describe, expect, it } from 'vitest';
import { compareEventFileAge, defaultEventsDir, EVENT_NAMES, LOG_NAMES } from '../../../src/sources/event-file-names.js';

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

  it('finds the default directory in OpenClaw’s state dir', () => {
    expect(defaultEventsDir({ OPENCLAW_STATE_DIR: '/srv/oc' }, '/home/u').dir).toBe('/srv/oc/logs/diagnostics');
    expect(defaultEventsDir({ OPENCLAW_PROFILE: 'work' }, '/home/u').dir).toBe('/home/u/.openclaw-work/logs/diagnostics');
    expect(defaultEventsDir({}, '/home/u').dir).toBe('/home/u/.openclaw/logs/diagnostics');
  });
});
