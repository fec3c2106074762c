import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/model/records.js';
import { recognizeSignal } from '../../../src/parsers/log-signals.js';
import { Reconstructor, type TraceExit } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';

const T0 = Date.parse('2026-11-21T10:00:00Z');
const ROOT = 'aaaaaaaaaaaaaaaa';

function line(traceId: string, atMs: number, message: string, spanId = ROOT): LogRecord {
  const record: LogRecord = { timeMs: T0 + atMs, level: 'debug', message, trace: { traceId, spanId } };
  const signal = recognizeSignal(message, undefined);
  if (signal !== undefined) record.signal = signal;
  return record;
}

const tid = (n: number): string => n.toString(16).padStart(32, '0');

function setup(options: Partial<{ graceMs: number; idleTimeoutMs: number; maxOpenTraces: number }> = {}) {
  const emitted: FinishedTrace[] = [];
  const exits: TraceExit[] = [];
  const r = new Reconstructor({ graceMs: 1000, idleTimeoutMs: 10_000, maxOpenTraces: 100, rememberEmitted: 1000, ...options }, (t, exit) => {
    emitted.push(t);
    exits.push(exit);
  });
  return { r, emitted, exits };
}

describe('Reconstructor', () => {
  it('emits a complete trace a grace period (in log time) after it completed, with trailing lines in it', () => {
    const { r, emitted } = setup();
    r.addRecord(line(tid(1), 0, 'message received: channel=webchat messageId=m1'));
    r.addRecord(line(tid(1), 500, 'message processed: channel=webchat outcome=completed duration=500ms'));
    r.tick();
    expect(emitted).toHaveLength(0);
    r.addRecord(line(tid(1), 900, 'session state: prev=processing new=idle'));
    r.addRecord(line(tid(2), 1400, 'lane enqueue: lane=main queueSize=1'));
    r.tick();
    expect(emitted).toHaveLength(0);
    r.addRecord(line(tid(2), 1600, 'lane enqueue: lane=main queueSize=1'));
    r.tick();
    expect(emitted.map((t) => t.traceId)).toEqual([tid(1)]);
    expect(emitted[0]?.incomplete).toBe(false);
    expect(emitted[0]?.spans[0]?.endMs).toBe(T0 + 900);
  });

  it('emits an idle trace as incomplete, marked on its root', () => {
    const { r, emitted } = setup();
    r.addRecord(line(tid(1), 0, 'message received: channel=webchat'));
    r.addRecord(line(tid(2), 6_000, 'lane enqueue: lane=main queueSize=1'));
    r.addRecord(line(tid(2), 10_001, 'lane enqueue: lane=main queueSize=1'));
    r.tick();
    expect(emitted.map((t) => [t.traceId, t.incomplete])).toEqual([[tid(1), true]]);
    expect(emitted[0]?.spans[0]?.attributes['openclaw.trace.incomplete']).toBe(true);
    expect(r.counters.tracesIncomplete).toBe(1);
  });

  it('evicts the least recently active trace when the cap is reached, and counts it', () => {
    const { r, emitted } = setup({ maxOpenTraces: 2 });
    r.addRecord(line(tid(1), 0, 'x'));
    r.addRecord(line(tid(2), 10, 'x'));
    r.addRecord(line(tid(1), 20, 'x'));
    r.addRecord(line(tid(3), 30, 'x'));
    expect(emitted.map((t) => t.traceId)).toEqual([tid(2)]);
    expect(r.counters.tracesEvicted).toBe(1);
    expect(r.openTraces).toBe(2);
  });

  it('counts a line that only amends a span already exported, and sends nothing twice', () => {
    const { r, emitted } = setup();
    r.addRecord(line(tid(1), 0, 'x'));
    r.flush();
    r.addRecord(line(tid(1), 5, 'late'));
    r.flush();
    expect(emitted).toHaveLength(1);
    expect(r.counters).toMatchObject({ amendedAfterExport: 1, tracesReopened: 0 });
  });

  it('a retried run after its trace was exported: the new spans, with the ids and parents they would have had, and only those', () => {
    const retry = (traceId: string, at: number): LogRecord[] => [
      line(traceId, at, 'embedded run start: runId=r1 sessionId=s1 provider=p model=m', 'bbbbbbbbbbbbbbb2'),
      line(traceId, at + 10, '[model-fetch] start provider=p api=a model=m', 'bbbbbbbbbbbbbbb2'),
      line(traceId, at + 20, '[model-fetch] response provider=p api=a model=m status=200 elapsedMs=10', 'bbbbbbbbbbbbbbb2'),
      line(traceId, at + 30, 'embedded run done: runId=r1 sessionId=s1 durationMs=30 aborted=false', 'bbbbbbbbbbbbbbb2'),
    ];
    const first = [
      line(tid(1), 0, 'embedded run start: runId=r1 sessionId=s1 provider=p model=m', 'bbbbbbbbbbbbbbb1'),
      line(tid(1), 50, 'embedded run done: runId=r1 sessionId=s1 durationMs=50 aborted=false', 'bbbbbbbbbbbbbbb1'),
    ];
    for (const record of first) record.trace = { ...record.trace, parentSpanId: ROOT } as LogRecord['trace'];
    const later = retry(tid(1), 60_000);
    for (const record of later) record.trace = { ...record.trace, parentSpanId: ROOT } as LogRecord['trace'];

    // In time, all in one trace: the reference.
    const whole = setup();
    for (const record of [...first, ...later]) whole.r.addRecord(record);
    whole.r.flush();
    const reference = new Map(whole.emitted.flatMap((t) => t.spans).map((s) => [s.spanId, s.parentSpanId]));

    // The retry a minute after its trace left (idle timeout 10 s).
    const { r, emitted } = setup();
    for (const record of first) r.addRecord(record);
    for (const at of [9_000, 18_000, 20_000]) r.addRecord(line(tid(2), at, 'x'));
    expect(emitted.map((t) => t.traceId)).toEqual([tid(1)]);
    for (const record of later) r.addRecord(record);
    r.flush();
    const sent = emitted.flatMap((t) => t.spans);
    expect(new Set(sent.map((s) => `${s.traceId}:${s.spanId}`)).size).toBe(sent.length);
    const ofTrace1 = new Map(sent.filter((s) => s.traceId === tid(1)).map((s) => [s.spanId, s.parentSpanId]));
    expect(ofTrace1).toEqual(reference);
    expect(r.counters).toMatchObject({ tracesReopened: 1, amendedAfterExport: 0 });
  });

  it('holds a trace whose model call is unanswered past the idle timeout: a call answered 150 s after its start arrives whole', () => {
    const { r, emitted } = setup({ idleTimeoutMs: 120_000 });
    const run = (at: number, message: string): LogRecord => {
      const record = line(tid(1), at, message, 'bbbbbbbbbbbbbbb1');
      record.trace = { traceId: tid(1), spanId: 'bbbbbbbbbbbbbbb1', parentSpanId: ROOT };
      return record;
    };
    r.addRecord(run(0, 'embedded run start: runId=r1 sessionId=s1 provider=p model=m'));
    r.addRecord(run(10, '[model-fetch] start provider=p api=a model=m'));
    // Other traces go on meanwhile: log time passes the idle timeout.
    for (let at = 20_000; at <= 140_000; at += 20_000) r.addRecord(line(tid(2 + at / 20_000), at, 'x'));
    expect(emitted.map((t) => t.traceId)).not.toContain(tid(1));
    r.addRecord(run(150_010, '[model-fetch] response provider=p api=a model=m status=200 elapsedMs=150000'));
    r.addRecord(run(150_020, 'embedded run done: runId=r1 sessionId=s1 durationMs=150020 aborted=false'));
    r.flush();
    const trace = emitted.find((t) => t.traceId === tid(1));
    const call = trace?.spans.find((s) => s.name.startsWith('chat'));
    expect(call).toMatchObject({ startMs: T0 + 10, endMs: T0 + 150_010 });
    expect(call?.attributes['openclaw.span.incomplete']).toBeUndefined();
    expect(r.counters.tracesReopened).toBe(0);
  });

  it('counts records with no trace scope and makes no trace of them', () => {
    const { r, emitted } = setup();
    r.addRecord({ timeMs: T0, level: 'info', message: 'gateway ready' });
    r.flush();
    expect(emitted).toHaveLength(0);
    expect(r.counters.untracedRecords).toBe(1);
  });

  it('emits everything on flush, each trace once', () => {
    const { r, emitted } = setup();
    for (let i = 1; i <= 5; i++) r.addRecord(line(tid(i), i, 'x'));
    r.flush();
    r.flush();
    expect(emitted.map((t) => t.traceId).sort()).toEqual([1, 2, 3, 4, 5].map(tid));
  });

  it('emits a due trace before adding the line that makes it due, whatever the batching (ticks between lines change nothing)', () => {
    const input = [
      line(tid(1), 0, 'message received: channel=webchat'),
      line(tid(1), 100, 'message processed: channel=webchat outcome=completed duration=100ms'),
      line(tid(2), 1200, 'lane enqueue: lane=main queueSize=1'),
      // After tid(1)'s grace (100 + 1000): it only amends the exported root, in every batching.
      line(tid(1), 1300, 'session state: prev=processing new=idle'),
    ];
    const runs = [[4], [1, 1, 1, 1], [2, 2], [3, 1]].map((cuts) => {
      const { r, emitted } = setup();
      let at = 0;
      for (const size of cuts) {
        for (const record of input.slice(at, at + size)) r.addRecord(record);
        at += size;
        r.tick();
      }
      r.flush();
      return { ids: emitted.map((t) => `${t.traceId}:${t.spans.map((s) => s.endMs - T0).join(',')}`), amended: r.counters.amendedAfterExport };
    });
    for (const run of runs) expect(run).toEqual({ ids: [`${tid(1)}:100`, `${tid(2)}:1200`], amended: 1 });
  });

  it('tells, per emitted trace, why it left and which source lines it holds', () => {
    const { r, exits } = setup();
    r.addRecord(line(tid(1), 0, 'message received: channel=webchat'), { source: 'f1', start: 0, end: 100 });
    r.addRecord(line(tid(2), 10, 'message received: channel=webchat'), { source: 'f1', start: 100, end: 180 });
    r.addRecord(line(tid(1), 20, 'message processed: channel=webchat outcome=completed duration=20ms'), { source: 'f2', start: 0, end: 90 });
    r.addRecord(line(tid(1), 30, 'session state: prev=processing new=idle'), { source: 'f1', start: 180, end: 260 });
    expect([...r.openLines()].map((lines) => Object.fromEntries(lines))).toEqual([
      { f1: { first: 0, last: 260 }, f2: { first: 0, last: 90 } },
      { f1: { first: 100, last: 180 } },
    ]);
    expect(r.nextDueIn).toBe(20 + 1000 - 30);
    r.tick(20 + 1000 - 30);
    r.flush();
    expect(exits.map((exit) => [exit.key, exit.closedBy])).toEqual([
      [`log:${tid(1)}`, 'complete'],
      [`log:${tid(2)}`, 'flushed'],
    ]);
    expect(Object.fromEntries(exits[0]?.lines ?? [])).toEqual({ f1: { first: 0, last: 260 }, f2: { first: 0, last: 90 } });
    expect([...r.openLines()]).toEqual([]);
  });

  it('counts the lines of a trace exported before a restart, read again, as re-read, and sends only spans not exported', () => {
    const { r, emitted } = setup();
    r.rememberExported([{ key: `log:${tid(1)}`, spanIds: [ROOT] }]);
    r.addRecord(line(tid(1), 0, 'x'));
    r.addRecord(line(tid(1), 5, 'y'));
    r.addRecord(line(tid(2), 0, 'x'));
    r.flush();
    expect(emitted.map((t) => t.traceId)).toEqual([tid(2)]);
    expect(r.counters).toMatchObject({ rereadItems: 2, amendedAfterExport: 0 });
    r.addRecord(line(tid(1), 9, 'z', 'cccccccccccccccc'));
    r.flush();
    expect(emitted.at(-1)?.spans.map((s) => s.spanId)).toEqual(['cccccccccccccccc']);
  });
});
