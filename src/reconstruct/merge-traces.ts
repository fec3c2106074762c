import { ATTR, GEN_AI_OPERATION } from '../model/attribute-names.js';
import { coverChildren } from './cover-children.js';
import type { FinishedTrace, SpanRecord } from '../model/span-record.js';

/**
 * One trace seen through both streams of one gateway → one trace. The
 * diagnostic events describe the spans they know (dispatch, harness run, run,
 * model calls with usage and cost, tools with OpenClaw's ids): those win. A
 * file-log span that is the same thing is dropped, and what only the log knew
 * is carried over to the event span: its span events (warnings, retries,
 * failover and fallback decisions), attributes the event span lacks (HTTP
 * status, server address, attempt number, message id) and an error status.
 * Log spans nothing in the events describes (lane waits, calls whose events
 * were dropped) stay. No id is minted here: every id is OpenClaw's or was
 * derived from content by a builder, so the result is deterministic.
 *
 * The same thing means, in this order:
 * 1. the same span id (the request and harness scopes carry OpenClaw's ids in
 *    both streams);
 * 2. a tool: the same `gen_ai.tool.call.id` (and run id when both have one);
 * 3. a run scope the log builder made for a release that logs none
 *    (log-run-scopes.ts, id derived): the event harness run of the same run id
 *    that starts nearest to it;
 * 4. a model call: the log's `[model-fetch]` span (id derived) and an event
 *    model-call span of the same model under the same harness scope, the
 *    nearest start within the event span's time (FIFO: each event span takes
 *    one log span first). A call that holds more than one request (SDK
 *    retries, up to 2026.8.2) keeps each as a child span, and takes the last
 *    one's status (HTTP 500: an error, which those releases' events never say).
 */

/** Attributes never carried over: they say what a span is, and the winner already says it. */
const NOT_CARRIED: ReadonlySet<string> = new Set([
  ATTR.genAiOperationName,
  ATTR.openclawSpanIncomplete,
  ATTR.openclawTraceIncomplete,
  ATTR.openclawSynthesized,
]);

const NONE_TAKEN: ReadonlySet<SpanRecord> = new Set();

/** How far a log fetch may start outside its model call (the two clocks are one process's, but lines are written async). */
const CALL_SLACK_MS = 1_000;

export function mergeTraces(events: FinishedTrace, log: FinishedTrace): FinishedTrace {
  const spans: SpanRecord[] = events.spans.map(copySpan);
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  /** Log span id → the span that took its place. */
  const replaced = new Map<string, string>();
  const taken = new Set<SpanRecord>();
  const kept: SpanRecord[] = [];

  // Scopes first, so that the calls below can check their harness scope.
  const logSpans = [...log.spans].sort((a, b) => a.startMs - b.startMs || compare(a.spanId, b.spanId));
  for (const span of logSpans) {
    const same = byId.get(span.spanId);
    if (same !== undefined) {
      absorb(same, span);
      replaced.set(span.spanId, same.spanId);
    }
  }
  /** Event model call → the log's HTTP requests inside it (the first found by the FIFO match). */
  const requests = new Map<SpanRecord, SpanRecord[]>();
  const unmatched: SpanRecord[] = [];
  for (const span of logSpans) {
    if (replaced.has(span.spanId)) continue;
    const match = toolMatch(span, spans, taken) ?? runScopeMatch(span, spans, taken);
    if (match !== undefined) {
      taken.add(match);
      absorb(match, span);
      replaced.set(span.spanId, match.spanId);
      continue;
    }
    const call = modelCallMatch(span, spans, byId, taken);
    if (call !== undefined) {
      taken.add(call);
      requests.set(call, [span]);
      continue;
    }
    unmatched.push(span);
  }
  // Up to 2026.8.2 the provider SDK retries inside one model call: the log has one [model-fetch] pair per HTTP
  // request, the events one call. A request left over belongs to the call that holds it.
  for (const span of unmatched) {
    const call = modelCallMatch(span, spans, byId, NONE_TAKEN);
    // Strictly inside the call's own time: a request just after it is another call's whose events were lost.
    const inCall = call === undefined || span.startMs < call.startMs || span.startMs > call.endMs ? undefined : requests.get(call);
    if (inCall !== undefined) inCall.push(span);
    else kept.push(copySpan(span));
  }
  for (const [call, inCall] of requests) {
    inCall.sort((a, b) => a.startMs - b.startMs || compare(a.spanId, b.spanId));
    const last = inCall[inCall.length - 1] as SpanRecord;
    // The last request decides the call's outcome: a 500 the SDK gave up on is the call's error.
    absorb(call, last);
    if (inCall.length === 1) {
      replaced.set(last.spanId, call.spanId);
      continue;
    }
    // Several: one span per HTTP request under the call, so both counts stay.
    for (const request of inCall) kept.push({ ...copySpan(request), parentSpanId: call.spanId });
  }
  for (const span of kept) {
    if (span.parentSpanId !== undefined) span.parentSpanId = replaced.get(span.parentSpanId) ?? span.parentSpanId;
    spans.push(span);
  }

  coverChildren(spans, 4);
  for (const span of spans) span.events.sort((a, b) => a.timeMs - b.timeMs);
  spans.sort((a, b) => a.startMs - b.startMs || compare(a.spanId, b.spanId));
  const incomplete = events.incomplete || kept.some((span) => span.attributes[ATTR.openclawSpanIncomplete] === true);
  for (const span of spans) {
    delete span.attributes[ATTR.openclawTraceIncomplete];
    if (incomplete && span.parentSpanId === undefined) span.attributes[ATTR.openclawTraceIncomplete] = true;
  }
  const trace: FinishedTrace = { traceId: events.traceId, incomplete, spans };
  const hostName = log.hostName ?? events.hostName;
  if (hostName !== undefined) trace.hostName = hostName;
  return trace;
}

/** The event span (`into`) keeps its name, kind, times and id; gets the log span's events and what it lacks. */
function absorb(into: SpanRecord, from: SpanRecord): void {
  if (into.attributes[ATTR.openclawSynthesized] === true && from.attributes[ATTR.openclawSynthesized] !== true) {
    // The events only had a placeholder for this scope (no dispatch events): the log's span is the real one.
    into.name = from.name;
    into.kind = from.kind;
    into.startMs = Math.min(into.startMs, from.startMs);
    into.endMs = Math.max(into.endMs, from.endMs);
    delete into.attributes[ATTR.openclawSynthesized];
  }
  for (const [key, value] of Object.entries(from.attributes)) {
    if (!NOT_CARRIED.has(key) && into.attributes[key] === undefined) into.attributes[key] = value;
  }
  if (into.status.code === 'unset' && from.status.code === 'error') into.status = { ...from.status };
  into.events.push(...from.events);
}

function toolMatch(span: SpanRecord, spans: readonly SpanRecord[], taken: ReadonlySet<SpanRecord>): SpanRecord | undefined {
  const callId = span.attributes[ATTR.genAiToolCallId];
  if (callId === undefined) return undefined;
  const runId = span.attributes[ATTR.openclawRunId];
  return spans.find(
    (other) =>
      !taken.has(other) &&
      other.attributes[ATTR.genAiToolCallId] === callId &&
      (runId === undefined || other.attributes[ATTR.openclawRunId] === undefined || other.attributes[ATTR.openclawRunId] === runId),
  );
}

function runScopeMatch(span: SpanRecord, spans: readonly SpanRecord[], taken: ReadonlySet<SpanRecord>): SpanRecord | undefined {
  const runId = span.attributes[ATTR.openclawRunId];
  if (runId === undefined || span.attributes[ATTR.openclawSynthesized] !== true || span.attributes[ATTR.genAiOperationName] !== GEN_AI_OPERATION.invokeAgent) return undefined;
  let best: SpanRecord | undefined;
  for (const other of spans) {
    if (taken.has(other) || other.attributes[ATTR.openclawRunId] !== runId || !other.name.startsWith('openclaw.harness.run')) continue;
    if (best === undefined || distance(span, other) < distance(span, best)) best = other;
  }
  return best;
}

function modelCallMatch(
  span: SpanRecord,
  spans: readonly SpanRecord[],
  byId: ReadonlyMap<string, SpanRecord>,
  taken: ReadonlySet<SpanRecord>,
): SpanRecord | undefined {
  if (span.kind !== 'client' || span.attributes[ATTR.genAiOperationName] === GEN_AI_OPERATION.executeTool) return undefined;
  const model = span.attributes[ATTR.genAiRequestModel];
  let best: SpanRecord | undefined;
  for (const other of spans) {
    if (taken.has(other) || other.kind !== 'client' || other.attributes[ATTR.openclawCallId] === undefined) continue;
    const otherModel = other.attributes[ATTR.genAiRequestModel];
    if (model !== undefined && otherModel !== undefined && model !== otherModel) continue;
    if (span.startMs < other.startMs - CALL_SLACK_MS || span.startMs > other.endMs + CALL_SLACK_MS) continue;
    // The log hangs its calls under the harness scope that logged them: it must be an ancestor of the event call.
    if (span.parentSpanId !== undefined && byId.has(span.parentSpanId) && !hasAncestor(other, span.parentSpanId, byId)) continue;
    if (best === undefined || distance(span, other) < distance(span, best) || (distance(span, other) === distance(span, best) && other.spanId < best.spanId)) {
      best = other;
    }
  }
  return best;
}

function distance(a: SpanRecord, b: SpanRecord): number {
  return Math.abs(a.startMs - b.startMs);
}

function hasAncestor(span: SpanRecord, ancestorId: string, byId: ReadonlyMap<string, SpanRecord>): boolean {
  let parent = span.parentSpanId;
  for (let depth = 0; parent !== undefined && depth < 64; depth++) {
    if (parent === ancestorId) return true;
    parent = byId.get(parent)?.parentSpanId;
  }
  return false;
}


function copySpan(span: SpanRecord): SpanRecord {
  return { ...span, attributes: { ...span.attributes }, status: { ...span.status }, events: [...span.events] };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
