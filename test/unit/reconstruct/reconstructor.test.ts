import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../src/parsers/types.js';
import { recognizeSignal } from '../../../src/parsers/log-signals.js';
import { Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../../src/reconstruct/span-record.js';

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
  const r = new Reconstructor({ graceMs: 1000, idleTimeoutMs: 10_000, maxOpenTraces: 100, rememberEmitted: 1000, ...options }, (t) => emitted.push(t));
  return { r, emitted };
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

  it('counts lines for an already emitted trace instead of starting it again', () => {
    const { r, emitted } = setup();
    r.addRecord(line(tid(1), 0, 'x'));
    r.flush();
    r.addRecord(line(tid(1), 5, 'late'));
    r.flush();
    expect(emitted).toHaveLength(1);
    expect(r.counters.lateItems).toBe(1);
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
});
