import { readFileSync, writeFileSync } from 'node:fs';

/** What a measured child says about itself at exit. */
export interface ExitReport {
  /** Peak resident set, kB (VmHWM). */
  vmHwmKb: number;
  /** CPU time of the whole process (every thread: GC helpers, libuv pool), ms. */
  cpuMs: number;
}

/**
 * Preloaded into a measured child (`node --import`): at exit the process reads its own peak
 * resident set (VmHWM in /proc/self/status) and CPU time and writes them as JSON to
 * $BENCH_PEAK_RSS_FILE. Read by the process itself after all its work, so no peak is missed
 * between two polls.
 */
const out = process.env['BENCH_PEAK_RSS_FILE'];
if (out !== undefined) {
  process.on('exit', () => {
    try {
      const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
      const { user, system } = process.cpuUsage();
      const report: ExitReport = { vmHwmKb: Number(match?.[1] ?? Number.NaN), cpuMs: (user + system) / 1000 };
      writeFileSync(out, JSON.stringify(report));
    } catch {
      // No /proc (not Linux): the parent falls back to what it polled.
    }
  });
}
