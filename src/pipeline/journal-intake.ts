import { parseConsoleMessage } from '../parsers/console-line.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import { ConsoleRunScopes } from '../reconstruct/console-run-scopes.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import type { RecordTap } from './line-intake.js';
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
    /** --logs (follow and backfill): every console record goes here too, with its time, host and run scope set. */
    private readonly tap?: RecordTap,
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
    const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: entry.realtimeUs, end: entry.realtimeUs + 1 };
    let movesClock = true;
    if (parsed.kind === 'log') {
      // A line without a time of its own (written before the gateway set its time prefix) has the entry's time.
      if (parsed.record.timeMs !== entryMs) this.offsetMs = parsed.record.timeMs - entryMs;
      else {
        parsed.record.timeMs = entryMs + agreeing(this.offsetMs ?? this.nextOffset(entries, i));
        // Set by a line not read yet, or by nothing: placed by it, but not a time log time may follow (below).
        movesClock = this.offsetMs !== undefined;
      }
      if (entry.hostname !== undefined) parsed.record.hostname ??= entry.hostname;
      this.scopes.assign(parsed.record);
      this.tap?.(parsed.record, { kind: 'journal', cursor: entry.cursor }, at);
    }
    routeParsed(parsed, at, () => `${this.sourceName} at ${entry.cursor}`, stats, this.reconstructor, movesClock);
  }

  /**
   * Before any line with a time of its own, the offset of the next one in the batch. Only a guess:
   * which lines a batch holds depends on how journalctl's output was read, so a time set by it
   * (or, with none in the batch, the entry's) must not move log time. A start-up line that did (the
   * entry's time, 5 minutes after the lines') set the journal's watermark, and every trace open at
   * the end of a batch left there: the spans then depended on where the batches were cut.
   */
  private nextOffset(entries: readonly JournalEntry[], i: number): number | undefined {
    for (let j = i + 1; j < entries.length && j <= i + LOOK_AHEAD; j++) {
      const next = entries[j] as JournalEntry;
      const nextMs = Math.floor(next.realtimeUs / 1000);
      const parsed = next.message === undefined ? undefined : parseConsoleMessage(next.message, nextMs);
      if (parsed?.kind === 'log' && parsed.record.timeMs !== nextMs) return parsed.record.timeMs - nextMs;
    }
    return undefined;
  }
}

/**
 * The entry time is taken as it is only when it agrees with the lines around it: journald stamps an
 * entry when it receives it, and a gateway's start-up lines (or a host whose journal clock and the
 * gateway's differ) can be minutes off the times the lines themselves carry. Then the line gets the
 * offset of the latest line with its own time, or, before any, of the next one.
 */
function agreeing(offsetMs: number | undefined): number {
  return offsetMs !== undefined && Math.abs(offsetMs) > AGREE_MS ? offsetMs : 0;
}
