import { stat } from 'node:fs/promises';
import { BackfillLedger } from '../checkpoint/backfill-ledger.js';
import { CheckpointError } from '../checkpoint/checkpoint-store.js';
import { InputError } from '../model/input-errors.js';
import { AgeGate, configuredAgeLimit } from '../export/age-limit.js';
import { createExporter, createLogExport } from '../export/create-exporter.js';
import { displayUrl, resolveTracesUrl } from '../export/otlp-target.js';
import { describeWindow } from '../checkpoint/ledger-entries.js';
import { foreignInputMessage, OPENCLAW_STREAMS } from '../pipeline/foreign-input.js';
import { preTraceLogMessage } from '../parsers/release-support.js';
import { preTraceLogs } from '../pipeline/pre-trace-logs.js';
import { ExportWorkerError } from '../export/otlp-worker-exporter.js';
import { displayPath, expandInputs, STDIN } from '../sources/expand-inputs.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { backendAgeRefusal, backendAgeSkipped, backendAgeWarning } from './backend-age.js';
import { BackfillProgressReporter } from './backfill-progress.js';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, fail } from './exit-codes.js';
import { defaultStateDir, describeTarget, resolveEventPaths } from './follow-setup.js';
import { journalTargetsOf, loadConfig } from './load-config.js';
import { raiseMallocThresholds } from './malloc-thresholds.js';
import { monitoringConfigOf } from './monitoring-config.js';
import { backfillOrientation, hashedIdsNote } from './orientation.js';
import { reconstructorOptions } from './reconstructor-options.js';
import { effectiveLogFormat, ownLog, ownLogRaw, type LogLevel } from './own-log.js';
import { formatNotes, formatSummary, summaryFields, summaryLevel } from './summary.js';
import { plural } from './plural.js';
import { parseTimeBound } from './time-bound.js';

/** Options only a backfill has (not config keys: they describe one run). */
export interface BackfillFlags {
  since?: string;
  until?: string;
  dryRun?: boolean;
  maxRate?: string;
  force?: boolean;
}

const say = (message: string, level: LogLevel = 'info'): void => ownLog(level, message);

/** `otel-tail backfill PATH...`: read files to their end, export, summarise. */
export async function backfillCommand(args: string[], flags: Record<string, unknown> & BackfillFlags): Promise<number> {
  raiseMallocThresholds();
  const dryRun = flags.dryRun === true;
  // A dry run sends nothing: it needs no endpoint or backend secrets, even with a preset.
  const config = loadConfig(flags, { sendsNothing: dryRun });
  if (typeof config === 'number') return config;
  if (monitoringConfigOf(config).genaiMetrics === 'on') say('genaiMetrics: not sent by backfill (metric points cannot carry historical times); the spans carry the same token counts and costs');
  const now = Date.now();
  const sinceMs = bound('--since', flags.since, now);
  if (typeof sinceMs === 'string') return fail(sinceMs);
  const untilMs = bound('--until', flags.until, now);
  if (typeof untilMs === 'string') return fail(untilMs);
  const maxRate = flags.maxRate === undefined ? undefined : Number(flags.maxRate);
  if (maxRate !== undefined && !(maxRate > 0)) return fail(`--max-rate ${String(flags.maxRate)}: expected a number of spans per second greater than 0.`);
  try {
    const paths = await expandInputs([...args, ...resolveEventPaths(config.events, say)]);
    const journals = journalTargetsOf(config);
    if (paths.length === 0 && journals.length === 0) {
      return fail('nothing to read: pass log files, or --journal NAME (with --journal-dir DIR or --journal-file FILE for journal files).');
    }
    // `-` at a terminal waits for typed or pasted lines: say so, or the run looks hung.
    if (paths.includes(STDIN) && process.stdin.isTTY === true) say('reading standard input from the terminal: paste log lines, then press Ctrl-D (or pipe a file in: zcat old.log.gz | otel-tail backfill -)');
    // A backend that rejects old spans (Dynatrace): refuse a run that could send nothing, skip what it would reject.
    const ageLimit = configuredAgeLimit(config);
    if (ageLimit !== undefined) {
      const refusal = backendAgeRefusal(ageLimit, now, { ...(untilMs === undefined ? {} : { untilMs }), ...(await newestFile(paths, journals.length)) });
      if (refusal !== undefined) return fail(refusal);
    }
    const ageGate = ageLimit === undefined ? undefined : new AgeGate(ageLimit);
    // --logs: a dry run prints spans and sends no log record.
    const logExport = config.logs && !dryRun ? await createLogExport(config, { stateDir: config.stateDir ?? defaultStateDir(process.env) }) : undefined;
    if (logExport !== undefined && 'error' in logExport) return fail(logExport.error);
    if (config.logs && dryRun) say('--logs: a dry run sends no log record');
    // The ledger is about what a backend holds: a dry run, or printing to the console or a file, records nothing.
    const ledger = dryRun || config.exporter !== 'otlp' ? undefined : await BackfillLedger.open(config.stateDir ?? defaultStateDir(process.env));
    const stats = new PipelineStats();
    const printed = dryRun || config.exporter === 'console';
    // A progress line redrawn in place on a terminal (not over trees printed on the same terminal); else one of our log lines every 10 s.
    const progressOnTty = process.stderr.isTTY === true && effectiveLogFormat() === 'text' && !(printed && process.stdout.isTTY === true);
    const progress = new BackfillProgressReporter(await totalSize(paths), stats, progressOnTty, (text) => (progressOnTty ? process.stderr.write(text) : ownLogRaw('info', text.trimEnd())));
    // A dry run prints what would be sent: through the same privacy and preset steps, to the console.
    const exportContext = { stateDir: config.stateDir ?? defaultStateDir(process.env), warn: (message: string) => say(message, 'warn') };
    const tracesUrl = config.exporter === 'otlp' ? resolveTracesUrl(config.endpoint, config.tracesEndpoint, config.protocol) : undefined;
    // The SDK retries a down collector for up to exportTimeout per batch before the batch fails: say so while it waits.
    const onRetry = (): void =>
      progress.collectorRetrying(() => ownLog('warn', `collector unreachable at ${describeTarget(config)}: retrying each batch for up to ${config.exportTimeoutMs / 1000} s (--export-timeout)`));
    const exporter = dryRun ? await createExporter({ ...config, exporter: 'console' }, exportContext) : await createExporter(config, { inWorker: true, onRetry, ...exportContext });
    // Said once the exporter could be made (an --output that cannot be written is said instead).
    say(backfillOrientation(config, paths, journals.map((journal) => journal.name), dryRun));
    const hashNote = printed ? hashedIdsNote(config) : undefined;
    if (hashNote !== undefined) say(hashNote);
    const window = { ...(sinceMs === undefined ? {} : { sinceMs }), ...(untilMs === undefined ? {} : { untilMs }) };
    const ledgerUse = ledger === undefined || tracesUrl === undefined ? undefined : { ledger, destination: ledgerDestination(tracesUrl, config.preset), window };
    const reconstructor = reconstructorOptions(config);
    if (sinceMs !== undefined) reconstructor.sinceMs = sinceMs;
    if (untilMs !== undefined) reconstructor.untilMs = untilMs;
    // The pipeline's modules (parsers, reconstruct, sources: most of a backfill's code) load only now, after the export
    // worker was started: it loads the OpenTelemetry packages on the other core meanwhile, instead of while lines are read.
    const { runBackfill } = await import('../pipeline/run-backfill.js');
    progress.start();
    const result = await runBackfill({
      paths,
      journals,
      journalctl: config.journalctl,
      maxLineBytes: config.maxLineBytes,
      maxBatchSpans: config.maxBatchSpans,
      ...(maxRate === undefined ? {} : { maxRate }),
      reconstructor,
      exporter,
      ...(ledgerUse === undefined ? {} : { ledger: ledgerUse }),
      force: flags.force === true,
      stats,
      progress,
      ...(ageGate === undefined ? {} : { admit: (trace) => ageGate.admit(trace) }),
      ...(logExport === undefined ? {} : { logs: { sink: logExport.sink, scrub: logExport.scrub, inWindow: (timeMs: number) => (sinceMs === undefined || timeMs >= sinceMs) && (untilMs === undefined || timeMs <= untilMs) } }),
      onPlan: (groups) => {
        const oldest = Math.max(Math.min(...groups.map((group) => group.firstMs)), sinceMs ?? 0);
        const warning = tracesUrl === undefined ? undefined : backendAgeWarning(tracesUrl, oldest, now, ageLimit);
        if (warning !== undefined) say(warning, 'warn');
        const hosts = groups.filter((group) => group.host !== '').map((group) => group.host);
        if (hosts.length > 1) say(`${hosts.length} gateway hosts (${hosts.join(', ')}): each is read on its own`);
      },
    }).finally(() => progress.stop());
    for (const { path, delivery } of result.skipped) {
      say(`skipped ${path}: already exported to ${delivery.destination ?? ''} on ${delivery.exportedAt} (${describeWindow(delivery)}; ledger ${ledger?.path ?? ''}); pass --force to send it again`);
    }
    for (const { path, deliveries } of result.resent) {
      say(`sending ${path} again: the ledger holds it for ${ledgerUse?.destination ?? ''} only over ${deliveries.map((d) => `${describeWindow(d)} (on ${d.exportedAt})`).join(', ')}, which does not hold this run's window (${describeWindow(window)}); span ids are the same, so the backend can deduplicate`);
    }
    for (const { path, shape } of result.foreign) ownLog('warn', foreignInputMessage(path === STDIN ? 'standard input' : displayPath(path), shape));
    if (result.counters.outsideWindow > 0) say(`${plural(result.counters.outsideWindow, 'record')} ${result.counters.outsideWindow === 1 ? 'was' : 'were'} outside --since/--until and not used`);
    for (const note of formatNotes(result, result.foreign.length > 0)) say(note.text, note.level);
    const tooOld = ageGate?.skippedSpans ?? 0;
    if (ageGate !== undefined && tooOld > 0) say(backendAgeSkipped(ageGate.limit, ageGate.skippedTraces, tooOld, ageGate.latestSkippedEndMs), 'warn');
    if (dryRun) say('dry run: nothing was sent, and the ledger was not updated');
    const summary = formatSummary(result, 'otel-tail backfill', dryRun ? 'dry-run' : config.exporter === 'console' ? 'printed' : 'exported');
    // Skipping too-old traces is what the backend's limit asks for, said at start and at the end: a failure only when nothing at all could be sent.
    const nothingSent = tooOld > 0 && result.stats.spansExported === 0;
    ownLogRaw(nothingSent ? 'warn' : summaryLevel(result), tooOld > 0 ? `${summary}, ${tooOld} skipped as too old for ${ageGate?.limit.backend ?? ''}` : summary, { ...summaryFields(result), ...(tooOld > 0 ? { skippedTooOld: tooOld } : {}) });
    if (result.logsError !== undefined) {
      ownLog('error', `${plural(result.stats.logRecordsFailed, 'log record')} not delivered to ${logExport !== undefined && !('error' in logExport) ? displayUrl(logExport.url) : 'the logs URL'} (${result.logsError.message}); the ledger recorded none of the inputs: run the same command again to send them`);
    }
    if (result.stats.fileErrors.length > 0) say(`these inputs were not read to their end: ${result.stats.fileErrors.map((e) => e.split(':')[0]).join(', ')}`, 'error');
    if (ledger !== undefined && (result.stats.spansFailed > 0 || result.exportError !== undefined)) {
      const read = paths.filter((path) => !result.skipped.some((skip) => skip.path === path)).map(displayPath);
      const rerunHelps = !(result.exportError instanceof ExportWorkerError);
      ownLog('error', notExportedAdvice(result.stats.spansFailed, [...read, ...journals.map((journal) => `journal ${journal.name}`)], describeTarget(config), rerunHelps));
    }
    // Nothing of the input was OpenClaw's: a usage error (a script must not take "0 traces" for success), with what we read instead.
    const readInputs = paths.length - result.skipped.length + journals.length;
    if (readInputs > 0 && journals.length === 0 && result.foreign.length === readInputs) {
      ownLog('error', `nothing read was OpenClaw's, so nothing was sent. ${OPENCLAW_STREAMS}.`);
      return EXIT_USAGE;
    }
    if (result.stats.spansFailed > 0 || result.stats.logRecordsFailed > 0 || result.logsError !== undefined || result.stats.fileErrors.length > 0 || nothingSent) return EXIT_FAILED;
    // Logs of a release that writes no trace ids: "0 traces" would read as success; say why, and what to read instead.
    const preTrace = result.stats.traces === 0 ? await preTraceLogs(paths.filter((path) => !result.skipped.some((skip) => skip.path === path)), config.maxLineBytes) : [];
    if (preTrace.length === 0) return EXIT_OK;
    ownLog('error', preTraceLogMessage(preTrace.map(displayPath)));
    return EXIT_USAGE;
  } catch (error) {
    if (error instanceof InputError || error instanceof CheckpointError) return fail(error.message);
    throw error;
  }
}

/** Where a backfill's deliveries go, for the ledger: the traces URL without credentials or query, and the preset (its headers are secrets). */
export function ledgerDestination(tracesUrl: string, preset: string | undefined): string {
  return preset === undefined || preset === 'otlp' ? displayUrl(tracesUrl) : `${displayUrl(tracesUrl)} (preset ${preset})`;
}

/** Which inputs a failed export leaves to send again, and how: none of them is in the ledger, and the span ids do not change. */
function notExportedAdvice(spansFailed: number, inputs: readonly string[], target: string, rerunHelps: boolean): string {
  const named = inputs.length <= 5 ? inputs.join(', ') : `${inputs.slice(0, 5).join(', ')} and ${inputs.length - 5} more`;
  const what =
    `${plural(spansFailed, 'span')} ${spansFailed === 1 ? 'was' : 'were'} not exported, so the ledger recorded ${inputs.length === 1 ? 'nothing of the input' : `none of the ${inputs.length} inputs`} read (${named}). `;
  if (!rerunHelps) {
    // The export worker died twice on one batch: the same run would kill it again.
    return `${what}The export worker died on the same batch twice (see the export error above): running the same command again would fail the same way. Please report it with that message.`;
  }
  return `${what}Run the same command again once ${target} takes spans: everything is sent again with the same span ids, so the backend can deduplicate what did arrive.`;
}

function bound(flag: string, value: string | undefined, now: number): number | string | undefined {
  if (value === undefined) return undefined;
  return parseTimeBound(value, now) ?? `${flag} ${value}: expected an ISO time (2026-11-21T08:00:00Z) or a duration back from now (90m, 12h, 7d).`;
}

/** The input written last, when every input is a file: nothing in the run ended after its mtime. */
async function newestFile(paths: readonly string[], journals: number): Promise<{ newestFile?: { path: string; mtimeMs: number } }> {
  if (journals > 0 || paths.length === 0 || paths.includes(STDIN)) return {};
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    // An input that cannot be stat'ed is named by the backfill itself; without its time nothing can be concluded.
    if (info === undefined) return {};
    if (newest === undefined || info.mtimeMs > newest.mtimeMs) newest = { path, mtimeMs: info.mtimeMs };
  }
  return newest === undefined ? {} : { newestFile: newest };
}

async function totalSize(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) if (path !== STDIN) total += (await stat(path).catch(() => undefined))?.size ?? 0;
  return total;
}
