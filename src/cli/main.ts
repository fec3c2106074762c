import { Command, CommanderError, Option } from 'commander';
import { ConfigError, InputError } from '../config/config-error.js';
import { CONFIG_FIELDS } from '../config/config-fields.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config.js';
import { createExporter } from '../export/create-exporter.js';
import { runBackfill } from '../pipeline/run-backfill.js';
import { formatNotes, formatSummary } from './summary.js';

const EXIT_OK = 0;
/** An export failed, or an input could not be read to its end. */
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

const EXAMPLES = `
Examples:
  otel-tail backfill /tmp/openclaw/openclaw-2026-11-21.log
      print the rebuilt traces as a tree (no collector needed)
  otel-tail backfill --endpoint http://127.0.0.1:4318 openclaw-*.log
      send them to an OTLP/HTTP collector (Jaeger, Tempo, Grafana, ...)
  OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer%20...' otel-tail backfill --endpoint https://otlp.example.com app.log
      keep secrets out of argv: pass headers through the environment

Exit status: 0 when every file was read and every span accepted by the exporter; 1 when an
export failed or a file could not be read to its end (e.g. a truncated .gz); 2 for a usage,
configuration or input error.`;

/** Runs the CLI; returns the exit code. The only caller of process.exit is bin/otel-tail (through exitCode). */
export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command('otel-tail')
    .description('Rebuild OpenTelemetry traces from what an OpenClaw gateway writes, with the original timestamps, and ship them over OTLP.')
    .exitOverride()
    .showHelpAfterError('(run otel-tail --help for usage)');
  let exitCode = EXIT_OK;

  const backfill = program
    .command('backfill')
    .description('Read OpenClaw log files (plain or gzip) to their end, rebuild every trace, export, and print a summary.')
    .argument('<paths...>', 'OpenClaw file logs (JSONL) or diagnostic-event JSONL files')
    .option('--config <file>', 'YAML config file (keys as in config.example.yaml); flags and OTEL_* variables override it')
    .addHelpText('after', EXAMPLES)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      exitCode = await backfillCommand(paths, flags);
    });
  for (const field of CONFIG_FIELDS) {
    const env = field.env === undefined ? '' : ` [env: ${field.env.join(', ')}]`;
    const fallback = field.default === undefined || typeof field.default === 'object' ? '' : ` (default: ${field.default})`;
    const option = new Option(field.flag, `${field.doc}${fallback}${env}`);
    if (field.choices !== undefined) option.choices(field.choices);
    backfill.addOption(option);
  }

  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  return exitCode;
}

async function backfillCommand(paths: string[], flags: Record<string, unknown>): Promise<number> {
  let config: ResolvedConfig;
  try {
    config = resolveConfig(flags, process.env, flags['config'] as string | undefined);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  try {
    const result = await runBackfill({
      paths,
      maxLineBytes: config.maxLineBytes,
      maxBatchSpans: config.maxBatchSpans,
      reconstructor: {
        graceMs: config.graceMs,
        idleTimeoutMs: config.idleTimeoutMs,
        maxOpenTraces: config.maxOpenTraces,
        rememberEmitted: Math.max(50_000, config.maxOpenTraces * 5),
      },
      exporter: createExporter(config),
    });
    for (const note of formatNotes(result)) process.stderr.write(`otel-tail: ${note}\n`);
    process.stderr.write(`${formatSummary(result)}\n`);
    return result.stats.spansFailed > 0 || result.stats.fileErrors.length > 0 ? EXIT_FAILED : EXIT_OK;
  } catch (error) {
    if (error instanceof InputError) return fail(error.message);
    throw error;
  }
}

function fail(message: string): number {
  process.stderr.write(`otel-tail: ${message}\n`);
  return EXIT_USAGE;
}
