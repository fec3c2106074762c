import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { killOnExit } from './daemon-process.js';
import type { ExitReport, ThreadCpu } from './peak-rss-hook.js';
import { peakRssMiB } from './proc-stat.js';

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Spawn to exit, node start-up included. */
  wallMs: number;
  /** Peak resident set (VmHWM) of the child, MiB. */
  peakRssMiB: number;
  /** `exit hook`: read by the child at exit; `polled`: the last VmHWM the parent read (every 50 ms). */
  rssFrom: 'exit hook' | 'polled';
  /** CPU time of the child (all its threads), ms; NaN when it died before its exit hook ran. */
  cpuMs: number;
  /** The child's CPU by thread (main, helpers alive at exit, threads ended before), when /proc says. */
  threads: ThreadCpu | undefined;
  stdout: string;
  stderr: string;
}

const POLL_MS = 50;
const HOOK = new URL('./peak-rss-hook.js', import.meta.url).href;

/**
 * Runs `node [nodeArgs] script [args]` to its end, OTEL_* variables cleared and XDG_STATE_HOME
 * set to a fresh temp directory, and measures its
 * wall time and peak RSS. The peak is VmHWM, which the kernel keeps for the process: the child
 * reads its own at exit (a preloaded hook); VmHWM polled every 50 ms is the fallback when the
 * child dies before its exit handlers run.
 */
export async function measureChild(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<ChildRun> {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tail-bench-rss-'));
  const rssFile = join(dir, 'vmhwm');
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value;
  env['BENCH_PEAK_RSS_FILE'] = rssFile;
  // A state directory of its own per run: a backfill records what it exported (and skips it the
  // next time), which must neither touch the user's state nor make the next run a no-op.
  env['XDG_STATE_HOME'] = dir;
  try {
    const startMs = performance.now();
    const child = spawn(process.execPath, ['--import', HOOK, ...nodeArgs, script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    killOnExit(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let polled = 0;
    const poll = setInterval(() => {
      try {
        polled = Math.max(polled, peakRssMiB(child.pid ?? -1) ?? 0);
      } catch {
        // Gone between two polls: the exit hook has the figure.
      }
    }, POLL_MS);
    // 'exit' times the run; 'close' (after it) is when the pipes are drained.
    const closed = new Promise((resolve) => child.once('close', resolve));
    const exit = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; wallMs: number }>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => resolve({ code, signal, wallMs: performance.now() - startMs }));
    });
    clearInterval(poll);
    await closed;
    let report: Partial<ExitReport> = {};
    try {
      report = JSON.parse(readFileSync(rssFile, 'utf8')) as ExitReport;
    } catch {
      // Killed before its exit handlers ran: only the polled figure is left.
    }
    const hooked = (report.vmHwmKb ?? Number.NaN) / 1024;
    const fromHook = Number.isFinite(hooked) && hooked > 0;
    return {
      ...exit,
      peakRssMiB: fromHook ? hooked : polled,
      rssFrom: fromHook ? 'exit hook' : 'polled',
      cpuMs: report.cpuMs ?? Number.NaN,
      threads: report.threads,
      stdout,
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
