import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { didYouMean } from '../config/did-you-mean.js';
import { addConfigOptions } from './config-options.js';
import { tuneV8 } from './v8-flags.js';
import { EXIT_BROKEN_PIPE, EXIT_OK, EXIT_USAGE, fail } from './exit-codes.js';
import { addDeadLetterCommands } from './dead-letter-commands.js';
import { effectiveLogFormat, ownLogRaw, setDaemonLog, setLogFormat } from './own-log.js';
import { addServiceCommands } from './service-commands.js';

// Each command's code is loaded when it runs: a backfill or a validate need not load the follower's modules.

const FOLLOW_HELP = `
Without a command, otel-tail follows the gateway's file log until SIGTERM or SIGINT: it reads each
file by byte offset, survives rotation (.log → .1.log … .5.log, the midnight roll, copytruncate,
deletion), and exports every trace once it is complete. Checkpoints record how far every line is
exported: after a crash or a restart it goes on from there (at least once: a re-read sends the same
span ids again). While the collector is down it holds spans, retries, and pauses reading.

Examples:
  otel-tail --file /tmp/openclaw/ --endpoint http://127.0.0.1:4318
      follow the gateway's log directory, sending new traces to a collector
  otel-tail --file /tmp/openclaw/ --from beginning
      first install: also send what the current files already hold (printed as a tree here)
  otel-tail backfill --endpoint http://127.0.0.1:4318 'archive/*.log'
      replay old logs once
  otel-tail service install --journal openclaw-gateway --endpoint http://127.0.0.1:4318
      install it as a systemd user service (see otel-tail service --help); otel-tail status shows its progress

Stopping: SIGTERM/SIGINT exports open traces (incomplete ones marked), writes checkpoints and
exits 0 within 10 s; a second signal exits at once (nothing is lost: unsettled lines are read again).
SIGHUP (systemctl reload) reads the --config file again (flags still win; environment variables
are those the process started with, so a changed EnvironmentFile= needs a restart) and rebuilds
the sources and the exporter from it, losing and re-sending nothing.`;

const BACKFILL_HELP = `
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

const VALIDATE_HELP = `
Precedence: flags > environment (OTEL_TAIL_<KEY>, then the standard OTEL_* variable) > --config
file > defaults. Unknown keys in the file and unknown OTEL_TAIL_* variables are errors.

Examples:
  otel-tail validate --config /etc/otel-tail.yaml
  OTEL_TAIL_JOURNAL=openclaw-gateway otel-tail validate --endpoint http://127.0.0.1:4318`;

const COMMANDS = ['backfill', 'validate', 'status', 'service', 'help'];

/** Runs the CLI; returns the exit code. bin/otel-tail exits with it. */
export async function main(argv: readonly string[]): Promise<number> {
  tuneV8();
  // Commander's own errors come before any command runs: they take the format the command will use.
  prepareLogFormat(argv.slice(2));
  // Commander would answer `help <unknown>` with the top-level help and exit 0.
  const [word, topic] = argv.slice(2);
  if (word === 'help' && topic !== undefined && !COMMANDS.includes(topic)) {
    const guess = didYouMean(topic, COMMANDS);
    return fail(`help: no command "${topic}"${guess === undefined ? '' : ` (did you mean otel-tail help ${guess}?)`}; otel-tail help lists the commands`);
  }
  // `otel-tail backfill ... | head`: once the reader is gone, stop quietly as cat does, not with a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(EXIT_BROKEN_PIPE);
  });
  const program = new Command('otel-tail')
    .description('Rebuild OpenTelemetry traces from what an OpenClaw gateway writes, with the original timestamps, and ship them over OTLP.')
    .version(packageVersion(), '-V, --version', 'print the version of otel-tail and exit')
    .helpCommand('help [command]', 'show the help of a command (otel-tail help backfill)')
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      outputError: (text, write) => (effectiveLogFormat() === 'json' ? ownLogRaw('error', text.trim()) : write(text)),
      writeErr: (text) => (effectiveLogFormat() === 'json' ? text.trim() === '' || ownLogRaw('error', text.trim()) : process.stderr.write(text)),
    })
    .addHelpText('after', FOLLOW_HELP);
  let exitCode = EXIT_OK;
  addConfigOptions(program, 'follow')
    .allowExcessArguments()
    .action(async (flags: Record<string, unknown>, command: Command) => {
      const stray = command.args[0];
      setDaemonLog(stray === undefined);
      exitCode = stray === undefined ? await (await import('./follow-command.js')).followCommand(flags) : fail(strayArgument(stray));
    });

  const backfill = program
    .command('backfill')
    .description('Read OpenClaw log files (plain or gzip) to their end, rebuild every trace, export, and print a summary.')
    .argument('[paths...]', "files, directories or quoted globs ('archive/**/*.log.gz') of OpenClaw file logs or diagnostic-event JSONL, plain or gzip; - for standard input; none with --journal")
    .option('--since <time>', 'only records at or after this time: ISO (2026-11-21T08:00:00Z) or a duration back from now (90m, 12h, 7d)')
    .option('--until <time>', 'only records before this time (same forms as --since)')
    .option('--dry-run', 'parse and rebuild, print the traces that would be sent (after --preset and the privacy steps), send nothing, record nothing; needs no endpoint or secrets')
    .option('--max-rate <spans/s>', 'send at most this many spans per second, so a backfill does not flood a shared collector')
    .option('--force', 'read files the ledger says were exported already (span ids are the same, so a backend can deduplicate)')
    .addHelpText('after', BACKFILL_HELP)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      exitCode = await (await import('./backfill-command.js')).backfillCommand(paths, flags);
    });
  addConfigOptions(backfill, 'backfill');

  addConfigOptions(
    program
      .command('validate')
      .description('Check a config without running: print every key, its value (secrets hidden) and where it came from (flag, env, file, default); or every problem, exit 2.')
      .addHelpText('after', VALIDATE_HELP),
    'follow',
  ).action(async (flags: Record<string, unknown>) => {
    exitCode = await (await import('./validate-command.js')).validateCommand(flags);
  });

  program
    .command('status')
    .description("Show where each source's checkpoint is and how far behind it is (bytes to the file's end, seconds to the journal's newest entry), and the backfill ledger. Read only: safe while a follower runs.")
    .option('--state-dir <dir>', 'the state dir the follower uses (default: $XDG_STATE_HOME/otel-tail, else ~/.local/state/otel-tail)')
    .option('--config <file>', 'YAML config file: its stateDir and journalctl are used')
    .option('--journalctl <path>', 'the journalctl that can read the followed journal (default: journalctl)')
    .option('--json', 'print the status as JSON')
    .action(async (flags: Record<string, unknown>) => {
      exitCode = await (await import('./status-command.js')).statusCommand(flags);
    });

  addServiceCommands(program, (code) => (exitCode = code));
  addDeadLetterCommands(program, (code) => (exitCode = code));
  pointHelpAfterErrors(program, 'otel-tail');

  try {
    await program.parseAsync(argv as string[]);
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    throw error;
  }
  return exitCode;
}

/** A word where no argument belongs: a mistyped command, or a path without --file (the likeliest mistakes). */
function strayArgument(stray: string): string {
  const command = /^[a-z-]+$/i.test(stray) ? didYouMean(stray, COMMANDS) : undefined;
  if (command !== undefined) return `unknown command "${stray}"; did you mean otel-tail ${command}? (otel-tail help lists the commands)`;
  return `unexpected argument "${stray}": to follow it, pass --file ${stray}; to replay files once, run otel-tail backfill ${stray}`;
}

/** Each command's errors end with the help of that command (`otel-tail service install --help`), not the top level's. */
function pointHelpAfterErrors(command: Command, path: string): void {
  command.showHelpAfterError(`(run ${path} --help for usage)`);
  for (const sub of command.commands) pointHelpAfterErrors(sub, `${path} ${sub.name()}`);
}

/**
 * The log format before the config is read: `--log-format` if given; the follower (no command
 * word) may pick JSON under journald. Each command sets its role again when it runs.
 */
function prepareLogFormat(args: readonly string[]): void {
  setDaemonLog(!args.some((arg) => COMMANDS.includes(arg)));
  const at = args.findIndex((arg) => arg === '--log-format' || arg.startsWith('--log-format='));
  const value = at < 0 ? undefined : (args[at]?.split('=')[1] ?? args[at + 1]);
  if (value === 'auto' || value === 'text' || value === 'json') setLogFormat(value);
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}
