import { spawn } from 'node:child_process';
import { parseJournalEntry, type JournalEntry } from '../parsers/journal-entry.js';
import type { RejectReason } from '../model/records.js';
import { readStreamLines } from './file-lines.js';
import { journalctlArgs, journalMatches, type JournalQuery } from './journalctl-args.js';
import type { RawLine } from '../model/raw-line.js';

/** journalctl cannot be used at all (missing): the message says what to do. */
export class JournalError extends Error {
  override readonly name = 'JournalError';
}

export type RejectedEntry = (reason: RejectReason, detail: string) => void;

/** Lines of `journalctl --output=json` → entries; what is not an entry is reported and skipped. */
export function parseEntries(lines: readonly RawLine[], rejected: RejectedEntry): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of lines) {
    if (line.tooLong) {
      rejected('too_long', `a journalctl line of ${line.length} bytes`);
      continue;
    }
    const parsed = parseJournalEntry(line.bytes.toString('utf8'));
    if ('rejected' in parsed) rejected(parsed.rejected, parsed.detail);
    else entries.push(parsed);
  }
  return entries;
}

/**
 * Reads a journal once (for backfill): journalctl without --follow, entries
 * in batches. Ends with an error naming journalctl's own message when it
 * fails (missing, no permission, unreadable journal files).
 */
export async function* readJournalEntries(
  query: Omit<JournalQuery, 'follow'>,
  journalctl: string,
  maxLineBytes: number,
  rejected: RejectedEntry,
): AsyncGenerator<JournalEntry[]> {
  const child = spawn(journalctl, journalctlArgs({ ...query, follow: false }), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    if (stderr.length < 4096) stderr += text;
  });
  const exited = new Promise<Error | undefined>((resolve) => {
    child.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code === 'ENOENT' ? new JournalError(`${journalctl} not found: install systemd's journalctl (apt install systemd), or pass --journalctl PATH.`) : error),
    );
    child.on('close', (code) => resolve(code === 0 ? undefined : new Error(`journalctl exited with code ${String(code)}: ${stderr.trim()}${permissionHint(stderr)}`)));
  });
  // Lines, not entries: a journal whose entries are all unusable is reported by `rejected`, not as empty.
  let read = 0;
  for await (const lines of readStreamLines(child.stdout, maxLineBytes)) {
    read += lines.length;
    const entries = parseEntries(lines, rejected);
    if (entries.length > 0) yield entries;
  }
  const failure = await exited;
  if (failure !== undefined) throw failure;
  if (read === 0) {
    throw new Error(
      `no journal entries match (matches tried: ${journalMatches(query.name).join(' ')}). Check the name (the gateway's unit without .service, or its SYSLOG_IDENTIFIER) and the journal given.${permissionHint(stderr)}`,
    );
  }
}

/** What to do when journalctl says it cannot show every journal to this user. */
export function permissionHint(stderr: string): string {
  return JOURNAL_PERMISSION.test(stderr) ? " journalctl cannot read every journal as this user: add the user to the systemd-journal group, or run otel-tail as the gateway's user." : '';
}

/** journalctl's words when the user may read only its own journal. */
export const JOURNAL_PERMISSION = /insufficient permissions|not seeing messages/i;
