import type { TraceScope } from './types.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const FLAGS = /^[0-9a-f]{2}$/;
const ALL_ZERO = /^0+$/;

export function isTraceId(value: unknown): value is string {
  return typeof value === 'string' && TRACE_ID.test(value) && !ALL_ZERO.test(value);
}

export function isSpanId(value: unknown): value is string {
  return typeof value === 'string' && SPAN_ID.test(value) && !ALL_ZERO.test(value);
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
