import { homedir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../model/input-errors.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { configuredAgeLimit, type BackendAgeLimit } from '../export/age-limit.js';
import { createLogExport } from '../export/create-exporter.js';
import { displayUrl, resolveTracesUrl } from '../export/otlp-target.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { FollowOptions } from '../pipeline/follower.js';
import type { FollowLogs } from '../pipeline/follower-logs.js';
import type { TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import { chooseDefaultLogDir, DEFAULT_EVENTS, defaultEventsDir } from '../sources/default-dirs.js';
import { journalTargetsOf } from './load-config.js';
import { reconstructorOptions } from './reconstructor-options.js';

/** Stopping (flush, export, checkpoints) must end within 10 s of SIGTERM: systemd's default is 90 s, ours is a promise. */
export const SHUTDOWN_TIMEOUT_MS = 8_000;

/** What one config makes the follower follow, and where it sends it: made at start-up and at each reload. */
export interface FollowPlan {
  config: ResolvedConfig;
  stateDir: string;
  paths: string[];
  eventPaths: string[];
  journals: JournalTarget[];
}

let lastDefaultChoice: string | undefined;

/** The sources `config` names; without any, the gateway's default log directory (said once, with why). */
export async function planFollow(config: ResolvedConfig, log: (message: string) => void): Promise<FollowPlan> {
  const journals = journalTargetsOf(config);
  let paths = config.file ?? [];
  const eventPaths = resolveEventPaths(config.events, log);
  if (config.file === undefined && journals.length === 0 && eventPaths.length === 0) {
    const chosen = await chooseDefaultLogDir();
    const message = `no --file given: following ${chosen.dir}/ (${chosen.why})`;
    // Said once: a reload that comes to the same choice says nothing.
    if (message !== lastDefaultChoice) log(message);
    lastDefaultChoice = message;
    paths = [chosen.dir];
  }
  return { config, stateDir: config.stateDir ?? defaultStateDir(process.env), paths, eventPaths, journals };
}

/** The follower's options for a plan. */
export function followerOptions(
  plan: FollowPlan,
  exporter: TraceExporter,
  onTrace: ((trace: FinishedTrace, exit: TraceExit) => void) | undefined,
  log: (message: string) => void,
  logs?: FollowLogs,
): FollowOptions {
  const { config, paths, eventPaths, journals } = plan;
  return {
    paths,
    eventPaths,
    journals,
    journalctl: config.journalctl,
    from: config.from,
    stateDir: plan.stateDir,
    maxLineBytes: config.maxLineBytes,
    maxBatchSpans: config.maxBatchSpans,
    reconstructor: {
      ...reconstructorOptions(config),
      // The same gateway's log (or console) and events: one trace from both (docs/design.md, "Merging the streams").
      mergeStreams: eventPaths.length > 0 && (paths.length > 0 || journals.length > 0),
      maxStreamLagMs: config.idleTimeoutMs,
    },
    exporter,
    ...(onTrace === undefined ? {} : { onTrace }),
    exportTarget: describeTarget(config),
    log,
    shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS,
    // A reload waits for the answer to a request in flight: the SDK gives up after the export timeout.
    inFlightWaitMs: config.exportTimeoutMs + 1_000,
    ...ageLimitOf(config),
    ...(logs === undefined ? {} : { logs }),
  };
}

/**
 * --logs: the log records' exporter for a follower (undefined without --logs). A config that cannot
 * send them (another exporter, gRPC, OTLP/JSON, no logs URL) is an InputError naming why: refused at
 * start-up, and a reload keeps the running config.
 */
export async function followLogs(config: ResolvedConfig, stateDir: string): Promise<FollowLogs | undefined> {
  if (!config.logs) return undefined;
  const made = await createLogExport(config, { stateDir });
  if ('error' in made) throw new InputError(made.error);
  return { sink: made.sink, scrub: made.scrub, target: displayUrl(made.url) };
}

/** A backend that rejects old spans (Dynatrace): the follower skips what it would reject in a backlog. */
function ageLimitOf(config: ResolvedConfig): { ageLimit?: BackendAgeLimit } {
  const limit = configuredAgeLimit(config);
  return limit === undefined ? {} : { ageLimit: limit };
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
export function describeTarget(config: ResolvedConfig): string {
  switch (config.exporter) {
    case 'console':
      return 'the console (no endpoint: printing traces here; nothing is sent)';
    case 'file':
      return config.output === '-' ? 'standard output' : config.output;
    case 'otlp':
      return displayUrl(resolveTracesUrl(config.endpoint, config.tracesEndpoint, config.protocol) as string);
  }
}
