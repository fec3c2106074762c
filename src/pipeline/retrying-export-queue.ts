import { isRefusal } from '../export/otlp-target.js';
import type { PartialRejection } from '../export/partial-rejection.js';
import type { ExportOutcome, TraceExporter } from '../export/trace-exporter.js';
import type { TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { TraceLines } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/** A finished trace on its way out, with the lines it holds until it is exported. */
export interface QueuedTrace {
  trace: FinishedTrace;
  exit: TraceExit;
}

export interface RetryingQueueOptions {
  maxBatchSpans: number;
  /** Past this many spans queued (including the batch in flight), the producer waits: reading pauses. */
  maxQueuedSpans: number;
  /** First pause after a failed export; doubles up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export interface ExportEvents {
  /** A batch was accepted: its traces are settled. */
  exported(batch: readonly QueuedTrace[]): void;
  /** Exports started failing (called once per outage). */
  unreachable(error: Error): void;
  /** An export succeeded after an outage. */
  reachable(): void;
  /**
   * The backend refused these traces themselves (otlp-target.ts `isRefusal`): sending them again as they
   * are cannot help, so the queue moves on; the receiver keeps them (dead letter) and settles them.
   */
  refused(items: readonly QueuedTrace[], error: Error): void;
  /**
   * A batch was answered 200, but the backend said it dropped some of its spans (which, it does not
   * say): not sent again by the queue, and not passed to `exported` (the receiver settles it).
   */
  partlyRejected(items: readonly QueuedTrace[], rejected: PartialRejection): void;
}

type Answer = { status: 'accepted'; rejected?: PartialRejection } | { status: 'refused'; error: Error } | { status: 'stopped' };

/**
 * The live export path: bounded, ordered, and never dropping what a backend
 * could still take. One batch is in flight at a time; a failed batch is
 * retried (with backoff, forever) until it is accepted or the queue is
 * stopped; a batch the backend refuses (`isRefusal`) is sent again trace by
 * trace, and only the traces it refuses alone are given up. Meanwhile `waitForRoom()`
 * keeps the producer (the file reader) waiting once the queue is full, so a
 * down collector stops reading instead of growing memory.
 */
export class RetryingExportQueue {
  private readonly pending: QueuedTrace[] = [];
  private inFlight: readonly QueuedTrace[] = [];
  private queuedSpans = 0;
  private running: Promise<void> | undefined;
  private stopped = false;
  private failing = false;
  private wakeFromBackoff: (() => void) | undefined;
  private roomWaiters: (() => void)[] = [];

  constructor(
    private readonly exporter: TraceExporter,
    private readonly options: RetryingQueueOptions,
    private readonly stats: PipelineStats,
    private readonly events: ExportEvents,
  ) {}

  get full(): boolean {
    return this.queuedSpans >= this.options.maxQueuedSpans;
  }

  get idle(): boolean {
    return this.running === undefined;
  }

  push(item: QueuedTrace): void {
    this.pending.push(item);
    this.queuedSpans += item.trace.spans.length;
    this.stats.traces++;
    if (!this.stopped) this.running ??= this.run();
  }

  /** Resolves once there is room (at once when there is), or when the queue is stopped. */
  waitForRoom(): Promise<void> {
    if (!this.full || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** The lines of every trace not yet exported: checkpoints must not pass them. */
  *heldLines(): Iterable<TraceLines> {
    for (const item of this.undelivered()) yield item.exit.lines;
  }

  /** Every trace queued or in flight, not yet exported. */
  *undelivered(): Iterable<QueuedTrace> {
    yield* this.inFlight;
    yield* this.pending;
  }

  /** Resolves true once everything queued is exported, false if `timeoutMs` passes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      while (this.running !== undefined) {
        const done = await Promise.race([this.running.then(() => true), timeout]);
        if (!done) return false;
      }
      return this.pending.length === 0 && this.inFlight.length === 0;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops retrying and exporting: what is not exported stays unsettled (it is read again after a restart). */
  stop(): void {
    this.stopped = true;
    this.wakeFromBackoff?.();
    this.releaseWaiters();
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped && this.pending.length > 0) {
        this.inFlight = this.takeBatch();
        const answer = await this.exportUntilAnswered(this.inFlight);
        if (answer.status === 'stopped') continue;
        if (answer.status === 'accepted') this.accepted(this.inFlight, answer.rejected);
        else if (this.inFlight.length === 1) this.refused(this.inFlight, answer.error);
        // One trace may be what the backend refuses: send the batch's traces one by one, so only it is lost.
        else if (!(await this.exportOneByOne(this.inFlight))) continue;
        this.inFlight = [];
        if (!this.full) this.releaseWaiters();
      }
    } finally {
      this.running = undefined;
    }
  }

  /** False when stopped before every trace was answered (the batch then stays unsettled, to be read again). */
  private async exportOneByOne(batch: readonly QueuedTrace[]): Promise<boolean> {
    const answers: Answer[] = [];
    for (const item of batch) {
      const answer = await this.exportUntilAnswered([item]);
      if (answer.status === 'stopped') return false;
      answers.push(answer);
    }
    batch.forEach((item, i) => {
      const answer = answers[i];
      if (answer?.status === 'refused') this.refused([item], answer.error);
      else this.accepted([item], answer?.status === 'accepted' ? answer.rejected : undefined);
    });
    return true;
  }

  private accepted(items: readonly QueuedTrace[], rejected?: PartialRejection): void {
    const spans = countSpans(items);
    this.queuedSpans -= spans;
    // What the backend said it dropped is not sent again (it would drop it again): failed, and settled.
    const dropped = Math.min(spans, rejected?.spans ?? 0);
    this.stats.spansExported += spans - dropped;
    this.stats.spansFailed += dropped;
    if (rejected === undefined) this.events.exported(items);
    else this.events.partlyRejected(items, rejected);
  }

  private refused(items: readonly QueuedTrace[], error: Error): void {
    const spans = countSpans(items);
    this.queuedSpans -= spans;
    this.stats.spansFailed += spans;
    this.events.refused(items, error);
  }

  /** Exports one batch until the backend answers it: accepted, or refused (`isRefusal`); other failures are retried with backoff. */
  private async exportUntilAnswered(batch: readonly QueuedTrace[]): Promise<Answer> {
    let backoff = this.options.initialBackoffMs;
    for (;;) {
      const outcome: ExportOutcome = await this.exporter.export(batch.map((item) => item.trace));
      const refusal = outcome.status === 'failure' && isRefusal(outcome.error);
      if (outcome.status === 'success' || refusal) {
        // Either way the backend answered: it is reachable.
        if (this.failing) {
          this.failing = false;
          this.events.reachable();
        }
        if (outcome.status === 'failure') return { status: 'refused', error: outcome.error };
        return outcome.rejected === undefined ? { status: 'accepted' } : { status: 'accepted', rejected: outcome.rejected };
      }
      this.stats.exportBatchesFailed++;
      if (!this.failing) {
        this.failing = true;
        this.events.unreachable(outcome.error);
      }
      if (this.stopped) return { status: 'stopped' };
      await this.pause(backoff);
      if (this.stopped) return { status: 'stopped' };
      backoff = Math.min(backoff * 2, this.options.maxBackoffMs);
    }
  }

  private takeBatch(): QueuedTrace[] {
    const batch: QueuedTrace[] = [];
    let spans = 0;
    for (;;) {
      const next = this.pending[0];
      if (next === undefined) break;
      if (batch.length > 0 && spans + next.trace.spans.length > this.options.maxBatchSpans) break;
      batch.push(next);
      spans += next.trace.spans.length;
      this.pending.shift();
    }
    return batch;
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeFromBackoff = done;
    });
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function countSpans(batch: readonly QueuedTrace[]): number {
  let spans = 0;
  for (const item of batch) spans += item.trace.spans.length;
  return spans;
}
