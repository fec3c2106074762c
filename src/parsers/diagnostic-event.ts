import type { DiagnosticEvent, ParsedLine } from '../model/records.js';
import { readTraceScope } from './w3c-ids.js';
import { isObject } from './json-object.js';
import { KNOWN_EVENT_TYPES, PLUGIN_DROPPED_EVENT_TYPE } from '../model/event-types.js';

// Fixed bounds rather than "now ± x": a backfill of old files must parse the
// same way on any day. The upper bound catches µs/ns timestamps (year 50000+),
// the lower one seconds-since-epoch (1970).
const MIN_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);
const MAX_PLAUSIBLE_MS = Date.UTC(2100, 0, 1);

/**
 * Parses one stream-C line (already JSON.parse'd) into a DiagnosticEvent.
 * Accepts a bare event `{type, ts, seq?, trace?, ...}` or the listener's
 * envelope `{event: {...}, metadata?: {...}}` (OPENCLAW.md §4).
 */
export function parseDiagnosticEvent(value: Record<string, unknown>): ParsedLine {
  const envelope = typeof value.type !== 'string' && isObject(value.event);
  const raw = envelope ? (value.event as Record<string, unknown>) : value;

  const type = raw.type;
  if (typeof type !== 'string' || type.length === 0) {
    return { kind: 'rejected', reason: 'bad_event', detail: 'event type is not a non-empty string' };
  }
  const ts = raw.ts;
  if (typeof ts !== 'number' || !Number.isFinite(ts)) {
    return { kind: 'rejected', reason: 'bad_time', detail: `${type}: ts is not a finite number` };
  }
  if (ts < MIN_PLAUSIBLE_MS || ts >= MAX_PLAUSIBLE_MS) {
    return { kind: 'rejected', reason: 'bad_time', detail: `${type}: ts ${ts} is not epoch milliseconds in 2000..2100` };
  }

  let trace: DiagnosticEvent['trace'];
  if (raw.trace !== undefined && raw.trace !== null) {
    if (!isObject(raw.trace)) {
      return { kind: 'rejected', reason: 'bad_trace_id', detail: `${type}: trace is not an object` };
    }
    const t = raw.trace;
    const scope = readTraceScope(t.traceId, t.spanId, t.parentSpanId, t.traceFlags);
    if (scope === 'invalid') {
      return { kind: 'rejected', reason: 'bad_trace_id', detail: `${type}: malformed W3C id in trace` };
    }
    trace = scope;
  }

  if (!KNOWN_EVENT_TYPES.has(type) && type !== PLUGIN_DROPPED_EVENT_TYPE) return { kind: 'other', reason: 'unknown_event_type' };

  const event: DiagnosticEvent = { type, ts, fields: safeCopy(raw) };
  const seq = raw.seq;
  if (typeof seq === 'number' && Number.isFinite(seq)) event.seq = seq;
  if (trace !== undefined) event.trace = trace;
  if (envelope && isObject(value.metadata)) event.metadata = safeCopy(value.metadata);
  return { kind: 'diagnostic', event };
}

/**
 * Own enumerable keys only. JSON.parse turns a `"__proto__"` key into an own
 * property; assigning it to a plain object would swap the copy's prototype,
 * so it is dropped. Nested values are shared: they are only ever read.
 */
function safeCopy(source: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(source)) {
    if (key === '__proto__') continue;
    copy[key] = source[key];
  }
  return copy;
}

