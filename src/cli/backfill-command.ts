import { InputError } from '../config/config-error.js';
import { createExporter } from '../export/create-exporter.js';
import { runBackfill } from '../pipeline/run-backfill.js';
import { EXIT_FAILED, EXIT_OK, fail } from './exit-codes.js';
import { journalTargetsOf, loadConfig } from './load-config.js';
import { reconstructorOptions } from './reconstructor-options.js';
import { formatNotes, formatSummary } from './summary.js';

/** `otel-tail backfill PATH...`: read files to their end, export, summarise. */
export async function backfillCommand(paths: string[], flags: Record<string, unknown>): Promise<number> {
  const config = loadConfig(flags);
  if (typeof config === 'number') return config;
  try {
    if (paths.length === 0 && config.journal === undefined) {
      return fail('nothing to read: pass log files, or --journal NAME (with --journal-dir DIR or --journal-file FILE for journal files).');
    }
    const journals = journalTargetsOf(config);
    const result = await runBackfill({
      paths,
      journals,
      journalctl: config.journalctl,
      maxLineBytes: config.maxLineBytes,
      maxBatchSpans: config.maxBatchSpans,
      reconstructor: reconstructorOptions(config),
      exporter: createExporter(config),
    });
    for (const note of formatNotes(result)) process.stderr.write(`otel-tail: ${note}\n`);
    process.stderr.write(`${formatSummary(result, 'otel-tail backfill')}\n`);
    return result.stats.spansFailed > 0 || result.stats.fileErrors.length > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
}
