import { stat } from 'node:fs/promises';
import { InputError } from '../config/config-error.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import { Reconstructor, type ReconstructorOptions } from '../reconstruct/reconstructor.js';
import { readFileLines } from '../sources/file-lines.js';
import { JournalError, readJournalEntries } from '../sources/journal-reader.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { ExportQueue } from './export-queue.js';
import { JournalIntake } from './journal-intake.js';
import { LineIntake } from './line-intake.js';

export interface BackfillOptions {
  paths: readonly string[];
  /** Journald streams read once (journal files, or the live journal) after the files. */
  journals?: readonly JournalTarget[];
  journalctl?: string;
  maxLineBytes: number;
  maxBatchSpans: number;
  reconstructor: ReconstructorOptions;
  exporter: TraceExporter;
}

export interface BackfillResult {
  stats: PipelineStats;
  reconstructor: Reconstructor;
  exportError?: Error;
}

/**
 * Reads each file to its end, in the order given, through one reconstructor
 * (so a trace that crosses from one file into the next stays one trace), and
 * exports everything. Shutdown order: sources done → reconstructor flushed →
 * export queue drained → exporter shut down.
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  for (const path of options.paths) await checkReadable(path);
  const stats = new PipelineStats();
  const queue = new ExportQueue(options.exporter, options.maxBatchSpans, stats);
  const reconstructor = new Reconstructor(options.reconstructor, (trace) => queue.push(trace));
  try {
    for (const path of options.paths) {
      const intake = new LineIntake(path, options.maxLineBytes, stats, reconstructor);
      try {
        for await (const batch of readFileLines(path, options.maxLineBytes)) {
          intake.addBatch(batch);
          if (queue.full) await queue.drain();
        }
      } catch (error) {
        // A truncated archive or an I/O error ends this file only: what was read stays, the other files are read.
        stats.fileErrors.push(`${path}: stopped after ${intake.linesSeen} lines: ${(error as Error).message}`);
      }
    }
    for (const journal of options.journals ?? []) {
      const name = `journal ${journal.name}${journal.directory ?? journal.file ?? ''}`;
      const intake = new JournalIntake(name, stats, reconstructor);
      try {
        const entries = readJournalEntries(journal, options.journalctl ?? 'journalctl', options.maxLineBytes, (reason, detail) =>
          stats.lineRejected(reason, name, detail),
        );
        for await (const batch of entries) {
          intake.addEntries(batch);
          if (queue.full) await queue.drain();
        }
      } catch (error) {
        // No journalctl at all is an input error for the whole run; anything else ends this journal only.
        if (error instanceof JournalError) throw new InputError(error.message);
        stats.fileErrors.push(`${name}: ${(error as Error).message}`);
      }
    }
    reconstructor.flush();
    await queue.drain();
  } finally {
    await options.exporter.shutdown();
  }
  const result: BackfillResult = { stats, reconstructor };
  if (queue.firstError !== undefined) result.exportError = queue.firstError;
  return result;
}

async function checkReadable(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new InputError(`${path}: ${why}. Pass the path of an OpenClaw log file (e.g. /tmp/openclaw/openclaw-YYYY-MM-DD.log).`);
  }
  if (!info.isFile()) throw new InputError(`${path}: not a regular file. Pass log files; to follow a directory use --file.`);
}
