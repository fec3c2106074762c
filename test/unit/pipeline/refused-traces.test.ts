import { describe, expect, it } from 'vitest';
import type { DeadLetterEntry, DeadLetterWrite } from '../../../src/checkpoint/dead-letter.js';
import { settledTrace } from '../../../src/pipeline/follower-checkpoints.js';
import { RefusedTraces } from '../../../src/pipeline/refused-traces.js';
import type { QueuedTrace } from '../../../src/pipeline/retrying-export-queue.js';
import type { CloseReason } from '../../../src/reconstruct/reconstructor.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';

/** A trace of one span whose lines are bytes [first, first + 10) of source `src`. */
function item(traceId: string, first: number, closedBy: CloseReason = 'complete', incomplete = false): QueuedTrace {
  const span = { traceId, spanId: `${traceId}-0`, name: 'x', kind: 'internal' as const, startMs: 1, endMs: 2, attributes: {}, status: { code: 'unset' as const }, events: [] };
  return { trace: { traceId, incomplete, spans: [span] }, exit: { key: `log:${traceId}`, closedBy, lines: new Map([['src', { first, last: first + 10 }]]) } };
}

/** A dead-letter file whose writes end when the test says, with the answer it gives. */
class AnsweredDeadLetter {
  readonly path = '/state/dead-letter.jsonl';
  readonly writes: { entries: readonly DeadLetterEntry[]; answer: (result: DeadLetterWrite) => void }[] = [];
  add(entries: readonly DeadLetterEntry[]): Promise<DeadLetterWrite> {
    return new Promise((answer) => this.writes.push({ entries, answer }));
  }
}

function refusedTraces(): { refusals: RefusedTraces; deadLetter: AnsweredDeadLetter; settled: string[]; stats: PipelineStats; log: string[] } {
  const deadLetter = new AnsweredDeadLetter();
  const settled: string[] = [];
  const stats = new PipelineStats();
  const log: string[] = [];
  const refusals = new RefusedTraces(deadLetter, 'http://127.0.0.1:4318/v1/traces', stats, (message, level) => log.push(`${level ?? 'info'} ${message}`), (items) =>
    settled.push(...items.map((i) => i.trace.traceId)),
  );
  return { refusals, deadLetter, settled, stats, log };
}

const held = (refusals: RefusedTraces): number[] => [...refusals.heldLines()].map((lines) => lines.get('src')?.first ?? -1);

describe('RefusedTraces: a refused trace is settled only once the dead-letter write has ended', () => {
  it('holds its lines (the checkpoint stays before them) until the write is done, then settles and counts them', async () => {
    const { refusals, deadLetter, settled, stats, log } = refusedTraces();
    refusals.refused([item('t1', 100), item('t2', 200)], new Error('HTTP 413'));
    expect(held(refusals)).toEqual([100, 200]);
    expect(settled).toEqual([]);
    expect(deadLetter.writes[0]?.entries.map((entry) => entry.trace.traceId)).toEqual(['t1', 't2']);
    deadLetter.writes[0]?.answer({ status: 'written' });
    await refusals.drain();
    expect(held(refusals)).toEqual([]);
    expect(settled).toEqual(['t1', 't2']);
    expect(stats.deadLettered).toMatchObject({ traces: 2, spans: 2 });
    expect(log.join('\n')).toMatch(/^error .*refused 2 traces/m);
  });

  it('a full dead-letter file: settled after the attempt, counted as lost and said at error (not held for ever)', async () => {
    const { refusals, deadLetter, settled, stats, log } = refusedTraces();
    refusals.refused([item('t1', 0)], new Error('HTTP 400'));
    expect(settled).toEqual([]);
    deadLetter.writes[0]?.answer({ status: 'full', maxBytes: 64 * 1024 * 1024 });
    await refusals.drain();
    expect(settled).toEqual(['t1']);
    expect(stats.deadLetterLost).toBe(1);
    expect(log.join('\n')).toMatch(/^error .*is full \(64 MiB\).*lost/m);
  });
});

describe('settledTrace: what leaving the pipeline settles', () => {
  it('a trace exported incomplete because otel-tail was stopping is settled to be rebuilt (its lines read again), any other as delivered', () => {
    expect(settledTrace(item('t1', 0, 'flushed', true)).rebuildAfterRestart).toBe(true);
    expect(settledTrace(item('t1', 0, 'flushed', false)).rebuildAfterRestart).toBe(false);
    expect(settledTrace(item('t1', 0, 'idle', true)).rebuildAfterRestart).toBe(false);
    expect(settledTrace(item('t1', 0, 'evicted', true)).rebuildAfterRestart).toBe(false);
  });
});
