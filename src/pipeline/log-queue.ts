import type { OtlpLogRecord } from '../export/logs/otlp-log-record.js';
import type { ExportOutcome } from '../export/trace-exporter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/** Where log records go (logs/otlp-log-exporter.ts, or a test's sink). */
export interface LogSink {
  export(records: readonly OtlpLogRecord[]): Promise<ExportOutcome>;
  shutdown(): Promise<void>;
}

/**
 * Collects log records into batches of `maxBatch` and sends them one request at a time, in the
 * order pushed. The producer awaits `sendFull()` when `full`: memory holds at most one batch.
 * `pace` is the span queue's (--max-rate is one budget for spans and log records).
 */
export class LogQueue {
  private pending: OtlpLogRecord[] = [];
  /** The first failure, or the first partial rejection, for the operator. */
  firstError: Error | undefined;

  constructor(
    private readonly sink: LogSink,
    private readonly maxBatch: number,
    private readonly stats: PipelineStats,
    private readonly pace: (records: number) => Promise<void>,
  ) {}

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
    const batch = this.pending.splice(0, Math.max(1, this.maxBatch));
    await this.pace(batch.length);
    const outcome = await this.sink.export(batch);
    if (outcome.status !== 'success') {
      this.stats.logRecordsFailed += batch.length;
      this.firstError ??= outcome.error;
      return;
    }
    const rejected = Math.min(batch.length, outcome.rejected?.spans ?? 0);
    this.stats.logRecordsExported += batch.length - rejected;
    if (outcome.rejected === undefined || rejected === 0) return;
    // Answered 200 but dropped some: failed, not sent again (they would be dropped again).
    this.stats.logRecordsFailed += rejected;
    const words = outcome.rejected.message === '' ? '' : `: ${outcome.rejected.message}`;
    this.firstError ??= new Error(`the backend accepted a logs request but rejected ${rejected} log record${rejected === 1 ? '' : 's'} of it (OTLP partial success)${words}`);
  }
}
