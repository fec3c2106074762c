import { stat } from 'node:fs/promises';
import { InputError } from '../model/input-errors.js';
import type { DecodedBatch } from '../parsers/decoded-batch.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import { openInput } from '../sources/file-lines.js';
import { JournalError, readJournalEntries } from '../sources/journal-reader.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { readStreamDecoded } from './decoded-lines.js';
import { JournalIntake } from './journal-intake.js';
import type { RecordTap } from './line-intake.js';

/* Reading one input of a backfill: a file or standard input batch by batch, a journal, and the check that a named file can be read. */

/** Feeds every batch; returns the error an input stopped on, if it did not end normally. `room` waits while the queues are full. */
export async function readAll(lines: AsyncGenerator<DecodedBatch>, add: (batch: DecodedBatch) => void, room: () => Promise<void>): Promise<Error | undefined> {
  try {
    for await (const batch of lines) {
      add(batch);
      await room();
    }
    return undefined;
  } catch (error) {
    // A truncated archive or an I/O error ends this input only: what was read stays, the others are read.
    return error as Error;
  }
}

export async function* stdinLines(maxLineBytes: number, skim: boolean): AsyncGenerator<DecodedBatch> {
  const input = await openInput(process.stdin);
  if (input !== undefined) yield* readStreamDecoded(input, maxLineBytes, skim);
}

export async function readJournal(
  journal: JournalTarget,
  read: { journalctl: string; maxLineBytes: number },
  stats: PipelineStats,
  reconstructor: Reconstructor,
  room: () => Promise<void>,
  onRecord?: RecordTap,
): Promise<void> {
  const name = `journal ${journal.name}${journal.directory ?? journal.file ?? ''}`;
  const intake = new JournalIntake(name, stats, reconstructor, undefined, onRecord);
  try {
    const entries = readJournalEntries(journal, read.journalctl, read.maxLineBytes, (reason, detail) => stats.lineRejected(reason, name, detail));
    for await (const batch of entries) {
      intake.addEntries(batch);
      await room();
    }
  } catch (error) {
    // No journalctl at all is an input error for the whole run; anything else ends this journal only.
    if (error instanceof JournalError) throw new InputError(error.message);
    stats.fileErrors.push(`${name}: ${(error as Error).message}`);
  }
}

export async function checkReadable(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (code ?? (error as Error).message);
    throw new InputError(`${path}: ${why}. Pass the path of an OpenClaw log file (e.g. /tmp/openclaw/openclaw-YYYY-MM-DD.log).`);
  }
  if (!info.isFile()) throw new InputError(`${path}: not a regular file. Pass log files; to follow a directory use --file.`);
}
