import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hugeTraceLines, manyTracesLines, type LateDataInput } from '../test/support/late-data-lines.js';
import type { BenchContext, Benchmark, Figure } from './benchmark.js';
import { BackfillRunner, type BackfillRun } from './support/backfill-runner.js';
import type { FollowRun } from './support/follow-run.js';
import { seconds } from './support/throughput-figures.js';

const SAMPLE_LOG = 'test/fixtures/openclaw-2026.9.6/file-log.jsonl';
const RSS_TARGET_MIB = 200;
/** Longest a follower may take to deliver a case's last span before its figures fail. */
const FOLLOW_TIMEOUT_MS = 240_000;
const EVICTED = /(\d+) evictions?: open traces were exported early because --max-open-traces was reached/;

/**
 * Issue 18's memory cases, each an `otel-tail backfill --endpoint` child into a real OTLP receiver
 * on 127.0.0.1, its peak RSS (VmHWM) read as in backfill-throughput, then a real
 * `otel-tail --file DIR --from beginning` follower of the same lines into the same receiver, run
 * until every span arrived and its VmHWM read from /proc before SIGTERM: one trace of 300,000 lines
 * (30,000 spans) followed by the real sample, and 30,000 traces opened within 20 s of log time
 * with the default maxOpenTraces (10,000), each getting a line after the others opened. The
 * baseline is a backfill of the sample alone, in the same run. The inputs are the ones
 * test/integration/late-lines.e2e.test.ts checks span by span (test/support/late-data-lines.ts).
 */
export const lateData: Benchmark = {
  name: 'late-data',
  description: 'peak RSS and delivery of a backfill and of a follower of one 300,000-line trace + the sample, and of 30,000 traces opened within 20 s (default --max-open-traces) (--huge-lines=300000 --traces=30000)',
  async run(context: BenchContext): Promise<Figure[]> {
    const hugeLines = context.param('huge-lines', 300_000);
    const traces = context.param('traces', 30_000);
    const samplePath = join(context.repoRoot, SAMPLE_LOG);
    const sample = readFileSync(samplePath, 'utf8').split('\n').filter((line) => line.length > 0);
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-bench-late-'));
    const runner = await BackfillRunner.start(context.repoRoot);
    try {
      const baseline = await runner.backfill(samplePath);
      context.log(`sample alone: ${baseline.spansExported} spans, peak RSS ${Math.round(baseline.run.peakRssMiB)} MiB in ${seconds(baseline.run.wallMs)} s`);
      const huge = hugeTraceLines(hugeLines);
      const hugeInput: LateDataInput = { lines: [...huge.lines, ...sample], expected: huge.expected };
      const hugeRun = await backfillOf(runner, join(dir, 'huge-trace.log'), hugeInput.lines);
      context.log(`one trace of ${hugeLines} lines + the sample: ${hugeRun.spansExported} spans exported in ${seconds(hugeRun.run.wallMs)} s`);
      const hugeExpected = hugeInput.expected.size + baseline.distinctSpans;
      const hugeFollow = await runner.follow(hugeInput.lines, hugeExpected, FOLLOW_TIMEOUT_MS);
      context.log(`follow of the same: ${hugeFollow.distinctSpans} of ${hugeExpected} spans in ${seconds(hugeFollow.wallMs)} s, peak RSS ${Math.round(hugeFollow.peakRssMiB)} MiB`);
      const many = manyTracesLines(sample.find((line) => line.includes('"traceId"')) ?? '', traces);
      const manyRun = await backfillOf(runner, join(dir, 'many-traces.log'), many.lines);
      context.log(`${traces} traces: ${manyRun.spansExported} spans exported in ${seconds(manyRun.run.wallMs)} s`);
      const manyFollow = await runner.follow(many.lines, many.expected.size, FOLLOW_TIMEOUT_MS);
      context.log(`follow of the same: ${manyFollow.distinctSpans} of ${many.expected.size} spans in ${seconds(manyFollow.wallMs)} s, peak RSS ${Math.round(manyFollow.peakRssMiB)} MiB`);
      const evicted = Number(EVICTED.exec(manyRun.run.stderr)?.[1] ?? 0);
      const followEvicted = Number(EVICTED.exec(manyFollow.stderr)?.[1] ?? 0);
      return [
        { label: 'baseline: backfill of the sample: peak RSS', value: baseline.run.peakRssMiB, unit: 'MiB', note: `${sample.length} lines, ${baseline.spansExported} spans; ${baseline.run.rssFrom}` },
        ...caseFigures(`one trace of ${hugeLines} lines + the sample`, hugeRun, hugeExpected, baseline, `${hugeInput.expected.size} spans of the trace + ${baseline.distinctSpans} of the sample`),
        ...followFigures(`one trace of ${hugeLines} lines + the sample`, hugeFollow, hugeExpected),
        ...caseFigures(`${traces} traces within 20 s`, manyRun, many.expected.size, baseline, `a root and one later child per trace`),
        ...followFigures(`${traces} traces within 20 s`, manyFollow, many.expected.size),
        {
          label: `${traces} traces within 20 s: exported early (evictions)`,
          value: evicted,
          unit: 'evictions',
          target: { op: '>=', value: Math.max(0, traces - 10_000) },
          note: 'counted in the end-of-run note; at least those beyond the default --max-open-traces (10,000)',
        },
        {
          label: `${traces} traces within 20 s: follow: exported early (evictions)`,
          value: followEvicted,
          unit: 'evictions',
          target: { op: '>=', value: Math.max(0, traces - 10_000) },
          note: 'counted in the note the follower writes when it stops (SIGTERM)',
        },
        { label: 'receiver decode errors', value: runner.decodeErrors, unit: 'errors', target: { op: '=', value: 0 } },
      ];
    } finally {
      await runner.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function backfillOf(runner: BackfillRunner, path: string, lines: readonly string[]): Promise<BackfillRun> {
  writeFileSync(path, lines.map((line) => `${line}\n`).join(''));
  try {
    return await runner.backfill(path);
  } finally {
    rmSync(path, { force: true });
  }
}

/** Peak RSS (absolute, and over the sample's), wall, and every span delivered once, exit 0. */
function caseFigures(label: string, run: BackfillRun, expected: number, baseline: BackfillRun, expectedNote: string): Figure[] {
  return [
    { label: `${label}: peak RSS`, value: run.run.peakRssMiB, unit: 'MiB', target: { op: '<', value: RSS_TARGET_MIB }, note: `VmHWM of the child (${run.run.rssFrom})` },
    { label: `${label}: peak RSS / baseline`, value: run.run.peakRssMiB / baseline.run.peakRssMiB, unit: '×', note: 'over the backfill of the sample alone, same run' },
    { label: `${label}: wall`, value: run.run.wallMs / 1000, unit: 's', note: `${run.linesRead} lines read, ${run.rejected} rejected` },
    { label: `${label}: distinct spans received`, value: run.distinctSpans, unit: 'spans', target: { op: '=', value: expected }, note: expectedNote },
    { label: `${label}: spans received`, value: run.spansReceived, unit: 'spans', target: { op: '=', value: expected }, note: `${run.spansExported} exported, ${run.spansFailed} failed; = distinct: nothing sent twice` },
    { label: `${label}: exit status`, value: run.run.code ?? 128, unit: '', target: { op: '=', value: 0 } },
  ];
}

/** The follower of the same lines: its peak RSS, and every span delivered before the timeout. */
function followFigures(label: string, run: FollowRun, expected: number): Figure[] {
  const ended = run.exit.killed ? 'SIGKILLed after SIGTERM was not enough' : `exit ${run.exit.code ?? run.exit.signal}`;
  const within = run.complete ? `all within ${seconds(run.wallMs)} s of the ready line` : `timed out after ${seconds(run.wallMs)} s (or the follower died: ${ended})`;
  return [
    { label: `${label}: follow: peak RSS`, value: run.peakRssMiB, unit: 'MiB', target: { op: '<', value: RSS_TARGET_MIB }, note: `VmHWM of the follower from /proc/<pid>/status after the last span, before SIGTERM` },
    { label: `${label}: follow: spans delivered`, value: run.distinctSpans, unit: 'spans', target: { op: '=', value: expected }, note: `distinct; ${run.spansReceived} received in all; ${within}; ${ended}` },
  ];
}
