import type { CheckpointStore } from './checkpoint-store.js';

/** How far a source has handed lines over, in its own units (bytes for files, realtime µs for the journal). */
export interface SourcePosition {
  key: string;
  /** Just past the last item handed over: the low-water mark when nothing is in flight. */
  consumed: number;
  /**
   * The source's lines are tied to traces by their context, not by ids of their own (journald's
   * console lines: a `[model-fetch]` line goes to whichever run is calling the model). Its
   * checkpoint is then also held at the first line of a trace exported whole that straddles the
   * low-water mark, so a restart reads that trace's lines again whole (counted late) and
   * attributes the lines of the open traces after it exactly as the first read did.
   */
  contextual?: boolean;
  /** Records the checkpoint for low-water mark `mark` in the store, the way this kind of source keeps it. */
  save(mark: number, store: CheckpointStore): void;
}
