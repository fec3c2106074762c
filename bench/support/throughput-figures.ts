import type { Figure } from '../benchmark.js';
import type { BackfillRun, ParsedFloorRun } from './backfill-runner.js';
import type { ChildRun } from './measure-child.js';
import { distribution } from './stats.js';

export const MB = 1e6;

/** The input every throughput is counted in: the uncompressed log. */
export interface LogSize {
  bytes: number;
  lines: number;
}

/** Wall (median), MB/s, lines/s and peak RSS (highest) of one program over `runs`. */
export function throughputFigures(label: string, log: LogSize, runs: readonly ChildRun[], rssTargetMiB?: number): Figure[] {
  const wallMs = median(runs.map((r) => r.wallMs));
  const cpuMs = median(runs.map((r) => r.cpuMs));
  const of = runs.length > 1 ? `median of ${runs.length}` : 'one run';
  const rssFrom = [...new Set(runs.map((r) => r.rssFrom))].join(', ');
  return [
    { label: `${label}: wall`, value: wallMs / 1000, unit: 's', note: `${of}; CPU ${seconds(cpuMs)} s, ${Math.round((cpuMs / wallMs) * 100)} % of the wall (all threads of the child)` },
    { label: `${label}: throughput`, value: log.bytes / MB / (wallMs / 1000), unit: 'MB/s', note: 'MB of uncompressed log' },
    { label: `${label}: lines`, value: Math.round(log.lines / (wallMs / 1000)), unit: 'lines/s' },
    {
      label: `${label}: peak RSS`,
      value: Math.max(...runs.map((r) => r.peakRssMiB)),
      unit: 'MiB',
      ...(rssTargetMiB === undefined ? {} : { target: { op: '<' as const, value: rssTargetMiB } }),
      note: `VmHWM of the child (${rssFrom})${runs.length > 1 ? `, highest of ${runs.length}` : ''}`,
    },
  ];
}

/** Throughput of `runs` over that of `baseline`, from their median wall times. */
export function throughputRatio(runs: readonly ChildRun[], baseline: readonly ChildRun[]): number {
  return median(baseline.map((r) => r.wallMs)) / median(runs.map((r) => r.wallMs));
}

/** What the backfill read and exported, and what the receiver got: every span exactly once. */
export function deliveryFigures(label: string, runs: readonly BackfillRun[], log: LogSize, expectedSpans: number, expectedNote: string): Figure[] {
  const first = runs[0];
  if (first === undefined) return [];
  const agree = runs.every((r) => r.spansReceived === first.spansReceived && r.spansExported === first.spansExported && r.linesRead === first.linesRead);
  return [
    { label: `${label}: lines read`, value: first.linesRead, unit: 'lines', target: { op: '=', value: log.lines }, note: `${first.rejected} rejected` },
    {
      label: `${label}: spans exported`,
      value: first.spansExported,
      unit: 'spans',
      target: { op: '=', value: expectedSpans },
      note: `${expectedNote}; ${first.spansFailed} failed, ${first.traces} traces`,
    },
    {
      label: `${label}: spans received`,
      value: first.spansReceived,
      unit: 'spans',
      target: { op: '=', value: first.spansExported },
      note: [
        `${first.distinctSpans} distinct in ${first.distinctTraces} traces`,
        ...(runs.length > 1 ? [agree ? 'same in every run' : 'NOT the same in every run'] : []),
        `receiver CPU ${seconds(median(runs.map((r) => r.receiverCpuMs)))} s`,
      ].join('; '),
    },
    {
      label: `${label}: exit status`,
      value: Math.max(...runs.map((r) => r.run.code ?? 128)),
      unit: '',
      target: { op: '=', value: 0 },
      ...(runs.length > 1 ? { note: 'worst of all runs' } : {}),
    },
  ];
}

/**
 * Why the 0.5× target is missed, in two budgets. CPU: that target's wall (twice the baseline's)
 * holds `cores` times as many core-seconds, the receiver's CPU (same machine) taken out, against
 * what the backfill used. The main thread: the pipeline after parsing (parsed-floor.ts) costs it
 * `mainCpuMs`, so at most the rest of that wall is left to it for start-up, reading and parsing,
 * and only if it never waits for a core; the bare loop does just those in its whole wall.
 */
export function targetBudgetFigures(floors: readonly ParsedFloorRun[], backfills: readonly BackfillRun[], baseline: readonly ChildRun[], ratioTarget: number, cores: number): Figure[] {
  const baselineMs = median(baseline.map((r) => r.wallMs));
  const targetWallMs = baselineMs / ratioTarget;
  const receiverMs = median(backfills.map((r) => r.receiverCpuMs));
  const backfillCpuMs = median(backfills.map((r) => r.run.cpuMs));
  const mainCpuMs = median(floors.map((r) => r.mainCpuMs));
  const leftMs = targetWallMs - mainCpuMs;
  return [
    {
      label: `CPU a ${ratioTarget}× wall holds`,
      value: (cores * targetWallMs - receiverMs) / 1000,
      unit: 'core-s',
      note: `${seconds(targetWallMs)} s × ${cores} cores less the receiver's ${seconds(receiverMs)} s; the backfill used ${seconds(backfillCpuMs)} s`,
    },
    {
      label: 'backfill after parsing: wall',
      value: median(floors.map((r) => r.ms)) / 1000,
      unit: 's',
      note: `median of ${floors.length}; lines read and parsed first, untimed; main thread on CPU ${seconds(mainCpuMs)} s of it (bench/support/parsed-floor.ts)`,
    },
    {
      label: `main thread left at ${ratioTarget}×`,
      value: leftMs / 1000,
      unit: 's',
      note: `for start-up, reading, parsing, if it never waits; the bare loop does those in ${seconds(baselineMs)} s`,
    },
  ];
}

/**
 * A backfill's CPU by thread (medians over `runs`): the main thread, the export worker (the
 * threads that ended before exit) and the helper threads alive at exit (V8's concurrent GC and
 * optimizing compiler, libuv's pool: reads, gunzip). On two cores every thread's CPU delays the
 * others, so each part counts against the wall.
 */
export function threadCpuFigures(label: string, runs: readonly ChildRun[]): Figure[] {
  const split = runs.map((r) => r.threads).filter((t) => t !== undefined);
  if (split.length === 0) return [{ label: `${label}: CPU by thread`, value: Number.NaN, unit: 's', note: 'no /proc/self/task/<tid>/schedstat here' }];
  const of = `median of ${split.length}`;
  return [
    { label: `${label}: CPU, main thread`, value: median(split.map((t) => t.mainMs)) / 1000, unit: 's', note: `${of}; reading, parsing, reconstructing, the hand-off, GC pauses` },
    { label: `${label}: CPU, export worker`, value: median(split.map((t) => t.endedMs)) / 1000, unit: 's', note: 'threads ended before exit: the export worker (transforms, encoding, HTTP, its GC)' },
    { label: `${label}: CPU, helper threads`, value: median(split.map((t) => t.helpersMs)) / 1000, unit: 's', note: "alive at exit: V8's concurrent GC and optimizing compiler, libuv's pool (reads, gunzip)" },
  ];
}

function median(values: readonly number[]): number {
  return distribution(values).p50;
}

export const seconds = (ms: number): string => (ms / 1000).toFixed(2);
export const mb = (bytes: number): number => Math.round((bytes / MB) * 10) / 10;
