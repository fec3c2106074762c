import { readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { DEAD_LETTER_FILE, DeadLetterFile, readDeadLetters, spansOf, type DeadLetterEntry } from '../checkpoint/dead-letter.js';
import { processRunning } from '../checkpoint/state-lock.js';
import { createExporter } from '../export/create-exporter.js';
import { partialRejectionMessage } from '../export/partial-rejection.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import { BatchDelivery, problemOf, takeBatch } from '../pipeline/batch-delivery.js';
import { EXIT_FAILED, EXIT_OK, fail } from './exit-codes.js';
import { defaultStateDir, describeTarget } from './follow-setup.js';
import { loadConfig } from './load-config.js';
import { ownLog } from './own-log.js';
import { plural } from './plural.js';

const TAKEN = /^dead-letter\.replaying-(\d+)\.jsonl$/;

/**
 * `otel-tail dead-letter replay`: sends the traces a backend refused (kept by the follower in
 * `<state-dir>/dead-letter.jsonl`) again, through this run's config (privacy, preset, redaction,
 * endpoint), once the cause is fixed. The file is first renamed away, so a follower that refuses
 * more meanwhile starts a new one; what is refused again (or cannot be sent) is appended back.
 * Exit 0 when every trace was accepted, 1 when some are kept, 2 for a usage or configuration error.
 */
export async function deadLetterReplayCommand(flags: Record<string, unknown>): Promise<number> {
  const config = loadConfig(flags);
  if (typeof config === 'number') return config;
  if (config.exporter !== 'otlp') return fail('dead-letter replay sends to an OTLP endpoint: pass --endpoint URL (or --preset NAME), as the follower was given.');
  const stateDir = config.stateDir ?? defaultStateDir(process.env);
  const taken = await takeFiles(stateDir);
  if (taken.length === 0) {
    ownLog('info', `no dead letters in ${join(stateDir, DEAD_LETTER_FILE)}: nothing to send`);
    return EXIT_OK;
  }
  const entries: DeadLetterEntry[] = [];
  let unreadable = 0;
  for (const path of taken) {
    const read = await readDeadLetters(path);
    entries.push(...(read?.entries ?? []));
    unreadable += read?.unreadable ?? 0;
  }
  if (unreadable > 0) ownLog('warn', `${plural(unreadable, 'line')} of the dead-letter file could not be read (cut short by a crash?) and are dropped`);
  const target = describeTarget(config);
  const exporter = await createExporter(config, { stateDir, warn: (message) => ownLog('warn', message) });
  const kept = await sendAll(exporter, entries, config.maxBatchSpans, target);
  await exporter.shutdown();
  const deadLetter = new DeadLetterFile(stateDir);
  if (kept.length > 0) {
    const written = await deadLetter.add(kept);
    if (written.status !== 'written') {
      // Nothing may be lost: leave the taken files for the next replay.
      return fail(`could not put ${plural(kept.length, 'unsent trace')} back into ${deadLetter.path} (${written.status === 'full' ? 'full' : written.error.message}); they stay in ${taken.join(', ')} for the next replay`);
    }
  }
  for (const path of taken) await unlink(path);
  const sent = entries.length - kept.length;
  ownLog('info', `dead-letter replay: ${plural(sent, 'trace')} (${plural(spansOf(entries) - spansOf(kept), 'span')}) sent to ${target}`);
  if (kept.length === 0) return EXIT_OK;
  ownLog('error', `${plural(kept.length, 'trace')} (${plural(spansOf(kept), 'span')}) were not accepted and are kept in ${deadLetter.path}: ${kept[0]?.reason ?? ''}. Fix the cause and run otel-tail dead-letter replay again.`);
  return EXIT_FAILED;
}

/** Renames the dead-letter file away, and finds those a replay that died left behind. */
async function takeFiles(stateDir: string): Promise<string[]> {
  const mine = join(stateDir, `dead-letter.replaying-${process.pid}.jsonl`);
  const taken: string[] = [];
  try {
    await rename(join(stateDir, DEAD_LETTER_FILE), mine);
    taken.push(mine);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  for (const name of await readdir(stateDir).catch(() => [] as string[])) {
    const pid = Number(TAKEN.exec(name)?.[1]);
    if (Number.isInteger(pid) && pid !== process.pid && !processRunning(pid)) taken.push(join(stateDir, name));
  }
  return taken;
}

/**
 * Sends every entry in batches, as a backfill sends (batch-delivery.ts: no retries, a refused batch
 * split to find the trace at fault); returns those not accepted (refused again, or not sent because
 * the backend stopped answering).
 */
async function sendAll(exporter: TraceExporter, entries: readonly DeadLetterEntry[], maxBatchSpans: number, target: string): Promise<DeadLetterEntry[]> {
  const kept: DeadLetterEntry[] = [];
  const at = new Date().toISOString();
  const keep = (batch: readonly DeadLetterEntry[], reason: string): void => {
    for (const entry of batch) kept.push({ ...entry, at, destination: target, reason });
  };
  // The replay's own summary counts what it kept, not the pipeline's stats.
  const uncounted = { delivered: () => undefined, failed: () => undefined, attemptFailed: () => undefined };
  const delivery = new BatchDelivery<DeadLetterEntry>({
    send: (batch) => exporter.export(batch.map((entry) => entry.trace)),
    size: (entry) => entry.trace.spans.length,
    policy: { retry: 'never' },
    splitRefused: true,
    tally: uncounted,
  });
  const pending = [...entries];
  while (pending.length > 0) {
    const batch = takeBatch(pending, (entry) => entry.trace.spans.length, maxBatchSpans);
    const answers = (await delivery.deliver(batch)) ?? [];
    const first = answers[0];
    if (answers.length === 1 && first?.answer.status === 'failed') {
      // Down, or refusing everything (401, 404): the rest would fare the same. Keep all of it.
      keep([...batch, ...pending], first.answer.error.message);
      return kept;
    }
    for (const { items, answer } of answers) {
      const problem = problemOf(answer, partialRejectionMessage);
      if (problem !== undefined) keep(items, problem.message);
    }
  }
  return kept;
}
