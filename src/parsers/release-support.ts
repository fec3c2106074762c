import { isObject } from './json-object.js';

/**
 * What the oldest OpenClaw releases write that nothing can be rebuilt from,
 * told apart by the shape of their lines, and the message that says so.
 *
 * Releases before 2026.4 write file-log records of only the arguments, `_meta`
 * and `time`: no `traceId`/`spanId` (nothing ties lines into a turn), no
 * `hostname`, no `message`; and their logger drops debug lines at `debug` and
 * `trace` (a level-mapping bug), so the run, tool and model lines are absent at
 * any level. Every release since 2026.4 writes `hostname` and `message` on
 * every record.
 */
export function isPreTraceRecord(line: string): boolean {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return false;
  }
  if (!isObject(value) || !isObject(value['_meta']) || typeof value['time'] !== 'string') return false;
  return !('hostname' in value) && !('message' in value) && !('traceId' in value);
}

/** How many records of a file to look at: the first records of a start-up are enough to tell. */
export const PRE_TRACE_PEEK_RECORDS = 50;

/** Given the first lines of a file log: whether it was written by a release before 2026.4 (every record of that shape). */
export function isPreTraceLog(lines: Iterable<string>): boolean {
  let records = 0;
  for (const line of lines) {
    if (records >= PRE_TRACE_PEEK_RECORDS) break;
    if (!line.includes('"_meta"')) continue;
    if (!isPreTraceRecord(line)) return false;
    records++;
  }
  return records > 0;
}

/** The one message for such files (`names`: how the operator named them). */
export function preTraceLogMessage(names: readonly string[]): string {
  const which = names.length === 1 ? names[0] : `${names.length} files (${names.join(', ')})`;
  return (
    `${which ?? ''}: written by an OpenClaw release before 2026.4, whose file log has no trace ids and no message field, ` +
    `and whose logger drops the debug lines that describe runs, tools and model calls: no trace can be rebuilt from it. ` +
    `Read the gateway's console instead (otel-tail backfill --journal openclaw-gateway, or follow --journal): it gives each run and its tools; ` +
    `or upgrade the gateway to 2026.4 or later (2026.6.1 or later for runs, model requests and tools in the file log).`
  );
}
