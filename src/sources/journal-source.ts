import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { JournalCheckpoint } from '../checkpoint/checkpoint-store.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import type { RejectReason } from '../model/records.js';
import type { StartFrom } from './file-source.js';
import { journalctlArgs, journalMatches, type JournalQuery } from './journalctl-args.js';
import { firstEntryRealtimeMs } from './journal-probe.js';
import { JOURNAL_PERMISSION, JournalError, parseEntries } from './journal-reader.js';
import { LineSplitter, type RawLine } from './line-splitter.js';
import type { LiveSource } from './live-source.js';
import type { SourcePosition } from './source-position.js';
import type { JournalReaderState } from '../telemetry/journal-health.js';

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

const MAX_BACKOFF_MS = 30_000;
/** A journalctl that has run this long (or delivered an entry) is up again: its earlier exits no longer count. */
const STABLE_MS = 10_000;
/** /healthz asks journalctl for the oldest unread entry at most this often. */
const PROBE_EVERY_MS = 15_000;

/**
 * Follows the gateway's journald stream through `journalctl --output=json
 * --follow` (reading the journal is journalctl's job). Positions are
 * realtime timestamps (µs): a trace holds the realtime of its first entry,
 * and the checkpoint is the cursor of the last entry before the low-water
 * mark. On start it resumes at the saved cursor (inclusive: the first entry
 * must be that one); when it is not, or journalctl cannot seek to it
 * (vacuumed, rotated, another machine), it starts at the saved realtime
 * instead, skips what was already settled, and says so once.
 */
export class JournalSource implements LiveSource {
  readonly key: string;
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private busy = false;
  /** Entries handed over and not yet behind a written checkpoint, oldest first. */
  private ledger: JournalCheckpoint[] = [];
  private lastTaken: JournalCheckpoint | undefined;
  /** Skip entries up to here (inclusive) after a fallback to the saved realtime. */
  private skipThrough: JournalCheckpoint | undefined;
  /** When this source (or the one it goes on from) started, in µs: where `from: end` resumes when nothing was read. */
  readonly startedUs: number;
  private startedOnce: boolean;
  /** The cursor the next entry must have (a resume at a cursor); a different one means the cursor is stale. */
  private expectCursor: string | undefined;
  private cursorMismatch: string | undefined;
  private readonly noted = new Set<string>();
  private childRunning = false;
  private childStartedMs = 0;
  private troubleSinceMs: number | undefined;
  private exits = 0;
  private lastExit: string | undefined;
  private lastReadMs = Date.now();
  private probed: { atMs: number; value: Promise<number | undefined> } | undefined;

  constructor(
    private readonly options: JournalSourceOptions,
    private readonly saved: JournalCheckpoint | undefined,
    private readonly sink: JournalEntrySink,
    private readonly events: JournalSourceEvents,
  ) {
    this.key = journalSourceKey(options);
    this.startedUs = options.startedUs ?? Date.now() * 1000;
    this.startedOnce = options.startedUs !== undefined;
  }

  get target(): string {
    const where = this.options.directory ?? this.options.file;
    return `journal ${this.options.name}${where === undefined ? '' : ` in ${where}`}`;
  }

  get reading(): boolean {
    return this.busy;
  }

  /** What journalctl has written to the pipe is read in the poll phase: let one pass (and its callbacks) run. */
  async recheck(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async start(): Promise<void> {
    await this.checkEntriesExist();
    this.loop = this.run();
  }

  stopReading(): void {
    this.stopping = true;
    this.child?.kill('SIGTERM');
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
        if (checkpoint !== undefined) store.setJournal(this.key, checkpoint);
      },
    };
  }

  takeRetired(): string[] {
    return [];
  }

  /** How journalctl is doing, for /healthz (docs/design.md "Self-monitoring"). */
  readerState(): JournalReaderState {
    const now = Date.now();
    if (this.childRunning && this.troubleSinceMs !== undefined && now - this.childStartedMs >= STABLE_MS) this.upAgain();
    return { source: this.target, running: this.childRunning, troubleSinceMs: this.troubleSinceMs, exits: this.exits, lastExit: this.lastExit, lastReadMs: this.lastReadMs };
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

  /** The cursor of the last entry before the low-water mark `mark` (a realtime), if any was handed over in this run. */
  checkpointAt(mark: number): JournalCheckpoint | undefined {
    let settled = -1;
    for (let i = 0; i < this.ledger.length && (this.ledger[i] as JournalCheckpoint).realtimeUs < mark; i++) settled = i;
    if (settled === -1) return undefined;
    const checkpoint = this.ledger[settled] as JournalCheckpoint;
    this.ledger = this.ledger.slice(settled);
    return checkpoint;
  }

  /** Runs journalctl until stopped, restarting it with backoff when it exits. */
  private async run(): Promise<void> {
    let backoff = this.options.restartBackoffMs ?? 1_000;
    let query = this.resumeQuery(this.saved);
    for (let attempt = 0; !this.stopping; attempt++) {
      if (attempt > 0) this.events.restarted();
      const outcome = await this.runOnce(query);
      if (this.stopping) return;
      if (!outcome.cursorInvalid) {
        // Counted for /healthz: a journalctl that keeps exiting reads nothing, however often it is restarted.
        this.troubleSinceMs ??= Date.now();
        this.exits++;
        this.lastExit = outcome.why;
      }
      const resumeFrom = this.lastTaken ?? this.saved;
      if (outcome.cursorInvalid && resumeFrom !== undefined) {
        // The cursor's entry is gone (journal vacuumed or rotated, another boot or host): go by its time instead.
        this.note(
          `the journal cursor to resume from is no longer valid (${outcome.why}); starting at its time, ${new Date(resumeFrom.realtimeUs / 1000).toISOString()}, and skipping what was already read`,
          'warn',
        );
        this.skipThrough = resumeFrom;
        this.expectCursor = undefined;
        query = { ...this.baseQuery(), sinceUs: resumeFrom.realtimeUs };
        continue;
      }
      this.note(`journalctl exited (${outcome.why}); starting it again`, 'warn');
      // A journalctl that ran a good while before exiting is restarted soon again; one that keeps exiting, ever later.
      if (Date.now() - this.childStartedMs >= STABLE_MS) backoff = this.options.restartBackoffMs ?? 1_000;
      await this.pause(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      query = this.resumeQuery(this.lastTaken ?? this.saved);
    }
  }

  /** At a cursor when there is one (its entry must come first, and is dropped); else per --from, or since this source started. */
  private resumeQuery(at: JournalCheckpoint | undefined): JournalQuery {
    this.expectCursor = at?.cursor;
    if (at !== undefined) return { ...this.baseQuery(), cursor: at.cursor };
    // From the end, a restart before anything was read must not skip what came meanwhile: since the first start.
    if (this.startedOnce && this.options.from === 'end') return { ...this.baseQuery(), sinceUs: this.startedUs };
    this.startedOnce = true;
    return { ...this.baseQuery(), newOnly: this.options.from === 'end' };
  }

  private baseQuery(): JournalQuery {
    const query: JournalQuery = { name: this.options.name, follow: true };
    if (this.options.directory !== undefined) query.directory = this.options.directory;
    if (this.options.file !== undefined) query.file = this.options.file;
    return query;
  }

  private async runOnce(query: JournalQuery): Promise<{ why: string; cursorInvalid: boolean }> {
    const child = spawn(this.options.journalctl, journalctlArgs(query), { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.childRunning = child.pid !== undefined;
    this.childStartedMs = Date.now();
    let stderr = '';
    let told = 0;
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      // Drained into our log as it comes (bounded, each distinct line once): journalctl explains itself there.
      if (stderr.length >= 4096) return;
      stderr += text;
      const complete = stderr.lastIndexOf('\n');
      for (const line of stderr.slice(told, complete + 1).split('\n')) {
        // The permission hint was explained at start-up (checkEntriesExist); a bad cursor is handled, not just said.
        if (line.trim() !== '' && !JOURNAL_PERMISSION.test(line) && !/seek to cursor/i.test(line)) this.note(`journalctl: ${line.trim()}`, 'warn');
      }
      told = complete + 1;
    });
    const exited = new Promise<string>((resolve) => {
      child.on('error', (error: NodeJS.ErrnoException) => {
        this.childRunning = false;
        resolve(error.code === 'ENOENT' ? `${this.options.journalctl} not found: install systemd's journalctl, or follow the file log with --file` : error.message);
      });
      child.on('exit', (code, signal) => {
        this.childRunning = false;
        resolve(signal !== null ? `killed by ${signal}` : `exit code ${String(code)}`);
      });
    });
    const splitter = new LineSplitter(this.options.maxLineBytes);
    try {
      for await (const chunk of child.stdout) {
        if (this.stopping || this.cursorMismatch !== undefined) break;
        this.busy = true;
        const lines: RawLine[] = [];
        splitter.push(chunk as Buffer, (line) => lines.push(line));
        const entries = this.parse(lines);
        if (entries.length > 0) {
          this.lastReadMs = Date.now();
          this.probed = undefined;
          if (this.troubleSinceMs !== undefined) this.upAgain();
          await this.sink.takeEntries({ key: this.key, name: this.target }, entries);
        }
        this.busy = false;
        if (child.stdout.readableLength === 0) this.events.caughtUp();
      }
    } finally {
      this.busy = false;
    }
    const why = await exited;
    if (this.cursorMismatch !== undefined) {
      const mismatch = this.cursorMismatch;
      this.cursorMismatch = undefined;
      return { why: mismatch, cursorInvalid: true };
    }
    const detail = stderr.trim();
    return { why: detail === '' ? why : `${why}: ${detail}`, cursorInvalid: /seek to cursor/i.test(stderr) };
  }

  private parse(lines: readonly RawLine[]): JournalEntry[] {
    const entries = parseEntries(lines, (reason, detail) => this.events.rejected(reason, this.target, detail));
    const taken: JournalEntry[] = [];
    for (const entry of entries) {
      if (this.expectCursor !== undefined) {
        const expected = this.expectCursor;
        this.expectCursor = undefined;
        if (entry.cursor === expected) continue;
        this.cursorMismatch = `its entry was not found; journalctl started at ${entry.cursor}`;
        this.child?.kill('SIGTERM');
        break;
      }
      if (this.skipThrough !== undefined) {
        if (entry.realtimeUs < this.skipThrough.realtimeUs || entry.cursor === this.skipThrough.cursor) continue;
        this.skipThrough = undefined;
      }
      const position = { cursor: entry.cursor, realtimeUs: entry.realtimeUs };
      this.ledger.push(position);
      this.lastTaken = position;
      taken.push(entry);
    }
    return taken;
  }

  /** Says once when nothing in the journal matches NAME yet, naming the matches tried. */
  private async checkEntriesExist(): Promise<void> {
    const query = this.baseQuery();
    query.follow = false;
    const args = [...journalctlArgs(query).filter((arg) => arg !== '--follow'), '--lines=1'];
    const result = await new Promise<{ out: string; err: string; failure?: string }>((resolve) => {
      const child = spawn(this.options.journalctl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
      child.on('error', (error: NodeJS.ErrnoException) => resolve({ out, err, failure: error.code === 'ENOENT' ? 'not found' : error.message }));
      child.on('close', () => resolve({ out, err }));
    });
    if (result.failure !== undefined) {
      throw new JournalError(`${this.options.journalctl}: ${result.failure}. Install systemd's journalctl (apt install systemd), or follow the file log with --file.`);
    }
    const limited = JOURNAL_PERMISSION.test(result.err);
    if (limited) {
      this.note(`journalctl cannot read every journal as this user (${result.err.trim().split('\n')[0] ?? ''}). Add the user to the systemd-journal group, or run otel-tail as the gateway's user.`, 'warn');
    }
    if (result.out.trim() === '') {
      const visible = limited ? ' visible to this user' : '';
      this.note(`no journal entries for ${this.options.name}${visible} yet (matches tried: ${journalMatches(this.options.name).join(' ')}); waiting for them`);
    }
  }

  private upAgain(): void {
    this.troubleSinceMs = undefined;
    this.exits = 0;
  }

  private pause(ms: number): Promise<void> {
    // Not unref()ed: while journalctl is down, this timer is what keeps a journal-only daemon alive.
    return new Promise((resolve) => setTimeout(resolve, ms));
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
