import type { JournalCheckpoint } from './checkpoint-store.js';

/**
 * The entries a journal source handed over and that are not yet behind a
 * saved checkpoint, oldest first. A journal's low-water mark is a realtime
 * (µs) but its checkpoint is a cursor: the checkpoint for a mark is the
 * cursor of the last entry before it. Asking is pure; entries are dropped
 * only when a checkpoint is saved (`settle`).
 */
export class JournalLedger {
  private entries: JournalCheckpoint[] = [];

  /** An entry handed over (in journal order). */
  add(entry: JournalCheckpoint): void {
    this.entries.push(entry);
  }

  /** The cursor of the last entry before the low-water mark `mark` (a realtime), if any was handed over. */
  checkpointAt(mark: number): JournalCheckpoint | undefined {
    const settled = this.lastBefore(mark);
    return settled === -1 ? undefined : this.entries[settled];
  }

  /**
   * The checkpoint at `mark` was saved: the entries before it are no longer asked for. The
   * checkpoint's own entry stays, since the next mark may still be just past it.
   */
  settle(mark: number): void {
    const settled = this.lastBefore(mark);
    if (settled > 0) this.entries = this.entries.slice(settled);
  }

  private lastBefore(mark: number): number {
    let settled = -1;
    for (let i = 0; i < this.entries.length && (this.entries[i] as JournalCheckpoint).realtimeUs < mark; i++) settled = i;
    return settled;
  }
}
