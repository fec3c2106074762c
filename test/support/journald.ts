import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, copyFileSync, existsSync, openSync, readFileSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

/**
 * A real systemd-journald for the journald source's tests, and a fake journal (JSONL entries
 * read by test/support/fake-journalctl.mjs) for tests that must control cursors and restarts.
 *
 * What the real journalctl 252 does that a source must know (asserted against this machine's
 * journald in test/integration/journald-support.test.ts):
 * - Every value is a string, numbers included ("PRIORITY":"6", "__REALTIME_TIMESTAMP":"1795…");
 *   a value that is not printable UTF-8 (an ESC, a CR; invalid UTF-8 too) is an array of byte values;
 *   a field given more than once is an array of values; and, without `--all`, a field whose
 *   "NAME=value" is 4096 bytes or more is null.
 * - A malformed cursor: stderr `Failed to seek to cursor: Invalid argument`, exit 1. A
 *   well-formed cursor of an entry that is gone: exit 0, no message, and `--after-cursor` skips
 *   the first entry at or after where it was: one unread entry is lost. `--cursor=` loses none.
 * - `--follow` without `--since`, `--no-tail` or `--lines` means `--lines=10`: the last ten
 *   entries, or with a cursor at most ten after it and the rest only when the journal next changes.
 */

export const JOURNAL_SOCKET = '/run/systemd/journal/socket';
/** The stream socket systemd-cat writes to; connecting to it tells a live journald from a stale socket. */
export const JOURNAL_STDOUT_SOCKET = '/run/systemd/journal/stdout';
export const JOURNALD_BINARY = '/lib/systemd/systemd-journald';
export const FAKE_JOURNALCTL = fileURLToPath(new URL('./fake-journalctl.mjs', import.meta.url));

export type JournaldStatus = { available: true } | { available: false; reason: string };

/** A value as `journalctl -o json` prints it: text, bytes, several values, or null (too big). */
export type JournalValue = string | number[] | null | (string | number[] | null)[];
export type JournalEntry = Record<string, JournalValue>;

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

let status: Promise<JournaldStatus> | undefined;

/**
 * Makes sure a journald is there to write to and read from: an already running one is used as
 * it is; else, when we are root, /lib/systemd/systemd-journald is started detached (it runs
 * without systemd as PID 1). A journald this starts is left running on purpose: test files run
 * in parallel processes and another may be using it, nothing here could tell when the last one
 * is done, and the next run reuses it. A journald that was already running is never stopped.
 * Tests skip visibly on `{ available: false }`.
 */
export function ensureJournald(): Promise<JournaldStatus> {
  status ??= findOrStartJournald();
  return status;
}

async function findOrStartJournald(): Promise<JournaldStatus> {
  for (const tool of ['journalctl', 'systemd-cat']) {
    const probe = await runProcess(tool, ['--version']).catch((error: unknown) => ({ code: null, stdout: '', stderr: String(error) }));
    if (probe.code !== 0) return { available: false, reason: `${tool} cannot be run (${probe.stderr.trim() || `exit ${probe.code}`})` };
  }
  if (await journaldAnswers()) return { available: true };
  if (process.getuid?.() !== 0) {
    return { available: false, reason: `no systemd-journald is listening on ${JOURNAL_STDOUT_SOCKET}, and starting one needs root` };
  }
  if (!existsSync(JOURNALD_BINARY)) return { available: false, reason: `no systemd-journald is running and ${JOURNALD_BINARY} does not exist` };
  return startJournald();
}

/** The sockets exist, a stream connection is accepted, and journalctl can read. */
async function journaldAnswers(): Promise<boolean> {
  if (!existsSync(JOURNAL_SOCKET) || !existsSync(JOURNAL_STDOUT_SOCKET)) return false;
  const accepted = await new Promise<boolean>((resolve) => {
    const socket = connect(JOURNAL_STDOUT_SOCKET);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
  if (!accepted) return false;
  const read = await runProcess('journalctl', ['-n', '0', '--no-pager', '-q']);
  return read.code === 0;
}

async function startJournald(): Promise<JournaldStatus> {
  // Test files run in parallel processes: one of them starts journald, the others wait for it.
  const lock = join(tmpdir(), 'otel-tail-test-journald.lock');
  const lockDeadline = Date.now() + 15_000;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return { available: false, reason: `cannot create ${lock}: ${String(error)}` };
      if (await journaldAnswers()) return { available: true };
      let owner: number;
      try {
        owner = Number(readFileSync(lock, 'utf8'));
      } catch {
        continue; // released meanwhile
      }
      // An empty lock may be one whose owner has not written its pid yet: give it until the deadline.
      if (owner > 0 ? !processAlive(owner) : Date.now() > lockDeadline) {
        try {
          unlinkSync(lock); // left by a process that died while holding it
        } catch {
          // another waiter removed it first
        }
        continue;
      }
      if (Date.now() > lockDeadline) return { available: false, reason: `timed out waiting for process ${owner} to start systemd-journald` };
      await sleep(100);
    }
  }
  try {
    if (await journaldAnswers()) return { available: true };
    const logPath = join(tmpdir(), `otel-tail-test-journald-${process.pid}.log`);
    const log = openSync(logPath, 'a');
    let exited: string | undefined;
    try {
      const child = spawn(JOURNALD_BINARY, [], { detached: true, stdio: ['ignore', log, log] });
      child.once('error', (error) => (exited = error.message));
      child.once('exit', (code, signal) => (exited = `exited with ${signal ?? `code ${code}`}`));
      child.unref();
    } finally {
      closeSync(log);
    }
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      if (await journaldAnswers()) return { available: true };
      if (exited !== undefined) break;
      await sleep(50);
    }
    const output = existsSync(logPath) ? readFileSync(logPath, 'utf8').trim().split('\n').slice(-5).join(' | ') : '';
    return {
      available: false,
      reason: `started ${JOURNALD_BINARY} but it ${exited ?? 'did not open its sockets within 10 s'}${output ? `: ${output}` : ''}`,
    };
  } finally {
    unlinkSync(lock);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A SYSLOG_IDENTIFIER no other test and nothing else on the machine uses. */
export function uniqueIdentifier(prefix = 'octest'): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}

export interface WriteOptions {
  /** PRIORITY of every line (0 emerg … 7 debug). Default: systemd-cat's 6 (info). */
  priority?: number;
}

/**
 * One journal entry per line, written as a service's stdout is: `systemd-cat -t identifier`
 * (no shell) with the lines on stdin; resolves when systemd-cat exits, which is before journald
 * has stored them (see waitForJournal). `--level-prefix=false` keeps a line that starts with
 * `<3>` as it is. journald itself strips trailing whitespace, drops empty lines and splits a
 * line longer than 48 KiB (LineMax); a line containing a newline is refused here.
 */
export async function writeToJournal(identifier: string, lines: readonly string[], options: WriteOptions = {}): Promise<void> {
  if (lines.some((line) => line.includes('\n'))) throw new Error('writeToJournal: a line must not contain a newline');
  const args = ['-t', identifier, '--level-prefix=false'];
  if (options.priority !== undefined) args.push('-p', String(options.priority));
  const input = lines.map((line) => `${line}\n`).join('');
  const result = await runProcess('systemd-cat', args, { input });
  if (result.code !== 0) throw new Error(`systemd-cat exited with ${result.code}: ${result.stderr.trim()}`);
}

/** Polls `journalctl -o json --all SYSLOG_IDENTIFIER=identifier` until it shows `count` entries; returns them all. */
export async function waitForJournal(identifier: string, count: number, timeoutMs = 10_000): Promise<JournalEntry[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const entries = await readJournal([`SYSLOG_IDENTIFIER=${identifier}`]);
    if (entries.length >= count) return entries;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms: journalctl shows ${entries.length} of ${count} entries for SYSLOG_IDENTIFIER=${identifier}`);
    }
    await sleep(50);
  }
}

/** `journalctl -o json --all --no-pager ...args`, parsed; throws when journalctl fails. */
export async function readJournal(args: readonly string[]): Promise<JournalEntry[]> {
  const result = await runProcess('journalctl', ['-o', 'json', '--all', '--no-pager', ...args]);
  if (result.code !== 0) throw new Error(`journalctl ${args.join(' ')} exited with ${result.code}: ${result.stderr.trim()}`);
  return parseJsonLines(result.stdout);
}

/** Where journald keeps its files: volatile (/run) and persistent (/var), one folder per machine id. */
const JOURNAL_ROOTS = ['/run/log/journal', '/var/log/journal'];

/**
 * Copies the machine's journal files into `dir` (after `journalctl --sync`) and returns their
 * paths: a journal for `--directory=dir` / `--file=...` that nobody writes to any more, so
 * that what journalctl does when the journal does not change can be observed.
 */
export async function snapshotJournal(dir: string): Promise<string[]> {
  await runProcess('journalctl', ['--sync']);
  const copied: string[] = [];
  for (const root of JOURNAL_ROOTS) {
    if (!existsSync(root)) continue;
    for (const machine of readdirSync(root)) {
      for (const name of readdirSync(join(root, machine))) {
        if (!/\.journal~?$/.test(name)) continue;
        const target = join(dir, `${root === JOURNAL_ROOTS[0] ? 'run' : 'var'}-${name}`);
        copyFileSync(join(root, machine, name), target);
        copied.push(target);
      }
    }
  }
  return copied;
}

export function parseJsonLines(text: string): JournalEntry[] {
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as JournalEntry);
}

export interface RunOptions {
  env?: Record<string, string>;
  input?: string;
  timeoutMs?: number;
}

/** Runs a command without a shell and collects its output; SIGKILLs it after `timeoutMs` (default 10 s). */
export function runProcess(command: string, args: readonly string[], options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.on('error', () => {}); // the command may exit without reading its input
    child.stdin.end(options.input ?? '');
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface FakeJournalOptions {
  /** SYSLOG_IDENTIFIER of appended entries unless a field says otherwise. Default `openclaw`. */
  identifier?: string;
  /** __REALTIME_TIMESTAMP (µs since the epoch) of the first entry. Default: now. */
  startRealtimeUs?: number;
}

/**
 * A journal for fake-journalctl.mjs: entries appended to a JSONL file, shaped like the real
 * `journalctl -o json` output (string values, cursors in journald's format so that a cursor of
 * a "vacuumed" entry can be made), one microsecond-clock step of 1 ms per entry.
 */
export class FakeJournal {
  readonly entriesPath: string;
  readonly logPath: string;
  readonly entries: JournalEntry[] = [];
  readonly seqnumId = randomBytes(16).toString('hex');
  readonly bootId = randomBytes(16).toString('hex');
  private seqnum = 0;
  private realtimeUs: number;
  private monotonicUs = 4_000_000_000;

  constructor(dir: string, private readonly options: FakeJournalOptions = {}) {
    this.entriesPath = join(dir, 'journal.jsonl');
    this.logPath = join(dir, 'journalctl-invocations.jsonl');
    this.realtimeUs = options.startRealtimeUs ?? Date.now() * 1000;
  }

  /** FAKE_JOURNAL_ENTRIES and FAKE_JOURNALCTL_LOG for the fake's environment, plus `extra`. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { FAKE_JOURNAL_ENTRIES: this.entriesPath, FAKE_JOURNALCTL_LOG: this.logPath, ...extra };
  }

  /** Makes one entry per message (not yet written; see `append`). */
  makeEntries(messages: readonly string[], fields: Record<string, string> = {}): JournalEntry[] {
    return messages.map((message) => {
      this.seqnum++;
      this.realtimeUs += 1000;
      this.monotonicUs += 1000;
      const cursor = [
        `s=${this.seqnumId}`,
        `i=${this.seqnum.toString(16)}`,
        `b=${this.bootId}`,
        `m=${this.monotonicUs.toString(16)}`,
        `t=${this.realtimeUs.toString(16)}`,
        `x=${randomBytes(8).toString('hex')}`,
      ].join(';');
      return {
        __CURSOR: cursor,
        __REALTIME_TIMESTAMP: String(this.realtimeUs),
        __MONOTONIC_TIMESTAMP: String(this.monotonicUs),
        _BOOT_ID: this.bootId,
        _TRANSPORT: 'stdout',
        PRIORITY: '6',
        SYSLOG_IDENTIFIER: this.options.identifier ?? 'openclaw',
        _PID: '4242',
        MESSAGE: message,
        ...fields,
      };
    });
  }

  /** Appends entries (one write, whole lines) and returns them. */
  append(messages: readonly string[], fields: Record<string, string> = {}): JournalEntry[] {
    const made = this.makeEntries(messages, fields);
    this.appendEntries(made);
    return made;
  }

  /** Appends entries made elsewhere (e.g. with a cursor that is not in journald's format). */
  appendEntries(entries: readonly JournalEntry[]): void {
    appendFileSync(this.entriesPath, entries.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    this.entries.push(...entries);
  }

  /** A well-formed cursor of an entry that is not in the journal, just after `after` (or before the first). */
  vanishedCursor(after?: JournalEntry): string {
    const realtime = after === undefined ? 1 : Number(after.__REALTIME_TIMESTAMP) + 1;
    return `s=${randomBytes(16).toString('hex')};i=1;b=${randomBytes(16).toString('hex')};m=1;t=${realtime.toString(16)};x=0`;
  }

  /** The argv of every run of the fake so far, in order. */
  invocations(): string[][] {
    return this.runs().map((run) => run.argv);
  }

  /** Process ids of the runs that are still alive (a following journalctl left behind). */
  livePids(): number[] {
    return this.runs()
      .map((run) => run.pid)
      .filter((pid) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      });
  }

  private runs(): { argv: string[]; pid: number }[] {
    if (!existsSync(this.logPath)) return [];
    return readFileSync(this.logPath, 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as { argv: string[]; pid: number });
  }
}
