import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, TEST_ID_SALT } from './run-cli.js';

export interface DaemonExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const running = new Set<FollowDaemon>();

/**
 * `bin/otel-tail` following files as a real child process (so signals, exit
 * codes and /proc are real), with OTEL_* variables cleared as runCli does.
 */
export class FollowDaemon {
  private stderrText = '';
  private stdoutText = '';
  private exitInfo: DaemonExit | undefined;
  private readonly child: ChildProcess;
  private readonly exited: Promise<DaemonExit>;
  private readonly wakers = new Set<() => void>();

  /** `stderrFd`: standard error goes to this file descriptor (a stand-in for the journal's stream) instead of `stderr`. */
  constructor(args: readonly string[], env: Record<string, string> = {}, stderrFd?: number) {
    // The same id salt as runCli's, so hashed ids match a backfill reference.
    // Our own lines as text (`otel-tail: ...`), which the assertions read, whatever JOURNAL_STREAM the test runner has.
    const base: Record<string, string> = { OTEL_TAIL_ID_SALT: TEST_ID_SALT, OTEL_TAIL_LOG_FORMAT: 'text' };
    for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('OTEL_')) base[key] = value;
    this.child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', stderrFd ?? 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.stdoutText += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => {
      this.stderrText += d;
      this.wake();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.exitInfo = { code, signal };
        running.delete(this);
        this.wake();
        resolve(this.exitInfo);
      });
    });
    running.add(this);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get stderr(): string {
    return this.stderrText;
  }

  get stdout(): string {
    return this.stdoutText;
  }

  /** Undefined while the process runs. */
  get exit(): DaemonExit | undefined {
    return this.exitInfo;
  }

  /** How many stderr lines match. */
  countStderr(pattern: RegExp): number {
    return this.stderrText.split('\n').filter((line) => pattern.test(line)).length;
  }

  /** Resolves with the first match in stderr; rejects on timeout or if the process ends first. */
  waitForStderr(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    return this.waitUntil(() => pattern.exec(this.stderrText) ?? undefined, timeoutMs, `stderr to match ${pattern}`);
  }

  signal(signal: NodeJS.Signals): void {
    if (this.exitInfo === undefined) this.child.kill(signal);
  }

  /** SIGKILL, and waits until the process is gone. */
  async kill9(): Promise<DaemonExit> {
    this.signal('SIGKILL');
    return this.exited;
  }

  /** Rejects if the process is still running after `timeoutMs`. */
  async waitForExit(timeoutMs = 10_000): Promise<DaemonExit> {
    await this.waitUntil(() => this.exitInfo, timeoutMs, 'the process to exit', false);
    return this.exitInfo as DaemonExit;
  }

  /** A field of /proc/<pid>/status in kB (VmRSS: resident now; VmHWM: the peak so far). */
  memoryKb(field: 'VmRSS' | 'VmHWM'): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (match === null) throw new Error(`no ${field} in /proc/${this.pid}/status`);
    return Number(match[1]);
  }

  /** True when one of the process's file descriptors is open on `path`. */
  holdsOpen(path: string): boolean {
    const target = realpathSync(path);
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${this.pid}/fd`);
    } catch {
      return false;
    }
    return fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${this.pid}/fd/${fd}`) === target;
      } catch {
        return false; // closed while we looked
      }
    });
  }

  /** Polls `probe` (and wakes on stderr) until it gives a value. */
  async waitUntil<T>(probe: () => T | undefined, timeoutMs: number, what: string | (() => string), failOnExit = true): Promise<T> {
    const describe = (): string => (typeof what === 'string' ? what : what());
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (failOnExit && this.exitInfo !== undefined) {
        throw new Error(`otel-tail exited (${JSON.stringify(this.exitInfo)}) while waiting for ${describe()}; stderr:\n${this.stderrText}`);
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${describe()}; otel-tail stderr so far:\n${this.stderrText}`);
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.wakers.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, Math.min(left, 50));
        this.wakers.add(done);
      });
    }
  }

  private wake(): void {
    for (const waker of [...this.wakers]) waker();
  }
}

/** For afterEach: SIGKILL every daemon a test left running, and wait for them. */
export async function killLeftoverDaemons(): Promise<void> {
  await Promise.all([...running].map((daemon) => daemon.kill9()));
}

/**
 * Reconstruction flags given to the daemon and to the backfill reference alike. None: the default
 * grace covers the lines OpenClaw writes after a turn's root span ends; a shorter one would make
 * those lines late in a follow run (whose clock runs on while the writer pauses between pieces)
 * but not in a backfill, and the two would differ for a reason that is not a bug.
 */
export const RECONSTRUCTION_FLAGS: readonly string[] = [];

export interface FollowRun {
  /** A directory (rolling log files) or one file. */
  follow: string;
  stateDir: string;
  endpoint: string;
  extra?: readonly string[];
}

/** Starts `otel-tail --file ... --from beginning` and waits until its initial scan is done. */
export async function startFollowing(run: FollowRun, readyTimeoutMs = 15_000): Promise<FollowDaemon> {
  const daemon = new FollowDaemon([
    '--file', run.follow,
    '--from', 'beginning',
    '--state-dir', run.stateDir,
    '--endpoint', run.endpoint,
    ...RECONSTRUCTION_FLAGS,
    ...(run.extra ?? []),
  ]);
  await daemon.waitForStderr(/otel-tail: following /, readyTimeoutMs);
  return daemon;
}

/** A fresh directory under the OS temp dir; removed by `removeTempDirs`. */
const tempDirs: string[] = [];
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `otel-tail-${prefix}-`));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Polls `condition` every 20 ms; rejects with `what` after `timeoutMs`. */
export async function pollUntil(condition: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

/** Waits `ms` of wall time (a quiet log: the daemon's clock moves on). */
export async function quiet(ms: number): Promise<void> {
  await sleep(ms);
}
