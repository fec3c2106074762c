import type { TraceScope } from '../model/records.js';

/** Regex source of the W3C ids as OpenClaw writes them (lowercase hex), also for the hot-path readers' patterns. */
export const HEX_TRACE_ID = '[0-9a-f]{32}';
export const HEX_SPAN_ID = '[0-9a-f]{16}';
export const HEX_FLAGS = '[0-9a-f]{2}';

const TRACE_ID = new RegExp(`^${HEX_TRACE_ID}$`);
const SPAN_ID = new RegExp(`^${HEX_SPAN_ID}$`);
const FLAGS = new RegExp(`^${HEX_FLAGS}$`);

export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value) && !isAllZero(value);
}

export function isSpanId(value: unknown): value is string {
  return typeof value === 'string' && SPAN_ID.test(value) && !isAllZero(value);
}

/**
 * Reads a trace scope from the fields a record carries. Returns undefined when
 * there is no trace id at all, and 'invalid' when one is present but any id is
 * malformed: such a line must never become a span with an invented id.
 */
export function readTraceScope(
  traceId: unknown,
  spanId: unknown,
  parentSpanId: unknown,
  traceFlags: unknown,
): TraceScope | 'invalid' | undefined {
  if (traceId === undefined || traceId === null) {
    return spanId === undefined || spanId === null ? undefined : 'invalid';
  }
  if (!isTraceId(traceId)) return 'invalid';
  const scope: TraceScope = { traceId };
  if (spanId !== undefined && spanId !== null) {
    if (!isSpanId(spanId)) return 'invalid';
    scope.spanId = spanId;
  }
  if (parentSpanId !== undefined && parentSpanId !== null) {
    if (!isSpanId(parentSpanId)) return 'invalid';
    scope.parentSpanId = parentSpanId;
  }
  if (typeof traceFlags === 'string' && FLAGS.test(traceFlags)) scope.traceFlags = traceFlags;
  return scope;
}

/**
 * The scope of ids a hot-path regex already matched as lowercase hex of the right lengths: only the
 * all-zero check is left. Undefined when one is all zero (invalid in W3C: the full parse rejects the
 * line, saying so), so the caller sends the line there.
 */
export function hexTraceScope(traceId: string, spanId: string | undefined, parentSpanId: string | undefined, traceFlags: string | undefined): TraceScope | undefined {
  if (isAllZero(traceId)) return undefined;
  const scope: TraceScope = { traceId };
  if (spanId !== undefined) {
    if (isAllZero(spanId)) return undefined;
    scope.spanId = spanId;
  }
  if (parentSpanId !== undefined) {
    if (isAllZero(parentSpanId)) return undefined;
    scope.parentSpanId = parentSpanId;
  }
  if (traceFlags !== undefined) scope.traceFlags = traceFlags;
  return scope;
}

/** All zeros: an id W3C calls invalid (the ids here are never empty). */
function isAllZero(id: string): boolean {
  for (let i = 0; i < id.length; i++) if (id.charCodeAt(i) !== 48) return false;
  return true;
}
