import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { JournalReaderState } from '../telemetry/journal-health.js';
import { journalctlArgs, type JournalQuery } from './journalctl-args.js';
import { JOURNAL_PERMISSION } from './journal-reader.js';
import type { RawLine } from '../model/raw-line.js';
import { LineSplitter } from './line-splitter.js';

/** Why a journalctl run ended. */
export interface JournalctlExit {
  why: string;
  /** It could not seek to the cursor it was given, or its first entry was not the cursor's. */
  cursorInvalid: boolean;
}

/** What the supervisor asks of the source it runs journalctl for (journal-source.ts: the cursor protocol). */
export interface JournalctlClient {
  /** Where to start (again) after an ordinary exit, or at the first start. */
  resumeQuery(): JournalQuery;
  /** journalctl could not resume at the cursor (`why`): the query to start again at once, or undefined to restart as after any exit. */
  cursorFallback(why: string): JournalQuery | undefined;
  /**
   * The complete lines of one chunk of journalctl's output; resolves once their entries are handed over (backpressure),
   * telling `entriesRead()` first when there are any. `mismatch`: the first entry was not the
   * cursor's, so this journalctl is stopped, for that reason.
   */
  take(lines: readonly RawLine[]): Promise<{ mismatch?: string }>;
  /** What journalctl wrote so far has been taken. */
  caughtUp(): void;
}

export interface JournalctlSupervisorOptions {
  /** The journalctl executable (tests pass a stand-in). */
  journalctl: string;
  maxLineBytes: number;
  /** First pause before restarting a journalctl that exited; doubles up to 30 s. */
  restartBackoffMs?: number;
}

export interface JournalctlEvents {
  note(message: string, level?: 'warn'): void;
  /** journalctl was started again after it exited. */
  restarted(): void;
}

const MAX_BACKOFF_MS = 30_000;
/** A journalctl that has run this long (or delivered an entry) is up again: its earlier exits no longer count. */
const STABLE_MS = 10_000;

/**
 * Runs `journalctl --follow` for one source until stopped (the Collector's
 * journald input): argv built from a typed query, stderr drained into our
 * log (bounded, each distinct line once), restarted with backoff when it
 * exits, killed on stop. Keeps how it is doing for /healthz.
 */
export class JournalctlSupervisor {
  private child: ChildProcessByStdio<null, Readable, Readable> | undefined;
  private stopping = false;
  private busy = false;
  private childRunning = false;
  private childStartedMs = 0;
  private troubleSinceMs: number | undefined;
  private exits = 0;
  private lastExit: string | undefined;
  private lastReadMs = Date.now();

  constructor(
    private readonly options: JournalctlSupervisorOptions,
    private readonly events: JournalctlEvents,
  ) {}

  /** Output is being handed over (or waits for room in the pipeline). */
  get reading(): boolean {
    return this.busy;
  }

  /** How journalctl is doing, for /healthz (docs/design.md "Self-monitoring"). */
  readerState(source: string): JournalReaderState {
    const now = Date.now();
    if (this.childRunning && this.troubleSinceMs !== undefined && now - this.childStartedMs >= STABLE_MS) this.upAgain();
    return { source, running: this.childRunning, troubleSinceMs: this.troubleSinceMs, exits: this.exits, lastExit: this.lastExit, lastReadMs: this.lastReadMs };
  }

  /** Entries were read: journalctl works. */
  entriesRead(): void {
    this.lastReadMs = Date.now();
    if (this.troubleSinceMs !== undefined) this.upAgain();
  }

  stop(): void {
    this.stopping = true;
    this.child?.kill('SIGTERM');
  }

  /** Runs journalctl until stopped, restarting it with backoff when it exits. */
  async run(client: JournalctlClient): Promise<void> {
    let backoff = this.options.restartBackoffMs ?? 1_000;
    let query = client.resumeQuery();
    for (let attempt = 0; !this.stopping; attempt++) {
      if (attempt > 0) this.events.restarted();
      const outcome = await this.runOnce(query, client);
      if (this.stopping) return;
      if (!outcome.cursorInvalid) {
        // Counted for /healthz: a journalctl that keeps exiting reads nothing, however often it is restarted.
        this.troubleSinceMs ??= Date.now();
        this.exits++;
        this.lastExit = outcome.why;
      }
      const fallback = outcome.cursorInvalid ? client.cursorFallback(outcome.why) : undefined;
      if (fallback !== undefined) {
        query = fallback;
        continue;
      }
      this.events.note(`journalctl exited (${outcome.why}); starting it again`, 'warn');
      // A journalctl that ran a good while before exiting is restarted soon again; one that keeps exiting, ever later.
      if (Date.now() - this.childStartedMs >= STABLE_MS) backoff = this.options.restartBackoffMs ?? 1_000;
      await this.pause(backoff);
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      query = client.resumeQuery();
    }
  }

  private async runOnce(query: JournalQuery, client: JournalctlClient): Promise<JournalctlExit> {
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
        if (line.trim() !== '' && !JOURNAL_PERMISSION.test(line) && !/seek to cursor/i.test(line)) this.events.note(`journalctl: ${line.trim()}`, 'warn');
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
    let mismatch: string | undefined;
    try {
      for await (const chunk of child.stdout) {
        if (this.stopping || mismatch !== undefined) break;
        this.busy = true;
        const lines: RawLine[] = [];
        splitter.push(chunk as Buffer, (line) => lines.push(line));
        const taken = await client.take(lines);
        if (taken.mismatch !== undefined) {
          mismatch = taken.mismatch;
          child.kill('SIGTERM');
        }
        this.busy = false;
        if (child.stdout.readableLength === 0) client.caughtUp();
      }
    } finally {
      this.busy = false;
    }
    const why = await exited;
    if (mismatch !== undefined) return { why: mismatch, cursorInvalid: true };
    const detail = stderr.trim();
    return { why: detail === '' ? why : `${why}: ${detail}`, cursorInvalid: /seek to cursor/i.test(stderr) };
  }

  private upAgain(): void {
    this.troubleSinceMs = undefined;
    this.exits = 0;
  }

  private pause(ms: number): Promise<void> {
    // Not unref()ed: while journalctl is down, this timer is what keeps a journal-only daemon alive.
    return new Promise((resolve) => setTimeout(resolve, ms));
  }
}
