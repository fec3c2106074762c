import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { Reconstructor, type ReconstructorOptions } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { mergedTurn, type MergedTurn } from '../../support/merged-turn.js';

const T0 = Date.parse('2026-11-21T16:45:35Z');

type Item = { kind: 'log' | 'event'; line: string };

function feed(items: readonly Item[], options: Partial<ReconstructorOptions> = {}): { traces: FinishedTrace[]; r: Reconstructor } {
  const traces: FinishedTrace[] = [];
  const r = new Reconstructor(
    { graceMs: 750, idleTimeoutMs: 120_000, maxOpenTraces: 100, rememberEmitted: 1000, mergeStreams: true, ...options },
    (trace) => traces.push(trace),
  );
  for (const item of items) {
    const parsed = parseLine(item.line);
    if (parsed.kind === 'log') r.addRecord(parsed.record);
    else if (parsed.kind === 'diagnostic') r.addEvent(parsed.event);
    else throw new Error(`not a record or event: ${item.line}`);
  }
  r.flush();
  return { traces, r };
}

const logOf = (turn: MergedTurn): Item[] => turn.log.map((line) => ({ kind: 'log', line }));
const eventsOf = (turn: MergedTurn): Item[] => turn.events.map((line) => ({ kind: 'event', line }));
const named = (trace: FinishedTrace | undefined, name: string): SpanRecord[] => trace?.spans.filter((s) => s.name === name) ?? [];

/** A tree of names, children under parents, siblings by start: what a user sees. */
function tree(trace: FinishedTrace): string[] {
  const out: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const span of trace.spans.filter((s) => s.parentSpanId === parent).sort((a, b) => a.startMs - b.startMs)) {
      out.push(`${'  '.repeat(depth)}${span.name}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

describe('merging the file log and the diagnostic events of one gateway', () => {
  const turn = mergedTurn({ label: 'a', startMs: T0 });

  it('makes one trace per traceId, with the events’ spans and no duplicate', () => {
    const { traces } = feed([...logOf(turn), ...eventsOf(turn)]);
    expect(traces).toHaveLength(1);
    const trace = traces[0] as FinishedTrace;
    expect(trace.traceId).toBe(turn.traceId);
    expect(tree(trace)).toEqual([
      'openclaw.message.dispatch',
      '  openclaw.harness.run openclaw',
      '    invoke_agent main',
      '      chat fake-model',
      '      execute_tool read',
      '      chat fake-model',
    ]);
    const ids = trace.spans.map((s) => s.spanId);
    expect(new Set(ids).size).toBe(ids.length);
    // Every span id is OpenClaw's: the log's model-fetch and tool spans (derived ids) were taken over.
    expect(ids.sort()).toEqual(Object.values(turn.ids).sort());
    expect(trace.incomplete).toBe(false);
    expect(trace.hostName).toBe('vm');
  });

  it('keeps usage and cost from the events and carries over what only the log knows', () => {
    const { traces } = feed([...logOf(turn), ...eventsOf(turn)]);
    const [call1, call2] = named(traces[0], 'chat fake-model').sort((a, b) => a.startMs - b.startMs);
    expect(call1?.spanId).toBe(turn.ids.call1);
    expect(call1?.attributes).toMatchObject({
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 40,
      'openclaw.cost.usd': 0.0021,
      'openclaw.call.id': `${turn.runId}:model:1`,
      // Only the log has these: the provider request's HTTP status and host.
      'http.response.status_code': 200,
      'server.address': '127.0.0.1',
    });
    expect(call1?.startMs).toBe(T0 + 10);
    expect(call1?.endMs).toBe(T0 + 410);
    expect(call2?.spanId).toBe(turn.ids.call2);
    const tool = named(traces[0], 'execute_tool read')[0];
    expect(tool?.spanId).toBe(turn.ids.tool);
    expect(tool?.attributes['gen_ai.tool.call.id']).toBe(turn.toolCallId);
    const root = named(traces[0], 'openclaw.message.dispatch')[0];
    // From the log's root: the message id the events' dispatch span lacks.
    expect(root?.attributes['openclaw.message.id']).toBe('m-a');
  });

  it('attaches the log’s warnings, retries and failover decisions as span events on the harness span', () => {
    const { traces } = feed([...logOf(turn), ...eventsOf(turn)]);
    const harness = named(traces[0], 'openclaw.harness.run openclaw')[0];
    expect(harness?.spanId).toBe(turn.ids.harness);
    expect(harness?.events.map((e) => e.name)).toEqual(['log', 'openclaw.retry', 'openclaw.embedded_run_failover_decision']);
    expect(harness?.events[0]?.attributes?.['log.message']).toMatch(/slow SQLite session write/);
    expect(harness?.events[1]?.attributes).toMatchObject({ attempt: 1, maxAttempts: 9 });
    // No span carries the log's own names any more.
    expect(traces[0]?.spans.some((s) => s.name.startsWith('openclaw.message webchat'))).toBe(false);
  });

  it('gives the same trace whatever the order the two streams arrive in', () => {
    const a = feed([...logOf(turn), ...eventsOf(turn)]).traces;
    const b = feed([...eventsOf(turn), ...logOf(turn)]).traces;
    const interleaved: Item[] = [...logOf(turn), ...eventsOf(turn)].sort((x, y) => timeOf(x) - timeOf(y));
    const c = feed(interleaved).traces;
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('waits for the slower stream: a trace complete in the log is not emitted before its events are read', () => {
    const traces: FinishedTrace[] = [];
    const r = new Reconstructor({ graceMs: 750, idleTimeoutMs: 120_000, maxOpenTraces: 100, rememberEmitted: 1000, mergeStreams: true }, (t) => traces.push(t));
    const later = mergedTurn({ label: 'b', startMs: T0 + 60_000 });
    // The whole log of both turns first (a backfill reading one file after the other).
    for (const line of [...turn.log, ...later.log]) {
      const parsed = parseLine(line);
      if (parsed.kind === 'log') r.addRecord(parsed.record);
    }
    r.tick();
    expect(traces).toHaveLength(0);
    for (const line of [...turn.events, ...later.events]) {
      const parsed = parseLine(line);
      if (parsed.kind === 'diagnostic') r.addEvent(parsed.event);
    }
    // Turn a is due now (the events' time passed its end + grace); b waits for more time.
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId]);
    expect(named(traces[0], 'chat fake-model')).toHaveLength(2);
    r.flush();
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId, later.traceId]);
    expect(r.counters.amendedAfterExport).toBe(0);
  });

  it('does not wait for a stream lagging more than maxStreamLagMs', () => {
    const traces: FinishedTrace[] = [];
    const r = new Reconstructor(
      { graceMs: 750, idleTimeoutMs: 120_000, maxOpenTraces: 100, rememberEmitted: 1000, mergeStreams: true, maxStreamLagMs: 5_000, mergeWaitMs: 2_000 },
      (t) => traces.push(t),
    );
    const later = mergedTurn({ label: 'b', startMs: T0 + 10_000 });
    for (const line of [...turn.log, ...later.log]) {
      const parsed = parseLine(line);
      if (parsed.kind === 'log') r.addRecord(parsed.record);
    }
    // No event at all: turn a (complete in the log) leaves once the log is 5 s past its end + grace + merge wait.
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId]);
    expect(tree(traces[0] as FinishedTrace)[0]).toBe('openclaw.message webchat');
  });

  it('emits a trace with events only, or a log only, as that stream builds it', () => {
    const events = feed(eventsOf(turn)).traces;
    const log = feed(logOf(turn)).traces;
    expect(tree(events[0] as FinishedTrace)).toHaveLength(6);
    expect(tree(log[0] as FinishedTrace)).toEqual(['openclaw.message webchat', '  invoke_agent main', '    chat fake-model', '    execute_tool read', '    chat fake-model']);
  });

  it('keeps a log call whose model-call events were dropped, under its harness span', () => {
    const dropped = turn.events.filter((line) => !line.includes(`"spanId":"${turn.ids.call2}"`));
    const { traces } = feed([...logOf(turn), ...dropped.map((line) => ({ kind: 'event' as const, line }))]);
    const calls = named(traces[0], 'chat fake-model').sort((a, b) => a.startMs - b.startMs);
    expect(calls).toHaveLength(2);
    expect(calls[0]?.spanId).toBe(turn.ids.call1);
    expect(calls[1]?.spanId).not.toBe(turn.ids.call2);
    expect(calls[1]?.parentSpanId).toBe(turn.ids.harness);
    expect(calls[1]?.attributes['openclaw.call.id']).toBeUndefined();
  });

  it('keeps the per-stream keys when not merging (two traces, as before)', () => {
    const { traces } = feed([...logOf(turn), ...eventsOf(turn)], { mergeStreams: false });
    expect(traces.map((t) => t.traceId)).toEqual([turn.traceId, turn.traceId]);
  });
});

function timeOf(item: Item): number {
  const parsed = parseLine(item.line);
  if (parsed.kind === 'log') return parsed.record.timeMs;
  if (parsed.kind === 'diagnostic') return parsed.event.ts;
  return 0;
}
