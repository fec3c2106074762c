import { mkdtempSync, readdirSync, rmSync, statfsSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Benchmark, Figure } from './benchmark.js';
import { BackfillRunner, type BackfillRun, type BaselineRun, type ParsedFloorRun } from './support/backfill-runner.js';
import { summariseProfile } from './support/cpu-profile.js';
import { threadSplit } from './support/thread-split.js';
import { generateLog, loadLogTemplate, type LogTemplate } from './support/generate-log.js';
import { deliveryFigures, mb, MB, seconds, targetBudgetFigures, threadCpuFigures, throughputFigures, throughputRatio } from './support/throughput-figures.js';

const SAMPLE_LOG = 'test/fixtures/openclaw-2026.9.6/file-log.jsonl';
const RSS_TARGET_MIB = 200;
const RATIO_TARGET = 0.5;
/** The big run needs its file (~1 GB) and room to spare; below this it is skipped, saying why. */
const BIG_RUN_MIN_FREE = 3e9;

/**
 * Backfill throughput and memory. The sample run is replicated into a ~100 MB file log (fresh
 * ids and shifted times per copy) and a gzip copy of it. Each is read by a bare Node loop that
 * only splits lines and JSON.parses them (the baseline, the floor of any JSONL reader), then by
 * `otel-tail backfill --endpoint` into a real OTLP receiver on 127.0.0.1; the four are
 * interleaved `runs` times and medians compared. Then the same on a ~1 GB file, once: peak RSS
 * must not grow with the input.
 */
export const backfillThroughput: Benchmark = {
  name: 'backfill-throughput',
  description: 'otel-tail backfill of a ~100 MB file log (plain, .gz) into an OTLP receiver vs a bare read+JSON.parse loop; peak RSS at 100 MB and 1 GB (--copies=150 --runs=3 --big-copies=1500 --profile=0; one profiled run gives the main thread split by stage, --profile=1 adds self time by function)',
  async run(context: BenchContext): Promise<Figure[]> {
    const copies = context.param('copies', 150);
    const runs = Math.max(1, context.param('runs', 3));
    const bigCopies = context.param('big-copies', 1500);
    const profile = context.param('profile', 0) > 0;

    const template = loadLogTemplate(join(context.repoRoot, SAMPLE_LOG));
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-bench-backfill-'));
    const runner = await BackfillRunner.start(context.repoRoot);
    try {
      const needed = template.bytes * copies * 1.2;
      if (freeBytes(dir) < needed) throw new Error(`${dir}: ${gb(freeBytes(dir))} free, the ${copies}-copy log and its .gz need ${gb(needed)}`);

      const reference = await runner.backfill(join(context.repoRoot, SAMPLE_LOG));
      context.log(`sample run: ${template.lines} lines, ${reference.traces} traces, ${reference.spansExported} spans; generating ${copies} copies (+ .gz) in ${dir}`);
      const generateStart = performance.now();
      const log = await generateLog(template, copies, join(dir, `file-log-x${copies}.jsonl`), join(dir, `file-log-x${copies}.jsonl.gz`));
      const gzPath = log.gzPath ?? '';
      context.log(`${mb(log.bytes)} MB, ${log.lines} lines in ${seconds(performance.now() - generateStart)} s; ${runs} interleaved runs of each`);

      const plainBase: BaselineRun[] = [];
      const gzBase: BaselineRun[] = [];
      const plain: BackfillRun[] = [];
      const gz: BackfillRun[] = [];
      const floors: ParsedFloorRun[] = [];
      for (let i = 1; i <= runs; i++) {
        const a = await runner.baseline(log.path, false, log.lines);
        const b = await runner.backfill(log.path);
        const c = await runner.baseline(gzPath, true, log.lines);
        const d = await runner.backfill(gzPath);
        const e = await runner.parsedFloor(log.path, reference.spansExported * copies);
        plainBase.push(a);
        plain.push(b);
        gzBase.push(c);
        gz.push(d);
        floors.push(e);
        context.log(`run ${i}: baseline ${seconds(a.wallMs)} s, backfill ${seconds(b.run.wallMs)} s, baseline .gz ${seconds(c.wallMs)} s, backfill .gz ${seconds(d.run.wallMs)} s, backfill after parsing ${seconds(e.ms)} s`);
      }

      const ratio = throughputRatio(plain.map((r) => r.run), plainBase);
      const expected = reference.spansExported * copies;
      const expectedNote = `${copies} copies × ${reference.spansExported} spans of the sample run`;
      const figures: Figure[] = [
        { label: 'input', value: mb(log.bytes), unit: 'MB', note: `${log.lines} lines, ${copies} copies of the sample run; .gz ${mb(statSync(gzPath).size)} MB` },
        {
          label: 'backfill of the sample run: wall',
          value: reference.run.wallMs / 1000,
          unit: 's',
          note: `${template.lines} lines: mostly start-up and shutdown, a fixed cost in every backfill wall time`,
        },
        ...throughputFigures('baseline: read + JSON.parse', log, plainBase),
        ...throughputFigures('backfill', log, plain.map((r) => r.run), RSS_TARGET_MIB),
        ...threadCpuFigures('backfill', plain.map((r) => r.run)),
        { label: 'backfill / baseline throughput', value: ratio, unit: '×', target: { op: '>=', value: RATIO_TARGET }, note: 'aim 1×; same file, same run; wall times include node start-up' },
        ...targetBudgetFigures(floors, plain, plainBase, RATIO_TARGET, availableParallelism()),
        ...throughputFigures('baseline .gz: gunzip + read + JSON.parse', log, gzBase),
        ...throughputFigures('backfill .gz', log, gz.map((r) => r.run), RSS_TARGET_MIB),
        ...threadCpuFigures('backfill .gz', gz.map((r) => r.run)),
        {
          label: 'backfill .gz / baseline .gz throughput',
          value: throughputRatio(gz.map((r) => r.run), gzBase),
          unit: '×',
          target: { op: '>=', value: RATIO_TARGET },
          note: `vs the plain baseline: ${throughputRatio(gz.map((r) => r.run), plainBase).toFixed(2)}×`,
        },
        ...deliveryFigures('backfill', plain, log, expected, expectedNote),
        ...deliveryFigures('backfill .gz', gz, log, expected, expectedNote),
      ];

      context.log('profiling one more plain backfill (node --cpu-prof): the main thread\'s split');
      figures.push(...(await profileFigures(runner, log.path, join(dir, 'profile'), context.repoRoot, profile)));
      if (!profile && ratio < RATIO_TARGET) context.log('throughput target missed: --profile=1 also prints self time by area and by function');

      // Free the 100 MB files' space before the big one.
      rmSync(log.path, { force: true });
      rmSync(gzPath, { force: true });
      const smallPeakMiB = Math.max(...plain.map((r) => r.run.peakRssMiB));
      figures.push(...(await bigRun(context, runner, dir, template, bigCopies, { peakMiB: smallPeakMiB, bytes: log.bytes, spans: reference.spansExported })));
      figures.push({ label: 'receiver decode errors', value: runner.decodeErrors, unit: 'errors', target: { op: '=', value: 0 } });
      return figures;
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

/**
 * One more backfill under `node --cpu-prof`: the main thread's time by stage (scan, reconstruct,
 * GC, ...), and with `detail` its self time by area and by function.
 */
async function profileFigures(runner: BackfillRunner, path: string, profileDir: string, repoRoot: string, detail: boolean): Promise<Figure[]> {
  const profiled = await runner.backfill(path, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the main thread, the others the export worker.
  const files = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
  const file = files.find((name) => name.split('.').at(-3) === '0') ?? files[0];
  if (file === undefined) throw new Error(`node --cpu-prof wrote no profile in ${profileDir}`);
  const figures: Figure[] = [{ label: 'profiled backfill: wall', value: profiled.run.wallMs / 1000, unit: 's', note: 'with --cpu-prof (slower). Below, its main thread by stage: samples are wall clock, so on a busy machine waits for a core count where the thread was preempted' }];
  for (const { where, ms, percent } of threadSplit(join(profileDir, file), repoRoot)) {
    figures.push({ label: `main thread: ${where}`, value: percent, unit: '%', note: `${Math.round(ms)} ms sampled` });
  }
  if (!detail) return figures;
  const { areas, functions } = summariseProfile(join(profileDir, file), repoRoot, 15);
  for (const { where, ms, percent } of areas) figures.push({ label: `self time, ${where}`, value: percent, unit: '%', note: `${Math.round(ms)} ms` });
  for (const { where, ms, percent } of functions) figures.push({ label: `self: ${where}`, value: percent, unit: '%', note: `${Math.round(ms)} ms` });
  return figures;
}

/** The baseline and one backfill on a ~1 GB file (`copies` copies), then the file is deleted. */
async function bigRun(
  context: BenchContext,
  runner: BackfillRunner,
  dir: string,
  template: LogTemplate,
  copies: number,
  small: { peakMiB: number; bytes: number; spans: number },
): Promise<Figure[]> {
  const size = gb(template.bytes * copies);
  const label = `backfill ${size}`;
  const skipped = (why: string): Figure[] => {
    context.log(why);
    return [{ label: 'backfill, big file: peak RSS', value: Number.NaN, unit: 'MiB', note: why }];
  };
  if (copies <= 0) return skipped('big file run skipped: --big-copies=0');
  const free = freeBytes(dir);
  if (free < BIG_RUN_MIN_FREE) return skipped(`big file run skipped: ${gb(free)} free in ${dir}, it wants ${gb(BIG_RUN_MIN_FREE)}`);

  context.log(`generating ${copies} copies (${size}) for the RSS flatness run`);
  const log = await generateLog(template, copies, join(dir, `file-log-x${copies}.jsonl`));
  try {
    context.log(`${mb(log.bytes)} MB, ${log.lines} lines; the baseline, then otel-tail backfill`);
    const base = await runner.baseline(log.path, false, log.lines);
    const big = await runner.backfill(log.path);
    context.log(`baseline ${seconds(base.wallMs)} s, backfill ${seconds(big.run.wallMs)} s`);
    return [
      ...throughputFigures(`baseline ${size}`, log, [base]),
      ...throughputFigures(label, log, [big.run], RSS_TARGET_MIB),
      { label: `${label} / baseline throughput`, value: throughputRatio([big.run], [base]), unit: '×', note: 'start-up is a smaller share of these wall times' },
      ...deliveryFigures(label, [big], log, small.spans * copies, `${copies} copies × ${small.spans} spans`),
      {
        label: `peak RSS growth, ${gb(small.bytes)} → ${size}`,
        value: big.run.peakRssMiB - small.peakMiB,
        unit: 'MiB',
        note: `${Math.round(small.peakMiB)} → ${Math.round(big.run.peakRssMiB)} MiB for ${(log.bytes / small.bytes).toFixed(1)}× the input; flat is ~0`,
      },
    ];
  } finally {
    rmSync(log.path, { force: true });
  }
}

function freeBytes(path: string): number {
  const stats = statfsSync(path);
  return stats.bavail * stats.bsize;
}

const gb = (bytes: number): string => (bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / MB)} MB`);
