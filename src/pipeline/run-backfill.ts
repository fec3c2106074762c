import { stat } from 'node:fs/promises';
import { contentIdentity, type BackfillLedger } from '../checkpoint/backfill-ledger.js';
import { InputError } from '../config/config-error.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { FinishedTrace } from '../reconstruct/span-record.js';
import { Reconstructor, type ReconstructorCounters, type ReconstructorOptions } from '../reconstruct/reconstructor.js';
import { STDIN } from '../sources/expand-inputs.js';
import type { DecodedBatch } from '../sources/decoded-batch.js';
import { readStreamDecoded } from '../sources/decoded-lines.js';
import { openInput, openLogFile } from '../sources/file-lines.js';
import { JournalError, readJournalEntries } from '../sources/journal-reader.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { planBackfill, type HostGroup } from './backfill-plan.js';
import { ExportQueue } from './export-queue.js';
import { JournalIntake } from './journal-intake.js';
import { LineIntake } from './line-intake.js';
import { readMerged } from './merged-read.js';

export interface BackfillProgress {
  /** Bytes read from disk (compressed ones for .gz). */
  diskBytes(bytes: number): void;
}

export interface BackfillOptions {
  /** Files and `-` (standard input), already expanded from globs and directories. */
  paths: readonly string[];
  /** Journald streams read once (journal files, or the live journal) after the files. */
  journals?: readonly JournalTarget[];
  journalctl?: string;
  maxLineBytes: number;
  maxBatchSpans: number;
  /** Spans per second at most; undefined = as fast as the exporter takes them. */
  maxRate?: number;
  reconstructor: ReconstructorOptions;
  exporter: TraceExporter;
  /** Files already exported whole are skipped (unless `force`), and files exported whole are recorded. */
  ledger?: BackfillLedger;
  force?: boolean;
  /** Counters the caller can watch while the run goes (progress). */
  stats?: PipelineStats;
  progress?: BackfillProgress;
  /** Told the reading plan before anything is read (e.g. to warn about a backend's age limit). */
  onPlan?: (groups: readonly HostGroup[]) => void;
  /**
   * Asked for each finished trace before it is queued: false keeps it out of the export (a backend that
   * would refuse it; the caller counts and reports it), and keeps the files read out of the ledger.
   */
  admit?: (trace: FinishedTrace) => boolean;
}

export interface BackfillResult {
  stats: PipelineStats;
  /** Summed over the reconstructors of every host group. */
  counters: ReconstructorCounters;
  exportError?: Error;
  /** Files skipped because the ledger says they were exported before. */
  skipped: string[];
  /** Host groups read (one reconstructor each). */
  hosts: string[];
}

/**
 * Reads every input to its end and exports everything: files grouped by
 * host and ordered by their first record (backfill-plan.ts), each group
 * through one reconstructor (so a trace that crosses a rotation boundary
 * stays one trace), then standard input, then journal streams. Shutdown
 * order: sources done → reconstructors flushed → export queue drained →
 * exporter shut down → ledger written (only when nothing failed).
 */
export async function runBackfill(options: BackfillOptions): Promise<BackfillResult> {
  const stats = options.stats ?? new PipelineStats();
  const queue = new ExportQueue(options.exporter, options.maxBatchSpans, stats, options.maxRate);
  const counters = emptyCounters();
  const skipped: string[] = [];
  const toRead: string[] = [];
  const identities = new Map<string, { identity: string; size: number }>();
  for (const path of options.paths) {
    if (path === STDIN) {
      toRead.push(path);
      continue;
    }
    await checkReadable(path);
    if (options.ledger !== undefined) {
      const id = await contentIdentity(path);
      if (options.force !== true && options.ledger.exportedAt(id.identity) !== undefined) {
        skipped.push(path);
        continue;
      }
      identities.set(path, id);
    }
    toRead.push(path);
  }
  const failed = new Set<string>();
  const groups = await planBackfill(toRead, options.maxLineBytes);
  options.onPlan?.(groups);
  let refused = false;
  const fileLines = async function* (path: string): AsyncGenerator<DecodedBatch> {
    yield* readStreamDecoded(await openLogFile(path, options.progress?.diskBytes), options.maxLineBytes);
  };
  const newReconstructor = (merge = false): Reconstructor =>
    new Reconstructor(merge ? { ...options.reconstructor, mergeStreams: true } : options.reconstructor, (trace) => {
      if (options.admit === undefined || options.admit(trace)) queue.push(trace);
      else refused = true;
    });
  try {
    for (const group of groups) {
      const eventPaths = new Set(group.eventPaths ?? []);
      if (eventPaths.size > 0 && eventPaths.size < group.paths.length) {
        // The file log and the events of one gateway: one trace per traceId from both, read side by side.
        const reconstructor = newReconstructor(true);
        const intakes = new Map(group.paths.map((path) => [path, new LineIntake(path, options.maxLineBytes, stats, reconstructor)]));
        const inputs = group.paths.map((path) => ({
          path,
          kind: eventPaths.has(path) ? ('event' as const) : ('log' as const),
          lines: () => fileLines(path),
          add: (batch: DecodedBatch) => intakes.get(path)?.addDecoded(batch),
        }));
        const errors = await readMerged(inputs, reconstructor, async () => {
          if (queue.full) await queue.sendFull();
        });
        for (const [path, error] of errors) {
          failed.add(path);
          stats.fileErrors.push(`${path}: stopped after ${intakes.get(path)?.linesSeen ?? 0} lines: ${error.message}`);
        }
        reconstructor.flush();
        addCounters(counters, reconstructor.counters);
        continue;
      }
      const reconstructor = newReconstructor();
      for (const path of group.paths) {
        const intake = new LineIntake(path === STDIN ? 'standard input' : path, options.maxLineBytes, stats, reconstructor);
        const lines = path === STDIN ? stdinLines(options.maxLineBytes) : fileLines(path);
        const error = await readAll(lines, (batch) => intake.addDecoded(batch), queue);
        if (error === undefined) continue;
        failed.add(path);
        stats.fileErrors.push(`${path}: stopped after ${intake.linesSeen} lines: ${error.message}`);
      }
      reconstructor.flush();
      addCounters(counters, reconstructor.counters);
    }
    for (const journal of options.journals ?? []) {
      const reconstructor = newReconstructor();
      await readJournal(journal, options, stats, reconstructor, queue);
      reconstructor.flush();
      addCounters(counters, reconstructor.counters);
    }
    await queue.drain();
  } finally {
    await options.exporter.shutdown();
  }
  if (options.ledger !== undefined && !refused && stats.spansFailed === 0 && queue.firstError === undefined) {
    for (const [path, id] of identities) if (!failed.has(path)) options.ledger.record(id.identity, path, id.size);
    if (identities.size > 0) await options.ledger.save();
  }
  const result: BackfillResult = { stats, counters, skipped, hosts: groups.map((group) => group.host) };
  if (queue.firstError !== undefined) result.exportError = queue.firstError;
  return result;
}

/** Feeds every batch; returns the error an input stopped on, if it did not end normally. */
async function readAll(lines: AsyncGenerator<DecodedBatch>, add: (batch: DecodedBatch) => void, queue: ExportQueue): Promise<Error | undefined> {
  try {
    for await (const batch of lines) {
      add(batch);
      if (queue.full) await queue.sendFull();
    }
    return undefined;
  } catch (error) {
    // A truncated archive or an I/O error ends this input only: what was read stays, the others are read.
    return error as Error;
  }
}

async function* stdinLines(maxLineBytes: number): AsyncGenerator<DecodedBatch> {
  const input = await openInput(process.stdin);
  if (input !== undefined) yield* readStreamDecoded(input, maxLineBytes);
}

async function readJournal(journal: JournalTarget, options: BackfillOptions, stats: PipelineStats, reconstructor: Reconstructor, queue: ExportQueue): Promise<void> {
  const name = `journal ${journal.name}${journal.directory ?? journal.file ?? ''}`;
  const intake = new JournalIntake(name, stats, reconstructor);
  try {
    const entries = readJournalEntries(journal, options.journalctl ?? 'journalctl', options.maxLineBytes, (reason, detail) => stats.lineRejected(reason, name, detail));
    for await (const batch of entries) {
      intake.addEntries(batch);
      if (queue.full) await queue.sendFull();
    }
  } catch (error) {
    // No journalctl at all is an input error for the whole run; anything else ends this journal only.
    if (error instanceof JournalError) throw new InputError(error.message);
    stats.fileErrors.push(`${name}: ${(error as Error).message}`);
  }
}

function emptyCounters(): ReconstructorCounters {
  return { tracesComplete: 0, tracesIncomplete: 0, tracesEvicted: 0, tracesReopened: 0, amendedAfterExport: 0, rereadItems: 0, untracedRecords: 0, infrastructureEvents: 0, untracedEvents: 0, outsideWindow: 0, clockOutliers: 0 };
}

function addCounters(sum: ReconstructorCounters, add: ReconstructorCounters): void {
  for (const key of Object.keys(sum) as (keyof ReconstructorCounters)[]) sum[key] += add[key];
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
