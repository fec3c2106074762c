import { describe, expect, it } from 'vitest';
import { backendAgeRefusal, backendAgeSkipped, backendAgeWarning } from '../../../src/cli/backend-age.js';
import { DYNATRACE_AGE_LIMIT } from '../../../src/export/age-limit.js';

const NOW = Date.parse('2026-11-21T20:00:00Z');
const MIN = 60_000;
const DT = 'https://abc12345.live.dynatrace.com/api/v2/otlp/v1/traces';

describe('backendAgeRefusal', () => {
  it('refuses when the --until window ended before the limit, saying why and how to go on', () => {
    const message = backendAgeRefusal(DYNATRACE_AGE_LIMIT, NOW, { untilMs: NOW - 90 * MIN }) ?? '';
    expect(message).toContain('nothing to send');
    expect(message).toContain('--until 2026-11-21T18:30:00.000Z is 90 minutes ago');
    expect(message).toContain('Dynatrace rejects spans that ended more than 60 minutes ago');
    expect(message).toContain('--since 55m');
    expect(message).toContain('--preset otlp');
  });

  it('refuses when every input file was last written before the limit, naming the newest', () => {
    const message = backendAgeRefusal(DYNATRACE_AGE_LIMIT, NOW, { newestFile: { path: '/logs/openclaw-2026-11-20.log', mtimeMs: NOW - 26 * 60 * MIN } }) ?? '';
    expect(message).toContain('every input was last written more than 59 minutes ago');
    expect(message).toContain('/logs/openclaw-2026-11-20.log');
  });

  it('lets a run start when part of it may be recent', () => {
    expect(backendAgeRefusal(DYNATRACE_AGE_LIMIT, NOW, { untilMs: NOW - 10 * MIN, newestFile: { path: 'a.log', mtimeMs: NOW - MIN } })).toBeUndefined();
    expect(backendAgeRefusal(DYNATRACE_AGE_LIMIT, NOW, {})).toBeUndefined();
  });
});

describe('backendAgeWarning', () => {
  it('says old traces will be skipped when the input starts before the limit', () => {
    const warning = backendAgeWarning(DT, NOW - 3 * 60 * MIN, NOW, DYNATRACE_AGE_LIMIT) ?? '';
    expect(warning).toContain('traces that ended before 2026-11-21T19:01:00.000Z are skipped');
    expect(backendAgeWarning(DT, NOW - 30 * MIN, NOW, DYNATRACE_AGE_LIMIT)).toBeUndefined();
  });

  it('still warns about Tempo search, and says nothing for other backends', () => {
    expect(backendAgeWarning('https://tempo.example.com/v1/traces', NOW - 3 * 60 * MIN, NOW)).toContain('ingestion_time_range_slack');
    expect(backendAgeWarning('http://collector:4318/v1/traces', NOW - 3 * 60 * MIN, NOW)).toBeUndefined();
  });
});

describe('backendAgeSkipped', () => {
  it('counts traces and spans and says how to go on', () => {
    const line = backendAgeSkipped(DYNATRACE_AGE_LIMIT, 3, 17, NOW - 70 * MIN);
    expect(line).toContain('skipped 3 traces (17 spans) that ended more than 59 minutes ago (the latest ended at 2026-11-21T18:50:00.000Z)');
    expect(line).toContain('--since 55m');
  });
});
