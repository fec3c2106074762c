import type { OtlpLogRecord } from '../export/logs/otlp-log-record.js';
import type { PartialRejection } from '../export/partial-rejection.js';
import type { LineRef, TraceLines } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { BatchDelivery, logTally } from './batch-delivery.js';
import type { LogSink } from './log-queue.js';
import { FollowingQueue, type FollowingBackoff, type OutageEvents } from './following-queue.js';

/** A log record on its way out, with the line it holds until the backend has answered it. */
export interface QueuedLogRecord {
  record: OtlpLogRecord;
  /** Unset for a line that is not checkpointed. */
  at: LineRef | undefined;
}

export interface RetryingLogQueueOptions extends FollowingBackoff {
  /** Log records per request. */
  maxBatch: number;
  /** Past this many records queued (including the batch in flight), the producer waits: reading pauses. */
  maxQueued: number;
}

export interface LogQueueEvents extends OutageEvents {
  /** The backend refused these records themselves (HTTP 400, 413, 422, each alone or in a batch of one): counted as failed, their lines settled. */
  refused(records: number, error: Error): void;
  /** Answered 200 with records dropped (OTLP partial success): counted as failed, not sent again, the lines settled. */
  partlyRejected(rejected: PartialRejection): void;
}

/**
 * The follower's log records (--logs): bounded, ordered, and never dropping what a backend could
 * still take, as RetryingExportQueue is for spans. One request is in flight at a time; a failed one is
 * retried with backoff until the backend answers it or the queue is stopped. A record is the second
 * hold on its line (the first is its trace's): `heldLines()` keeps the checkpoint before every record
 * not answered yet, and an answer (accepted, refused, partly rejected) releases it. A refused batch is
 * halved and sent again, so that one record the backend will not take (too big, a bad attribute) is
 * the only one given up, in log2(batch) more requests rather than one per record.
 */
export class RetryingLogQueue extends FollowingQueue<QueuedLogRecord> {
  /** Sends with the span queue's policy (batch-delivery.ts: retried forever); the halving and the counting are this queue's. */
  protected readonly delivery: BatchDelivery<QueuedLogRecord>;
  // The records of a chunk are pushed one by one in the same turn: let them all in before the first batch is cut.
  protected override gatherTurn = true;

  constructor(
    sink: LogSink,
    private readonly options: RetryingLogQueueOptions,
    private readonly stats: PipelineStats,
    private readonly events: LogQueueEvents,
  ) {
    super();
    this.delivery = new BatchDelivery({
      send: (items) => sink.export(items.map((item) => item.record)),
      size: () => 1,
      ...this.followingDelivery(options, events),
      splitRefused: false,
      tally: { ...logTally(stats), attemptFailed: () => stats.exportBatchesFailed++ },
    });
  }

  get full(): boolean {
    return this.pending.length + this.inFlight.length >= this.options.maxQueued;
  }

  push(record: OtlpLogRecord, at: LineRef | undefined): void {
    this.enqueue({ record, at });
  }

  /**
   * Where the records not answered yet start, per source: one range for all of them (the
   * checkpoint is a low-water mark, so only the first byte matters), made at each checkpoint write.
   */
  *heldLines(): Iterable<TraceLines> {
    const held: TraceLines = new Map();
    const hold = (items: readonly QueuedLogRecord[]): void => {
      for (const { at } of items) {
        if (at === undefined) continue;
        const range = held.get(at.source);
        if (range === undefined) held.set(at.source, { first: at.start, last: at.end });
        else if (at.start < range.first) range.first = at.start;
      }
    };
    hold(this.inFlight);
    hold(this.pending);
    if (held.size > 0) yield held;
  }

  protected takeBatch(): readonly QueuedLogRecord[] {
    return this.pending.splice(0, Math.max(1, this.options.maxBatch));
  }

  /** Sends `batch` until the backend answers it; a refused batch of several is sent again in halves. False if stopped first. */
  protected async send(batch: readonly QueuedLogRecord[]): Promise<boolean> {
    const answer = await this.delivery.answer(batch);
    if (answer === undefined) return false;
    switch (answer.status) {
      // Not under a policy that retries forever: kept for the type's sake, as not answered.
      case 'failed':
        return false;
      case 'accepted': {
        const rejected = Math.min(batch.length, answer.rejected?.spans ?? 0);
        this.stats.logRecordsExported += batch.length - rejected;
        this.stats.logRecordsFailed += rejected;
        if (answer.rejected !== undefined && rejected > 0) this.events.partlyRejected({ spans: rejected, message: answer.rejected.message });
        return true;
      }
      case 'refused': {
        if (batch.length === 1) {
          this.stats.logRecordsFailed++;
          this.events.refused(1, answer.error);
          return true;
        }
        const half = Math.ceil(batch.length / 2);
        return (await this.send(batch.slice(0, half))) && (await this.send(batch.slice(half)));
      }
    }
  }
}
