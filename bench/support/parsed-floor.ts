import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as CreateExporterModule from '../../src/export/create-exporter.js';
import type * as DecodedLinesModule from '../../src/pipeline/decoded-lines.js';
import type * as ExportQueueModule from '../../src/pipeline/export-queue.js';
import type * as FileLinesModule from '../../src/sources/file-lines.js';
import type * as LineIntakeModule from '../../src/pipeline/line-intake.js';
import type * as ParseLineModule from '../../src/parsers/parse-line.js';
import type * as PipelineStatsModule from '../../src/telemetry/pipeline-stats.js';
import type * as ReconstructorModule from '../../src/reconstruct/reconstructor.js';
import type * as ReconstructorOptionsModule from '../../src/cli/reconstructor-options.js';
import type * as ResolveConfigModule from '../../src/config/resolve-config.js';
import type { ParsedLine } from '../../src/model/records.js';
import type { DecodedBatch } from '../../src/parsers/decoded-batch.js';
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
  const { resolveConfig } = (await import(dist('config/resolve-config.js'))) as typeof ResolveConfigModule;
  const { createExporter } = (await import(dist('export/create-exporter.js'))) as typeof CreateExporterModule;
  const { parseLine } = (await import(dist('parsers/parse-line.js'))) as typeof ParseLineModule;
  const { ExportQueue } = (await import(dist('pipeline/export-queue.js'))) as typeof ExportQueueModule;
  const { LineIntake } = (await import(dist('pipeline/line-intake.js'))) as typeof LineIntakeModule;
  const { Reconstructor } = (await import(dist('reconstruct/reconstructor.js'))) as typeof ReconstructorModule;
  const { readStreamDecoded } = (await import(dist('pipeline/decoded-lines.js'))) as typeof DecodedLinesModule;
  const { openLogFile } = (await import(dist('sources/file-lines.js'))) as typeof FileLinesModule;
  const { PipelineStats } = (await import(dist('telemetry/pipeline-stats.js'))) as typeof PipelineStatsModule;
  const { reconstructorOptions } = (await import(dist('cli/reconstructor-options.js'))) as typeof ReconstructorOptionsModule;

  const config = resolveConfig({ endpoint: url }, {});
  // Made first, as backfill does: the worker loads its modules while the lines are read.
  const exporter = await createExporter(config, { inWorker: true, stateDir: process.env['XDG_STATE_HOME'] ?? '.' });
  const parsed: { batch: DecodedBatch; lines: ParsedLine[] }[] = [];
  for await (const batch of readStreamDecoded(await openLogFile(path), config.maxLineBytes)) {
    parsed.push({ batch, lines: batch.texts.map((text) => parseLine(text)) });
    // The texts are parsed: only their count is read from here on.
    batch.texts.fill('');
  }

  const startMs = performance.now();
  const startCpuMs = threadCpuMs();
  const stats = new PipelineStats();
  const queue = new ExportQueue(exporter, config.maxBatchSpans, stats);
  const reconstructor = new Reconstructor(reconstructorOptions(config), (trace) => queue.push(trace));
  const intake = new LineIntake(path, config.maxLineBytes, stats, reconstructor);
  for (const { batch, lines } of parsed) {
    let next = 0;
    intake.addDecoded(batch, () => lines[next++] as ParsedLine);
    if (queue.full) await queue.sendFull();
  }
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
