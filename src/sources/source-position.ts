import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';

/** How far a source has handed lines over, in its own units (bytes for files, realtime µs for the journal). */
export interface SourcePosition {
  key: string;
  /** Just past the last item handed over: the low-water mark when nothing is in flight. */
  consumed: number;
  /** Records the checkpoint for low-water mark `mark` in the store, the way this kind of source keeps it. */
  save(mark: number, store: CheckpointStore): void;
}
