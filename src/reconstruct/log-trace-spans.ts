import { ATTR, GEN_AI_OPERATION, agentIdFromSessionKey, providerName } from '../model/attribute-names.js';
import { fetchSpan, sessionAttributes, toolSpan } from './log-call-spans.js';
import type { LaneWaitFacts, LogTraceFacts, ScopeFacts } from './log-trace-facts.js';
import { coverChildren } from './cover-children.js';
import { deriveSpanId } from './span-ids.js';
import type { SpanAttributes, SpanEventRecord, SpanRecord } from '../model/span-record.js';

/**
 * Facts of one stream-A trace → spans. OpenClaw's scopes keep their ids (the
 * request and each harness run); model fetches, tools and lane waits are
 * synthesised under the scope that logged them, with ids derived from their
 * content. Returns whether any span had to be closed without its end.
 */
export function buildLogTraceSpans(facts: LogTraceFacts): { spans: SpanRecord[]; incomplete: boolean } {
  const spans: SpanRecord[] = [];
  let incomplete = false;
  const attempts = attemptNumbers(facts);

  for (const scope of facts.scopes.values()) {
    spans.push(scope.parentSpanId === undefined ? rootSpan(facts, scope) : scopeSpan(facts, scope, attempts.get(scope.spanId)));
  }
  addMissingParents(facts, spans);
  for (const fetch of facts.fetches) {
    const span = fetchSpan(facts, fetch);
    incomplete ||= fetch.endMs === undefined;
    spans.push(span);
  }
  for (const tool of facts.tools?.values() ?? []) {
    incomplete ||= tool.endMs === undefined;
    spans.push(toolSpan(facts, tool));
  }
  for (const wait of facts.laneWaits) spans.push(laneWaitSpan(facts.traceId, wait));
  if (facts.terminal.messageReceived && facts.terminal.processedMs === undefined) incomplete = true;
  // Children first: deepest spans are synthesised ones, then harness scopes, then roots.
  coverChildren(spans, 3);
  // Lines can arrive slightly out of time order; events are kept in time order, not arrival order.
  for (const span of spans) if (span.events.length > 1) span.events.sort(byTime);
  return { spans, incomplete };
}

function byTime(a: SpanEventRecord, b: SpanEventRecord): number {
  return a.timeMs - b.timeMs;
}

function laneWaitSpan(traceId: string, wait: LaneWaitFacts): SpanRecord {
  return {
    traceId,
    spanId: deriveSpanId(traceId, 'lane', wait.scope, wait.lane, wait.dequeueMs),
    parentSpanId: wait.scope,
    name: 'openclaw.queue.wait',
    kind: 'internal',
    startMs: wait.dequeueMs - wait.waitMs,
    endMs: wait.dequeueMs,
    attributes: { [ATTR.openclawLane]: wait.lane, [ATTR.openclawSynthesized]: true },
    status: { code: 'unset' },
    events: [],
  };
}

function rootSpan(facts: LogTraceFacts, scope: ScopeFacts): SpanRecord {
  const { terminal, session } = facts;
  let start = facts.firstMs;
  if (terminal.rpc?.durationMs !== undefined) start = Math.min(start, terminal.rpc.atMs - terminal.rpc.durationMs);
  if (terminal.processedMs !== undefined && terminal.processedDurationMs !== undefined) {
    start = Math.min(start, terminal.processedMs - terminal.processedDurationMs);
  }
  const name = terminal.messageReceived
    ? `openclaw.message${session.channel === undefined ? '' : ` ${session.channel}`}`
    : terminal.rpc !== undefined && session.runIds.length === 0
      ? `openclaw.rpc ${terminal.rpc.method}`
      : terminal.pairing !== undefined && session.runIds.length === 0
        ? 'openclaw.device.pairing'
        : 'openclaw.request';
  const attributes = sessionAttributes(facts.session);
  if (session.runIds.length > 0) attributes[ATTR.openclawRunId] = session.runIds.length === 1 ? (session.runIds[0] as string) : session.runIds;
  if (session.messageId !== undefined) attributes[ATTR.openclawMessageId] = session.messageId;
  if (session.outcome !== undefined) attributes[ATTR.openclawOutcome] = session.outcome;
  if (session.sessionId !== undefined) attributes[ATTR.genAiConversationId] = session.sessionId;
  const agentId = session.agentId ?? agentIdFromSessionKey(session.sessionKey);
  if (agentId !== undefined) attributes[ATTR.genAiAgentId] = agentId;
  if (terminal.rpc !== undefined) attributes['rpc.method'] = terminal.rpc.method;
  if (terminal.pairing?.role !== undefined) attributes[ATTR.openclawDeviceRole] = terminal.pairing.role;
  const error = session.error ?? scope.error ?? (terminal.rpc?.ok === false ? `${terminal.rpc.method} failed` : undefined);
  return {
    traceId: facts.traceId,
    spanId: scope.spanId,
    name,
    kind: 'server',
    startMs: start,
    endMs: Math.max(facts.lastMs, scope.lastMs),
    attributes,
    status: error === undefined ? { code: 'unset' } : { code: 'error', message: error },
    events: scope.events,
  };
}

function scopeSpan(facts: LogTraceFacts, scope: ScopeFacts, attempt: number | undefined): SpanRecord {
  const run = scope.run;
  const attributes = sessionAttributes(facts.session);
  const agentId = facts.session.agentId ?? agentIdFromSessionKey(facts.session.sessionKey);
  let name = 'openclaw.scope';
  let error = scope.error;
  let errorType: string | undefined;
  if (run !== undefined) {
    name = `${GEN_AI_OPERATION.invokeAgent}${agentId === undefined ? '' : ` ${agentId}`}`;
    attributes[ATTR.genAiOperationName] = GEN_AI_OPERATION.invokeAgent;
    if (agentId !== undefined) attributes[ATTR.genAiAgentId] = agentId;
    if (run.runId !== undefined) attributes[ATTR.openclawRunId] = run.runId;
    const sessionId = run.sessionId ?? facts.session.sessionId;
    if (sessionId !== undefined) {
      attributes[ATTR.genAiConversationId] = sessionId;
      attributes[ATTR.openclawSessionId] = sessionId;
    }
    if (run.provider !== undefined) attributes[ATTR.genAiProviderName] = providerName(run.provider);
    if (run.model !== undefined) attributes[ATTR.genAiRequestModel] = run.model;
    if (run.api !== undefined) attributes[ATTR.openclawApi] = run.api;
    if (attempt !== undefined) attributes[ATTR.openclawAttempt] = attempt;
    if (run.aborted === true) attributes[ATTR.openclawOutcome] = 'aborted';
    if (run.agentError !== undefined) {
      error ??= run.agentError.error ?? 'agent run failed';
      errorType = run.agentError.reason ?? 'agent_error';
    }
  }
  if (errorType !== undefined) attributes[ATTR.errorType] = errorType;
  if (scope.derived === true) attributes[ATTR.openclawSynthesized] = true;
  return {
    traceId: facts.traceId,
    spanId: scope.spanId,
    parentSpanId: scope.parentSpanId,
    name,
    kind: 'internal',
    startMs: run?.startMs ?? scope.firstMs,
    endMs: Math.max(scope.lastMs, run?.doneMs ?? 0),
    attributes,
    status: error === undefined ? { code: 'unset' } : { code: 'error', message: error },
    events: scope.events,
  };
}

/** 1-based attempt number of each harness scope within its runId, by start time. */
function attemptNumbers(facts: LogTraceFacts): Map<string, number> {
  const byRun = new Map<string, ScopeFacts[]>();
  for (const scope of facts.scopes.values()) {
    const runId = scope.run?.runId;
    if (runId === undefined) continue;
    const list = byRun.get(runId) ?? [];
    list.push(scope);
    byRun.set(runId, list);
  }
  const out = new Map<string, number>();
  for (const list of byRun.values()) {
    list.sort((a, b) => (a.run?.startMs ?? 0) - (b.run?.startMs ?? 0));
    list.forEach((scope, i) => out.set(scope.spanId, i + 1));
  }
  return out;
}

/**
 * A scope referenced as a parent but never seen (the trace began before the
 * file did) still gets its span, with OpenClaw's id, so children stay connected.
 */
function addMissingParents(facts: LogTraceFacts, spans: SpanRecord[]): void {
  const known = new Set(spans.map((s) => s.spanId));
  for (const scope of facts.scopes.values()) {
    const parent = scope.parentSpanId;
    if (parent === undefined || known.has(parent)) continue;
    known.add(parent);
    spans.push({
      traceId: facts.traceId,
      spanId: parent,
      name: 'openclaw.request',
      kind: 'server',
      startMs: facts.firstMs,
      endMs: facts.lastMs,
      // A request whose lines were not read is incomplete; one that console lines never show is only synthesised.
      attributes: withFlag(sessionAttributes(facts.session), scope.synthetic === true ? ATTR.openclawSynthesized : ATTR.openclawSpanIncomplete),
      status: { code: 'unset' },
      events: [],
    });
  }
}

function withFlag(attributes: SpanAttributes, flag: string): SpanAttributes {
  attributes[flag] = true;
  return attributes;
}
