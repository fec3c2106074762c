import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { FinishedTrace } from '../../src/model/span-record.js';
import type { TraceExit } from '../../src/reconstruct/reconstructor.js';
import { addParsed, pipelineModules } from './parsed-log.js';
import { threadCpuMs } from './proc-stat.js';
import { repoRoot } from './repo-root.js';

/**
 * The reconstructor alone, as a backfill's main thread runs it: FILE is read, decoded and parsed
 * first (not timed), then its lines go through LineIntake and the Reconstructor once, cold (a fresh
 * process: JIT warm-up included, as in a real run), and the FinishedTraces are dropped as they leave.
 * Run as its own process, several times, old and new builds interleaved:
 * `node reconstruct-pass.js FILE [ROOT] [--digest]`, ROOT being a checkout whose dist/ is loaded
 * (default: this one). Prints `{"ms":M,"mainCpuMs":C,"gcMs":G,"traces":T,"spans":S}`.
 *
 * `--digest` adds `sha256`: of every FinishedTrace and its key and close reason, in the order they
 * left (JSON, keys in their order, `undefined` values marked). Two builds whose digests of the same
 * log are equal made the same spans, ids and contents, in the same order: the check a change to the
 * parsers or the reconstructor that must not change the output can run on a whole log. Its timing
 * then includes the hashing.
 */
async function main(path: string, root: string, digest: boolean): Promise<void> {
  const { resolveConfig, LineIntake, Reconstructor, PipelineStats, reconstructorOptions, parseAll } = await pipelineModules(root);
  const config = resolveConfig({ endpoint: 'http://127.0.0.1:4318' }, {});
  const parsed = await parseAll(path, config.maxLineBytes);

  const hash = createHash('sha256');
  let traces = 0;
  let spans = 0;
  const emit = (trace: FinishedTrace, exit: TraceExit): void => {
    traces++;
    spans += trace.spans.length;
    if (digest) hash.update(`${JSON.stringify([trace, exit.key, exit.closedBy], (_key, value: unknown) => (value === undefined ? '\u0000undefined' : value))}\n`);
  };
  let gcMs = 0;
  const { PerformanceObserver } = await import('node:perf_hooks');
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMs += entry.duration;
  });
  observer.observe({ entryTypes: ['gc'] });

  const startMs = performance.now();
  const startCpuMs = threadCpuMs();
  const reconstructor = new Reconstructor(reconstructorOptions(config), emit);
  const intake = new LineIntake(path, config.maxLineBytes, new PipelineStats(), reconstructor);
  await addParsed(intake, parsed);
  reconstructor.flush();
  const ms = performance.now() - startMs;
  const mainCpuMs = threadCpuMs() - startCpuMs;
  // GC entries are delivered after the task that saw them.
  await new Promise((done) => setTimeout(done, 10));
  observer.disconnect();
  const out: Record<string, unknown> = { ms: Math.round(ms), mainCpuMs: Math.round(mainCpuMs), gcMs: Math.round(gcMs), traces, spans };
  if (digest) out['sha256'] = hash.digest('hex');
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

const args = process.argv.slice(2);
const digest = args.includes('--digest');
const [path, root] = args.filter((arg) => arg !== '--digest');
if (path === undefined) throw new Error('usage: reconstruct-pass FILE [ROOT] [--digest]');
await main(path, root === undefined ? repoRoot() : resolve(root), digest);
