import type { DiagnosticEvent, ParsedLine } from '../model/records.js';
import { readTraceScope } from './w3c-ids.js';
import { isObject } from './json-object.js';

/**
 * Parses one stream-C line (already JSON.parse'd) into a DiagnosticEvent.
 * Accepts a bare event `{type, ts, seq?, trace?, ...}` or the listener's
 * envelope `{event: {...}, metadata?: {...}}` (OPENCLAW.md §4).
 */

/**
 * Written by otel-tail's OpenClaw plugin after its bounded queue dropped
 * events: `{"type":"otel-tail.events.dropped","ts":<ms>,"dropped":<n>}`. A gap
 * in the stream to report, never a span.
 */
export const PLUGIN_DROPPED_EVENT_TYPE = 'otel-tail.events.dropped';

/**
 * Types real gateways put on the bus that describe no part of a turn: a
 * security audit record (`security.event`, since 2026.8, with a trace id of
 * its own), a child process spawned, an exec approval follow-up suppressed.
 * Known, so they are not counted as unknown, and not traced.
 */
export const NOT_TRACED_EVENT_TYPES: ReadonlySet<string> = new Set([
  'security.event',
  'diagnostic.child_process.spawn',
  'exec.approval.followup_suppressed',
]);

/**
 * Infrastructure events: metrics material that must never open or join a
 * trace (the built-in exporter once turned them into root traces, §7); and
 * the not-traced types above.
 */
export const INFRASTRUCTURE_EVENT_TYPES: ReadonlySet<string> = new Set([
  'diagnostic.heartbeat',
  'diagnostic.memory.sample',
  'diagnostic.memory.pressure',
  'diagnostic.liveness.warning',
  'diagnostic.phase.completed',
  'gateway.event_loop.sample',
  'gateway.rpc',
  'diagnostic.gc',
  'payload.large',
  'telemetry.exporter',
  'diagnostic.async_queue.dropped',
  'log.record',
  ...NOT_TRACED_EVENT_TYPES,
]);

/**
 * Every event type of the 2026.9.6 union. Newer gateways add types: an
 * unknown one is counted as `other`, never rejected.
 */
export const KNOWN_EVENT_TYPES: ReadonlySet<string> = new Set([
  'run.started',
  'run.completed',
  'run.attempt',
  'run.progress',
  'run.execution_phase',
  'harness.run.started',
  'harness.run.completed',
  'harness.run.error',
  'model.call.started',
  'model.call.completed',
  'model.call.error',
  'model.usage',
  'model.failover',
  'tool.execution.started',
  'tool.execution.completed',
  'tool.execution.error',
  'tool.execution.blocked',
  'tool.loop',
  'context.assembled',
  'message.received',
  'message.queued',
  'message.dispatch.started',
  'message.dispatch.completed',
  'message.processed',
  'message.delivery.started',
  'message.delivery.completed',
  'message.delivery.error',
  'webhook.received',
  'webhook.processed',
  'webhook.error',
  'session.state',
  'session.turn.created',
  'session.long_running',
  'session.stalled',
  'session.stuck',
  'session.recovery.requested',
  'session.recovery.completed',
  'queue.lane.enqueue',
  'queue.lane.dequeue',
  'skill.used',
  'exec.process.completed',
  'talk.event',
  'mcp.request.started',
  'mcp.request.completed',
  'mcp.request.error',
  ...INFRASTRUCTURE_EVENT_TYPES,
]);

// Fixed bounds rather than "now ± x": a backfill of old files must parse the
// same way on any day. The upper bound catches µs/ns timestamps (year 50000+),
// the lower one seconds-since-epoch (1970).
const MIN_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);
const MAX_PLAUSIBLE_MS = Date.UTC(2100, 0, 1);

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

