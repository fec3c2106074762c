/**
 * Where a line sits in its source: the source's stable key (a file's
 * identity, see sources/file-fingerprint.ts) and the line's byte range.
 * Sources that are read once (backfill) do not pass it.
 */
export interface LineRef {
  source: string;
  start: number;
  end: number;
  /** The clock its time counts in (log-clock.ts): the followed directory, shared by its rotated files; else `source`. */
  clock?: string;
}

/** The bytes a trace's lines cover in one source: start of its first line, end of its last. */
export interface LineRange {
  first: number;
  last: number;
}

/** Per source key, the range of the lines that went into one trace. */
export type TraceLines = Map<string, LineRange>;

export function addLine(lines: TraceLines, at: LineRef): void {
  const range = lines.get(at.source);
  if (range === undefined) {
    lines.set(at.source, { first: at.start, last: at.end });
    return;
  }
  if (at.start < range.first) range.first = at.start;
  if (at.end > range.last) range.last = at.end;
}
