import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DecodedLinesModule from '../../src/pipeline/decoded-lines.js';
import type * as FileLinesModule from '../../src/sources/file-lines.js';
import type * as LineIntakeModule from '../../src/pipeline/line-intake.js';
import type * as ParseLineModule from '../../src/parsers/parse-line.js';
import type * as PipelineStatsModule from '../../src/telemetry/pipeline-stats.js';
import type * as ReconstructorModule from '../../src/reconstruct/reconstructor.js';
import type * as ReconstructorOptionsModule from '../../src/cli/reconstructor-options.js';
import type * as ResolveConfigModule from '../../src/config/resolve-config.js';
import type { ParsedLine } from '../../src/model/records.js';
import type { DecodedBatch } from '../../src/parsers/decoded-batch.js';
import type { FinishedTrace } from '../../src/model/span-record.js';
import type { TraceExit } from '../../src/reconstruct/reconstructor.js';
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
  const dist = (module: string): string => pathToFileURL(join(root, 'dist', module)).href;
  const { resolveConfig } = (await import(dist('config/resolve-config.js'))) as typeof ResolveConfigModule;
  const { parseLine } = (await import(dist('parsers/parse-line.js'))) as typeof ParseLineModule;
  const { LineIntake } = (await import(dist('pipeline/line-intake.js'))) as typeof LineIntakeModule;
  const { Reconstructor } = (await import(dist('reconstruct/reconstructor.js'))) as typeof ReconstructorModule;
  const { readStreamDecoded } = (await import(dist('pipeline/decoded-lines.js'))) as typeof DecodedLinesModule;
  const { openLogFile } = (await import(dist('sources/file-lines.js'))) as typeof FileLinesModule;
  const { PipelineStats } = (await import(dist('telemetry/pipeline-stats.js'))) as typeof PipelineStatsModule;
  const { reconstructorOptions } = (await import(dist('cli/reconstructor-options.js'))) as typeof ReconstructorOptionsModule;

  const config = resolveConfig({ endpoint: 'http://127.0.0.1:4318' }, {});
  const parsed: { batch: DecodedBatch; lines: ParsedLine[] }[] = [];
  for await (const batch of readStreamDecoded(await openLogFile(path), config.maxLineBytes)) {
    parsed.push({ batch, lines: batch.texts.map((text) => parseLine(text)) });
    batch.texts.fill('');
  }

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
  for (const { batch, lines } of parsed) {
    let next = 0;
    intake.addDecoded(batch, () => lines[next++] as ParsedLine);
  }
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
