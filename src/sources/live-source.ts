import type { SourcePosition } from '../checkpoint/source-position.js';

/** What the follower needs of a source it follows: a file directory (or file), or a journald stream. */
export interface LiveSource {
  /** What is followed, for messages. */
  readonly target: string;
  /** A read is in progress (or waiting for room): log time must not advance on the wall clock. */
  readonly reading: boolean;
  start(): Promise<void>;
  /**
   * Resolves once anything already written has been read (and handed over):
   * asked before log time moves on the wall clock, which must not be trusted
   * while a watch event or a pipe's data is still queued behind a due timer.
   */
  recheck(): Promise<void>;
  /** Stops handing items over; `close()` then releases everything. */
  stopReading(): void;
  close(): Promise<void>;
  positions(): Iterable<SourcePosition>;
  /** Keys of sources gone for good, whose checkpoints can be deleted. */
  takeRetired(): string[];
}
