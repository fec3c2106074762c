import type { PartialRejection } from '../export/partial-rejection.js';
import type { ExportOutcome } from '../export/trace-exporter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * What a queue does with a retryable failure (send-result.ts decided it): give the batch up
 * (backfill: it is counted failed, and a re-run sends it again), or try again with a doubling
 * backoff until the backend answers or the queue is stopped (follow: nothing is dropped).
 */
export type RetryPolicy = { retry: 'never' } | { retry: 'forever'; initialBackoffMs: number; maxBackoffMs: number };

/** How a group of items ended: accepted (maybe with spans dropped), refused by the backend, or failed and given up (`retry: 'never'`). */
export type Answer = { status: 'accepted'; rejected?: PartialRejection } | { status: 'refused'; error: Error } | { status: 'failed'; error: Error };

export interface Answered<Item> {
  items: readonly Item[];
  answer: Answer;
}

/** Where what is delivered is counted: spans, or log records. */
export interface DeliveryTally {
  delivered(count: number): void;
  failed(count: number): void;
  /** One request that failed in a way that may pass later. */
  attemptFailed(): void;
}

export interface DeliveryOptions<Item> {
  send(items: readonly Item[]): Promise<ExportOutcome>;
  /** What an item weighs in the tally: a trace's spans, 1 for a log record. */
  size(item: Item): number;
  policy: RetryPolicy;
  /**
   * A refused batch of several items is sent again item by item, so only what the backend refuses
   * alone is given up. Off for log records: nothing there is kept for a replay.
   */
  splitRefused: boolean;
  tally: DeliveryTally;
  /** Awaited before each item-by-item resend of a refused batch (--max-rate pacing). */
  beforeSplitSend?(size: number): Promise<void>;
  /** A request failed in a way that may pass later. */
  attemptFailed?(error: Error): void;
  /** The backend answered (accepted or refused): it is reachable. */
  answered?(): void;
}

/**
 * The core every export queue shares (backfill's spans and log records, follow's spans): one batch
 * sent until it is answered under the retry policy, a refused batch split to find what the
 * backend refuses, and the counting of what was delivered, dropped or failed. The queues around it
 * keep their own order, bounds and concurrency.
 */
export class BatchDelivery<Item> {
  private stopped = false;
  private wakeFromBackoff: (() => void) | undefined;

  constructor(private readonly options: DeliveryOptions<Item>) {}

  /**
   * Exports one batch; resolves with how each group of its items ended, counted. Undefined when the
   * queue was stopped before every item was answered: nothing of it is counted, it stays
   * unsettled (read again after a restart).
   */
  async deliver(batch: readonly Item[]): Promise<Answered<Item>[] | undefined> {
    const answer = await this.answer(batch);
    if (answer === undefined) return undefined;
    let answers: Answered<Item>[] = [{ items: batch, answer }];
    if (answer.status === 'refused' && batch.length > 1 && this.options.splitRefused) {
      answers = [];
      for (const item of batch) {
        await this.options.beforeSplitSend?.(this.options.size(item));
        const alone = await this.answer([item]);
        if (alone === undefined) return undefined;
        answers.push({ items: [item], answer: alone });
      }
    }
    for (const { items, answer: each } of answers) this.count(items, each);
    return answers;
  }

  /** Stops retrying: a batch waiting for its next attempt resolves undefined. */
  stop(): void {
    this.stopped = true;
    this.wakeFromBackoff?.();
  }

  weight(items: readonly Item[]): number {
    let total = 0;
    for (const item of items) total += this.options.size(item);
    return total;
  }

  private count(items: readonly Item[], answer: Answer): void {
    const size = this.weight(items);
    // What the backend said it dropped is not sent again (it would drop it again): failed.
    const dropped = answer.status === 'accepted' ? Math.min(size, answer.rejected?.spans ?? 0) : size;
    this.options.tally.delivered(size - dropped);
    this.options.tally.failed(dropped);
  }

  /**
   * Sends `items` until the backend answers under the retry policy, without splitting or counting
   * what was delivered (failed attempts are counted): for a queue that splits its own way
   * (retrying-log-queue.ts halves a refused batch). Undefined when stopped first.
   */
  async answer(items: readonly Item[]): Promise<Answer | undefined> {
    const policy = this.options.policy;
    let backoff = policy.retry === 'forever' ? policy.initialBackoffMs : 0;
    for (;;) {
      const outcome = await this.options.send(items);
      if (outcome.status === 'success') {
        this.options.answered?.();
        return outcome.rejected === undefined ? { status: 'accepted' } : { status: 'accepted', rejected: outcome.rejected };
      }
      if (outcome.status === 'refused') {
        this.options.answered?.();
        return outcome;
      }
      this.options.tally.attemptFailed();
      this.options.attemptFailed?.(outcome.error);
      if (policy.retry === 'never') return { status: 'failed', error: outcome.error };
      if (this.stopped) return undefined;
      await this.pause(backoff);
      if (this.stopped) return undefined;
      backoff = Math.min(backoff * 2, policy.maxBackoffMs);
    }
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
}

/** Takes from the front of `pending` as many items as fit in `max` (at least one): one batch, in order. */
export function takeBatch<Item>(pending: Item[], size: (item: Item) => number, max: number): Item[] {
  let taken = 0;
  let weight = 0;
  for (const item of pending) {
    if (taken > 0 && weight + size(item) > max) break;
    weight += size(item);
    taken++;
  }
  return pending.splice(0, taken);
}

/** Spans delivered, dropped or failed, into the run's stats. */
export function spanTally(stats: PipelineStats): DeliveryTally {
  return {
    delivered: (count) => (stats.spansExported += count),
    failed: (count) => (stats.spansFailed += count),
    attemptFailed: () => stats.exportBatchesFailed++,
  };
}

/** Log records delivered, dropped or failed, into the run's stats. */
export function logTally(stats: PipelineStats): DeliveryTally {
  return {
    delivered: (count) => (stats.logRecordsExported += count),
    failed: (count) => (stats.logRecordsFailed += count),
    attemptFailed: () => undefined,
  };
}

/** What an operator is told first about a batch that did not all arrive: the error, or what the backend said it dropped. */
export function problemOf(answer: Answer, describeRejection: (rejected: PartialRejection) => string): Error | undefined {
  if (answer.status !== 'accepted') return answer.error;
  return answer.rejected === undefined ? undefined : new Error(describeRejection(answer.rejected));
}
