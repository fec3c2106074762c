import { isRefusal } from '../export/otlp-target.js';
import { partialRejectionMessage } from '../export/partial-rejection.js';
import type { ExportOutcome, TraceExporter } from '../export/trace-exporter.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * Collects finished traces into batches of about `maxBatchSpans` spans and
 * hands them to the exporter, with as many requests in flight as the
 * exporter allows. The producer awaits `sendFull()` when `full`, which is
 * what bounds memory: reading waits for the exporter.
 */
export class ExportQueue {
  private pending: FinishedTrace[] = [];
  private pendingSpans = 0;
  /** The first export failure, kept for the summary. */
  firstError: Error | undefined;

  /** When the next batch may go, under --max-rate. */
  private nextSendMs = 0;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly exporter: TraceExporter,
    private readonly maxBatchSpans: number,
    private readonly stats: PipelineStats,
    /** Spans per second at most (a backfill must not flood a shared collector); undefined = no limit. */
    private readonly maxRate?: number,
  ) {}

  get full(): boolean {
    return this.pendingSpans >= this.maxBatchSpans;
  }

  /**
   * A trace of more than `maxBatchSpans` spans goes in parts of that size (same trace id, the
   * backend joins them): a batch, and what the export worker holds of it at once, stays bounded
   * whatever the trace's size.
   */
  push(trace: FinishedTrace): void {
    this.stats.traces++;
    const size = Math.max(1, this.maxBatchSpans);
    if (trace.spans.length <= size) return this.add(trace);
    for (let at = 0; at < trace.spans.length; at += size) this.add({ ...trace, spans: trace.spans.slice(at, at + size) });
  }

  private add(trace: FinishedTrace): void {
    this.pending.push(trace);
    this.pendingSpans += trace.spans.length;
  }

  /**
   * Sends full batches, keeping up to the exporter's `concurrency` requests
   * in flight; resolves as soon as one more may start, so reading goes on
   * while earlier batches are on the wire. Memory stays bounded: at most one
   * batch pending plus the batches in flight.
   */
  async sendFull(): Promise<void> {
    while (this.full) await this.sendBatch();
  }

  /** Exports everything queued, and waits for every request. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.sendBatch();
    await Promise.all(this.inFlight);
  }

  private async sendBatch(): Promise<void> {
    while (this.inFlight.size >= (this.exporter.concurrency ?? 1)) await Promise.race(this.inFlight);
    const batch: FinishedTrace[] = [];
    let spans = 0;
    while (this.pending.length > 0 && (batch.length === 0 || spans + (this.pending[0]?.spans.length ?? 0) <= this.maxBatchSpans)) {
      const trace = this.pending.shift() as FinishedTrace;
      batch.push(trace);
      spans += trace.spans.length;
    }
    this.pendingSpans -= spans;
    await this.pace(spans);
    const request: Promise<void> = this.exportBatch(batch, spans).then(() => {
      this.inFlight.delete(request);
    });
    this.inFlight.add(request);
  }

  private async exportBatch(batch: readonly FinishedTrace[], spans: number): Promise<void> {
    const outcome = await this.exporter.export(batch);
    if (outcome.status === 'failure' && batch.length > 1 && isRefusal(outcome.error)) {
      // One trace may be what the backend refuses (otlp-target.ts): send them one by one, so only it fails.
      for (const trace of batch) {
        // Sent again: paced like any other send, so a refusal cannot make a backfill exceed --max-rate.
        await this.pace(trace.spans.length);
        this.record(await this.exporter.export([trace]), trace.spans.length);
      }
      return;
    }
    this.record(outcome, spans);
  }

  /**
   * Spaces batches so that no more than maxRate spans a second are sent. The next slot counts from
   * when this wait really ended: a timer that fired late (a busy machine) must not let the next
   * batch follow closer than its share of a second. Log records (log-queue.ts) are paced here too:
   * one --max-rate budget for everything a backfill sends.
   */
  async pace(spans: number): Promise<void> {
    if (this.maxRate === undefined) return;
    const wait = this.nextSendMs - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.nextSendMs = Math.max(Date.now(), this.nextSendMs) + (spans / this.maxRate) * 1000;
  }

  private record(outcome: ExportOutcome, spans: number): void {
    if (outcome.status === 'success') {
      const rejected = Math.min(spans, outcome.rejected?.spans ?? 0);
      this.stats.spansExported += spans - rejected;
      if (outcome.rejected === undefined) return;
      // Answered 200, but the backend says it dropped some: failed, and not sent again (it would drop them again).
      this.stats.spansFailed += rejected;
      this.firstError ??= new Error(partialRejectionMessage(outcome.rejected));
      return;
    }
    this.stats.spansFailed += spans;
    this.stats.exportBatchesFailed++;
    this.firstError ??= outcome.error;
  }
}
