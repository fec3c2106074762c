import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { OtlpExportError } from '../../../src/export/otlp-target.js';
import { isRefusingHttpStatus } from '../../../src/export/send-result.js';
import type { PartialRejection } from '../../../src/export/partial-rejection.js';
import type { ExportOutcome, TraceExporter } from '../../../src/export/trace-exporter.js';
import { RetryingExportQueue, type QueuedTrace, type RetryingQueueOptions } from '../../../src/pipeline/retrying-export-queue.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import type { TraceLines } from '../../../src/model/line-refs.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';

/** One scripted answer: an outcome, or a gate the test opens (the export stays in flight until then). */
type Step = ExportOutcome | Gate;

class Gate {
  private open!: (outcome: ExportOutcome) => void;
  readonly outcome = new Promise<ExportOutcome>((resolve) => (this.open = resolve));
  resolve(outcome: ExportOutcome = { status: 'success' }): void {
    this.open(outcome);
  }
}

/** A TraceExporter that answers from a script (then succeeds), recording each batch's trace ids and when it was called. */
class ScriptedExporter implements TraceExporter {
  readonly calls: { traceIds: string[]; at: number }[] = [];
  /** Asked first, per call: an outcome for what the call holds (a backend that refuses one trace whatever it comes with). */
  answerFor: ((traceIds: readonly string[]) => ExportOutcome | undefined) | undefined;
  constructor(private readonly script: Step[] = []) {}

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    const traceIds = traces.map((trace) => trace.traceId);
    this.calls.push({ traceIds, at: performance.now() });
    const answer = this.answerFor?.(traceIds);
    if (answer !== undefined) return answer;
    const step = this.script.shift() ?? { status: 'success' };
    return step instanceof Gate ? step.outcome : step;
  }

  async shutdown(): Promise<void> {}
}

class RecordingEvents {
  readonly exported: string[][] = [];
  readonly log: string[] = [];
  readonly unreachableErrors: Error[] = [];
  exportedBatch = (batch: readonly QueuedTrace[]): void => {
    this.exported.push(batch.map((item) => item.trace.traceId));
    this.log.push(`exported ${batch.map((item) => item.trace.traceId).join(',')}`);
  };
  unreachable = (error: Error): void => {
    this.unreachableErrors.push(error);
    this.log.push(`unreachable ${error.message}`);
  };
  reachable = (): void => {
    this.log.push('reachable');
  };
  refused = (items: readonly QueuedTrace[], error: Error): void => {
    this.log.push(`refused ${items.map((item) => item.trace.traceId).join(',')}: ${error.message}`);
  };
  partlyRejected = (items: readonly QueuedTrace[], rejected: PartialRejection): void => {
    this.log.push(`partly rejected ${rejected.spans} of ${items.map((item) => item.trace.traceId).join(',')}: ${rejected.message}`);
  };
}

const fail = (message: string): ExportOutcome => ({ status: 'retryable', error: new Error(message) });
// The exporter decides refused or retryable where it reads the status (send-result.ts): the same rule here.
const answered = (statusCode: number): ExportOutcome => ({
  status: isRefusingHttpStatus(statusCode) ? 'refused' : 'retryable',
  error: new OtlpExportError(`HTTP ${statusCode}`, statusCode),
});

function span(traceId: string, n: number): SpanRecord {
  return {
    traceId,
    spanId: `${traceId}-${n}`,
    name: `span ${n}`,
    kind: 'internal',
    startMs: 1_700_000_000_000 + n,
    endMs: 1_700_000_000_010 + n,
    attributes: {},
    status: { code: 'unset' },
    events: [],
  };
}

/** A trace of `spans` spans whose lines are bytes [first, first + 10) of source `src`. */
function item(traceId: string, spans: number, first = 0): QueuedTrace {
  const lines: TraceLines = new Map([['src', { first, last: first + 10 }]]);
  return {
    trace: { traceId, incomplete: false, spans: Array.from({ length: spans }, (_, n) => span(traceId, n)) },
    exit: { key: `log:${traceId}`, closedBy: 'complete', lines },
  };
}

const OPTIONS: RetryingQueueOptions = { maxBatchSpans: 4, maxQueuedSpans: 100, initialBackoffMs: 10, maxBackoffMs: 40 };

function setup(script: Step[] = [], options: Partial<RetryingQueueOptions> = {}) {
  const exporter = new ScriptedExporter(script);
  const events = new RecordingEvents();
  const stats = new PipelineStats();
  const queue = new RetryingExportQueue(exporter, { ...OPTIONS, ...options }, stats, {
    exported: events.exportedBatch,
    unreachable: events.unreachable,
    reachable: events.reachable,
    refused: events.refused,
    partlyRejected: events.partlyRejected,
  });
  return { exporter, events, stats, queue };
}

const firstLines = (queue: RetryingExportQueue): number[] => [...queue.heldLines()].map((lines) => lines.get('src')?.first ?? -1);

/** Whether `promise` is settled after the pending callbacks have run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await sleep(20);
  return settled;
}

describe('RetryingExportQueue', () => {
  it('exports in push order, in batches of at most maxBatchSpans (a bigger trace alone)', async () => {
    const gate = new Gate();
    const { exporter, events, stats, queue } = setup([gate]);
    queue.push(item('t1', 1));
    // t1 went out alone at once; the rest queue behind it.
    queue.push(item('t2', 2));
    queue.push(item('t3', 3));
    queue.push(item('t4', 1));
    queue.push(item('t5', 6));
    queue.push(item('t6', 2));
    queue.push(item('t7', 2));
    gate.resolve();

    expect(await queue.drain(2000)).toBe(true);
    expect(exporter.calls.map((call) => call.traceIds)).toEqual([['t1'], ['t2'], ['t3', 't4'], ['t5'], ['t6', 't7']]);
    expect(events.exported).toEqual([['t1'], ['t2'], ['t3', 't4'], ['t5'], ['t6', 't7']]);
    expect(stats.traces).toBe(7);
    expect(stats.spansExported).toBe(17);
    expect(stats.exportBatchesFailed).toBe(0);
    expect(queue.idle).toBe(true);
    expect([...queue.heldLines()]).toEqual([]);
  });

  it('retries a failing batch with doubling backoff (capped) until it is accepted, reporting the outage once', async () => {
    const { exporter, events, stats, queue } = setup([fail('refused 1'), fail('refused 2'), fail('refused 3'), fail('refused 4')], {
      initialBackoffMs: 25,
      maxBackoffMs: 50,
    });
    queue.push(item('t1', 2));

    expect(await queue.drain(5000)).toBe(true);
    expect(exporter.calls.map((call) => call.traceIds)).toEqual([['t1'], ['t1'], ['t1'], ['t1'], ['t1']]);
    // 25, 50, then capped at 50 (uncapped would be 100 and 200); timers may fire a little early or late.
    const gaps = exporter.calls.slice(1).map((call, i) => call.at - (exporter.calls[i]?.at ?? 0));
    const backoff = (gap: number): string => (gap < 24 ? 'too soon' : gap < 49 ? '25' : gap < 95 ? '50' : 'too late');
    expect(gaps.map(backoff)).toEqual(['25', '50', '50', '50']);
    expect(events.log).toEqual(['unreachable refused 1', 'reachable', 'exported t1']);
    expect(stats.exportBatchesFailed).toBe(4);
    expect(stats.spansExported).toBe(2);
  });

  it('reports each outage once: unreachable when it starts, reachable when it ends', async () => {
    const { events, queue } = setup([fail('down A'), fail('down A again'), { status: 'success' }, fail('down B'), { status: 'success' }]);
    queue.push(item('t1', 1));
    expect(await queue.drain(2000)).toBe(true);
    queue.push(item('t2', 1));
    expect(await queue.drain(2000)).toBe(true);
    expect(events.log).toEqual(['unreachable down A', 'reachable', 'exported t1', 'unreachable down B', 'reachable', 'exported t2']);
  });

  it('starts each batch at the initial backoff again', async () => {
    const { exporter, queue } = setup([fail('a'), fail('b'), fail('c'), { status: 'success' }, fail('d'), { status: 'success' }], {
      initialBackoffMs: 30,
      maxBackoffMs: 1000,
    });
    queue.push(item('t1', 1));
    expect(await queue.drain(2000)).toBe(true);
    queue.push(item('t2', 1));
    expect(await queue.drain(2000)).toBe(true);
    const last = exporter.calls.at(-1)?.at ?? 0;
    const beforeLast = exporter.calls.at(-2)?.at ?? 0;
    expect(exporter.calls).toHaveLength(6);
    expect(last - beforeLast).toBeGreaterThanOrEqual(29);
    expect(last - beforeLast).toBeLessThan(90);
  });

  it('gives up only the trace a backend refuses (400): the batch is sent again trace by trace, and what follows goes on', async () => {
    const { exporter, events, stats, queue } = setup([], { maxBatchSpans: 4 });
    exporter.answerFor = (ids) => (ids.includes('bad') ? answered(400) : undefined);
    queue.push(item('t1', 1));
    queue.push(item('t2', 1));
    queue.push(item('bad', 2));
    queue.push(item('t3', 1));
    queue.push(item('t4', 3));

    expect(await queue.drain(2000)).toBe(true);
    expect(exporter.calls.map((call) => call.traceIds)).toEqual([['t1'], ['t2', 'bad', 't3'], ['t2'], ['bad'], ['t3'], ['t4']]);
    expect(events.log).toEqual(['exported t1', 'exported t2', 'refused bad: HTTP 400', 'exported t3', 'exported t4']);
    expect(stats.spansExported).toBe(6);
    expect(stats.spansFailed).toBe(2);
    expect(stats.exportBatchesFailed).toBe(0);
    expect([...queue.heldLines()]).toEqual([]);
    expect(queue.full).toBe(false);
  });

  it('settles a batch answered with a partial success, counting what the backend dropped as failed, without sending it again', async () => {
    const { exporter, events, stats, queue } = setup([{ status: 'success', rejected: { spans: 2, message: 'span too old' } }], { maxBatchSpans: 4 });
    queue.push(item('t1', 3));
    queue.push(item('t2', 1));
    expect(await queue.drain(2000)).toBe(true);
    expect(exporter.calls.map((call) => call.traceIds)).toEqual([['t1'], ['t2']]);
    expect(events.log).toEqual(['partly rejected 2 of t1: span too old', 'exported t2']);
    expect(stats.spansExported).toBe(2);
    expect(stats.spansFailed).toBe(2);
    expect([...queue.heldLines()]).toEqual([]);
  });

  it('takes 413 and 422 as refusals too, a lone trace at once; 401, 404, 429 and 503 are retried', async () => {
    const { exporter, events, queue } = setup([answered(413), answered(401), answered(404), answered(429), answered(503), { status: 'success' }, answered(422)]);
    queue.push(item('t1', 1));
    expect(await queue.drain(2000)).toBe(true);
    queue.push(item('t2', 1));
    expect(await queue.drain(2000)).toBe(true);
    queue.push(item('t3', 1));
    expect(await queue.drain(2000)).toBe(true);
    expect(exporter.calls.map((call) => call.traceIds.join())).toEqual(['t1', 't2', 't2', 't2', 't2', 't2', 't3']);
    expect(events.log).toEqual(['refused t1: HTTP 413', 'unreachable HTTP 401', 'reachable', 'exported t2', 'refused t3: HTTP 422']);
  });

  it('says the backend is reachable again when it answers with a refusal after an outage', async () => {
    const { events, queue } = setup([fail('down'), answered(400)]);
    queue.push(item('t1', 1));
    expect(await queue.drain(2000)).toBe(true);
    expect(events.log).toEqual(['unreachable down', 'reachable', 'refused t1: HTTP 400']);
  });

  it('keeps the producer waiting while the queue is full, and lets it go once a batch is exported', async () => {
    const gate = new Gate();
    const { queue } = setup([gate], { maxBatchSpans: 4, maxQueuedSpans: 4 });
    queue.push(item('t1', 2));
    expect(queue.full).toBe(false);
    await expect(queue.waitForRoom()).resolves.toBeUndefined();
    queue.push(item('t2', 2));
    expect(queue.full).toBe(true);

    const room = queue.waitForRoom();
    expect(await isSettled(room)).toBe(false);
    gate.resolve();
    expect(await isSettled(room)).toBe(true);
    expect(queue.full).toBe(false);
    expect(await queue.drain(1000)).toBe(true);
  });

  it('keeps the producer waiting until enough is exported, not merely until one batch is', async () => {
    const first = new Gate();
    const second = new Gate();
    const { queue } = setup([first, second], { maxBatchSpans: 2, maxQueuedSpans: 4 });
    queue.push(item('t1', 2));
    queue.push(item('t2', 2));
    queue.push(item('t3', 2));
    const room = queue.waitForRoom();
    first.resolve();
    // 4 spans still queued (t2 in flight, t3 pending): still full.
    expect(await isSettled(room)).toBe(false);
    expect(queue.full).toBe(true);
    second.resolve();
    expect(await isSettled(room)).toBe(true);
    expect(await queue.drain(1000)).toBe(true);
  });

  it('holds the lines of the batch in flight and of every pending trace until they are exported', async () => {
    const first = new Gate();
    const second = new Gate();
    const { queue } = setup([first, second], { maxBatchSpans: 1 });
    queue.push(item('t1', 1, 100));
    queue.push(item('t2', 1, 200));
    queue.push(item('t3', 1, 300));
    expect(firstLines(queue)).toEqual([100, 200, 300]);

    first.resolve();
    await sleep(20);
    expect(firstLines(queue)).toEqual([200, 300]);
    second.resolve();
    expect(await queue.drain(1000)).toBe(true);
    expect(firstLines(queue)).toEqual([]);
  });

  it('holds the lines of a batch that keeps failing', async () => {
    const { events, queue } = setup([fail('down'), fail('down'), fail('down'), fail('down'), fail('down'), fail('down')], {
      initialBackoffMs: 5,
      maxBackoffMs: 5,
    });
    queue.push(item('t1', 1, 100));
    await sleep(15);
    expect(events.unreachableErrors).toHaveLength(1);
    expect(firstLines(queue)).toEqual([100]);
    expect(await queue.drain(1000)).toBe(true);
    expect(firstLines(queue)).toEqual([]);
  });

  it('drain() resolves false when the timeout passes first, and true at once when there is nothing to export', async () => {
    const gate = new Gate();
    const { queue } = setup([gate]);
    expect(await queue.drain(0)).toBe(true);
    queue.push(item('t1', 1));
    const started = performance.now();
    expect(await queue.drain(50)).toBe(false);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    gate.resolve();
    expect(await queue.drain(1000)).toBe(true);
  });

  it('stop() during an outage ends the retries: drain() resolves false and the batch stays held', async () => {
    const { exporter, events, queue } = setup(Array.from({ length: 100 }, () => fail('connection refused')), {
      initialBackoffMs: 10_000,
      maxBackoffMs: 10_000,
    });
    queue.push(item('t1', 1, 100));
    queue.push(item('t2', 1, 200));
    await sleep(20);
    expect(events.log).toEqual(['unreachable connection refused']);

    const drained = queue.drain(5000);
    queue.stop();
    const started = performance.now();
    expect(await drained).toBe(false);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(queue.idle).toBe(true);
    expect(events.exported).toEqual([]);
    expect(firstLines(queue)).toEqual([100, 200]);
    // Nothing is exported after stop(), and the producer is no longer kept waiting.
    queue.push(item('t3', 1, 300));
    await sleep(20);
    expect(exporter.calls).toHaveLength(1);
    expect(firstLines(queue)).toEqual([100, 200, 300]);
    await expect(queue.waitForRoom()).resolves.toBeUndefined();
  });

  // drain() must count the batch in flight: stopping during an outage leaves it unexported.
  it('stop() during an outage makes drain() resolve false even when the only unexported trace is the batch in flight', async () => {
    const { events, queue } = setup(Array.from({ length: 100 }, () => fail('connection refused')), {
      initialBackoffMs: 10_000,
      maxBackoffMs: 10_000,
    });
    queue.push(item('t1', 1, 100));
    await sleep(20);
    expect(events.log).toEqual(['unreachable connection refused']);

    const drained = queue.drain(5000);
    queue.stop();
    expect(firstLines(queue)).toEqual([100]);
    expect(await drained).toBe(false);
  });

  it('releases a producer waiting for room when stopped', async () => {
    const gate = new Gate();
    const { queue } = setup([gate], { maxQueuedSpans: 1 });
    queue.push(item('t1', 1));
    const room = queue.waitForRoom();
    expect(await isSettled(room)).toBe(false);
    queue.stop();
    expect(await isSettled(room)).toBe(true);
    gate.resolve(fail('late'));
  });
});
