import type { PartialRejection } from '../export/partial-rejection.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { TraceLines } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { BatchDelivery, spanTally, takeBatch } from './batch-delivery.js';
import { FollowingQueue, type FollowingBackoff, type OutageEvents } from './following-queue.js';

/** A finished trace on its way out, with the lines it holds until it is exported. */
export interface QueuedTrace {
  trace: FinishedTrace;
  exit: TraceExit;
}

export interface RetryingQueueOptions extends FollowingBackoff {
  maxBatchSpans: number;
  /** Past this many spans queued (including the batch in flight), the producer waits: reading pauses. */
  maxQueuedSpans: number;
}

export interface ExportEvents extends OutageEvents {
  /** A batch was accepted: its traces are settled. */
  exported(batch: readonly QueuedTrace[]): void;
  /**
   * The backend refused these traces themselves (the outcome `refused`): sending them again as they
   * are cannot help, so the queue moves on; the receiver keeps them (dead letter) and settles them.
   */
  refused(items: readonly QueuedTrace[], error: Error): void;
  /**
   * A batch was answered 200, but the backend said it dropped some of its spans (which, it does not
   * say): not sent again by the queue, and not passed to `exported` (the receiver settles it).
   */
  partlyRejected(items: readonly QueuedTrace[], rejected: PartialRejection): void;
}

/**
 * The live export path: bounded, ordered, and never dropping what a backend
 * could still take. One batch is in flight at a time; a failed batch is
 * retried (with backoff, forever: batch-delivery.ts) until it is accepted or the
 * queue is stopped; a batch the backend refuses is sent again trace by
 * trace, and only the traces it refuses alone are given up. Meanwhile `waitForRoom()`
 * keeps the producer (the file reader) waiting once the queue is full, so a
 * down collector stops reading instead of growing memory.
 */
export class RetryingExportQueue extends FollowingQueue<QueuedTrace> {
  private queuedSpans = 0;
  protected readonly delivery: BatchDelivery<QueuedTrace>;

  constructor(
    exporter: TraceExporter,
    private readonly options: RetryingQueueOptions,
    private readonly stats: PipelineStats,
    private readonly events: ExportEvents,
  ) {
    super();
    this.delivery = new BatchDelivery({
      send: (items) => exporter.export(items.map((item) => item.trace)),
      size: (item) => item.trace.spans.length,
      ...this.followingDelivery(options, events),
      splitRefused: true,
      tally: spanTally(stats),
    });
  }

  get full(): boolean {
    return this.queuedSpans >= this.options.maxQueuedSpans;
  }

  push(item: QueuedTrace): void {
    this.queuedSpans += item.trace.spans.length;
    this.stats.traces++;
    this.enqueue(item);
  }

  /** The lines of every trace not yet exported: checkpoints must not pass them. */
  *heldLines(): Iterable<TraceLines> {
    for (const item of this.undelivered()) yield item.exit.lines;
  }

  protected takeBatch(): readonly QueuedTrace[] {
    return takeBatch(this.pending, (item) => item.trace.spans.length, this.options.maxBatchSpans);
  }

  protected async send(batch: readonly QueuedTrace[]): Promise<boolean> {
    const answers = await this.delivery.deliver(batch);
    if (answers === undefined) return false;
    for (const { items, answer } of answers) {
      this.queuedSpans -= this.delivery.weight(items);
      // ('failed' is only for a policy that gives up: this one retries until answered.)
      if (answer.status === 'refused') this.events.refused(items, answer.error);
      else if (answer.status === 'accepted' && answer.rejected !== undefined) this.events.partlyRejected(items, answer.rejected);
      else if (answer.status === 'accepted') this.events.exported(items);
    }
    return true;
  }
}
