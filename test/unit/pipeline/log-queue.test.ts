import { describe, expect, it } from 'vitest';
import type { OtlpLogRecord } from '../../../src/export/logs/otlp-log-record.js';
import { OtlpExportError } from '../../../src/export/otlp-target.js';
import type { ExportOutcome } from '../../../src/export/trace-exporter.js';
import { ExportQueue } from '../../../src/pipeline/export-queue.js';
import { LogQueue, type LogSink } from '../../../src/pipeline/log-queue.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';

const record = (n: number): OtlpLogRecord => ({ timeMs: n, observedMs: n, severityNumber: 9, severityText: 'INFO', body: `line ${n}`, attributes: {}, traceFlags: 0 });

class Sink implements LogSink {
  readonly sentAt: number[] = [];
  readonly batches: number[][] = [];
  constructor(private readonly answer: (records: readonly OtlpLogRecord[]) => ExportOutcome = () => ({ status: 'success' })) {}
  export(records: readonly OtlpLogRecord[]): Promise<ExportOutcome> {
    this.sentAt.push(Date.now());
    this.batches.push(records.map((r) => r.timeMs));
    return Promise.resolve(this.answer(records));
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('LogQueue', () => {
  it('sends records in the order pushed, in batches of at most maxBatch, and counts them', async () => {
    const sink = new Sink();
    const stats = new PipelineStats();
    const queue = new LogQueue(sink, 3, stats, () => Promise.resolve());
    for (let i = 1; i <= 7; i++) {
      queue.push(record(i));
      if (queue.full) await queue.sendFull();
    }
    await queue.drain();
    expect(sink.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    expect(stats.logRecordsExported).toBe(7);
    expect(stats.logRecordsFailed).toBe(0);
    expect(queue.firstError).toBeUndefined();
  });

  it('shares the span queue\'s --max-rate budget: spans and log records together stay under it', async () => {
    const stats = new PipelineStats();
    const spans = new ExportQueue({ export: () => Promise.resolve({ status: 'success' }), shutdown: () => Promise.resolve() }, 10, stats, 100);
    const sink = new Sink();
    const queue = new LogQueue(sink, 10, stats, (n) => spans.pace(n));
    for (let i = 0; i < 30; i++) queue.push(record(i));
    await queue.drain();
    // 10 records at 100/s: 100 ms apart (a little slack for timer rounding).
    const gaps = sink.sentAt.slice(1).map((t, i) => t - (sink.sentAt[i] as number));
    expect(gaps).toHaveLength(2);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(95);
  });

  it('counts a failed batch and a partial rejection as failed, and keeps the first error', async () => {
    let call = 0;
    const sink = new Sink(() => {
      call++;
      if (call === 1) return { status: 'refused', error: new OtlpExportError('HTTP 400', 400) };
      return { status: 'success', rejected: { spans: 2, message: 'too old' } };
    });
    const stats = new PipelineStats();
    const queue = new LogQueue(sink, 5, stats, () => Promise.resolve());
    for (let i = 0; i < 10; i++) queue.push(record(i));
    await queue.drain();
    expect(stats.logRecordsFailed).toBe(5 + 2);
    expect(stats.logRecordsExported).toBe(3);
    expect(queue.firstError?.message).toBe('HTTP 400');
  });
});
