import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../model/input-errors.js';

export const SALT_FILE = 'id-salt';

/**
 * The salt of hashed ids: the configured one (OTEL_TAIL_ID_SALT, idSalt), else
 * the one in `<stateDir>/id-salt`, generated at the first start (32 random
 * bytes, hex, mode 0600) and read at every later one, so a session hashes to
 * the same value across restarts.
 */
export function resolveIdSalt(configured: string | undefined, stateDir: string): string {
  if (configured !== undefined && configured !== '') return configured;
  const path = join(stateDir, SALT_FILE);
  const existing = readSalt(path);
  if (existing !== undefined) return existing;
  try {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(`--state-dir ${stateDir}: cannot create it (${code}); it keeps the salt of hashed ids. Choose another --state-dir, or set OTEL_TAIL_ID_SALT.`);
  }
  try {
    // 'wx': two instances starting at once must not overwrite each other's salt; the loser reads the winner's.
    writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw saltError(path, error);
  }
  const written = readSalt(path);
  if (written === undefined) throw saltError(path, new Error('it is empty'));
  return written;
}

function readSalt(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Absent, or a parent is not a directory: creating the state dir then says what is wrong with it.
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw saltError(path, error);
  }
  const salt = text.trim();
  return salt === '' ? undefined : salt;
}

function saltError(path: string, error: unknown): InputError {
  const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new InputError(`${path}: cannot read or create the salt for hashed ids (${why}). Set OTEL_TAIL_ID_SALT, choose another --state-dir, or pass --session-ids raw --chat-ids raw.`);
}
