import { homedir } from 'node:os';
import { join } from 'node:path';
import { compareRollingLogAge, parseRollingLogName } from './log-file-names.js';

/**
 * Which files of a followed directory belong to the source, and in what
 * order they were written. One per kind of rolling file: OpenClaw's file log,
 * and the diagnostic-event JSONL our OpenClaw plugin writes.
 */
export interface RollingNames {
  matches(name: string): boolean;
  /** Oldest first. */
  compareAge(a: string, b: string): number;
}

export const LOG_NAMES: RollingNames = {
  matches: (name) => parseRollingLogName(name) !== undefined,
  compareAge: compareRollingLogAge,
};

/**
 * The plugin's files: `events-YYYY-MM-DD.jsonl`, renamed to `.1.jsonl` …
 * `.N.jsonl` when they reach their size limit, as OpenClaw's own logs are.
 */
const EVENT_FILE = /^events-(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.jsonl$/;

export function parseEventFileName(name: string): { date: string; rotation: number } | undefined {
  const match = EVENT_FILE.exec(name);
  if (match === null) return undefined;
  return { date: match[1] as string, rotation: match[2] === undefined ? 0 : Number(match[2]) };
}

/** By date, then `.N.jsonl` before `.1.jsonl` before the live file. */
export function compareEventFileAge(a: string, b: string): number {
  const x = parseEventFileName(a);
  const y = parseEventFileName(b);
  if (x === undefined || y === undefined) return a < b ? -1 : a > b ? 1 : 0;
  if (x.date !== y.date) return x.date < y.date ? -1 : 1;
  return y.rotation - x.rotation;
}

export const EVENT_NAMES: RollingNames = {
  matches: (name) => parseEventFileName(name) !== undefined,
  compareAge: compareEventFileAge,
};

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
