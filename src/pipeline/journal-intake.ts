import { parseConsoleMessage } from '../parsers/console-line.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import { ConsoleRunScopes } from '../reconstruct/console-run-scopes.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../reconstruct/trace-lines.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { routeParsed } from './route-parsed.js';

/**
 * Journal entries of one journald source → console messages parsed → runs
 * given trace scopes → reconstructor. Positions are the entries' realtime
 * (µs), which is what the journal source checkpoints by.
 */
export class JournalIntake {
  private readonly scopes = new ConsoleRunScopes();

  constructor(
    private readonly sourceName: string,
    private readonly stats: PipelineStats,
    private readonly reconstructor: Reconstructor,
    /** Set when entries are checkpointed (following); unset for a backfill. */
    private readonly sourceKey?: string,
  ) {}

  addEntries(entries: readonly JournalEntry[]): void {
    for (const entry of entries) this.addEntry(entry);
    this.reconstructor.tick();
  }

  private addEntry(entry: JournalEntry): void {
    const stats = this.stats;
    stats.linesRead++;
    const message = entry.message;
    if (message === undefined || message === '') {
      stats.lineOther('empty');
      return;
    }
    stats.bytesRead += message.length;
    const parsed = parseConsoleMessage(message, Math.floor(entry.realtimeUs / 1000));
    if (parsed.kind === 'log') {
      if (entry.hostname !== undefined) parsed.record.hostname ??= entry.hostname;
      this.scopes.assign(parsed.record);
    }
    const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: entry.realtimeUs, end: entry.realtimeUs + 1 };
    routeParsed(parsed, at, () => `${this.sourceName} at ${entry.cursor}`, stats, this.reconstructor);
  }
}
