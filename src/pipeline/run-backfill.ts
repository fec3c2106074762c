import { contentIdentity, type BackfillLedger, type LedgerEntry, type LedgerWindow } from '../checkpoint/backfill-ledger.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { FinishedTrace } from '../model/span-record.js';
import { emptyReconstructorCounters, Reconstructor, type ReconstructorCounters, type ReconstructorOptions } from '../reconstruct/reconstructor.js';
import { STDIN } from '../sources/expand-inputs.js';
import type { DecodedBatch } from '../parsers/decoded-batch.js';
import { readStreamDecoded } from './decoded-lines.js';
import { readLogChunks } from '../sources/file-lines.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { checkReadable, readAll, readJournal, stdinLines } from './backfill-inputs.js';
import { planBackfill, type HostGroup } from './backfill-plan.js';
import { logRecordTap, type BackfillLogs } from './backfill-logs.js';
import { ExportQueue } from './export-queue.js';
import type { InputShape } from './foreign-input.js';
import { LineIntake } from './line-intake.js';
import { LogQueue, type LogSink } from './log-queue.js';
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
  /**
   * Files already delivered to this destination over a window that holds this run's are skipped
   * (unless `force`); the files of a run that delivered every span it made are recorded.
   */
  ledger?: LedgerUse;
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
  /**
   * --logs: every record of the inputs (files, standard input, journals) also goes as a log record,
   * taken from the same read and parse as its span (backfill-logs.ts).
   */
  logs?: Omit<BackfillLogs, 'queue'> & { sink: LogSink };
}

/** The ledger, and what this run's deliveries are recorded under. */
export interface LedgerUse {
  ledger: BackfillLedger;
  /** The traces URL without credentials, plus the preset (backfill-command.ts `ledgerDestination`). */
  destination: string;
  /** --since/--until as given. */
  window: LedgerWindow;
}

export interface BackfillResult {
  stats: PipelineStats;
  /** Summed over the reconstructors of every host group. */
  counters: ReconstructorCounters;
  exportError?: Error;
  /** With --logs: the first log export failure (or partial rejection). */
  logsError?: Error;
  /** Files skipped because the ledger says they were delivered to this destination before, with the delivery. */
  skipped: { path: string; delivery: LedgerEntry }[];
  /** Files sent although the ledger holds them for this destination, over windows that do not hold this run's. */
  resent: { path: string; deliveries: LedgerEntry[] }[];
  /** Inputs read to their end that gave no OpenClaw record or event, with what they looked like. */
  foreign: { path: string; shape: InputShape }[];
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
  const logs: BackfillLogs | undefined =
    options.logs === undefined
      ? undefined
      : { ...options.logs, queue: new LogQueue(options.logs.sink, options.maxBatchSpans, stats, (records) => queue.pace(records)) };
  stats.logsOn = logs !== undefined;
  // With --logs every line is parsed whole once, for its span and its log record (LineIntake's tap).
  const skim = logs === undefined;
  /** A log input's intake: with --logs it hands every record to the log queue too (its path as log.file.path, `-` for standard input). */
  const logIntake = (path: string, reconstructor: Reconstructor): LineIntake =>
    new LineIntake(path === STDIN ? 'standard input' : path, options.maxLineBytes, stats, reconstructor, undefined, undefined, logs === undefined ? undefined : logRecordTap(logs, path === STDIN ? '-' : undefined));
  const roomFor = async (): Promise<void> => {
    if (queue.full) await queue.sendFull();
    if (logs?.queue.full === true) await logs.queue.sendFull();
  };
  const counters = emptyReconstructorCounters();
  const skipped: BackfillResult['skipped'] = [];
  const resent: BackfillResult['resent'] = [];
  const toRead: string[] = [];
  const identities = new Map<string, { identity: string; size: number; window: LedgerWindow }>();
  const use = options.ledger;
  for (const path of options.paths) {
    if (path === STDIN) {
      toRead.push(path);
      continue;
    }
    await checkReadable(path);
    if (use !== undefined) {
      const id = await contentIdentity(path);
      const window = fileWindow(use.window, id.mtimeMs);
      const delivery = options.force === true ? undefined : use.ledger.delivered(id.identity, use.destination, window);
      if (delivery !== undefined) {
        skipped.push({ path, delivery });
        continue;
      }
      const partly = use.ledger.partly(id.identity, use.destination);
      if (partly.length > 0 && options.force !== true) resent.push({ path, deliveries: partly });
      identities.set(path, { identity: id.identity, size: id.size, window });
    }
    toRead.push(path);
  }
  const failed = new Set<string>();
  // What each input gave (not its LineIntake: that would keep every group's reconstructor alive to the end).
  const seen = new Map<string, InputShape & { openclaw: number }>();
  const note = (path: string, intake: LineIntake): void => {
    seen.set(path, { lines: intake.linesSeen, firstLine: intake.firstLine, openclaw: intake.openclawItems });
  };
  const groups = await planBackfill(toRead, options.maxLineBytes);
  options.onPlan?.(groups);
  let refused = false;
  const fileLines = async function* (path: string): AsyncGenerator<DecodedBatch> {
    yield* readStreamDecoded(await readLogChunks(path, options.progress?.diskBytes), options.maxLineBytes, skim);
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
        const intakes = new Map(group.paths.map((path) => [path, eventPaths.has(path) ? new LineIntake(path, options.maxLineBytes, stats, reconstructor) : logIntake(path, reconstructor)]));
        const inputs = group.paths.map((path) => ({
          path,
          kind: eventPaths.has(path) ? ('event' as const) : ('log' as const),
          lines: () => fileLines(path),
          add: (batch: DecodedBatch) => intakes.get(path)?.addDecoded(batch),
        }));
        const errors = await readMerged(inputs, reconstructor, roomFor);
        for (const [path, error] of errors) {
          failed.add(path);
          stats.fileErrors.push(`${path}: stopped after ${intakes.get(path)?.linesSeen ?? 0} lines: ${error.message}`);
        }
        for (const [path, intake] of intakes) note(path, intake);
        reconstructor.flush();
        addCounters(counters, reconstructor.counters);
        continue;
      }
      const reconstructor = newReconstructor();
      for (const path of group.paths) {
        const intake = logIntake(path, reconstructor);
        const lines = path === STDIN ? stdinLines(options.maxLineBytes, skim) : fileLines(path);
        const error = await readAll(lines, (batch) => intake.addDecoded(batch), roomFor);
        note(path, intake);
        if (error === undefined) continue;
        failed.add(path);
        stats.fileErrors.push(`${path}: stopped after ${intake.linesSeen} line${intake.linesSeen === 1 ? '' : 's'}: ${error.message}`);
      }
      reconstructor.flush();
      addCounters(counters, reconstructor.counters);
    }
    for (const journal of options.journals ?? []) {
      const reconstructor = newReconstructor();
      await readJournal(journal, { journalctl: options.journalctl ?? 'journalctl', maxLineBytes: options.maxLineBytes }, stats, reconstructor, roomFor, logs === undefined ? undefined : logRecordTap(logs));
      reconstructor.flush();
      addCounters(counters, reconstructor.counters);
    }
    await queue.drain();
    await logs?.queue.drain();
  } finally {
    await options.exporter.shutdown();
    await options.logs?.sink.shutdown();
  }
  const foreign: BackfillResult['foreign'] = [];
  for (const [path, input] of seen) {
    if (failed.has(path) || input.openclaw > 0) continue;
    foreign.push({ path, shape: { lines: input.lines, firstLine: input.firstLine } });
  }
  // Only what was delivered: every span of the run accepted, at least one sent, and never an input with no OpenClaw record in it.
  // With --logs, a file is delivered only when its log records are too.
  const logsDelivered = logs === undefined || (stats.logRecordsFailed === 0 && logs.queue.firstError === undefined);
  const delivered = !refused && stats.spansFailed === 0 && queue.firstError === undefined && stats.spansExported > 0 && logsDelivered;
  if (use !== undefined && delivered) {
    let recorded = 0;
    for (const [path, id] of identities) {
      if (failed.has(path) || (seen.get(path)?.openclaw ?? 0) === 0) continue;
      use.ledger.record({ identity: id.identity, path, size: id.size, destination: use.destination, ...id.window, spans: stats.spansExported });
      recorded++;
    }
    if (recorded > 0) await use.ledger.save();
  }
  const result: BackfillResult = { stats, counters, skipped, resent, foreign, hosts: groups.map((group) => group.host) };
  if (queue.firstError !== undefined) result.exportError = queue.firstError;
  if (logs?.queue.firstError !== undefined) result.logsError = logs.queue.firstError;
  return result;
}

/**
 * The window a file was read over: an `--until` at or after its mtime holds every line of it (none is
 * newer than its last write), so it is recorded, and looked up, as unbounded.
 */
function fileWindow(window: LedgerWindow, mtimeMs: number): LedgerWindow {
  const read: LedgerWindow = {};
  if (window.sinceMs !== undefined) read.sinceMs = window.sinceMs;
  if (window.untilMs !== undefined && window.untilMs < mtimeMs) read.untilMs = window.untilMs;
  return read;
}

function addCounters(sum: ReconstructorCounters, add: ReconstructorCounters): void {
  for (const key of Object.keys(sum) as (keyof ReconstructorCounters)[]) sum[key] += add[key];
}
