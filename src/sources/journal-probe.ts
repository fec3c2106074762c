import { spawn } from 'node:child_process';
import { journalctlArgs, journalMatches, type JournalQuery } from './journalctl-args.js';
import { JOURNAL_PERMISSION, JournalError } from './journal-reader.js';

/** Runs journalctl once and gives the realtime (ms) of the first entry it prints, or undefined (none, or it failed). */
export function firstEntryRealtimeMs(journalctl: string, args: readonly string[]): Promise<number | undefined> {
  return new Promise((resolve) => {
    const child = spawn(journalctl, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let text = '';
    const done = (value: number | undefined): void => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolve(value);
    };
    // A journal too slow to answer says nothing either way.
    const timer = setTimeout(() => done(undefined), 5_000);
    timer.unref();
    child.on('error', () => done(undefined));
    child.on('close', () => done(realtimeMsOf(text)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      if (text.includes('\n')) done(realtimeMsOf(text));
    });
  });
}

function realtimeMsOf(text: string): number | undefined {
  const first = text.split('\n', 1)[0] ?? '';
  try {
    const realtime = Number((JSON.parse(first) as { __REALTIME_TIMESTAMP?: unknown }).__REALTIME_TIMESTAMP);
    return Number.isFinite(realtime) && realtime > 0 ? realtime / 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Says once (through `note`) when nothing in the journal matches the query's NAME yet, naming the
 * matches tried, and when journalctl cannot read every journal as this user. Throws a JournalError
 * when journalctl cannot be run at all.
 */
export async function checkEntriesExist(journalctl: string, query: JournalQuery, note: (message: string, level?: 'warn') => void): Promise<void> {
  const args = [...journalctlArgs({ ...query, follow: false }).filter((arg) => arg !== '--follow'), '--lines=1'];
  const result = await new Promise<{ out: string; err: string; failure?: string }>((resolve) => {
    const child = spawn(journalctl, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (out += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (err += text));
    child.on('error', (error: NodeJS.ErrnoException) => resolve({ out, err, failure: error.code === 'ENOENT' ? 'not found' : error.message }));
    child.on('close', () => resolve({ out, err }));
  });
  if (result.failure !== undefined) {
    throw new JournalError(`${journalctl}: ${result.failure}. Install systemd's journalctl (apt install systemd), or follow the file log with --file.`);
  }
  const limited = JOURNAL_PERMISSION.test(result.err);
  if (limited) {
    note(`journalctl cannot read every journal as this user (${result.err.trim().split('\n')[0] ?? ''}). Add the user to the systemd-journal group, or run otel-tail as the gateway's user.`, 'warn');
  }
  if (result.out.trim() === '') {
    const visible = limited ? ' visible to this user' : '';
    note(`no journal entries for ${query.name}${visible} yet (matches tried: ${journalMatches(query.name).join(' ')}); waiting for them`);
  }
}
