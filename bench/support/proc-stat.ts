import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, almost always 100). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat (Linux only). */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // Fields 14 (utime) and 15 (stime), numbered from 1, are 11 and 12 after "pid (comm) ".
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Time the calling thread has spent on a CPU, ms, from /proc/thread-self/schedstat (Linux only). */
export function threadCpuMs(): number {
  return Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]) / 1e6;
}

/** CPU used while `during` runs, as a percentage of one core over its wall time. */
export async function cpuPercentWhile(pid: number, during: () => Promise<void>): Promise<number> {
  const cpuBefore = cpuSeconds(pid);
  const wallBefore = performance.now();
  await during();
  const wallSeconds = (performance.now() - wallBefore) / 1000;
  return ((cpuSeconds(pid) - cpuBefore) / wallSeconds) * 100;
}

/** Peak resident set size in MiB (VmHWM), undefined when /proc does not say. */
export function peakRssMiB(pid: number): number | undefined {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match === null ? undefined : Number(match[1]) / 1024;
}
