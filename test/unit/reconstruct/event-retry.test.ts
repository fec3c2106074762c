import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import type { DiagnosticEvent } from '../../../src/model/records.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import type { SpanRecord } from '../../../src/model/span-record.js';
import { fixtureLines } from '../../support/fixtures.js';

/**
 * The real plugin turn (events of openclaw 2026.9.6), then the gateway's retry of it a minute after
 * the turn's trace was exported: a new harness run with its run and model calls, as OpenClaw sends
 * them (new span ids under the same request scope).
 */
function turnAndRetry(): { events: DiagnosticEvent[]; retrySpans: Set<string> } {
  const events = fixtureLines('openclaw-2026.9.6-plugin/events/events-2026-11-21.jsonl')
    .map((line) => parseLine(line))
    .flatMap((parsed) => (parsed.kind === 'diagnostic' ? [parsed.event] : []));
  const first = Math.min(...events.map((e) => e.ts));
  const last = Math.max(...events.map((e) => e.ts));
  const harness = new Set(events.filter((e) => e.type.startsWith('harness.run')).map((e) => e.trace?.spanId));
  const remap = (id: string | undefined): string | undefined => (id === undefined ? undefined : `${id.slice(0, 12)}beef`);
  const retry = events
    .filter((e) => /^(harness\.run|run\.(started|completed)|model\.call)/.test(e.type))
    .map((e): DiagnosticEvent => {
      const trace = e.trace === undefined ? undefined : { ...e.trace, spanId: remap(e.trace.spanId) as string, parentSpanId: harness.has(e.trace.spanId) ? e.trace.parentSpanId : remap(e.trace.parentSpanId) };
      return { ...e, ts: e.ts + (last - first) + 60_000, ...(trace === undefined ? {} : { trace }) } as DiagnosticEvent;
    });
  return { events: [...events, ...retry], retrySpans: new Set(retry.flatMap((e) => (e.trace?.spanId === undefined ? [] : [e.trace.spanId]))) };
}

describe('a retry of a real turn after its events trace was exported', () => {
  it('sends the retry’s harness run, run and model calls under the request scope, and nothing twice', () => {
    const { events, retrySpans } = turnAndRetry();
    const run = (options = DEFAULT_RECONSTRUCTOR_OPTIONS): { spans: SpanRecord[]; r: Reconstructor } => {
      const spans: SpanRecord[] = [];
      const r = new Reconstructor(options, (trace) => spans.push(...trace.spans));
      for (const event of events) r.addEvent(event);
      r.flush();
      return { spans, r };
    };
    const { spans, r } = run();
    // The first part left complete before the retry came (the turn ended a minute earlier).
    expect(r.counters.tracesReopened).toBe(1);
    const sent = spans.map((s) => s.spanId);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.filter((id) => retrySpans.has(id)).sort()).toEqual([...retrySpans].sort());
    // Parents as a reconstructor that never let go of the trace would give them.
    const whole = run({ ...DEFAULT_RECONSTRUCTOR_OPTIONS, idleTimeoutMs: 3_600_000, graceMs: 3_600_000 });
    expect(new Map(spans.map((s) => [s.spanId, s.parentSpanId]))).toEqual(new Map(whole.spans.map((s) => [s.spanId, s.parentSpanId])));
  });
});
