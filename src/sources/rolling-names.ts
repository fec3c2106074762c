/**
 * OpenClaw's rolling files, told apart and ordered by name. Its file log
 * (`openclaw[-<profile>]-YYYY-MM-DD.log`, OPENCLAW.md §6) and the plugin's
 * diagnostic events (`events-YYYY-MM-DD.jsonl`) share one shape: a date, then
 * `.N` for a file renamed away when it reached its size limit (higher is
 * older), none for the live file.
 */
const ROLLING_LOG = /^openclaw(?:-(?<profile>.+?))?-(?<date>\d{4}-\d{2}-\d{2})(?:\.(?<rotation>\d+))?\.log$/;
const EVENT_FILE = /^events-(?<date>\d{4}-\d{2}-\d{2})(?:\.(?<rotation>\d+))?\.jsonl$/;
/** The shape alone, whatever the kind: what rotation and day-roll detection go by. */
const DATED = /(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.[A-Za-z]+$/;

export interface RollingName {
  /** The file log's profile (`openclaw-<profile>-…`); empty for the default profile and for event files. */
  profile: string;
  date: string;
  /** 0 for the live file; N for `.N.<ext>` (higher is older). */
  rotation: number;
}

/**
 * Which files of a followed directory belong to a source, and in what order
 * they were written. One per kind of rolling file.
 */
export interface RollingNames {
  matches(name: string): boolean;
  /** Oldest first. */
  compareAge(a: string, b: string): number;
}

export function parseRollingLogName(name: string): RollingName | undefined {
  return parseWith(ROLLING_LOG, name);
}

export function parseEventFileName(name: string): RollingName | undefined {
  return parseWith(EVENT_FILE, name);
}

/** Orders rolling log names oldest first: by date, then `.5.log` before `.1.log` before the live file, then by profile. */
export const compareRollingLogAge = ageOrder(parseRollingLogName);
/** By date, then `.N.jsonl` before `.1.jsonl` before the live file. */
export const compareEventFileAge = ageOrder(parseEventFileName);

export const LOG_NAMES: RollingNames = {
  matches: (name) => parseRollingLogName(name) !== undefined,
  compareAge: compareRollingLogAge,
};

export const EVENT_NAMES: RollingNames = {
  matches: (name) => parseEventFileName(name) !== undefined,
  compareAge: compareEventFileAge,
};

function parseWith(pattern: RegExp, name: string): RollingName | undefined {
  const groups = pattern.exec(name)?.groups;
  if (groups === undefined) return undefined;
  const rotation = groups['rotation'];
  return { profile: groups['profile'] ?? '', date: groups['date'] as string, rotation: rotation === undefined ? 0 : Number(rotation) };
}

/** Oldest first; names of another kind fall back to plain name order. */
function ageOrder(parse: (name: string) => RollingName | undefined): (a: string, b: string) => number {
  return (a, b) => {
    const x = parse(a);
    const y = parse(b);
    if (x === undefined || y === undefined) return a < b ? -1 : a > b ? 1 : 0;
    if (x.date !== y.date) return x.date < y.date ? -1 : 1;
    if (x.rotation !== y.rotation) return y.rotation - x.rotation;
    return x.profile < y.profile ? -1 : x.profile > y.profile ? 1 : 0;
  };
}

export interface NameParts {
  /** YYYY-MM-DD, or undefined for a name without a date. */
  date: string | undefined;
  /** 0 for the live file, N for `.N.<ext>`. */
  rotation: number;
}

export function nameParts(name: string): NameParts {
  const match = DATED.exec(name);
  if (match === null) return { date: undefined, rotation: 0 };
  return { date: match[1], rotation: match[2] === undefined ? 0 : Number(match[2]) };
}

/**
 * A file renamed from `from` to `to` (base names) is one size rotation when the live file became a
 * rotated one (`.log` → `.1.log`): the other renames of the same rotation (`.1` → `.2`, ...) shift
 * files that were rotated already, so each rotation counts once, whatever order the scan sees them in.
 */
export function isRenameRotation(from: string, to: string): boolean {
  return nameParts(from).rotation === 0 && nameParts(to).rotation > 0;
}

/** The newest date among the names a directory holds, to see the day roll (a file of a later date appears). */
export class NewestDate {
  private newest: string | undefined;

  /**
   * Takes the names one scan listed; returns the name that starts a new day: its date is later than
   * every date seen before. Undefined on the first scan (what is there at start-up is no roll).
   */
  observe(names: readonly string[]): string | undefined {
    let rolled: string | undefined;
    let newest = this.newest;
    for (const name of names) {
      const { date } = nameParts(name);
      if (date === undefined || (newest !== undefined && date <= newest)) continue;
      if (this.newest !== undefined) rolled = name;
      newest = date;
    }
    this.newest = newest;
    return rolled;
  }
}
