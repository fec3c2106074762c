import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { Reconstructor, type StreamKind } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';
import { mergedTurn } from '../../support/merged-turn.js';

const T0 = Date.parse('2026-11-21T16:45:35Z');

/** A merging reconstructor as the follower makes it (lag bound 5 s), whose streams' unread state the test sets. */
function following(): { r: Reconstructor; traces: FinishedTrace[]; unread: Record<StreamKind, boolean> } {
  const traces: FinishedTrace[] = [];
  const unread: Record<StreamKind, boolean> = { log: false, event: false };
  const r = new Reconstructor(
    { graceMs: 750, idleTimeoutMs: 120_000, maxOpenTraces: 100, rememberEmitted: 1000, mergeStreams: true, maxStreamLagMs: 5_000, mergeWaitMs: 2_000, hasUnread: (stream) => unread[stream] },
    (trace) => traces.push(trace),
  );
  return { r, traces, unread };
}

function add(r: Reconstructor, lines: readonly string[]): void {
  for (const line of lines) {
    const parsed = parseLine(line);
    if (parsed.kind === 'log') r.addRecord(parsed.record);
    else if (parsed.kind === 'diagnostic') r.addEvent(parsed.event);
    else throw new Error(`not a record or event: ${line}`);
  }
}

describe('merging: a stream with unread input holds log time', () => {
  const turn = mergedTurn({ label: 'u', startMs: T0 });
  const later = mergedTurn({ label: 'v', startMs: T0 + 60_000 });

  it('a trace waits for an events stream still being read, however far behind (or unset) its time is', () => {
    const { r, traces, unread } = following();
    unread.event = true;
    // The log read a minute past the turn before any event: far more than the 5 s lag bound.
    add(r, [...turn.log, ...later.log]);
    r.tick();
    expect(traces).toEqual([]);
    add(r, turn.events);
    add(r, later.events);
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId]);
    // The merged trace: OpenClaw's harness span from the events, not the log's own root.
    expect(traces[0]?.spans.some((s) => s.spanId === turn.ids.harness)).toBe(true);
    expect(r.counters.amendedAfterExport).toBe(0);
  });

  it('the same for a log still being read while the events ran ahead', () => {
    const { r, traces, unread } = following();
    unread.log = true;
    add(r, [...turn.events, ...later.events]);
    r.tick();
    expect(traces).toEqual([]);
    add(r, [...turn.log, ...later.log]);
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId]);
    expect(traces[0]?.spans.filter((s) => s.name === 'chat fake-model')).toHaveLength(2);
    expect(r.counters.amendedAfterExport).toBe(0);
  });

  it('a caught-up stream lagging past the bound is not waited for, and the held traces go as soon as it is caught up', () => {
    const { r, traces, unread } = following();
    unread.event = true;
    add(r, [...turn.log, ...later.log]);
    expect(traces).toEqual([]);
    // The events source finished reading and found nothing: the plugin is not writing.
    unread.event = false;
    r.tick();
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId]);
    expect(traces[0]?.spans.find((s) => s.parentSpanId === undefined)?.name).toBe('openclaw.message webchat');
  });
});
