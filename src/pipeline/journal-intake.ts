import { parseConsoleMessage } from '../parsers/console-line.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import { ConsoleRunScopes } from '../reconstruct/console-run-scopes.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { routeParsed } from './route-parsed.js';

/** Within this, the entry time agrees with the lines' own times (journald receives a line within milliseconds). */
const AGREE_MS = 2_000;
/** Entries looked at for a time of their own when none was seen yet (start-up). */
const LOOK_AHEAD = 64;

/**
 * Journal entries of one journald source → console messages parsed → runs
 * given trace scopes → reconstructor. Positions are the entries' realtime
 * (µs), which is what the journal source checkpoints by.
 */
export class JournalIntake {
  private readonly scopes = new ConsoleRunScopes();
  /** Own time − entry time of the latest line with a time of its own: what a line without one is set by. */
  private offsetMs: number | undefined;

  constructor(
    private readonly sourceName: string,
    private readonly stats: PipelineStats,
    private readonly reconstructor: Reconstructor,
    /** Set when entries are checkpointed (following); unset for a backfill. */
    private readonly sourceKey?: string,
  ) {}

  addEntries(entries: readonly JournalEntry[]): void {
    for (let i = 0; i < entries.length; i++) this.addEntry(entries, i);
    this.reconstructor.tick();
  }

  private addEntry(entries: readonly JournalEntry[], i: number): void {
    const entry = entries[i] as JournalEntry;
    const stats = this.stats;
    stats.linesRead++;
    const message = entry.message;
    if (message === undefined || message === '') {
      stats.lineOther('empty');
      return;
    }
    stats.bytesRead += message.length;
    const entryMs = Math.floor(entry.realtimeUs / 1000);
    const parsed = parseConsoleMessage(message, entryMs);
    if (parsed.kind === 'log') {
      // A line without a time of its own (written before the gateway set its time prefix) has the entry's time.
      if (parsed.record.timeMs !== entryMs) this.offsetMs = parsed.record.timeMs - entryMs;
      else parsed.record.timeMs = entryMs + this.neighbourOffset(entries, i);
      if (entry.hostname !== undefined) parsed.record.hostname ??= entry.hostname;
      this.scopes.assign(parsed.record);
    }
    const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: entry.realtimeUs, end: entry.realtimeUs + 1 };
    routeParsed(parsed, at, () => `${this.sourceName} at ${entry.cursor}`, stats, this.reconstructor);
  }

  /**
   * The entry time is taken as it is only when it agrees with the lines around it: journald stamps
   * an entry when it receives it, and a gateway's start-up lines (or a host whose journal clock and
   * the gateway's differ) can be minutes off the times the lines themselves carry. Then the line
   * gets the offset of the latest line with its own time, or, before any, of the next in the batch.
   */
  private neighbourOffset(entries: readonly JournalEntry[], i: number): number {
    let offset = this.offsetMs;
    for (let j = i + 1; offset === undefined && j < entries.length && j <= i + LOOK_AHEAD; j++) {
      const next = entries[j] as JournalEntry;
      const nextMs = Math.floor(next.realtimeUs / 1000);
      const parsed = next.message === undefined ? undefined : parseConsoleMessage(next.message, nextMs);
      if (parsed?.kind === 'log' && parsed.record.timeMs !== nextMs) offset = parsed.record.timeMs - nextMs;
    }
    return offset !== undefined && Math.abs(offset) > AGREE_MS ? offset : 0;
  }
}
