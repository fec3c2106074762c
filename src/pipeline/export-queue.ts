import { partialRejectionMessage } from '../export/partial-rejection.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { BatchDelivery, problemOf, spanTally, takeBatch } from './batch-delivery.js';

/**
 * Collects finished traces into batches of about `maxBatchSpans` spans and
 * hands them to the exporter, with as many requests in flight as the
 * exporter allows. The producer awaits `sendFull()` when `full`, which is
 * what bounds memory: reading waits for the exporter. Backfill's retry policy
 * is none (batch-delivery.ts): a failed batch is counted, and a re-run sends it
 * again; a refused batch is sent again trace by trace, so only the trace the
 * backend refuses is lost.
 */
export class ExportQueue {
  private pending: FinishedTrace[] = [];
  private pendingSpans = 0;
  /** The first export failure, kept for the summary. */
  firstError: Error | undefined;

  /** When the next batch may go, under --max-rate. */
  private nextSendMs = 0;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly delivery: BatchDelivery<FinishedTrace>;

  constructor(
    private readonly exporter: TraceExporter,
    private readonly maxBatchSpans: number,
    private readonly stats: PipelineStats,
    /** Spans per second at most (a backfill must not flood a shared collector); undefined = no limit. */
    private readonly maxRate?: number,
  ) {
    this.delivery = new BatchDelivery({
      send: (traces) => exporter.export(traces),
      size: (trace) => trace.spans.length,
      policy: { retry: 'never' },
      splitRefused: true,
      tally: spanTally(stats),
      // Sent again: paced like any other send, so a refusal cannot make a backfill exceed --max-rate.
      beforeSplitSend: (spans) => this.pace(spans),
    });
  }

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
    const batch = takeBatch(this.pending, (trace) => trace.spans.length, this.maxBatchSpans);
    const spans = this.delivery.weight(batch);
    this.pendingSpans -= spans;
    await this.pace(spans);
    const request: Promise<void> = this.exportBatch(batch).then(() => {
      this.inFlight.delete(request);
    });
    this.inFlight.add(request);
  }

  private async exportBatch(batch: readonly FinishedTrace[]): Promise<void> {
    // Never undefined: nothing stops a backfill's delivery, which does not retry.
    for (const { answer } of (await this.delivery.deliver(batch)) ?? []) this.firstError ??= problemOf(answer, partialRejectionMessage);
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
}
