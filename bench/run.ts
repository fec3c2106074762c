import type { BenchContext, Benchmark, Figure } from './benchmark.js';
import { targetMet } from './benchmark.js';
import { formatFigures } from './report.js';
import { repoRoot } from './support/repo-root.js';

/**
 * `npm run bench [-- <name>... --param=value]`: runs the named benchmarks (all when none is
 * named), one after the other so they do not compete for the CPU, and prints each one's
 * figures with its targets. Exit 1 only when a benchmark could not run; a missed target is
 * printed as NOT MET (figures depend on the machine, so they are not a test).
 */
const BENCHMARKS: Readonly<Record<string, () => Promise<Benchmark>>> = {
  'live-latency': async () => (await import('./live-latency.js')).liveLatency,
  'backfill-throughput': async () => (await import('./backfill-throughput.js')).backfillThroughput,
  'late-data': async () => (await import('./late-data.js')).lateData,
  'logs-cost': async () => (await import('./logs-cost.js')).logsCost,
};

async function main(argv: readonly string[]): Promise<number> {
  const names: string[] = [];
  const params = new Map<string, number>();
  for (const arg of argv) {
    const param = /^--([a-z][a-z0-9-]*)=(.+)$/.exec(arg);
    if (param !== null) {
      const value = Number(param[2]);
      if (!Number.isFinite(value)) return usage(`--${param[1]} needs a number, got "${param[2]}"`);
      params.set(param[1] ?? '', value);
    } else if (arg === '--list') {
      for (const name of Object.keys(BENCHMARKS)) process.stdout.write(`${name}\n`);
      return 0;
    } else if (arg in BENCHMARKS) {
      names.push(arg);
    } else {
      return usage(`unknown benchmark or option "${arg}"`);
    }
  }

  const context: BenchContext = {
    repoRoot: repoRoot(),
    param: (name, fallback) => params.get(name) ?? fallback,
    log: (message) => process.stderr.write(`  · ${message}\n`),
  };
  let failed = 0;
  let met = 0;
  let missed = 0;
  for (const name of names.length > 0 ? names : Object.keys(BENCHMARKS)) {
    const load = BENCHMARKS[name];
    if (load === undefined) continue;
    const benchmark = await load();
    process.stdout.write(`\n${benchmark.name}: ${benchmark.description}\n`);
    let figures: Figure[];
    try {
      figures = await benchmark.run(context);
    } catch (error) {
      failed++;
      process.stdout.write(`  FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      continue;
    }
    process.stdout.write(`${formatFigures(figures)}\n`);
    for (const figure of figures) {
      const result = targetMet(figure);
      if (result === true) met++;
      if (result === false) missed++;
    }
  }
  process.stdout.write(`\ntargets: ${met} met, ${missed} not met${failed > 0 ? `; ${failed} benchmark(s) FAILED to run` : ''}\n`);
  return failed > 0 ? 1 : 0;
}

function usage(message: string): number {
  process.stderr.write(`bench: ${message}\nusage: npm run bench [-- --list | <name>... [--param=value]...]\nbenchmarks: ${Object.keys(BENCHMARKS).join(', ')}\n`);
  return 2;
}

process.exitCode = await main(process.argv.slice(2));
