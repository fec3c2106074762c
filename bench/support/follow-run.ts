import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type DaemonExit } from './daemon-process.js';
import { peakRssMiB } from './proc-stat.js';

/** A follower's run over one file written before it started, up to the last expected span. */
export interface FollowRun {
  /** Distinct spans (trace + span id) at the receiver when the run ended. */
  distinctSpans: number;
  /** Every span the receiver decoded, re-sends included. */
  spansReceived: number;
  /** Whether every expected span arrived before the timeout. */
  complete: boolean;
  /** Start (ready line) to the last expected span, or to the timeout, ms. */
  wallMs: number;
  /** VmHWM of the follower, read from /proc/<pid>/status after the last span and before SIGTERM, MiB. */
  peakRssMiB: number;
  exit: DaemonExit & { killed: boolean };
  stderr: string;
}

/** What the receiver has seen since the run began (the caller resets it before). */
export interface ArrivalCount {
  distinct(): number;
  total(): number;
}

const READY = /otel-tail: following /;
const POLL_MS = 250;

/**
 * Writes `lines` as one rolling log file into a fresh directory, then runs a real
 * `bin/otel-tail --file DIR --from beginning` follower (state directory of its own) into
 * `endpoint` until `expected` distinct spans have arrived or `timeoutMs` has passed, reads its
 * peak RSS and stops it with SIGTERM. A timeout is returned as `complete: false` (the figures
 * fail), never waited out.
 */
export async function followUntilDelivered(bin: string, endpoint: string, lines: readonly string[], expected: number, arrived: ArrivalCount, timeoutMs: number): Promise<FollowRun> {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tail-bench-follow-'));
  const logDir = join(dir, 'logs');
  const stateDir = join(dir, 'state');
  try {
    mkdirSync(logDir);
    // A rolling name, as the gateway writes it, so the follower picks it up in the directory.
    writeFileSync(join(logDir, 'openclaw-2026-11-21.log'), lines.map((line) => `${line}\n`).join(''));
    const daemon = await startDaemon(bin, ['--file', logDir, '--from', 'beginning', '--state-dir', stateDir, '--endpoint', endpoint], READY);
    const startMs = performance.now();
    let rss = 0;
    let complete = false;
    while (performance.now() - startMs < timeoutMs) {
      const now = vmHwm(daemon.pid);
      if (now === 0) break;
      rss = Math.max(rss, now);
      if (arrived.distinct() >= expected) {
        complete = true;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const wallMs = performance.now() - startMs;
    // VmHWM is the kernel's high-water mark for the process: read once more after the last span.
    rss = Math.max(rss, vmHwm(daemon.pid));
    const exit = await daemon.stop(15_000);
    return { distinctSpans: arrived.distinct(), spansReceived: arrived.total(), complete, wallMs, peakRssMiB: rss, exit, stderr: daemon.stderr() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The follower's VmHWM, 0 once it has gone (its exit status and stderr then say why; the run is not complete). */
function vmHwm(pid: number): number {
  try {
    return peakRssMiB(pid) ?? 0;
  } catch {
    return 0;
  }
}
