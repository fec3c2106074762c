import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { StateLock } from '../checkpoint/state-lock.js';
import { createExporter } from '../export/create-exporter.js';
import { Follower } from '../pipeline/follower.js';
import type { FollowLogs } from '../pipeline/follower-logs.js';
import { EXIT_OK, fail } from './exit-codes.js';
import { FollowMonitoring } from './follow-monitoring.js';
import { isStartError, reloadFollow, type RunningFollow } from './follow-reload.js';
import { describeTarget, followerOptions, followLogs, planFollow } from './follow-setup.js';
import { listenForSignals } from './follow-signals.js';
import { applyLogFormat, loadConfig } from './load-config.js';
import { hashedIdsNote } from './orientation.js';
import { plural } from './plural.js';
import { ownLog, ownLogRaw, say } from './own-log.js';
import { formatNotes, formatSummary, summaryFields, summaryLevel } from './summary.js';

export { defaultStateDir, resolveEventPaths } from './follow-setup.js';

const log = say;

/** `otel-tail [--file PATH]...`: follow the gateway's file log until SIGTERM/SIGINT; SIGHUP reloads the config. */
export async function followCommand(flags: Record<string, unknown>): Promise<number> {
  const config = loadConfig(flags);
  if (typeof config === 'number') return config;
  // Listen before anything is started or printed: a SIGTERM that arrives while the sources start
  // (or just after "following" is printed) stops the follower as soon as it has started; a SIGHUP
  // then reloads once it has started.
  const signals = listenForSignals((signal, code) => {
    ownLog('warn', `${signal} again: exiting now. Checkpoints stay where they were: nothing is lost, the unsettled lines are read again at the next start.`);
    process.exit(code);
  });
  const plan = await planFollow(config, log);
  let locked;
  try {
    locked = StateLock.acquire(plan.stateDir);
  } catch (error) {
    signals.cancel();
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    // The directory is made first (mkdir -p): a code from there means the directory could not be made.
    const what = existsSync(plan.stateDir) ? `cannot write its lock file ${join(plan.stateDir, 'follower.lock')}` : 'cannot create it';
    return fail(`--state-dir ${plan.stateDir}: ${what} (${code}). Pass a writable directory for checkpoints.`);
  }
  if (locked.status === 'held') {
    signals.cancel();
    return fail(
      `state dir ${plan.stateDir} is in use by another otel-tail follower (PID ${locked.holder.pid}, since ${locked.holder.startedAt}; ${locked.path}): ` +
        'two would send the same lines twice and overwrite each other\'s checkpoints. Stop that one, or give this one another --state-dir.',
    );
  }
  const lock = locked.lock;
  process.once('exit', () => lock.release());
  if (locked.tookOverFrom !== undefined) {
    ownLog('warn', `took over ${lock.path} from otel-tail PID ${locked.tookOverFrom.pid} (started ${locked.tookOverFrom.startedAt}), which is no longer running: it did not stop cleanly, so what it had not settled is read again from the checkpoints`);
  }
  let running: RunningFollow;
  let monitoring: FollowMonitoring | undefined;
  let logs: FollowLogs | undefined;
  try {
    logs = await followLogs(config, plan.stateDir);
    monitoring = await FollowMonitoring.start(config, await createExporter(config, { stateDir: plan.stateDir, warn: (message) => log(message, 'warn') }), log);
    running = { plan, follower: await Follower.start(followerOptions(plan, monitoring.exporter, monitoring.onTrace, log, logs)) };
  } catch (error) {
    signals.cancel();
    await monitoring?.stop();
    await logs?.sink.shutdown();
    lock.release();
    if (isStartError(error)) return fail(error.message);
    throw error;
  }
  monitoring.attach(running.follower);
  const resumed = running.follower.resumedCheckpoints;
  const start =
    resumed > 0 ? `resuming from ${plural(resumed, 'checkpoint')} in ${running.follower.checkpointPath}`
    : `no checkpoint yet: ${config.from === 'end' ? 'new lines only' : 'from the beginning'}; checkpoints in ${running.follower.checkpointPath}`;
  log(`following ${running.follower.targets.join(', ')} → ${describeTarget(config)}${logs === undefined ? '' : `, log records → ${logs.target}`} (${start})`);
  const hashNote = config.exporter === 'console' ? hashedIdsNote(config) : undefined;
  if (hashNote !== undefined) log(hashNote);

  let stoppedDuringReload = false;
  for (;;) {
    const next = await Promise.race([signals.stopped.then(() => 'stop' as const), signals.nextReload().then(() => 'reload' as const)]);
    if (next === 'stop') break;
    try {
      const outcome = await reloadFollow(running, { flags, monitoring, signals, log, applied: applyLogFormat });
      running = outcome.follow;
      if (outcome.status === 'stopped') {
        stoppedDuringReload = true;
        break;
      }
    } catch (error) {
      // The previous config could not start again either: checkpoints are written, nothing runs.
      await monitoring.stop();
      lock.release();
      if (isStartError(error)) return fail(`after a reload: ${error.message}`);
      throw error;
    }
  }
  const signal = await signals.stopped;
  const { follower } = running;
  let drained = true;
  if (stoppedDuringReload) {
    log(`${signal} during a reload: stopped with checkpoints written; traces still open are read again and sent whole at the next start`);
  } else {
    log(`${signal}: stopping: exporting open traces and writing checkpoints (send it again to exit at once)`);
    drained = await follower.stop();
  }
  await monitoring.stop();
  if (!drained) ownLog('warn', 'some spans or log records could not be exported before the shutdown deadline; checkpoints were not moved past their lines, so they are sent after the next start');
  const totals = { stats: follower.stats, counters: follower.reconstructor.counters };
  for (const note of formatNotes(totals)) log(note.text, note.level);
  ownLogRaw(summaryLevel(totals), formatSummary(totals, 'otel-tail stopped', running.plan.config.exporter === 'console' ? 'printed' : 'exported'), summaryFields(totals));
  lock.release();
  return EXIT_OK;
}
