import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

/** What a measured child says about itself at exit. */
export interface ExitReport {
  /** Peak resident set, kB (VmHWM). */
  vmHwmKb: number;
  /** CPU time of the whole process (every thread: GC helpers, libuv pool), ms. */
  cpuMs: number;
  /** The same split by thread, ms; undefined without /proc/self/task/<tid>/schedstat. */
  threads?: ThreadCpu;
}

/**
 * Where a process's CPU went, by thread, read at its exit: the main thread; the threads still
 * running then (V8's platform threads: concurrent GC and the optimizing compiler; libuv's pool:
 * file reads, gunzip); and the rest of the process total, which is the threads that ended
 * before (in a backfill, the export worker, terminated at shutdown).
 */
export interface ThreadCpu {
  mainMs: number;
  helpersMs: number;
  endedMs: number;
}

function threadCpu(totalMs: number): ThreadCpu | undefined {
  let mainMs: number | undefined;
  let helpersMs = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    // schedstat's first field: time on a CPU, ns.
    const ms = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
    if (Number(tid) === process.pid) mainMs = ms;
    else helpersMs += ms;
  }
  if (mainMs === undefined || !Number.isFinite(mainMs + helpersMs)) return undefined;
  return { mainMs, helpersMs, endedMs: Math.max(0, totalMs - mainMs - helpersMs) };
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
      const cpuMs = (user + system) / 1000;
      const report: ExitReport = { vmHwmKb: Number(match?.[1] ?? Number.NaN), cpuMs };
      try {
        const threads = threadCpu(cpuMs);
        if (threads !== undefined) report.threads = threads;
      } catch {
        // No schedstat: the total is still reported.
      }
      writeFileSync(out, JSON.stringify(report));
    } catch {
      // No /proc (not Linux): the parent falls back to what it polled.
    }
  });
}
