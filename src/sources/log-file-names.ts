import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * OpenClaw's rolling file log: `openclaw[-<profile>]-YYYY-MM-DD.log`, renamed
 * to `.1.log` … `.5.log` when it reaches `logging.maxFileBytes` (OPENCLAW.md §6).
 */
const ROLLING_LOG = /^openclaw(?:-(.+?))?-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.log$/;

interface RollingLogName {
  profile: string;
  date: string;
  /** 0 for the live file; N for `.N.log` (higher is older). */
  rotation: number;
}

export function parseRollingLogName(name: string): RollingLogName | undefined {
  const match = ROLLING_LOG.exec(name);
  if (match === null) return undefined;
  return { profile: match[1] ?? '', date: match[2] as string, rotation: match[3] === undefined ? 0 : Number(match[3]) };
}

/** Orders rolling log names oldest first: by date, then `.5.log` before `.1.log` before the live file. */
export function compareRollingLogAge(a: string, b: string): number {
  const x = parseRollingLogName(a);
  const y = parseRollingLogName(b);
  if (x === undefined || y === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (x.date !== y.date) return x.date < y.date ? -1 : 1;
  if (x.rotation !== y.rotation) return y.rotation - x.rotation;
  return x.profile < y.profile ? -1 : x.profile > y.profile ? 1 : 0;
}

/** Where the gateway writes its file log: `/tmp/openclaw`, or `$TMPDIR/openclaw-<uid>` when /tmp/openclaw is unsafe for it. */
export function defaultLogDirs(): string[] {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  const dirs = ['/tmp/openclaw'];
  const fallback = join(tmpdir(), `openclaw-${uid}`);
  if (fallback !== dirs[0]) dirs.push(fallback);
  return dirs;
}

/**
 * The default directory to follow and why: the first candidate that holds
 * rolling log files, else the first that exists, else `/tmp/openclaw` (followed
 * once it appears).
 */
export async function chooseDefaultLogDir(candidates: readonly string[] = defaultLogDirs()): Promise<{ dir: string; why: string }> {
  let firstExisting: string | undefined;
  for (const dir of candidates) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    if (names.some((name) => parseRollingLogName(name) !== undefined)) return { dir, why: 'it holds OpenClaw log files' };
    firstExisting ??= dir;
  }
  if (firstExisting !== undefined) return { dir: firstExisting, why: 'it exists but holds no OpenClaw log file yet' };
  return { dir: candidates[0] ?? '/tmp/openclaw', why: `none of ${candidates.join(', ')} exists yet; waiting for it` };
}
