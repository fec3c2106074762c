/** What a source that gave no OpenClaw record showed instead, as counted while reading it. */
export interface InputShape {
  /** Lines read (0: empty). */
  lines: number;
  /** Its first line of text, if any line decoded as text. */
  firstLine: string | undefined;
}

/** The three streams otel-tail reads, named in every message about input that is none of them. */
export const OPENCLAW_STREAMS =
  'otel-tail reads what an OpenClaw gateway writes: its file log (JSON lines with "_meta" and "time", /tmp/openclaw/openclaw-YYYY-MM-DD.log), ' +
  'its console in journald (--journal openclaw-gateway), or its diagnostic events (events-YYYY-MM-DD.jsonl, --events)';

/** "an empty file", "plain text (first line: ...)", "JSON lines that are not OpenClaw's (first line: ...)", "binary data". */
export function describeShape(shape: InputShape): string {
  if (shape.lines === 0) return 'empty';
  const first = shape.firstLine;
  if (first === undefined) return 'binary data (no line of it is text)';
  const quoted = JSON.stringify(excerpt(first));
  return first.trimStart().startsWith('{') ? `JSON lines that are not OpenClaw's (first line: ${quoted})` : `plain text (first line: ${quoted})`;
}

/** The message for one input that held no OpenClaw record. */
export function foreignInputMessage(name: string, shape: InputShape): string {
  return `${name}: no OpenClaw record or event in it; it looks like ${describeShape(shape)}`;
}

/** At most 60 characters of a line, control characters shown as spaces (a terminal must not act on them). */
function excerpt(line: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = line.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
  return clean.length <= 60 ? clean : `${clean.slice(0, 57)}...`;
}
