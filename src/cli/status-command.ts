import { stat } from 'node:fs/promises';
import { BackfillLedger } from '../checkpoint/backfill-ledger.js';
import { CheckpointError, CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { fileStatus, journalStatus, type FileStatus, type JournalStatus } from '../sources/source-status.js';
import { EXIT_OK, fail } from './exit-codes.js';
import { defaultStateDir } from './follow-setup.js';
import { DEAD_LETTER_FILE, readDeadLetters, spansOf } from '../checkpoint/dead-letter.js';
import { lockHolder } from '../checkpoint/state-lock.js';
import { join } from 'node:path';
import { ledgerLines, summariseLedger } from './ledger-status.js';
import { loadConfig } from './load-config.js';
import { plural } from './plural.js';

export interface StatusFlags {
  json?: boolean;
}

/**
 * `otel-tail status [--state-dir DIR]`: where each source's checkpoint is and how far behind it
 * is (bytes to the file's end; seconds to the journal's newest entry), and the backfill ledger.
 * Only reads: safe while a follower writes the same state dir.
 */
export async function statusCommand(flags: Record<string, unknown> & StatusFlags): Promise<number> {
  const config = loadConfig(flags);
  if (typeof config === 'number') return config;
  const stateDir = config.stateDir ?? defaultStateDir(process.env);
  try {
    if (!(await stat(stateDir)).isDirectory()) return fail(`--state-dir ${stateDir}: not a directory.`);
  } catch {
    return fail(`--state-dir ${stateDir}: no such directory: nothing has run with this state dir (pass --state-dir as the follower was given it).`);
  }
  let store: CheckpointStore;
  let ledger: BackfillLedger;
  try {
    store = await CheckpointStore.open(stateDir);
    ledger = await BackfillLedger.open(stateDir);
  } catch (error) {
    if (error instanceof CheckpointError) return fail(error.message);
    throw error;
  }
  const files = await Promise.all(store.all.map((checkpoint) => fileStatus(checkpoint)));
  const journals = await Promise.all(store.allJournals.map(([key, checkpoint]) => journalStatus(key, checkpoint, config.journalctl)));
  const written = await stat(store.path).then((info) => info.mtime, () => undefined);
  const ledgerEntries = ledger.entries;
  const deadLetterPath = join(stateDir, DEAD_LETTER_FILE);
  const dead = await readDeadLetters(deadLetterPath).catch(() => undefined);
  const deadLetter = dead === undefined ? { traces: 0, spans: 0 } : { path: deadLetterPath, traces: dead.entries.length, spans: spansOf(dead.entries), bytes: dead.bytes, oldest: dead.entries[0]?.at, reason: dead.entries.at(-1)?.reason };
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify({ stateDir, checkpointsWrittenAt: written?.toISOString(), files, journals, exportedTracesPending: store.exported.length, deadLetter, ledger: { files: ledgerEntries.length, bytes: sum(ledgerEntries.map((e) => e.size)), ...summariseLedger(ledgerEntries) } }, null, 2)}\n`);
    return EXIT_OK;
  }
  const out: string[] = [];
  out.push(`state dir ${stateDir}: ${written === undefined ? 'no checkpoints written yet' : `checkpoints written ${written.toISOString()} (${ago(written.getTime())})`}`);
  const holder = lockHolder(stateDir);
  if (holder !== undefined) {
    out.push(holder.running ? `follower running: PID ${holder.pid}, since ${holder.startedAt}` : `no follower running (the lock of PID ${holder.pid}, started ${holder.startedAt}, is stale: it did not stop cleanly)`);
  }
  if (files.length > 0) out.push('files:', ...files.map(describeFile));
  if (journals.length > 0) out.push('journals:', ...journals.map(describeJournal));
  if (files.length === 0 && journals.length === 0) out.push('no source has a checkpoint yet');
  if (store.exported.length > 0) out.push(`${plural(store.exported.length, 'trace')} exported whole whose lines reach past a checkpoint (not sent again after a restart)`);
  if (deadLetter.traces > 0) {
    out.push(
      `dead letter: ${plural(deadLetter.traces, 'trace')} (${plural(deadLetter.spans, 'span')}) refused by the backend since ${deadLetter.oldest ?? '?'}, kept in ${deadLetterPath} (last reason: ${deadLetter.reason ?? '?'}); ` +
        'once the cause is fixed, send them again with: otel-tail dead-letter replay (same --state-dir and endpoint)',
    );
  }
  out.push(...ledgerLines(ledgerEntries, formatBytes));
  process.stdout.write(`${out.join('\n')}\n`);
  return EXIT_OK;
}

function describeFile(file: FileStatus): string {
  const checkpoint = file.checkpoint;
  const at = `checkpoint at byte ${checkpoint.offset}, saved ${checkpoint.updatedAt}`;
  if (file.status === 'gone') return `  ${checkpoint.path}: gone (no file starts with its first line any more); ${at}`;
  const renamed = file.path === checkpoint.path ? '' : ` (was ${checkpoint.path})`;
  // Read to its end, but nothing in it was OpenClaw's: "up to date" would say all is well.
  const foreign = checkpoint.foreign === undefined ? '' : `no OpenClaw record or event in it (it looks like ${checkpoint.foreign}): is this the gateway's log? `;
  const behind = `${foreign}${file.bytesBehind === 0 ? (foreign === '' ? 'up to date' : 'read to its end') : `${formatBytes(file.bytesBehind)} behind`}`;
  return `  ${file.path}${renamed}: ${behind}: byte ${checkpoint.offset} of ${file.size}; saved ${checkpoint.updatedAt}`;
}

function describeJournal(journal: JournalStatus): string {
  const where = journal.where === 'live' ? 'live journal' : journal.where;
  const at = new Date(journal.checkpoint.realtimeUs / 1000).toISOString();
  const behind =
    journal.secondsBehind === undefined ? `newest entry unknown (${journal.problem ?? 'no answer'})`
    : journal.secondsBehind === 0 ? 'up to date'
    : `${journal.secondsBehind.toFixed(1)} s behind the newest entry (${new Date((journal.latestUs ?? 0) / 1000).toISOString()})`;
  return `  ${journal.name} (${where}): ${behind}: entry of ${at}, cursor ${journal.checkpoint.cursor}`;
}

function ago(ms: number): string {
  const seconds = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return seconds < 120 ? `${seconds} s ago` : seconds < 7200 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
