/**
 * Rotations told apart by name. OpenClaw's log (`openclaw[-profile]-YYYY-MM-DD[.N].log`) and the
 * plugin's events (`events-YYYY-MM-DD[.N].jsonl`) share the shape: a date, then `.N` for a file
 * renamed away by size rotation (higher is older), none for the live file.
 */
const DATED = /(\d{4}-\d{2}-\d{2})(?:\.(\d+))?\.[A-Za-z]+$/;

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
