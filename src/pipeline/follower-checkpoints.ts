import type { SettledTrace } from '../checkpoint/settlement.js';
import type { TraceLines } from '../model/line-refs.js';
import type { SourcePosition } from '../checkpoint/source-position.js';
import type { ExportedTraceSpans } from '../reconstruct/exported-spans.js';
import { TroubleSpell } from './repeating-notes.js';
import type { QueuedTrace } from './retrying-export-queue.js';

/** Where settled traces go and checkpoints are written from (Settlement over a CheckpointStore). */
export interface CheckpointWriter {
  /** The spans delivered before the last stop, that the reconstructor must not send again. */
  readonly exportedSpans: readonly ExportedTraceSpans[];
  settled(trace: SettledTrace): void;
  /** Saves each position, held back before every line of `inFlight`; resolves once written. */
  write(positions: readonly SourcePosition[], inFlight: Iterable<Iterable<TraceLines>>, retired: readonly string[]): Promise<boolean>;
}

/** What the follower's checkpoints are made of, asked at each write. */
export interface CheckpointInputs {
  positions(): SourcePosition[];
  /** Keys of sources gone for good (their checkpoints go). */
  takeRetired(): string[];
  /** Lines of every trace not settled yet: open, queued or in flight, being dead-lettered. */
  unsettled(): Iterable<Iterable<TraceLines>>;
}

/**
 * What leaving the pipeline means for a trace's lines: delivered (or refused and dead-lettered,
 * or too old for the backend) settles them. One exported incomplete because otel-tail is stopping
 * is settled as "to rebuild": its lines are read again next time and it is sent whole (same ids).
 */
export function settledTrace({ trace, exit }: QueuedTrace): SettledTrace {
  return { key: exit.key, lines: exit.lines, rebuildAfterRestart: exit.closedBy === 'flushed' && trace.incomplete, spans: trace.spans };
}

/**
 * The exported-span memory a reload hands on: what was emitted but not delivered is forgotten,
 * so that the next follower, reading its lines again from the checkpoints, sends it.
 */
export function deliveredSpans(
  exported: { forget(key: string, spanIds: Iterable<string>): void; entries(): Iterable<ExportedTraceSpans> },
  undelivered: Iterable<QueuedTrace>,
): ExportedTraceSpans[] {
  for (const { trace, exit } of undelivered) exported.forget(exit.key, trace.spans.map((span) => span.spanId));
  return [...exported.entries()];
}

/**
 * The follower's checkpoint writes: one at a time (a write asked during another waits for it),
 * never past a line not settled, and a failing spell said once at error, then once when it ends.
 */
export class FollowerCheckpoints {
  private writing: Promise<void> | undefined;
  private readonly failing = new TroubleSpell();

  constructor(
    private readonly writer: CheckpointWriter,
    private readonly inputs: CheckpointInputs,
    /** Where the checkpoints are, for messages. */
    private readonly path: string,
    private readonly log: (message: string, level?: 'info' | 'warn' | 'error') => void,
    /** Sources retired at a write: the follower drops their intakes. */
    private readonly retired: (keys: readonly string[]) => void = () => undefined,
  ) {}

  settle(batch: readonly QueuedTrace[]): void {
    for (const item of batch) this.writer.settled(settledTrace(item));
  }

  async write(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    this.writing = this.writeOnce();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  private async writeOnce(): Promise<void> {
    const positions = this.inputs.positions();
    const retired = this.inputs.takeRetired();
    this.retired(retired);
    try {
      await this.writer.write(positions, this.inputs.unsettled(), retired);
      this.failing.ended(() => this.log(`checkpoints written again to ${this.path}`));
    } catch (error) {
      // Said once per failing spell, not every second; reading goes on (a crash meanwhile re-reads more, loses nothing).
      this.failing.failed(() => this.log(`cannot write checkpoints to ${this.path}: ${(error as Error).message}; retrying every second`, 'error'));
    }
  }
}
