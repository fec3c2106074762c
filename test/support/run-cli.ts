import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The id salt test runs share (see runCli). */
export const TEST_ID_SALT = 'otel-tail-tests';

export const BIN = fileURLToPath(new URL('../../bin/otel-tail', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs bin/otel-tail as a user would (a real process), with OTEL_* variables cleared unless given,
 * and a fresh XDG_STATE_HOME unless given, so the backfill ledger of one test never skips another's files.
 */
export function runCli(args: readonly string[], env: Record<string, string> = {}, input?: Buffer): Promise<CliResult> {
  // One id salt for every run (each has its own state dir, hence its own generated salt otherwise), so hashed
  // session ids compare equal between a follower and its backfill reference; pass OTEL_TAIL_ID_SALT: '' to unset it.
  // Our own lines as text (`otel-tail: ...`), which the assertions read, whatever JOURNAL_STREAM the test runner has.
  const base: Record<string, string> = { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'otel-tail-xdg-')), OTEL_TAIL_ID_SALT: TEST_ID_SALT, OTEL_TAIL_LOG_FORMAT: 'text' };
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined && !key.startsWith('OTEL_') && key !== 'XDG_STATE_HOME') base[key] = value;
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  // Standard input is the given bytes, or empty (closed at once).
  child.stdin.end(input);
  return collectOutput(child);
}

/** Waits for a child started with piped stdout and stderr to end: its exit code and everything it printed. */
export function collectOutput(child: ChildProcess): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
