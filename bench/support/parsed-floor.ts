import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as CreateExporterModule from '../../src/export/create-exporter.js';
import type * as ExportQueueModule from '../../src/pipeline/export-queue.js';
import { addParsed, pipelineModules } from './parsed-log.js';
import { threadCpuMs } from './proc-stat.js';
import { repoRoot } from './repo-root.js';

/**
 * What a backfill costs after its lines are read and parsed: FILE is read, decoded and parsed
 * first (not timed), then its lines go through the LineIntake, Reconstructor, ExportQueue and
 * export worker `otel-tail backfill` uses, to URL, and that part is timed. The main thread's CPU
 * in it is what a backfill's main thread does besides start-up, reading and parsing (the export
 * worker's share can overlap with those; this cannot). Run as its own process:
 * `node parsed-floor.js FILE URL`; prints `{"ms":M,"mainCpuMs":C,"lines":N,"spans":S}` (C: this
 * thread's CPU in the timed part).
 *
 * It loads otel-tail's dist/ (what the CLI runs), not a copy compiled for the bench. Every
 * parsed line is held in memory (~190 MB of heap at 97 MB of log), yet the timed part spent
 * 38-76 ms in GC when measured (8-13 ms of it full collections), less than a backfill's main
 * thread spends on the same log: the held lines are old and are not walked by the young GC.
 */
async function main(path: string, url: string): Promise<void> {
  const dist = (module: string): string => pathToFileURL(join(repoRoot(), 'dist', module)).href;
  const { resolveConfig, LineIntake, Reconstructor, PipelineStats, reconstructorOptions, parseAll } = await pipelineModules(repoRoot());
  const { createExporter } = (await import(dist('export/create-exporter.js'))) as typeof CreateExporterModule;
  const { ExportQueue } = (await import(dist('pipeline/export-queue.js'))) as typeof ExportQueueModule;

  const config = resolveConfig({ endpoint: url }, {});
  // Made first, as backfill does: the worker loads its modules while the lines are read.
  const exporter = await createExporter(config, { inWorker: true, stateDir: process.env['XDG_STATE_HOME'] ?? '.' });
  const parsed = await parseAll(path, config.maxLineBytes);

  const startMs = performance.now();
  const startCpuMs = threadCpuMs();
  const stats = new PipelineStats();
  const queue = new ExportQueue(exporter, config.maxBatchSpans, stats);
  const reconstructor = new Reconstructor(reconstructorOptions(config), (trace) => queue.push(trace));
  const intake = new LineIntake(path, config.maxLineBytes, stats, reconstructor);
  await addParsed(intake, parsed, async () => {
    if (queue.full) await queue.sendFull();
  });
  reconstructor.flush();
  await queue.drain();
  await exporter.shutdown();
  const ms = performance.now() - startMs;
  const mainCpuMs = threadCpuMs() - startCpuMs;
  if (stats.spansFailed > 0 || queue.firstError !== undefined) throw new Error(`parsed-floor: ${stats.spansFailed} spans failed: ${queue.firstError?.message ?? ''}`);
  process.stdout.write(`${JSON.stringify({ ms, mainCpuMs, lines: stats.linesRead, spans: stats.spansExported })}\n`);
}

const [path, url] = process.argv.slice(2);
if (path === undefined || url === undefined) throw new Error('usage: parsed-floor FILE URL');
await main(path, url);
