import { homedir } from 'node:os';
import { join } from 'node:path';
import { CheckpointError } from '../checkpoint/checkpoint-store.js';
import { ConfigError, InputError } from '../config/config-error.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { createExporter } from '../export/create-exporter.js';
import { resolveTracesUrl } from '../export/otlp-target.js';
import { Follower } from '../pipeline/follower.js';
import { JournalError } from '../sources/journal-reader.js';
import { chooseDefaultLogDir } from '../sources/log-file-names.js';
import { DEFAULT_EVENTS, defaultEventsDir } from '../sources/event-file-names.js';
import { EXIT_OK, fail } from './exit-codes.js';
import { FollowMonitoring } from './follow-monitoring.js';
import { journalTargetsOf, loadConfig } from './load-config.js';
import { reconstructorOptions } from './reconstructor-options.js';
import { formatNotes, formatSummary } from './summary.js';

/** Stopping (flush, export, checkpoints) must end within 10 s of SIGTERM: systemd's default is 90 s, ours is a promise. */
const SHUTDOWN_TIMEOUT_MS = 8_000;

const log = (message: string): void => {
  process.stderr.write(`otel-tail: ${message}\n`);
};

/** `otel-tail [--file PATH]...`: follow the gateway's file log until SIGTERM/SIGINT. */
export async function followCommand(flags: Record<string, unknown>): Promise<number> {
  const config = loadConfig(flags);
  if (typeof config === 'number') return config;
  // Listen before anything is started or printed: a SIGTERM that arrives while the sources start
  // (or just after "following" is printed) stops the follower as soon as it has started.
  const stopSignal = listenForStop();
  const journals = journalTargetsOf(config);
  let paths = config.file ?? [];
  const eventPaths = resolveEventPaths(config.events, log);
  if (config.file === undefined && journals.length === 0 && eventPaths.length === 0) {
    const chosen = await chooseDefaultLogDir();
    log(`no --file given: following ${chosen.dir}/ (${chosen.why})`);
    paths = [chosen.dir];
  }
  const stateDir = config.stateDir ?? defaultStateDir(process.env);
  let follower: Follower;
  let monitoring: FollowMonitoring | undefined;
  try {
    monitoring = await FollowMonitoring.start(config, await createExporter(config, { stateDir, warn: log }), log);
    follower = await Follower.start({
      paths,
      eventPaths,
      journals,
      journalctl: config.journalctl,
      from: config.from,
      stateDir,
      maxLineBytes: config.maxLineBytes,
      maxBatchSpans: config.maxBatchSpans,
      reconstructor: {
        ...reconstructorOptions(config),
        // The same gateway's log (or console) and events: one trace from both (docs/design.md, "Merging the streams").
        mergeStreams: eventPaths.length > 0 && (paths.length > 0 || journals.length > 0),
        maxStreamLagMs: config.idleTimeoutMs,
      },
      exporter: monitoring.exporter,
      onTrace: monitoring.onTrace,
      exportTarget: describeTarget(config),
      log,
      shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    });
  } catch (error) {
    stopSignal.cancel();
    await monitoring?.stop();
    if (error instanceof InputError || error instanceof CheckpointError || error instanceof JournalError || error instanceof ConfigError) return fail(error.message);
    throw error;
  }
  monitoring.attach(follower);
  const start = config.from === 'end' ? 'new lines only' : 'from the beginning';
  log(`following ${follower.targets.join(', ')} → ${describeTarget(config)} (without a checkpoint: ${start}; checkpoints in ${follower.checkpointPath})`);

  const signal = await stopSignal.received;
  log(`${signal}: stopping: exporting open traces and writing checkpoints (send it again to exit at once)`);
  const drained = await follower.stop();
  await monitoring.stop();
  if (!drained) log('some spans could not be exported before the shutdown deadline; checkpoints were not moved past their lines, so they are sent after the next start');
  const totals = { stats: follower.stats, counters: follower.reconstructor.counters };
  for (const note of formatNotes(totals)) log(note);
  process.stderr.write(`${formatSummary(totals, 'otel-tail stopped')}\n`);
  return EXIT_OK;
}

/**
 * Listens for SIGTERM and SIGINT from now on: the first resolves `received`; a second one exits at
 * once. One listener for the whole run, so no signal ever meets the default action (which would kill
 * the process without a word). `cancel` stops listening.
 */
function listenForStop(): { received: Promise<NodeJS.Signals>; cancel: () => void } {
  let first: NodeJS.Signals | undefined;
  let resolveReceived: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => (resolveReceived = resolve));
  const on = (signal: NodeJS.Signals): void => {
    if (first === undefined) {
      first = signal;
      resolveReceived(signal);
      return;
    }
    log(`${signal} again: exiting now. Checkpoints stay where they were: nothing is lost, the unsettled lines are read again at the next start.`);
    process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
  };
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
  return {
    received,
    cancel: () => {
      process.off('SIGTERM', on);
      process.off('SIGINT', on);
    },
  };
}

/** `--events` values, `default` replaced by the plugin's directory (said once, with why). */
export function resolveEventPaths(events: readonly string[] | undefined, say: (message: string) => void): string[] {
  return (events ?? []).map((path) => {
    if (path !== DEFAULT_EVENTS) return path;
    const chosen = defaultEventsDir(process.env);
    say(`--events default: ${chosen.dir}/ (${chosen.why}; to follow a directory named "default", write ./default)`);
    return chosen.dir;
  });
}

export function defaultStateDir(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_STATE_HOME'];
  return xdg !== undefined && xdg.startsWith('/') ? join(xdg, 'otel-tail') : join(homedir(), '.local', 'state', 'otel-tail');
}

/** Where spans go, for messages: never with credentials. */
function describeTarget(config: ResolvedConfig): string {
  switch (config.exporter) {
    case 'console':
      return 'the console';
    case 'file':
      return config.output === '-' ? 'standard output' : config.output;
    case 'otlp': {
      const url = new URL(resolveTracesUrl(config.endpoint, config.tracesEndpoint) as string);
      url.username = '';
      url.password = '';
      url.search = '';
      return url.href;
    }
  }
}
