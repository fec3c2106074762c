import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOtlpReceiver } from '../test/support/otlp-receiver.js';
import type { BenchContext, Benchmark, Figure } from './benchmark.js';
import { generateLog, loadLogTemplate } from './support/generate-log.js';
import { measureChild, type ChildRun } from './support/measure-child.js';
import { mb, seconds } from './support/throughput-figures.js';

const SAMPLE_LOG = 'test/fixtures/openclaw-2026.9.6/file-log.jsonl';
const SUMMARY = /: (\d+) lines read, (\d+) rejected[^,]*, (\d+) traces[^,]*, (\d+) spans exported, (\d+) failed(?:, (\d+) log records exported, (\d+) failed)?/;

interface Run {
  run: ChildRun;
  spans: number;
  logRecords: number;
  logRecordsReceived: number;
}

/**
 * What `--logs` costs a backfill: the sample replicated into a ~100 MB file log (as
 * backfill-throughput does), backfilled into one OTLP receiver on 127.0.0.1 without and with
 * `--logs`, interleaved `runs` times; medians compared in the same run, as ratios. The receiver
 * only counts the log records (it shares the CPU with the run it measures).
 */
export const logsCost: Benchmark = {
  name: 'logs-cost',
  description: 'otel-tail backfill of a ~100 MB file log with --logs vs without, same receiver, interleaved: wall time, CPU and peak RSS as ratios (--copies=150 --runs=3)',
  async run(context: BenchContext): Promise<Figure[]> {
    const copies = context.param('copies', 150);
    const runs = Math.max(1, context.param('runs', 3));
    const template = loadLogTemplate(join(context.repoRoot, SAMPLE_LOG));
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-bench-logs-'));
    let received = 0;
    const receiver = await startOtlpReceiver({ onSpanIds: () => undefined, onLogCount: (records) => (received += records) });
    const bin = join(context.repoRoot, 'bin/otel-tail');
    const backfill = async (path: string, logs: boolean): Promise<Run> => {
      received = 0;
      const run = await measureChild(bin, ['backfill', ...(logs ? ['--logs'] : []), '--endpoint', receiver.url, path]);
      const summary = SUMMARY.exec(run.stderr);
      if (run.code !== 0 || summary === null) throw new Error(`otel-tail backfill${logs ? ' --logs' : ''} ${path}: exit ${run.code}; stderr:\n${run.stderr.slice(-2000)}`);
      return { run, spans: Number(summary[4]), logRecords: Number(summary[6] ?? 0), logRecordsReceived: received };
    };
    try {
      const log = await generateLog(template, copies, join(dir, `file-log-x${copies}.jsonl`));
      context.log(`${mb(log.bytes)} MB, ${log.lines} lines; ${runs} interleaved runs without and with --logs`);
      const without: Run[] = [];
      const withLogs: Run[] = [];
      for (let i = 1; i <= runs; i++) {
        without.push(await backfill(log.path, false));
        withLogs.push(await backfill(log.path, true));
        context.log(`run ${i}: ${seconds(without.at(-1)?.run.wallMs ?? 0)} s without, ${seconds(withLogs.at(-1)?.run.wallMs ?? 0)} s with --logs`);
      }
      const records = withLogs.map((run) => run.logRecords);
      const complete = withLogs.every((run) => run.logRecords === log.lines && run.logRecordsReceived === log.lines);
      const spansSame = withLogs.every((run, i) => run.spans === without[i]?.spans);
      const wall = median(withLogs.map((r) => r.run.wallMs)) / median(without.map((r) => r.run.wallMs));
      const cpu = median(withLogs.map((r) => r.run.cpuMs)) / median(without.map((r) => r.run.cpuMs));
      const rss = median(withLogs.map((r) => r.run.peakRssMiB)) / median(without.map((r) => r.run.peakRssMiB));
      return [
        { label: 'backfill wall time without --logs (median)', value: round(median(without.map((r) => r.run.wallMs)) / 1000), unit: 's' },
        { label: 'backfill wall time with --logs (median)', value: round(median(withLogs.map((r) => r.run.wallMs)) / 1000), unit: 's' },
        { label: '--logs wall time ratio (with / without)', value: round(wall), unit: 'x', note: 'same log, same receiver, same run' },
        { label: '--logs CPU ratio (all threads)', value: round(cpu), unit: 'x' },
        { label: '--logs peak RSS ratio', value: round(rss), unit: 'x' },
        {
          label: 'log records exported and received = lines of the log',
          value: complete && spansSame ? 1 : 0,
          unit: 'ok',
          target: { op: '=', value: 1 },
          note: `${log.lines} lines; exported ${records.join('/')}; spans the same with and without: ${spansSame}`,
        },
      ];
    } finally {
      await receiver.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
