import { appendFile, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { FinishedTrace } from '../model/span-record.js';

/** What the dead-letter file may grow to: about 40,000 typical traces. Past it a refused trace is dropped, counted and said. */
export const DEAD_LETTER_MAX_BYTES = 64 * 1024 * 1024;
export const DEAD_LETTER_FILE = 'dead-letter.jsonl';

/** One trace a backend refused, as kept for `otel-tail dead-letter replay`. */
export interface DeadLetterEntry {
  /** When it was refused. */
  at: string;
  /** Where it was refused (the traces URL without credentials). */
  destination: string;
  /** The backend's answer: `HTTP 413 ...`, or the partial-success message. */
  reason: string;
  /** The trace as the reconstructor made it, before privacy and preset steps: a replay runs them with its own config. */
  trace: FinishedTrace;
}

export type DeadLetterWrite = { status: 'written' } | { status: 'full'; maxBytes: number } | { status: 'failed'; error: Error };

/**
 * `<state-dir>/dead-letter.jsonl`: the traces a backend refused as they are (HTTP 400, 413, 422, or
 * spans a 200 answer listed as rejected), one JSON line each, so that they can be sent again once
 * the cause is fixed instead of being lost. Appended (open, write, close) so that a replay can take
 * the file away by renaming it while a follower runs; bounded by `maxBytes`. Mode 0600: the traces
 * hold what the log lines held.
 */
export class DeadLetterFile {
  readonly path: string;
  private size: number | undefined;
  private writing: Promise<unknown> = Promise.resolve();

  constructor(
    stateDir: string,
    private readonly maxBytes = DEAD_LETTER_MAX_BYTES,
  ) {
    this.path = join(stateDir, DEAD_LETTER_FILE);
  }

  /** Appends the entries in one write, after any write in progress; all or none of them. */
  add(entries: readonly DeadLetterEntry[]): Promise<DeadLetterWrite> {
    const result = this.writing.then(() => this.append(entries));
    this.writing = result;
    return result;
  }

  private async append(entries: readonly DeadLetterEntry[]): Promise<DeadLetterWrite> {
    const text = entries.map((entry) => `${JSON.stringify(entry)}\n`).join('');
    const bytes = Buffer.byteLength(text);
    try {
      // Re-read each time: a replay may have taken the file away (renamed) since the last write.
      this.size = (await stat(this.path).catch(() => undefined))?.size ?? 0;
      if (this.size + bytes > this.maxBytes) return { status: 'full', maxBytes: this.maxBytes };
      await appendFile(this.path, text, { mode: 0o600 });
      this.size += bytes;
      return { status: 'written' };
    } catch (error) {
      return { status: 'failed', error: error as Error };
    }
  }
}

/** What a dead-letter file holds, for `status` and a replay. Lines that do not parse are counted, not thrown. */
export async function readDeadLetters(path: string): Promise<{ entries: DeadLetterEntry[]; unreadable: number; bytes: number } | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const entries: DeadLetterEntry[] = [];
  let unreadable = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    try {
      const entry = JSON.parse(line) as DeadLetterEntry;
      if (typeof entry.trace?.traceId === 'string' && Array.isArray(entry.trace.spans)) entries.push(entry);
      else unreadable++;
    } catch {
      // A line cut short by a crash while it was written.
      unreadable++;
    }
  }
  return { entries, unreadable, bytes: Buffer.byteLength(text) };
}

export function spansOf(entries: readonly DeadLetterEntry[]): number {
  return entries.reduce((sum, entry) => sum + entry.trace.spans.length, 0);
}
