import type { BatchDelivery, DeliveryOptions } from './batch-delivery.js';
import { runsEndWithin } from './bounded-wait.js';
import { TroubleSpell } from './repeating-notes.js';

/** How a following queue backs off while the backend does not answer. */
export interface FollowingBackoff {
  /** First pause after a failed export; doubles up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/** What a following queue says about an outage. */
export interface OutageEvents {
  /** Exports started failing (called once per outage). */
  unreachable(error: Error): void;
  /** The backend answered again after an outage. */
  reachable(): void;
}

/**
 * What the follower's two queues (spans: retrying-export-queue.ts, log records:
 * retrying-log-queue.ts) share: items wait in order, one batch is in flight at a time, a batch is
 * sent until the backend answers it (BatchDelivery, retried forever) or the queue is stopped, and
 * the producer (the reader) waits while the queue is full, so a down collector pauses reading
 * instead of growing memory. What is not answered stays in the queue when it stops: its lines are
 * held (never settled), to be read again after a restart. A subclass says when it is full, cuts a
 * batch and handles the answers.
 */
export abstract class FollowingQueue<T> {
  protected readonly pending: T[] = [];
  protected inFlight: readonly T[] = [];
  protected stopped = false;
  /** One outage said once, and its end once (the subclass's delivery reports through it). */
  protected readonly outage = new TroubleSpell();
  private running: Promise<void> | undefined;
  private roomWaiters: (() => void)[] = [];
  protected abstract readonly delivery: BatchDelivery<T>;

  abstract get full(): boolean;

  get idle(): boolean {
    return this.running === undefined;
  }

  /** Resolves once there is room (at once when there is), or when the queue is stopped. */
  waitForRoom(): Promise<void> {
    if (!this.full || this.stopped) return Promise.resolve();
    return new Promise((resolve) => this.roomWaiters.push(resolve));
  }

  /** Every item queued or in flight, not answered yet. */
  *undelivered(): Iterable<T> {
    yield* this.inFlight;
    yield* this.pending;
  }

  /** Resolves true once everything queued is answered, false if `timeoutMs` passes first. */
  async drain(timeoutMs: number): Promise<boolean> {
    return (await runsEndWithin(() => this.running, timeoutMs)) && this.pending.length === 0 && this.inFlight.length === 0;
  }

  /** Stops retrying and exporting: what is not answered stays held (its lines are read again after a restart). */
  stop(): void {
    this.stopped = true;
    this.delivery.stop();
    this.releaseWaiters();
  }

  protected enqueue(item: T): void {
    this.pending.push(item);
    if (!this.stopped) this.running ??= this.run();
  }

  /**
   * What both queues' deliveries share: a batch is retried forever, backing off from
   * `initialBackoffMs` to `maxBackoffMs`, and an outage is said once, its end once.
   */
  protected followingDelivery(backoff: FollowingBackoff, events: OutageEvents): Pick<DeliveryOptions<T>, 'policy' | 'attemptFailed' | 'answered'> {
    return {
      policy: { retry: 'forever', initialBackoffMs: backoff.initialBackoffMs, maxBackoffMs: backoff.maxBackoffMs },
      attemptFailed: (error) => this.outage.failed(() => events.unreachable(error)),
      // Accepted or refused, the backend answered: it is reachable.
      answered: () => this.outage.ended(() => events.reachable()),
    };
  }

  /** The next batch, taken off `pending`. */
  protected abstract takeBatch(): readonly T[];

  /** Sends `batch` until the backend answers it and handles the answers; false if the queue was stopped first. */
  protected abstract send(batch: readonly T[]): Promise<boolean>;

  /** Whether to let the current turn's pushes in before the first batch is cut. */
  protected gatherTurn = false;

  private async run(): Promise<void> {
    try {
      if (this.gatherTurn) await Promise.resolve();
      while (!this.stopped && this.pending.length > 0) {
        this.inFlight = this.takeBatch();
        // Stopped before it was answered: the batch stays in flight, its lines held, to be read again.
        if (!(await this.send(this.inFlight))) break;
        this.inFlight = [];
        if (!this.full) this.releaseWaiters();
      }
    } finally {
      this.running = undefined;
    }
  }

  private releaseWaiters(): void {
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
