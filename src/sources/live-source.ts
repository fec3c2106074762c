import type { SourcePosition } from './source-position.js';

/** What the follower needs of a source it follows: a file directory (or file), or a journald stream. */
export interface LiveSource {
  /** What is followed, for messages. */
  readonly target: string;
  /** A read is in progress (or waiting for room): log time must not advance on the wall clock. */
  readonly reading: boolean;
  start(): Promise<void>;
  /** Stops handing items over; `close()` then releases everything. */
  stopReading(): void;
  close(): Promise<void>;
  positions(): Iterable<SourcePosition>;
  /** Keys of sources gone for good, whose checkpoints can be deleted. */
  takeRetired(): string[];
}
