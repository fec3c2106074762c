/** A journald stream: the gateway's unit or identifier, in the live journal or in journal files. */
export interface JournalTarget {
  /** `openclaw-gateway` (or `openclaw-gateway.service`). */
  name: string;
  /** Read journal files from this directory instead of the live journal. */
  directory?: string;
  /** Read this journal file instead of the live journal. */
  file?: string;
}

/** What to ask `journalctl` for: built from typed options only, never through a shell. */
export interface JournalQuery extends JournalTarget {
  follow: boolean;
  /**
   * Resume at this entry (inclusive: the caller checks the first entry is it,
   * and drops it). `--after-cursor` would silently skip one unread entry when
   * the cursor's own entry has been vacuumed (journalctl 252).
   */
  cursor?: string;
  /** Start at this realtime (microseconds since the epoch), when there is no cursor to trust. */
  sinceUs?: number;
  /** Only entries written from now on. */
  newOnly?: boolean;
}

/**
 * The matches: entries of the user unit or the system unit NAME.service, or
 * with SYSLOG_IDENTIFIER=NAME (journalctl ORs terms separated by `+`).
 */
export function journalMatches(name: string): string[] {
  const identifier = name.endsWith('.service') ? name.slice(0, -'.service'.length) : name;
  const unit = `${identifier}.service`;
  return [`_SYSTEMD_USER_UNIT=${unit}`, '+', `_SYSTEMD_UNIT=${unit}`, '+', `SYSLOG_IDENTIFIER=${identifier}`];
}

export function journalctlArgs(query: JournalQuery): string[] {
  // --all: without it journalctl prints fields of 4 KiB or more (long log lines) as null.
  const args = ['--output=json', '--all', '--no-pager'];
  if (query.directory !== undefined) args.push(`--directory=${query.directory}`);
  if (query.file !== undefined) args.push(`--file=${query.file}`);
  if (query.follow) args.push('--follow');
  if (query.cursor !== undefined) args.push(`--cursor=${query.cursor}`);
  else if (query.sinceUs !== undefined) args.push(`--since=@${Math.floor(query.sinceUs / 1e6)}.${String(query.sinceUs % 1e6).padStart(6, '0')}`);
  // --follow alone shows only the last 10 entries of what is already there.
  if (query.newOnly === true) args.push('--lines=0');
  else if (query.follow) args.push('--no-tail');
  args.push(...journalMatches(query.name));
  return args;
}
