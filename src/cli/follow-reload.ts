import { CheckpointError } from '../checkpoint/checkpoint-store.js';
import { ConfigError, InputError } from '../model/input-errors.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config.js';
import { createExporter } from '../export/create-exporter.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import { Follower } from '../pipeline/follower.js';
import { JournalError } from '../sources/journal-reader.js';
import type { FollowMonitoring, MonitoringReload } from './follow-monitoring.js';
import type { FollowSignals } from './follow-signals.js';
import type { FollowLogs } from '../pipeline/follower-logs.js';
import { defaultStateDir, describeTarget, followerOptions, followLogs, planFollow, type FollowPlan } from './follow-setup.js';
import { configFileOf } from './load-config.js';

/** How long a reload lets the export queue drain before it hands what is left to the next follower (which reads it again). */
const RELOAD_DRAIN_MS = 5_000;

export interface RunningFollow {
  plan: FollowPlan;
  follower: Follower;
}

export interface ReloadContext {
  /** The flags the daemon was started with: they still win over the re-read file and environment. */
  flags: Record<string, unknown>;
  monitoring: FollowMonitoring;
  signals: FollowSignals;
  log: (message: string, level?: 'info' | 'warn' | 'error') => void;
  /** The reloaded config is in use (e.g. its log format). */
  applied?: (config: ResolvedConfig) => void;
}

export type ReloadOutcome =
  /** The follower running now: the reloaded one, or the previous one when the reload was refused. */
  | { status: 'running'; follow: RunningFollow }
  /** SIGTERM came while the previous follower was handing over: it has stopped and written its checkpoints; nothing else runs. */
  | { status: 'stopped'; follow: RunningFollow };

/**
 * SIGHUP (docs/design.md "Reloading the config"): re-read the config; start what the new config
 * needs and can fail beside what runs (exporter, metrics server, GenAI metrics); then the running
 * follower stops reading, exports what is queued and writes its checkpoints, and a new follower
 * starts from them with the new sources and exporter. An invalid config changes nothing.
 */
export async function reloadFollow(running: RunningFollow, context: ReloadContext): Promise<ReloadOutcome> {
  const { log, monitoring, signals } = context;
  const configFile = configFileOf(context.flags, process.env);
  log(`SIGHUP: reloading the config (${configFile === undefined ? 'no config file' : configFile}; the same flags and environment)`);
  const keep = (why: string): ReloadOutcome => {
    log(`reload refused, still running with the previous config: ${why}`, 'warn');
    return { status: 'running', follow: running };
  };
  let config: ResolvedConfig;
  try {
    config = resolveConfig(context.flags, process.env, configFile);
  } catch (error) {
    if (error instanceof ConfigError) return keep(`the config is invalid: ${error.problems.join(' ')}`);
    throw error;
  }
  const stateDir = config.stateDir ?? defaultStateDir(process.env);
  if (stateDir !== running.plan.stateDir) {
    return keep(`stateDir: the checkpoints cannot move while running (${running.plan.stateDir} → ${stateDir}); restart otel-tail to use another state dir`);
  }
  let exporter: TraceExporter | undefined;
  let logs: FollowLogs | undefined;
  let plan: FollowPlan;
  let prepared: MonitoringReload;
  try {
    plan = await planFollow(config, log);
    logs = await followLogs(config, plan.stateDir);
    exporter = await createExporter(config, { stateDir: plan.stateDir, warn: (message) => log(message, 'warn') });
    prepared = await monitoring.prepareReload(config, log);
  } catch (error) {
    await exporter?.shutdown();
    await logs?.sink.shutdown();
    if (isStartError(error)) return keep(error.message);
    throw error;
  }

  if (signals.stopping) {
    // SIGTERM before anything was handed over: the ordinary shutdown does better (it exports open traces now).
    await prepared.discard();
    await exporter.shutdown();
    await logs?.sink.shutdown();
    log('reload abandoned: stopping');
    return { status: 'running', follow: running };
  }
  const carry = await running.follower.stopForReload(RELOAD_DRAIN_MS, signals.stopped);
  if (signals.stopping) {
    await prepared.discard();
    await exporter.shutdown();
    await logs?.sink.shutdown();
    return { status: 'stopped', follow: running };
  }
  monitoring.exporter.use(exporter);
  try {
    const follower = await Follower.start(followerOptions(plan, monitoring.exporter, prepared.onTrace, log, logs), carry);
    await prepared.commit(follower);
    context.applied?.(config);
    log(`reloaded: following ${follower.targets.join(', ')} → ${describeTarget(config)}`);
    return { status: 'running', follow: { plan, follower } };
  } catch (error) {
    if (!isStartError(error)) throw error;
    // Go on as before the reload, from the checkpoints just written: nothing was read past them.
    await prepared.discard();
    await monitoring.exporter.shutdown();
    await logs?.sink.shutdown();
    monitoring.exporter.use(await createExporter(running.plan.config, { stateDir: running.plan.stateDir, warn: (message) => log(message, 'warn') }));
    const previousLogs = await followLogs(running.plan.config, running.plan.stateDir);
    const follower = await Follower.start(followerOptions(running.plan, monitoring.exporter, monitoring.onTrace, log, previousLogs), carry);
    monitoring.attach(follower);
    log(`reload failed: ${error.message}; following with the previous config again`, 'error');
    return { status: 'running', follow: { plan: running.plan, follower } };
  }
}

/** The failures a start reports to the operator (a missing journalctl, a busy port, an unwritable state dir). */
export function isStartError(error: unknown): error is Error {
  return error instanceof InputError || error instanceof CheckpointError || error instanceof JournalError || error instanceof ConfigError;
}
