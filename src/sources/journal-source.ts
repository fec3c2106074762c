import type { JournalCheckpoint } from '../checkpoint/checkpoint-store.js';
import type { JournalLedger } from '../checkpoint/journal-ledger.js';
import type { SourcePosition } from '../checkpoint/source-position.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import type { RejectReason } from '../model/records.js';
import type { JournalReaderState } from '../telemetry/journal-health.js';
import type { StartFrom } from './file-source.js';
import { journalctlArgs, type JournalQuery } from './journalctl-args.js';
import { JournalctlSupervisor, type JournalctlClient } from './journalctl-supervisor.js';
import { checkEntriesExist, firstEntryRealtimeMs } from './journal-probe.js';
import { parseEntries } from './journal-reader.js';
import type { RawLine } from '../model/raw-line.js';
import type { LiveSource } from './live-source.js';

export interface JournalSourceOptions {
  name: string;
  directory?: string;
  file?: string;
  from: StartFrom;
  /** The journalctl executable (tests pass a stand-in). */
  journalctl: string;
  maxLineBytes: number;
  /** First pause before restarting a journalctl that exited; doubles up to 30 s. */
  restartBackoffMs?: number;
  /**
   * This source goes on from one that started then (µs; a reload): with `from: end` and no
   * checkpoint, reading starts at that time, so nothing written meanwhile is skipped.
   */
  startedUs?: number;
}

export interface JournalEntrySink {
  /** Entries in journal order. Resolves when the pipeline has room for more (backpressure). */
  takeEntries(source: { key: string; name: string }, entries: JournalEntry[]): Promise<void>;
}

export interface JournalSourceEvents {
  note(message: string, level?: 'warn'): void;
  /** A line of journalctl's output that is not a usable entry. */
  rejected(reason: RejectReason, where: string, detail: string): void;
  caughtUp(): void;
  /** journalctl was started again after it exited. */
  restarted(): void;
}

/** /healthz asks journalctl for the oldest unread entry at most this often. */
const PROBE_EVERY_MS = 15_000;

/**
 * Follows the gateway's journald stream through `journalctl --output=json
 * --follow` (reading the journal is journalctl's job; running it is
 * journalctl-supervisor.ts's). This is the cursor protocol: positions are
 * realtime timestamps (µs): a trace holds the realtime of its first entry,
 * and the checkpoint is the cursor of the last entry before the low-water
 * mark (checkpoint/journal-ledger.ts). On start it resumes at the saved
 * cursor (inclusive: the first entry must be that one); when it is not, or
 * journalctl cannot seek to it (vacuumed, rotated, another machine), it
 * starts at the saved realtime instead, skips what was already settled, and
 * says so once.
 */
export class JournalSource implements LiveSource {
  readonly key: string;
  private readonly journalctl: JournalctlSupervisor;
  private loop: Promise<void> | undefined;
  private lastTaken: JournalCheckpoint | undefined;
  /** Skip entries up to here (inclusive) after a fallback to the saved realtime. */
  private skipThrough: JournalCheckpoint | undefined;
  /** When this source (or the one it goes on from) started, in µs: where `from: end` resumes when nothing was read. */
  readonly startedUs: number;
  private startedOnce: boolean;
  /** The cursor the next entry must have (a resume at a cursor); a different one means the cursor is stale. */
  private expectCursor: string | undefined;
  private readonly noted = new Set<string>();
  private probed: { atMs: number; value: Promise<number | undefined> } | undefined;

  constructor(
    private readonly options: JournalSourceOptions,
    private readonly saved: JournalCheckpoint | undefined,
    private readonly sink: JournalEntrySink,
    private readonly events: JournalSourceEvents,
    /** Entries handed over and not yet behind a saved checkpoint: checkpoint's, filled here as entries are read (given empty). */
    private readonly ledger: JournalLedger,
  ) {
    this.key = journalSourceKey(options);
    this.startedUs = options.startedUs ?? Date.now() * 1000;
    this.startedOnce = options.startedUs !== undefined;
    const supervised = { journalctl: options.journalctl, maxLineBytes: options.maxLineBytes, ...(options.restartBackoffMs === undefined ? {} : { restartBackoffMs: options.restartBackoffMs }) };
    this.journalctl = new JournalctlSupervisor(supervised, { note: (message, level) => this.note(message, level), restarted: () => this.events.restarted() });
  }

  get target(): string {
    const where = this.options.directory ?? this.options.file;
    return `journal ${this.options.name}${where === undefined ? '' : ` in ${where}`}`;
  }

  get reading(): boolean {
    return this.journalctl.reading;
  }

  /** What journalctl has written to the pipe is read in the poll phase: let one pass (and its callbacks) run. */
  async recheck(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async start(): Promise<void> {
    await checkEntriesExist(this.options.journalctl, this.baseQuery(), (message, level) => this.note(message, level));
    const client: JournalctlClient = {
      resumeQuery: () => this.resumeQuery(),
      cursorFallback: (why) => this.cursorFallback(why),
      take: (lines) => this.take(lines),
      caughtUp: () => this.events.caughtUp(),
    };
    this.loop = this.journalctl.run(client);
  }

  stopReading(): void {
    this.journalctl.stop();
  }

  async close(): Promise<void> {
    this.stopReading();
    await this.loop;
  }

  *positions(): Iterable<SourcePosition> {
    if (this.lastTaken === undefined) return;
    yield {
      key: this.key,
      consumed: this.lastTaken.realtimeUs + 1,
      contextual: true,
      save: (mark, store) => {
        const checkpoint = this.checkpointAt(mark);
        if (checkpoint === undefined) return;
        store.setJournal(this.key, checkpoint);
        this.ledger.settle(mark);
      },
    };
  }

  takeRetired(): string[] {
    return [];
  }

  /** How journalctl is doing, for /healthz (docs/design.md "Self-monitoring"). */
  readerState(): JournalReaderState {
    return this.journalctl.readerState(this.target);
  }

  /**
   * Realtime (ms) of the oldest matching entry after the last one handed over, asked of a one-shot
   * journalctl (its first line, then it is killed); undefined when there is none. For /healthz, at
   * most every 15 s.
   */
  oldestUnreadMs(): Promise<number | undefined> {
    const now = Date.now();
    if (this.probed !== undefined && now - this.probed.atMs < PROBE_EVERY_MS) return this.probed.value;
    const after = this.lastTaken ?? this.saved;
    const sinceUs = after !== undefined ? after.realtimeUs + 1 : this.options.from === 'end' ? this.startedUs : undefined;
    const query: JournalQuery = { ...this.baseQuery(), follow: false, ...(sinceUs === undefined ? {} : { sinceUs }) };
    const value = firstEntryRealtimeMs(this.options.journalctl, journalctlArgs(query));
    this.probed = { atMs: now, value };
    return value;
  }

  /** The cursor of the last entry before the low-water mark `mark` (a realtime), if any was handed over in this run. A query: it changes nothing. */
  checkpointAt(mark: number): JournalCheckpoint | undefined {
    return this.ledger.checkpointAt(mark);
  }

  /** At a cursor when there is one (its entry must come first, and is dropped); else per --from, or since this source started. */
  private resumeQuery(): JournalQuery {
    const at = this.lastTaken ?? this.saved;
    this.expectCursor = at?.cursor;
    if (at !== undefined) return { ...this.baseQuery(), cursor: at.cursor };
    // From the end, a restart before anything was read must not skip what came meanwhile: since the first start.
    if (this.startedOnce && this.options.from === 'end') return { ...this.baseQuery(), sinceUs: this.startedUs };
    this.startedOnce = true;
    return { ...this.baseQuery(), newOnly: this.options.from === 'end' };
  }

  /** The cursor's entry is gone (journal vacuumed or rotated, another boot or host): go by its time instead. */
  private cursorFallback(why: string): JournalQuery | undefined {
    const resumeFrom = this.lastTaken ?? this.saved;
    if (resumeFrom === undefined) return undefined;
    this.note(
      `the journal cursor to resume from is no longer valid (${why}); starting at its time, ${new Date(resumeFrom.realtimeUs / 1000).toISOString()}, and skipping what was already read`,
      'warn',
    );
    this.skipThrough = resumeFrom;
    this.expectCursor = undefined;
    return { ...this.baseQuery(), sinceUs: resumeFrom.realtimeUs };
  }

  /** Lines of journalctl's output → entries, checked against the cursor protocol, handed over. */
  private async take(lines: readonly RawLine[]): Promise<{ mismatch?: string }> {
    const { entries, mismatch } = this.parse(lines);
    if (entries.length > 0) {
      this.journalctl.entriesRead();
      this.probed = undefined;
      await this.sink.takeEntries({ key: this.key, name: this.target }, entries);
    }
    return mismatch === undefined ? {} : { mismatch };
  }

  private baseQuery(): JournalQuery {
    const query: JournalQuery = { name: this.options.name, follow: true };
    if (this.options.directory !== undefined) query.directory = this.options.directory;
    if (this.options.file !== undefined) query.file = this.options.file;
    return query;
  }

  private parse(lines: readonly RawLine[]): { entries: JournalEntry[]; mismatch?: string } {
    const entries = parseEntries(lines, (reason, detail) => this.events.rejected(reason, this.target, detail));
    const taken: JournalEntry[] = [];
    for (const entry of entries) {
      if (this.expectCursor !== undefined) {
        const expected = this.expectCursor;
        this.expectCursor = undefined;
        if (entry.cursor === expected) continue;
        return { entries: taken, mismatch: `its entry was not found; journalctl started at ${entry.cursor}` };
      }
      if (this.skipThrough !== undefined) {
        if (entry.realtimeUs < this.skipThrough.realtimeUs || entry.cursor === this.skipThrough.cursor) continue;
        this.skipThrough = undefined;
      }
      const position = { cursor: entry.cursor, realtimeUs: entry.realtimeUs };
      this.ledger.add(position);
      this.lastTaken = position;
      taken.push(entry);
    }
    return { entries: taken };
  }

  private note(message: string, level?: 'warn'): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    this.events.note(message, level);
  }
}

/** The checkpoint key of a journal source: which journal, and which NAME in it. */
export function journalSourceKey(options: Pick<JournalSourceOptions, 'name' | 'directory' | 'file'>): string {
  return `journal:${options.directory ?? options.file ?? 'live'}:${options.name}`;
}
