import type { ExportOutcome, TraceExporter } from '../export/trace-exporter.js';
import type { FinishedTrace } from '../reconstruct/span-record.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * Collects finished traces into batches of about `maxBatchSpans` spans and
 * hands them to the exporter one batch at a time. The producer awaits
 * `drain()` when `full`, which is what bounds memory: reading waits for
 * the exporter.
 */
export class ExportQueue {
  private pending: FinishedTrace[] = [];
  private pendingSpans = 0;
  /** The first export failure, kept for the summary. */
  firstError: Error | undefined;

  constructor(
    private readonly exporter: TraceExporter,
    private readonly maxBatchSpans: number,
    private readonly stats: PipelineStats,
  ) {}

  get full(): boolean {
    return this.pendingSpans >= this.maxBatchSpans;
  }

  push(trace: FinishedTrace): void {
    this.pending.push(trace);
    this.pendingSpans += trace.spans.length;
    this.stats.traces++;
  }

  /** Exports everything queued, in batches. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch: FinishedTrace[] = [];
      let spans = 0;
      while (this.pending.length > 0 && (batch.length === 0 || spans + (this.pending[0]?.spans.length ?? 0) <= this.maxBatchSpans)) {
        const trace = this.pending.shift() as FinishedTrace;
        batch.push(trace);
        spans += trace.spans.length;
      }
      this.pendingSpans -= spans;
      this.record(await this.exporter.export(batch), spans);
    }
  }

  private record(outcome: ExportOutcome, spans: number): void {
    if (outcome.status === 'success') {
      this.stats.spansExported += spans;
      return;
    }
    this.stats.spansFailed += spans;
    this.stats.exportBatchesFailed++;
    this.firstError ??= outcome.error;
  }
}
