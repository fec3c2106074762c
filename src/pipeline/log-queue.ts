import type { OtlpLogRecord } from '../export/logs/otlp-log-record.js';
import { partialRejectionMessage } from '../export/partial-rejection.js';
import type { ExportOutcome } from '../export/trace-exporter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { BatchDelivery, logTally, problemOf, takeBatch } from './batch-delivery.js';

/** Where log records go (logs/otlp-log-exporter.ts, or a test's sink). */
export interface LogSink {
  export(records: readonly OtlpLogRecord[]): Promise<ExportOutcome>;
  shutdown(): Promise<void>;
}

/**
 * Collects log records into batches of `maxBatch` and sends them one request at a time, in the
 * order pushed. The producer awaits `sendFull()` when `full`: memory holds at most one batch.
 * `pace` is the span queue's (--max-rate is one budget for spans and log records). Delivered as
 * backfill's spans are (batch-delivery.ts: no retries), but a refused batch is not split: log
 * records are not kept for a replay, so finding the one at fault would save nothing.
 */
export class LogQueue {
  private pending: OtlpLogRecord[] = [];
  /** The first failure, or the first partial rejection, for the operator. */
  firstError: Error | undefined;
  private readonly delivery: BatchDelivery<OtlpLogRecord>;

  constructor(
    sink: LogSink,
    private readonly maxBatch: number,
    stats: PipelineStats,
    private readonly pace: (records: number) => Promise<void>,
  ) {
    this.delivery = new BatchDelivery({ send: (records) => sink.export(records), size: () => 1, policy: { retry: 'never' }, splitRefused: false, tally: logTally(stats) });
  }

  get full(): boolean {
    return this.pending.length >= this.maxBatch;
  }

  push(record: OtlpLogRecord): void {
    this.pending.push(record);
  }

  async sendFull(): Promise<void> {
    while (this.full) await this.sendBatch();
  }

  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.sendBatch();
  }

  private async sendBatch(): Promise<void> {
    const batch = takeBatch(this.pending, () => 1, Math.max(1, this.maxBatch));
    await this.pace(batch.length);
    for (const { answer } of (await this.delivery.deliver(batch)) ?? []) this.firstError ??= problemOf(answer, (rejected) => partialRejectionMessage(rejected, 'log record'));
  }
}
