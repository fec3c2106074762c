import { readdir } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRollingLogName } from './rolling-names.js';

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

/** What `--events default` stands for. */
export const DEFAULT_EVENTS = 'default';

/**
 * Where the plugin writes: `<state dir>/logs/diagnostics`, the state dir
 * being `$OPENCLAW_STATE_DIR`, else `~/.openclaw-<profile>` for a gateway run
 * with `OPENCLAW_PROFILE`, else `~/.openclaw`. Returns the directory and why.
 */
export function defaultEventsDir(env: NodeJS.ProcessEnv, home: string = homedir()): { dir: string; why: string } {
  const stateDir = env['OPENCLAW_STATE_DIR']?.trim();
  if (stateDir !== undefined && stateDir !== '') {
    return { dir: join(stateDir, 'logs', 'diagnostics'), why: 'from OPENCLAW_STATE_DIR' };
  }
  const profile = env['OPENCLAW_PROFILE']?.trim();
  if (profile !== undefined && profile !== '' && profile !== 'default') {
    return { dir: join(home, `.openclaw-${profile}`, 'logs', 'diagnostics'), why: `OpenClaw's state dir for OPENCLAW_PROFILE=${profile}` };
  }
  return { dir: join(home, '.openclaw', 'logs', 'diagnostics'), why: "OpenClaw's default state dir" };
}
