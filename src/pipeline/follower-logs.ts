import type { LogScrub } from '../export/logs/log-scrub.js';
import { toOtlpLogRecord } from '../export/logs/otlp-log-record.js';
import type { PartialRejection } from '../export/partial-rejection.js';
import type { TraceLines } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import type { RecordTap } from './line-intake.js';
import type { LogSink } from './log-queue.js';
import { RateLimitedNote } from './repeating-notes.js';
import { RetryingLogQueue } from './retrying-log-queue.js';

/** --logs for a follower: where log records go, what their text goes through, and where they go for messages. */
export interface FollowLogs {
  sink: LogSink;
  /** Ids hashed or omitted, --redact, reply text as --capture-content says (logs/log-scrub.ts). */
  scrub: LogScrub;
  /** The logs URL as messages show it (no credentials). */
  target: string;
}

/**
 * The follower's log records (docs/design.md "Delivery guarantee"): the intakes hand every record
 * to `tap`, which makes it a log record at once and queues it with its line; the queue retries a
 * down collector forever and holds the line until the backend has answered (`heldLines`, the
 * checkpoint's second hold besides the trace's). What the backend refuses or drops is counted as
 * failed and said at warn, at most once a minute, and its lines are settled: sent again as they are,
 * the records would be refused again and hold every line after them.
 */
export class FollowerLogs {
  readonly tap: RecordTap;
  private readonly queue: RetryingLogQueue;
  private sinceNote = { refused: 0, dropped: 0 };
  private readonly noteTurn = new RateLimitedNote();

  constructor(
    private readonly logs: FollowLogs,
    limits: { maxBatch: number; maxQueued: number },
    stats: PipelineStats,
    private readonly log: (message: string, level?: 'info' | 'warn' | 'error') => void,
    /** The receive time of a record (the follower's wall clock). */
    now: () => number,
  ) {
    stats.logsOn = true;
    this.queue = new RetryingLogQueue(logs.sink, { ...limits, initialBackoffMs: 500, maxBackoffMs: 30_000 }, stats, {
      unreachable: (error) =>
        log(`logs endpoint unreachable at ${logs.target}: ${error.message}; holding log records and retrying with backoff (reading, and so spans, pause while the queue is full)`, 'warn'),
      reachable: () => log(`logs endpoint reachable again at ${logs.target}; resuming`),
      refused: (records, error) => this.note('refused', records, error.message),
      partlyRejected: (rejected) => this.note('dropped', rejected.spans, rejectionWords(rejected)),
    });
    const scrub = logs.scrub;
    this.tap = (record, position, at) => this.queue.push(toOtlpLogRecord(record, position, now(), scrub), at);
  }

  /** Where the log records not answered yet start: the checkpoint must not pass them. */
  heldLines(): Iterable<TraceLines> {
    return this.queue.heldLines();
  }

  waitForRoom(): Promise<void> {
    return this.queue.waitForRoom();
  }

  drain(timeoutMs: number): Promise<boolean> {
    return this.queue.drain(timeoutMs);
  }

  stop(): void {
    this.queue.stop();
  }

  shutdown(): Promise<void> {
    return this.logs.sink.shutdown();
  }

  /** Said at once, then at most once a minute with what happened since: a backend that refuses everything must not flood the log. */
  private note(kind: 'refused' | 'dropped', records: number, reason: string): void {
    this.sinceNote[kind] += records;
    if (!this.noteTurn.due) return;
    this.noteTurn.said();
    const { refused, dropped } = this.sinceNote;
    this.sinceNote = { refused: 0, dropped: 0 };
    const what = [
      ...(refused > 0 ? [`refused ${refused} log record${refused === 1 ? '' : 's'}`] : []),
      ...(dropped > 0 ? [`accepted but dropped ${dropped} log record${dropped === 1 ? '' : 's'} (OTLP partial success)`] : []),
    ].join(' and ');
    this.log(
      `${this.logs.target} ${what}: ${reason}. Sent again as they are they would be refused again: counted as failed and not kept; the log records after them go on.`,
      'warn',
    );
  }
}

function rejectionWords(rejected: PartialRejection): string {
  return rejected.message === '' ? 'the backend gave no reason' : rejected.message;
}
