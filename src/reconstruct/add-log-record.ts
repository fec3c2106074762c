import { parseDurationMs, parseNumber } from '../model/key-value-numbers.js';
import type { KeyValues, LogLevel, LogRecord, LogSignal } from '../model/records.js';
import {
  type HarnessFacts,
  type LogTraceFacts,
  type ScopeFacts,
  type SessionFacts,
  type TerminalFacts,
  rootScopeId,
} from './log-trace-facts.js';
import { applyFetch } from './add-fetch.js';
import { placeInRun } from './log-run-scopes.js';
import { ownCopy, ownCopyOf, sameId } from './own-string.js';
import type { SpanAttributes } from '../model/span-record.js';

/**
 * Folds one record into the facts. Records arrive roughly in time order; pairs are matched on ids, not order.
 * Runs for every traced line: each field of the record (of many shapes: a megamorphic load) is read once.
 */
export function addRecord(facts: LogTraceFacts, record: LogRecord): void {
  const t = record.timeMs;
  if (t < facts.firstMs) facts.firstMs = t;
  if (t > facts.lastMs) facts.lastMs = t;
  if (facts.hostName === undefined && record.hostname !== undefined) facts.hostName = ownCopy(record.hostname);
  const signal = record.signal;
  const scope = placeInRun(facts, scopeOf(facts, record, t), signal, t);
  learnFromRecord(facts.session, record);
  if (signal !== undefined) applySignal(facts, scope, signal, t);
  const level = record.level;
  if ((level === 'warn' || level === 'error' || level === 'fatal') && !isEventSignal(signal)) addLogEvent(scope, record, level, t);
}

function addLogEvent(scope: ScopeFacts, record: LogRecord, level: LogLevel, t: number): void {
  const attributes: SpanAttributes = { 'log.severity': level, 'log.message': ownCopy(truncate(record.message, 1000)) };
  // The subsystem is one of a few names the parser keeps (not a view of this line).
  if (record.subsystem !== undefined) attributes['log.subsystem'] = record.subsystem;
  scope.events.push({ name: 'log', timeMs: t, attributes });
}

function scopeOf(facts: LogTraceFacts, record: LogRecord, t: number): ScopeFacts {
  const trace = record.trace;
  const lineSpanId = trace?.spanId;
  const last = facts.lastScope;
  let scope: ScopeFacts | undefined;
  if (lineSpanId !== undefined && last !== undefined && sameId(lineSpanId, last.spanId)) scope = last;
  else {
    // A record with a trace id but no span id belongs to the request scope.
    const spanId = lineSpanId ?? rootScopeId(facts) ?? '';
    scope = facts.scopes.get(spanId);
    if (scope === undefined) {
      // Held while the trace is open: copies, not views of the line the hot path's regex read them from (own-string.ts).
      scope = { spanId: ownCopy(spanId), firstMs: t, lastMs: t, events: [] };
      if (trace?.parentSpanId !== undefined) scope.parentSpanId = ownCopy(trace.parentSpanId);
      if (trace?.synthetic === true) scope.synthetic = true;
      facts.scopes.set(scope.spanId, scope);
    }
    if (lineSpanId !== undefined) facts.lastScope = scope;
  }
  if (t < scope.firstMs) scope.firstMs = t;
  if (t > scope.lastMs) scope.lastMs = t;
  return scope;
}

function learnFromRecord(session: SessionFacts, record: LogRecord): void {
  // Kept while the trace is open, once: copies, not views of the line (own-string.ts). A field is read only while it can still teach something.
  if (session.sessionKey === undefined || session.sessionId === undefined) {
    const sessionId = record.sessionId;
    // Some subsystems put the session key in `session_id`.
    if (sessionId !== undefined) {
      if (sessionId.startsWith('agent:')) session.sessionKey ??= ownCopy(sessionId);
      else session.sessionId ??= ownCopy(sessionId);
    }
  }
  if (session.agentId === undefined && record.agentId !== undefined) session.agentId = ownCopy(record.agentId);
  if (session.channel === undefined && record.channel !== undefined) session.channel = ownCopy(record.channel);
}

function learnFromValues(session: SessionFacts, values: KeyValues): void {
  const v = values;
  session.sessionId ??= ownCopyOf(v['sessionId']);
  session.sessionKey ??= ownCopyOf(v['sessionKey']);
  session.agentId ??= ownCopyOf(v['agentId']);
  session.channel ??= ownCopyOf(v['channel']);
  const runId = v['runId'];
  if (runId !== undefined && !session.runIds.includes(runId)) session.runIds.push(ownCopy(runId));
}

function applySignal(facts: LogTraceFacts, scope: ScopeFacts, signal: LogSignal, t: number): void {
  const { session, terminal } = facts;
  switch (signal.kind) {
    case 'message.received':
      terminal.messageReceived = true;
      learnFromValues(session, signal.values);
      session.messageId ??= ownCopyOf(signal.values['messageId']);
      return;
    case 'message.processed':
      learnFromValues(session, signal.values);
      terminal.processedMs = t;
      terminal.processedDurationMs = parseDurationMs(signal.values['duration']);
      session.outcome = ownCopyOf(signal.values['outcome']);
      if (signal.values['outcome'] === 'error') session.error = ownCopy(signal.values['error'] ?? signal.values['reason'] ?? 'error');
      return;
    case 'message.dispatch.completed':
      if (signal.values['outcome'] === 'error') session.error ??= ownCopy(signal.values['error'] ?? 'dispatch error');
      return;
    case 'message.queued':
    case 'message.dispatch.started':
    case 'session.turn.created':
      learnFromValues(session, signal.values);
      return;
    case 'lane.dequeue': {
      const waitMs = parseNumber(signal.values['waitMs']);
      const lane = signal.values['lane'];
      if (waitMs !== undefined && lane !== undefined) facts.laneWaits.push({ scope: scope.spanId, lane: ownCopy(lane), dequeueMs: t, waitMs });
      return;
    }
    case 'lane.error':
      scope.error ??= ownCopy(signal.values['error'] ?? 'lane task error');
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
      if (scope.run !== undefined && signal.values['api'] !== undefined) scope.run.api = ownCopy(signal.values['api']);
      return;
    case 'run.agent.end':
      if (scope.run !== undefined && signal.values['isError'] === 'true') {
        scope.run.agentError = { error: ownCopyOf(signal.values['error']), reason: ownCopyOf(signal.values['failoverReason']) };
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
      terminal.rpc = { method: ownCopy(signal.method), atMs: t, ok: signal.ok };
      if (signal.durationMs !== undefined) terminal.rpc.durationMs = signal.durationMs;
      learnFromValues(session, signal.values);
      return;
    case 'device.pairing':
      terminal.pairing = { atMs: t };
      if (signal.values['role'] !== undefined) terminal.pairing.role = ownCopy(signal.values['role']);
      return;
    case 'retry':
      scope.events.push({ name: 'openclaw.retry', timeMs: t, attributes: retryAttributes(signal.values, signal.attempt, signal.maxAttempts) });
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
    tool = { scope: scope.spanId, runId: ownCopy(runId), toolCallId: ownCopy(toolCallId), tool: ownCopy(values['tool'] ?? 'unknown'), startMs: t };
    tools.set(ownCopy(key), tool);
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
      tool.error = ownCopy(error);
      return;
    }
  }
}

function isEventSignal(signal: LogSignal | undefined): boolean {
  return signal !== undefined && (signal.kind === 'retry' || signal.kind === 'decision');
}

function copyDefined<T extends object>(target: T, values: KeyValues, keys: readonly (keyof T & string)[]): void {
  for (const key of keys) {
    const value = values[key];
    if (value !== undefined) (target as Record<string, unknown>)[key] = ownCopy(value);
  }
}

/**
 * `primitives({ ...values, attempt, maxAttempts })`, the same keys in the same order, without the copy
 * (spreading a key=value object cost ~15 µs a retry line in a cold backfill).
 */
function retryAttributes(values: KeyValues, attempt: number | undefined, maxAttempts: number | undefined): SpanAttributes {
  const out: SpanAttributes = {};
  let attemptSeen = false;
  let maxAttemptsSeen = false;
  for (const key of Object.keys(values)) {
    if (key === 'attempt') {
      attemptSeen = true;
      if (attempt !== undefined) out[key] = attempt;
    } else if (key === 'maxAttempts') {
      maxAttemptsSeen = true;
      if (maxAttempts !== undefined) out[key] = maxAttempts;
    } else out[key] = ownCopy(truncate(values[key] as string, 1000));
  }
  if (!attemptSeen && attempt !== undefined) out['attempt'] = attempt;
  if (!maxAttemptsSeen && maxAttempts !== undefined) out['maxAttempts'] = maxAttempts;
  return out;
}

/** Only the primitive values of a structured record, as span event attributes. */
function primitives(values: Readonly<Record<string, unknown>>): SpanAttributes {
  const out: SpanAttributes = {};
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') out[key] = ownCopy(truncate(value, 1000));
    else if (typeof value === 'number' || typeof value === 'boolean') out[key] = value;
  }
  return out;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
