import { describe, expect, it } from 'vitest';
import { backendAgeWarning } from '../../../src/cli/backend-age.js';
import { BackfillProgressReporter } from '../../../src/cli/backfill-progress.js';
import { parseTimeBound } from '../../../src/cli/time-bound.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';

const NOW = Date.parse('2026-11-21T18:00:00Z');

describe('backfill options', () => {
  it('reads --since/--until as ISO times or durations back from now', () => {
    expect(parseTimeBound('7d', NOW)).toBe(NOW - 7 * 86_400_000);
    expect(parseTimeBound('90m', NOW)).toBe(NOW - 90 * 60_000);
    expect(parseTimeBound('2w', NOW)).toBe(NOW - 14 * 86_400_000);
    expect(parseTimeBound('2026-11-21T08:00:00Z', NOW)).toBe(Date.parse('2026-11-21T08:00:00Z'));
    expect(parseTimeBound('2026-11-21', NOW)).toBe(Date.parse('2026-11-21'));
    expect(parseTimeBound('yesterday', NOW)).toBeUndefined();
    expect(parseTimeBound('7', NOW)).toBeUndefined();
  });

  it('warns before sending Dynatrace spans older than an hour, and Tempo ones older than its slack, never others', () => {
    const twoHoursAgo = NOW - 2 * 3_600_000;
    expect(backendAgeWarning('https://abc123.live.dynatrace.com/api/v2/otlp/v1/traces', twoHoursAgo, NOW)).toMatch(/Dynatrace rejects spans that ended more than 60 minutes ago, so traces that ended before .* are skipped.*--since 55m/);
    expect(backendAgeWarning('https://abc123.live.dynatrace.com/api/v2/otlp/v1/traces', NOW - 30 * 60_000, NOW)).toBeUndefined();
    expect(backendAgeWarning('http://tempo.monitoring:4318/v1/traces', twoHoursAgo, NOW)).toMatch(/Tempo stores spans older than its ingestion slack/);
    expect(backendAgeWarning('http://127.0.0.1:4318/v1/traces', twoHoursAgo, NOW)).toBeUndefined();
    expect(backendAgeWarning('https://abc.live.dynatrace.com/api/v2/otlp/v1/traces', Number.POSITIVE_INFINITY, NOW)).toBeUndefined();
  });

  it('shows bytes, lines/s, spans sent and an ETA from the bytes read', () => {
    const stats = new PipelineStats();
    const progress = new BackfillProgressReporter(100_000_000, stats, false, () => undefined);
    stats.linesRead = 50_000;
    stats.spansExported = 1234;
    progress.diskBytes(25_000_000);
    const started = Date.now();
    expect(progress.line(started + 10_000)).toMatch(/^25% 25\.0\/100\.0 MB · 5,0\d\d lines\/s · 1,234 spans sent · ETA 0:3\d$/);
  });

  it('shows what was read, without a percentage or an ETA, when the size is unknown (standard input, journals)', () => {
    const stats = new PipelineStats();
    const progress = new BackfillProgressReporter(0, stats, true, () => undefined);
    stats.linesRead = 20_000;
    stats.bytesRead = 12_345_678;
    expect(progress.line(Date.now() + 10_000)).toMatch(/^12\.3 MB read · 2,0\d\d lines\/s · 0 spans sent$/);
  });
});
