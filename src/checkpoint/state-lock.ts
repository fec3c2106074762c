import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the lock file holds: who holds it, since when. */
interface LockBody {
  pid: number;
  startedAt: string;
}

export type LockResult =
  | { status: 'locked'; lock: StateLock; tookOverFrom?: LockBody }
  | { status: 'held'; holder: LockBody; path: string };

/**
 * `<state-dir>/follower.lock`: one follower per state dir. Two would read the same lines, send them
 * twice, and overwrite each other's checkpoints. The file holds the holder's PID; a lock whose
 * process is gone (a crash, SIGKILL, a container restarted with the same PID) is taken over. The body
 * is written whole to a file of our own first and then hard-linked into place: `link` fails if the
 * lock exists, so of two starting at once only one wins, and no one ever reads a lock that exists
 * but is still empty (which `writeFile` with `wx` would show between its create and its write, and
 * which the other follower would take for a stale lock). A backfill takes no lock: its ledger is
 * merged on save, so backfills beside a follower or each other lose nothing.
 */
export class StateLock {
  private released = false;

  private constructor(readonly path: string) {}

  static acquire(stateDir: string): LockResult {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    const path = join(stateDir, 'follower.lock');
    const body: LockBody = { pid: process.pid, startedAt: new Date().toISOString() };
    let tookOverFrom: LockBody | undefined;
    for (let attempt = 0; attempt < 2; attempt++) {
      if (linkWhole(path, body)) {
        const lock = new StateLock(path);
        return tookOverFrom === undefined ? { status: 'locked', lock } : { status: 'locked', lock, tookOverFrom };
      }
      const holder = readHolder(path);
      if (holder !== undefined && isOtelTail(holder.pid)) return { status: 'held', holder, path };
      // A lock left by a process that is gone (or unreadable, half written by one that died): take it over.
      tookOverFrom = holder ?? { pid: 0, startedAt: 'unknown' };
      unlinkSync(path);
    }
    const holder = readHolder(path) ?? { pid: 0, startedAt: 'unknown' };
    return { status: 'held', holder, path };
  }

  /** Removes the lock if it is still ours (synchronous: also called from the process's `exit` event). */
  release(): void {
    if (this.released) return;
    this.released = true;
    if (readHolder(this.path)?.pid === process.pid) unlinkSync(this.path);
  }
}

/** Who holds the state dir's lock, for `status`: a running follower, a stale lock, or none. */
export function lockHolder(stateDir: string): { pid: number; startedAt: string; running: boolean } | undefined {
  const holder = readHolder(join(stateDir, 'follower.lock'));
  return holder === undefined ? undefined : { ...holder, running: isOtelTail(holder.pid) };
}

/** Creates `path` holding `body`, or returns false if it exists. */
function linkWhole(path: string, body: LockBody): boolean {
  const own = `${path}.${process.pid}`;
  writeFileSync(own, `${JSON.stringify(body)}\n`, { mode: 0o600 });
  try {
    linkSync(own, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  } finally {
    unlinkSync(own);
  }
}

function readHolder(path: string): LockBody | undefined {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockBody>;
    return typeof parsed.pid === 'number' ? { pid: parsed.pid, startedAt: String(parsed.startedAt ?? 'unknown') } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether `pid` is a running otel-tail other than this process (a reused PID of another program does not hold the lock). */
function isOtelTail(pid: number): boolean {
  if (pid === process.pid || !processRunning(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('otel-tail');
  } catch {
    // No /proc (or not ours to read): the process runs, so assume it holds the lock.
    return true;
  }
}

/** Whether a process with this PID runs (EPERM: it does, under another user). */
export function processRunning(pid: number): boolean {
  if (pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
