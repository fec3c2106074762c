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

/**
 * Diagnostic events of releases before 2026.9.1 report a model call that
 * failed upstream (an HTTP 500 the SDK gave up on) as `model.call.completed`
 * with zero usage: there is no `model.call.error` yet. The failure still shows
 * in the same stream, as the `log.record` of the run's end (`event:
 * embedded_run_agent_end`, `isError: true`). A stream with such a failed run
 * and no `model.call.error` at all is one of those releases: said once, since
 * its failed calls cannot be marked from the events alone.
 */
export class UnmarkedCallFailures {
  failedRuns = 0;
  private callErrors = 0;

  observe(type: string, fields: Readonly<Record<string, unknown>>): void {
    if (type === 'model.call.error') this.callErrors++;
    else if (type === 'log.record') {
      const attributes = fields['attributes'];
      if (isObject(attributes) && attributes['event'] === 'embedded_run_agent_end' && attributes['isError'] === true) this.failedRuns++;
    }
  }

  /** The note, when the events hold failed runs and never mark a call failed; `withLog`: the log's HTTP statuses were merged in. */
  notice(withLog: boolean): string | undefined {
    if (withLog || this.failedRuns === 0 || this.callErrors > 0) return undefined;
    return (
      `${this.failedRuns} agent run attempts failed while every model call was reported completed: the diagnostic events of OpenClaw releases before 2026.9.1 ` +
      `report a failed model call (an upstream HTTP 500) as model.call.completed with zero usage, so those calls are not marked as errors. ` +
      `Read the gateway's file log or console together with the events (--file or --journal with --events) to get each request's HTTP status.`
    );
  }
}
