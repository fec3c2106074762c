import { stat } from 'node:fs/promises';
import { BackfillLedger } from '../checkpoint/backfill-ledger.js';
import { CheckpointError } from '../checkpoint/checkpoint-store.js';
import { InputError } from '../config/config-error.js';
import { createExporter } from '../export/create-exporter.js';
import { resolveTracesUrl } from '../export/otlp-target.js';
import { runBackfill } from '../pipeline/run-backfill.js';
import { expandInputs, STDIN } from '../sources/expand-inputs.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { backendAgeWarning } from './backend-age.js';
import { BackfillProgressReporter } from './backfill-progress.js';
import { EXIT_FAILED, EXIT_OK, fail } from './exit-codes.js';
import { defaultStateDir, resolveEventPaths } from './follow-command.js';
import { journalTargetsOf, loadConfig } from './load-config.js';
import { monitoringConfigOf } from './follow-monitoring.js';
import { reconstructorOptions } from './reconstructor-options.js';
import { formatNotes, formatSummary } from './summary.js';
import { parseTimeBound } from './time-bound.js';

/** Options only a backfill has (not config keys: they describe one run). */
export interface BackfillFlags {
  since?: string;
  until?: string;
  dryRun?: boolean;
  maxRate?: string;
  force?: boolean;
}

const say = (message: string): void => {
  process.stderr.write(`otel-tail: ${message}\n`);
};

/** `otel-tail backfill PATH...`: read files to their end, export, summarise. */
export async function backfillCommand(args: string[], flags: Record<string, unknown> & BackfillFlags): Promise<number> {
  const config = loadConfig(flags);
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
    const dryRun = flags.dryRun === true;
    // The ledger is about what a backend holds: a dry run, or printing to the console or a file, records nothing.
    const ledger = dryRun || config.exporter !== 'otlp' ? undefined : await BackfillLedger.open(config.stateDir ?? defaultStateDir(process.env));
    const stats = new PipelineStats();
    const progress = new BackfillProgressReporter(await totalSize(paths), stats, process.stderr.isTTY === true, (text) => process.stderr.write(text));
    // A dry run prints what would be sent: through the same privacy and preset steps, to the console.
    const exportContext = { stateDir: config.stateDir ?? defaultStateDir(process.env), warn: say };
    const exporter = dryRun ? await createExporter({ ...config, exporter: 'console' }, exportContext) : await createExporter(config, { inWorker: true, ...exportContext });
    const tracesUrl = config.exporter === 'otlp' && !dryRun ? resolveTracesUrl(config.endpoint, config.tracesEndpoint) : undefined;
    const reconstructor = reconstructorOptions(config);
    if (sinceMs !== undefined) reconstructor.sinceMs = sinceMs;
    if (untilMs !== undefined) reconstructor.untilMs = untilMs;
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
      ...(ledger === undefined ? {} : { ledger }),
      force: flags.force === true,
      stats,
      progress,
      onPlan: (groups) => {
        const oldest = Math.max(Math.min(...groups.map((group) => group.firstMs)), sinceMs ?? 0);
        const warning = tracesUrl === undefined ? undefined : backendAgeWarning(tracesUrl, oldest, now);
        if (warning !== undefined) say(warning);
        const hosts = groups.filter((group) => group.host !== '').map((group) => group.host);
        if (hosts.length > 1) say(`${hosts.length} gateway hosts (${hosts.join(', ')}): each is read on its own`);
      },
    }).finally(() => progress.stop());
    for (const path of result.skipped) say(`skipped ${path}: already exported (${ledger?.path ?? ''}); pass --force to send it again`);
    if (result.counters.outsideWindow > 0) say(`${result.counters.outsideWindow} records were outside --since/--until and were not used`);
    for (const note of formatNotes(result)) say(note);
    if (dryRun) say('dry run: nothing was sent, and the ledger was not updated');
    process.stderr.write(`${formatSummary(result, 'otel-tail backfill')}\n`);
    if (result.stats.fileErrors.length > 0) say(`these inputs were not read to their end: ${result.stats.fileErrors.map((e) => e.split(':')[0]).join(', ')}`);
    return result.stats.spansFailed > 0 || result.stats.fileErrors.length > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    if (error instanceof InputError || error instanceof CheckpointError) return fail(error.message);
    throw error;
  }
}

function bound(flag: string, value: string | undefined, now: number): number | string | undefined {
  if (value === undefined) return undefined;
  return parseTimeBound(value, now) ?? `${flag} ${value}: expected an ISO time (2026-11-21T08:00:00Z) or a duration back from now (90m, 12h, 7d).`;
}

async function totalSize(paths: readonly string[]): Promise<number> {
  let total = 0;
  for (const path of paths) if (path !== STDIN) total += (await stat(path).catch(() => undefined))?.size ?? 0;
  return total;
}
