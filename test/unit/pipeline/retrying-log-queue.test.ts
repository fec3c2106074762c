import { describe, expect, it, vi } from 'vitest';
import type { OtlpLogRecord } from '../../../src/export/logs/otlp-log-record.js';
import { OtlpExportError } from '../../../src/export/otlp-target.js';
import type { ExportOutcome } from '../../../src/export/trace-exporter.js';
import type { LogSink } from '../../../src/pipeline/log-queue.js';
import { RetryingLogQueue, type LogQueueEvents } from '../../../src/pipeline/retrying-log-queue.js';
import type { TraceLines } from '../../../src/model/line-refs.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';

/** Record n is the line at bytes [n*100, n*100+100) of source `file-1`. */
const record = (n: number): OtlpLogRecord => ({ timeMs: n, observedMs: n, severityNumber: 9, severityText: 'INFO', body: `line ${n}`, attributes: {}, traceFlags: 0 });
const at = (n: number) => ({ source: 'file-1', start: n * 100, end: n * 100 + 100 });

/** Answers each request from `answer` (the records' numbers), or leaves it in flight until the test answers it. */
class Sink implements LogSink {
  readonly batches: number[][] = [];
  readonly waiting: ((outcome: ExportOutcome) => void)[] = [];
  constructor(private readonly answer?: (records: readonly number[]) => ExportOutcome) {}
  export(records: readonly OtlpLogRecord[]): Promise<ExportOutcome> {
    const numbers = records.map((r) => r.timeMs);
    this.batches.push(numbers);
    if (this.answer !== undefined) return Promise.resolve(this.answer(numbers));
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  async shutdown(): Promise<void> {}
}

function events(): LogQueueEvents & { said: string[] } {
  const said: string[] = [];
  return {
    said,
    unreachable: (error) => said.push(`unreachable: ${error.message}`),
    reachable: () => said.push('reachable'),
    refused: (records, error) => said.push(`refused ${records}: ${error.message}`),
    partlyRejected: (rejected) => said.push(`dropped ${rejected.spans}: ${rejected.message}`),
  };
}

const firstHeld = (queue: RetryingLogQueue): number | undefined => {
  const held = [...queue.heldLines()] as TraceLines[];
  return held[0]?.get('file-1')?.first;
};

const options = { maxBatch: 3, maxQueued: 6, initialBackoffMs: 1, maxBackoffMs: 4 };
const down: ExportOutcome = { status: 'retryable', error: new OtlpExportError('connect ECONNREFUSED 127.0.0.1:4318', undefined) };

describe('RetryingLogQueue: the follower log records, each holding its line until the backend answers', () => {
  it('sends in order, in batches of maxBatch, and holds the checkpoint at the first record not answered', async () => {
    const sink = new Sink();
    const stats = new PipelineStats();
    const queue = new RetryingLogQueue(sink, options, stats, events());
    for (let n = 1; n <= 5; n++) queue.push(record(n), at(n));
    expect(firstHeld(queue)).toBe(100);
    await vi.waitFor(() => expect(sink.waiting).toHaveLength(1));
    expect(sink.batches).toEqual([[1, 2, 3]]);
    sink.waiting.shift()?.({ status: 'success' });
    await vi.waitFor(() => expect(sink.batches).toHaveLength(2));
    // The first batch is answered: only records 4 and 5 hold their lines.
    expect(firstHeld(queue)).toBe(400);
    sink.waiting.shift()?.({ status: 'success' });
    expect(await queue.drain(1_000)).toBe(true);
    expect(sink.batches).toEqual([[1, 2, 3], [4, 5]]);
    expect(firstHeld(queue)).toBeUndefined();
    expect(stats.logRecordsExported).toBe(5);
  });

  it('retries a down collector until it answers, said once each way, and meanwhile keeps the producer waiting once full', async () => {
    let up = false;
    const sink = new Sink(() => (up ? { status: 'success' } : down));
    const said = events();
    const stats = new PipelineStats();
    const queue = new RetryingLogQueue(sink, options, stats, said);
    for (let n = 1; n <= 6; n++) queue.push(record(n), at(n));
    expect(queue.full).toBe(true);
    let room = false;
    void queue.waitForRoom().then(() => (room = true));
    await vi.waitFor(() => expect(sink.batches.length).toBeGreaterThan(3));
    expect(room).toBe(false);
    expect(firstHeld(queue)).toBe(100);
    up = true;
    expect(await queue.drain(2_000)).toBe(true);
    expect(room).toBe(true);
    expect(stats.logRecordsExported).toBe(6);
    expect(stats.logRecordsFailed).toBe(0);
    expect(said.said).toEqual(['unreachable: connect ECONNREFUSED 127.0.0.1:4318', 'reachable']);
    // Every attempt was the first batch until it went through: nothing skipped, nothing reordered.
    expect(sink.batches.filter((batch) => batch[0] !== 1).flat()).toEqual([4, 5, 6]);
  });

  it('a refused batch is halved until the one record the backend refuses alone is given up: counted, said, its line settled', async () => {
    const refusal: ExportOutcome = { status: 'refused', error: new OtlpExportError('HTTP 413: payload too large', 413) };
    const sink = new Sink((numbers) => (numbers.includes(2) ? refusal : { status: 'success' }));
    const said = events();
    const stats = new PipelineStats();
    const queue = new RetryingLogQueue(sink, { ...options, maxBatch: 4 }, stats, said);
    for (let n = 1; n <= 4; n++) queue.push(record(n), at(n));
    expect(await queue.drain(1_000)).toBe(true);
    expect(sink.batches).toEqual([[1, 2, 3, 4], [1, 2], [1], [2], [3, 4]]);
    expect(stats.logRecordsExported).toBe(3);
    expect(stats.logRecordsFailed).toBe(1);
    expect(said.said).toEqual(['refused 1: HTTP 413: payload too large']);
    expect(firstHeld(queue)).toBeUndefined();
  });

  it('a partial success counts the records the backend dropped as failed and does not send them again', async () => {
    const sink = new Sink(() => ({ status: 'success', rejected: { spans: 2, message: 'body too long' } }));
    const said = events();
    const stats = new PipelineStats();
    const queue = new RetryingLogQueue(sink, options, stats, said);
    for (let n = 1; n <= 3; n++) queue.push(record(n), at(n));
    expect(await queue.drain(1_000)).toBe(true);
    expect(sink.batches).toEqual([[1, 2, 3]]);
    expect(stats.logRecordsExported).toBe(1);
    expect(stats.logRecordsFailed).toBe(2);
    expect(said.said).toEqual(['dropped 2: body too long']);
  });

  it('stopped while the collector is down: nothing is settled, the records still hold their lines', async () => {
    const sink = new Sink(() => down);
    const queue = new RetryingLogQueue(sink, options, new PipelineStats(), events());
    for (let n = 2; n <= 5; n++) queue.push(record(n), at(n));
    await vi.waitFor(() => expect(sink.batches.length).toBeGreaterThan(1));
    queue.stop();
    expect(await queue.drain(1_000)).toBe(false);
    expect(firstHeld(queue)).toBe(200);
    await queue.waitForRoom();
  });
});
