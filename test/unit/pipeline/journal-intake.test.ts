import { describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../../src/parsers/journal-entry.js';
import { JournalIntake } from '../../../src/pipeline/journal-intake.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import type { SpanRecord } from '../../../src/model/span-record.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';
import { consoleSampleLines } from '../../support/console-sample.js';

const T0 = Date.parse('2026-12-01T10:00:00.000Z');

/** Every span a backfill of `entries` fed in batches of `batch` makes, as comparable text. */
function spansOf(entries: readonly JournalEntry[], batch: number): string[] {
  const spans: SpanRecord[] = [];
  const reconstructor = new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, (trace) => spans.push(...trace.spans));
  const intake = new JournalIntake('journal', new PipelineStats(), reconstructor);
  for (let at = 0; at < entries.length; at += batch) intake.addEntries(entries.slice(at, at + batch));
  reconstructor.flush();
  return spans.map((span) => JSON.stringify({ ...span, events: span.events.length })).sort();
}

/** The lines as journald holds them when they were all written at `receivedMs` (one microsecond apart). */
const journal = (lines: readonly string[], receivedMs: number): JournalEntry[] =>
  lines.map((message, i) => ({ cursor: `c${i}`, realtimeUs: receivedMs * 1000 + i, message }));

describe('JournalIntake', () => {
  it('start-up lines without a time of their own, journald 5 minutes after the lines: the same spans as the lines that carry one, however the entries come in batches', () => {
    const lines = consoleSampleLines(new Date(T0));
    const timed = lines.filter((line) => /^\d{4}-/.test(line));
    expect(lines.length - timed.length).toBe(5);
    const clean = spansOf(journal(timed, T0 + 5 * 60_000), 1000);
    expect(clean.length).toBeGreaterThan(20);
    for (const batch of [1000, 1, 2, 3, 5, 7]) expect(spansOf(journal(lines, T0 + 5 * 60_000), batch), `batches of ${batch}`).toEqual(clean);
  });
});
