import { parseDurationMs, parseNumber } from '../model/key-value-numbers.js';
import type { KeyValues, LogRecord, LogSignal } from '../model/records.js';
import {
  type FetchFacts,
  type HarnessFacts,
  type LogTraceFacts,
  type ScopeFacts,
  type SessionFacts,
  type TerminalFacts,
  rootScopeId,
} from './log-trace-facts.js';
import { placeInRun } from './log-run-scopes.js';
import { ownCopy } from './own-string.js';
import type { SpanAttributes } from '../model/span-record.js';

/** Folds one record into the facts. Records arrive roughly in time order; pairs are matched on ids, not order. */
export function addRecord(facts: LogTraceFacts, record: LogRecord): void {
  const t = record.timeMs;
  if (t < facts.firstMs) facts.firstMs = t;
  if (t > facts.lastMs) facts.lastMs = t;
  if (facts.hostName === undefined && record.hostname !== undefined) facts.hostName = ownCopy(record.hostname);
  const scope = placeInRun(facts, scopeOf(facts, record), record);
  learnFromRecord(facts.session, record);
  const signal = record.signal;
  if (signal !== undefined) applySignal(facts, scope, signal, t);
  if ((record.level === 'warn' || record.level === 'error' || record.level === 'fatal') && !isEventSignal(signal)) {
    const attributes: SpanAttributes = { 'log.severity': record.level, 'log.message': truncate(record.message, 1000) };
    if (record.subsystem !== undefined) attributes['log.subsystem'] = record.subsystem;
    scope.events.push({ name: 'log', timeMs: t, attributes });
  }
}

function scopeOf(facts: LogTraceFacts, record: LogRecord): ScopeFacts {
  // A record with a trace id but no span id belongs to the request scope.
  const spanId = record.trace?.spanId ?? rootScopeId(facts) ?? '';
  let scope = facts.scopes.get(spanId);
  if (scope === undefined) {
    // Held while the trace is open: copies, not views of the line the hot path's regex read them from (own-string.ts).
    scope = { spanId: ownCopy(spanId), firstMs: record.timeMs, lastMs: record.timeMs, events: [] };
    if (record.trace?.parentSpanId !== undefined) scope.parentSpanId = ownCopy(record.trace.parentSpanId);
    if (record.trace?.synthetic === true) scope.synthetic = true;
    facts.scopes.set(spanId, scope);
  }
  if (record.timeMs < scope.firstMs) scope.firstMs = record.timeMs;
  if (record.timeMs > scope.lastMs) scope.lastMs = record.timeMs;
  return scope;
}

function learnFromRecord(session: SessionFacts, record: LogRecord): void {
  // Kept while the trace is open, once: copies, not views of the line (own-string.ts).
  if (record.sessionId !== undefined) {
    // Some subsystems put the session key in `session_id`.
    if (record.sessionId.startsWith('agent:')) session.sessionKey ??= ownCopy(record.sessionId);
    else session.sessionId ??= ownCopy(record.sessionId);
  }
  if (record.agentId !== undefined) session.agentId ??= ownCopy(record.agentId);
  if (record.channel !== undefined) session.channel ??= ownCopy(record.channel);
}

function learnFromValues(session: SessionFacts, values: KeyValues): void {
  const v = values;
  if (v['sessionId'] !== undefined) session.sessionId ??= v['sessionId'];
  if (v['sessionKey'] !== undefined) session.sessionKey ??= v['sessionKey'];
  if (v['agentId'] !== undefined) session.agentId ??= v['agentId'];
  if (v['channel'] !== undefined) session.channel ??= v['channel'];
  const runId = v['runId'];
  if (runId !== undefined && !session.runIds.includes(runId)) session.runIds.push(runId);
}

function applySignal(facts: LogTraceFacts, scope: ScopeFacts, signal: LogSignal, t: number): void {
  const { session, terminal } = facts;
  switch (signal.kind) {
    case 'message.received':
      terminal.messageReceived = true;
      learnFromValues(session, signal.values);
      if (signal.values['messageId'] !== undefined) session.messageId ??= signal.values['messageId'];
      return;
    case 'message.processed':
      learnFromValues(session, signal.values);
      terminal.processedMs = t;
      terminal.processedDurationMs = parseDurationMs(signal.values['duration']);
      session.outcome = signal.values['outcome'];
      if (signal.values['outcome'] === 'error') session.error = signal.values['error'] ?? signal.values['reason'] ?? 'error';
      return;
    case 'message.dispatch.completed':
      if (signal.values['outcome'] === 'error') session.error ??= signal.values['error'] ?? 'dispatch error';
      return;
    case 'message.queued':
    case 'message.dispatch.started':
    case 'session.turn.created':
      learnFromValues(session, signal.values);
      return;
    case 'lane.dequeue': {
      const waitMs = parseNumber(signal.values['waitMs']);
      const lane = signal.values['lane'];
      if (waitMs !== undefined && lane !== undefined) facts.laneWaits.push({ scope: scope.spanId, lane, dequeueMs: t, waitMs });
      return;
    }
    case 'lane.error':
      scope.error ??= signal.values['error'] ?? 'lane task error';
      settleLane(terminal, signal.values, t);
      return;
    case 'lane.done':
      settleLane(terminal, signal.values, t);
      return;
    case 'run.start': {
      learnFromValues(session, signal.values);
      const run: HarnessFacts = { startMs: t };
      copyDefined(run, signal.values, ['runId', 'sessionId', 'provider', 'model']);
      scope.run = run;
      return;
    }
    case 'run.prompt.start':
      if (scope.run !== undefined && signal.values['api'] !== undefined) scope.run.api = signal.values['api'];
      return;
    case 'run.agent.end':
      if (scope.run !== undefined && signal.values['isError'] === 'true') {
        scope.run.agentError = { error: signal.values['error'], reason: signal.values['failoverReason'] };
      }
      return;
    case 'run.done':
      applyRunDone(facts, signal.values, t);
      return;
    case 'run.tool.start':
    case 'run.tool.end':
      applyTool(facts, scope, signal.kind === 'run.tool.start', signal.values, t);
      return;
    case 'tool.failed':
      applyToolFailed(facts, scope, signal.tool, signal.error);
      return;
    case 'model.fetch':
      applyFetch(facts, scope, signal.phase, signal.values, t);
      return;
    case 'rpc.response':
      terminal.rpc = { method: signal.method, atMs: t, ok: signal.ok };
      if (signal.durationMs !== undefined) terminal.rpc.durationMs = signal.durationMs;
      learnFromValues(session, signal.values);
      return;
    case 'device.pairing':
      terminal.pairing = { atMs: t };
      if (signal.values['role'] !== undefined) terminal.pairing.role = signal.values['role'];
      return;
    case 'retry':
      scope.events.push({ name: 'openclaw.retry', timeMs: t, attributes: primitives({ ...signal.values, attempt: signal.attempt, maxAttempts: signal.maxAttempts }) });
      return;
    case 'decision':
      scope.events.push({ name: `openclaw.${signal.event}`, timeMs: t, attributes: primitives(signal.values) });
      return;
    default:
      return;
  }
}

function settleLane(terminal: TerminalFacts, values: KeyValues, t: number): void {
  if (values['lane']?.startsWith('session:') === true) terminal.sessionLaneSettledMs = t;
}

function applyRunDone(facts: LogTraceFacts, values: KeyValues, t: number): void {
  facts.terminal.runDoneMs = t;
  const runId = values['runId'];
  // The run's last attempt ends with the run: it is the latest-started harness scope of that runId.
  let last: HarnessFacts | undefined;
  for (const scope of facts.scopes.values()) {
    const run = scope.run;
    if (run !== undefined && run.runId === runId && (last === undefined || run.startMs >= last.startMs)) last = run;
  }
  if (last !== undefined) {
    last.doneMs = t;
    last.aborted = values['aborted'] === 'true';
  }
}

function applyTool(facts: LogTraceFacts, scope: ScopeFacts, isStart: boolean, values: KeyValues, t: number): void {
  const runId = values['runId'] ?? '';
  const toolCallId = values['toolCallId'];
  if (toolCallId === undefined) return;
  const key = `${runId}\u0000${toolCallId}`;
  const tools = (facts.tools ??= new Map());
  let tool = tools.get(key);
  if (tool === undefined) {
    tool = { scope: scope.spanId, runId, toolCallId, tool: values['tool'] ?? 'unknown', startMs: t };
    tools.set(key, tool);
    facts.openTools++;
  }
  if (isStart) tool.startMs = Math.min(tool.startMs, t);
  else {
    if (tool.endMs === undefined) facts.openTools--;
    tool.endMs = t;
  }
}

function applyToolFailed(facts: LogTraceFacts, scope: ScopeFacts, name: string, error: string): void {
  for (const tool of facts.tools?.values() ?? []) {
    if (tool.scope === scope.spanId && tool.tool === name && tool.endMs === undefined) {
      tool.error = error;
      return;
    }
  }
}

function applyFetch(facts: LogTraceFacts, scope: ScopeFacts, phase: 'start' | 'response' | 'error', values: KeyValues, t: number): void {
  if (phase === 'start') {
    const fetch: FetchFacts = { scope: scope.spanId, startMs: t, ordinal: countFetchAt(facts, scope.spanId, t), start: values };
    facts.fetches.push(fetch);
    facts.openFetches.push(fetch);
    return;
  }
  // FIFO per scope and model: a harness run makes its provider requests one after another.
  const at = facts.openFetches.findIndex((f) => f.scope === scope.spanId && (values['model'] === undefined || f.start['model'] === values['model']));
  const elapsed = parseNumber(values['elapsedMs']);
  let fetch: FetchFacts;
  if (at === -1) {
    const startMs = elapsed === undefined ? t : t - elapsed;
    countFetchAt(facts, scope.spanId, startMs);
    fetch = { scope: scope.spanId, startMs, ordinal: 0, start: values };
    facts.fetches.push(fetch);
  } else {
    fetch = facts.openFetches[at] as FetchFacts;
    facts.openFetches.splice(at, 1);
  }
  fetch.endMs = t;
  fetch.end = values;
  fetch.failed = phase === 'error';
}

/** How many fetches of `scope` started at `startMs` before this one, counting this one in (per-scope, per-millisecond ordinals keep ids apart). */
function countFetchAt(facts: LogTraceFacts, scope: string, startMs: number): number {
  const key = `${scope}\u0000${startMs}`;
  const fetchesAt = (facts.fetchesAt ??= new Map());
  const before = fetchesAt.get(key) ?? 0;
  fetchesAt.set(key, before + 1);
  return before;
}

function isEventSignal(signal: LogSignal | undefined): boolean {
  return signal !== undefined && (signal.kind === 'retry' || signal.kind === 'decision');
}

function copyDefined<T extends object>(target: T, values: KeyValues, keys: readonly (keyof T & string)[]): void {
  for (const key of keys) {
    const value = values[key];
    if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  }
}

/** Only the primitive values of a structured record, as span event attributes. */
function primitives(values: Readonly<Record<string, unknown>>): SpanAttributes {
  const out: SpanAttributes = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = truncate(value, 1000);
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
