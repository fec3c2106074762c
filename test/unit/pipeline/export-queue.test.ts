import { describe, expect, it } from 'vitest';
import { OtlpExportError } from '../../../src/export/otlp-target.js';
import type { ExportOutcome, TraceExporter } from '../../../src/export/trace-exporter.js';
import { ExportQueue } from '../../../src/pipeline/export-queue.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { PipelineStats } from '../../../src/telemetry/pipeline-stats.js';

function trace(n: number, spans: number): FinishedTrace {
  const span = (i: number): SpanRecord => ({
    traceId: n.toString(16).padStart(32, '0'),
    spanId: (i + 1).toString(16).padStart(16, '0'),
    name: 'x',
    kind: 'internal',
    startMs: 0,
    endMs: 1,
    attributes: {},
    status: { code: 'unset' },
    events: [],
  });
  return { traceId: n.toString(16).padStart(32, '0'), incomplete: false, spans: Array.from({ length: spans }, (_, i) => span(i)) };
}

class RecordingExporter implements TraceExporter {
  readonly sentAt: number[] = [];
  readonly batches: number[] = [];
  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    this.sentAt.push(Date.now());
    this.batches.push(traces.reduce((n, t) => n + t.spans.length, 0));
    return Promise.resolve({ status: 'success' });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

describe('ExportQueue --max-rate', () => {
  it('spaces batches so that no more than max-rate spans a second go out', async () => {
    const exporter = new RecordingExporter();
    const queue = new ExportQueue(exporter, 10, new PipelineStats(), 100);
    for (let i = 1; i <= 4; i++) queue.push(trace(i, 10));
    await queue.drain();
    expect(exporter.batches).toEqual([10, 10, 10, 10]);
    // 10 spans at 100/s: 100 ms per batch (a little slack for timer rounding).
    const gaps = exporter.sentAt.slice(1).map((t, i) => t - (exporter.sentAt[i] as number));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(95);
  });

  it('paces the trace-by-trace resend of a refused batch too', async () => {
    const exporter = new RecordingExporter();
    const refusing: TraceExporter = {
      export: (traces) => {
        void exporter.export(traces);
        return Promise.resolve(traces.length > 1 ? { status: 'refused', error: new OtlpExportError('HTTP 400', 400) } : { status: 'success' });
      },
      shutdown: () => Promise.resolve(),
    };
    const queue = new ExportQueue(refusing, 20, new PipelineStats(), 100);
    queue.push(trace(1, 10));
    queue.push(trace(2, 10));
    await queue.drain();
    expect(exporter.batches).toEqual([20, 10, 10]);
    // 20 spans, then 10 and 10, at 100 spans/s: 200 ms after the batch, 100 ms between the two resends.
    const gaps = exporter.sentAt.slice(1).map((t, i) => t - (exporter.sentAt[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(195);
    expect(gaps[1]).toBeGreaterThanOrEqual(95);
  });

  it('does not wait without a limit', async () => {
    const exporter = new RecordingExporter();
    const queue = new ExportQueue(exporter, 10, new PipelineStats());
    for (let i = 1; i <= 4; i++) queue.push(trace(i, 10));
    await queue.drain();
    expect(exporter.batches).toEqual([10, 10, 10, 10]);
  });
});

describe('ExportQueue bounded by spans', () => {
  it('sends a trace bigger than a batch in parts of at most maxBatchSpans, every span once, counted as one trace', async () => {
    const exporter = new RecordingExporter();
    const stats = new PipelineStats();
    const queue = new ExportQueue(exporter, 1000, stats);
    queue.push(trace(1, 2_500));
    queue.push(trace(2, 10));
    while (queue.full) await queue.sendFull();
    await queue.drain();
    expect(Math.max(...exporter.batches)).toBeLessThanOrEqual(1000);
    expect(exporter.batches.reduce((a, b) => a + b, 0)).toBe(2_510);
    expect(stats).toMatchObject({ traces: 2, spansExported: 2_510 });
  });
});
