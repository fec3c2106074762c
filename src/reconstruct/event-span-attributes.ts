import type { DiagnosticEvent } from '../model/records.js';
import type { SpanAttributes, SpanKindName, SpanStatusRecord } from '../model/span-record.js';
import { ATTR, GEN_AI_OPERATION, agentIdFromSessionKey, operationForApi, providerName } from '../model/attribute-names.js';
import { firstString, readNumber, readObject, readString } from './event-fields.js';
import { modelContentAttributes, toolContentAttributes } from './event-content-attributes.js';
import type { EventFields } from './event-fields.js';
import type { SpanFamily } from './event-lifecycle.js';

/**
 * Names, attributes and status of the spans rebuilt from diagnostic events,
 * following the GenAI semantic conventions (v1.41) plus OpenClaw's own ids,
 * which the built-in exporter drops and which make traces groupable by session.
 */

/** The events one lifecycle span is made of, already in a deterministic order. */
export interface LifecycleFacts {
  family: SpanFamily;
  start?: DiagnosticEvent;
  ends: readonly DiagnosticEvent[];
}

export interface SpanLook {
  name: string;
  kind: SpanKindName;
  attributes: SpanAttributes;
  status: SpanStatusRecord;
}

const OK: SpanStatusRecord = { code: 'unset' };

export function describeLifecycleSpan(facts: LifecycleFacts): SpanLook {
  const sources: EventFields[] = [];
  if (facts.start !== undefined) sources.push(facts.start.fields);
  for (const end of facts.ends) sources.push(end.fields);
  const end = facts.ends[0];
  const attributes = commonAttributes(sources);
  switch (facts.family) {
    case 'model':
      return modelSpan(sources, facts.ends, attributes);
    case 'tool':
      return toolSpan(sources, end, attributes);
    case 'run':
      return runSpan(sources, end, attributes);
    case 'harness':
      return harnessSpan(sources, end, attributes);
    case 'dispatch':
      return dispatchSpan(facts.ends, attributes);
  }
}

/** openclaw.run.id / session.id / session.key / channel, wherever one of the events has them. */
export function commonAttributes(sources: readonly EventFields[]): SpanAttributes {
  const attributes: SpanAttributes = {};
  set(attributes, ATTR.openclawRunId, firstString(sources, 'runId'));
  set(attributes, ATTR.openclawSessionId, firstString(sources, 'sessionId'));
  set(attributes, ATTR.openclawSessionKey, firstString(sources, 'sessionKey'));
  set(attributes, ATTR.openclawChannel, firstString(sources, 'channel'));
  return attributes;
}

/**
 * Token counts in GenAI terms. The convention counts cached prompt tokens
 * inside `input_tokens`, whereas OpenClaw's `input` excludes them: use
 * `promptTokens` (the whole prompt) when given, else add the parts up.
 */
export function usageAttributes(usage: EventFields, into: SpanAttributes): void {
  const input = readNumber(usage, 'input');
  const cacheRead = readNumber(usage, 'cacheRead');
  const cacheWrite = readNumber(usage, 'cacheWrite');
  const parts = [input, cacheRead, cacheWrite].filter((n): n is number => n !== undefined);
  const inputTokens = readNumber(usage, 'promptTokens') ?? (parts.length > 0 ? parts.reduce((a, b) => a + b, 0) : undefined);
  set(into, ATTR.genAiUsageInputTokens, inputTokens);
  set(into, ATTR.genAiUsageOutputTokens, readNumber(usage, 'output'));
  set(into, ATTR.genAiUsageCacheReadInputTokens, cacheRead);
  set(into, ATTR.genAiUsageCacheCreationInputTokens, cacheWrite);
  set(into, ATTR.genAiUsageReasoningTokens, readNumber(usage, 'reasoningTokens'));
}

/** A point event's scalar fields, under OpenClaw's own names, for a span event. */
export function pointEventAttributes(event: DiagnosticEvent): SpanAttributes {
  const attributes: SpanAttributes = {};
  for (const [key, value] of Object.entries(event.fields)) {
    if (key === 'type' || key === 'ts' || key === 'seq' || key === 'trace') continue;
    if (typeof value === 'string' || typeof value === 'boolean') attributes[key] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = value;
  }
  return attributes;
}

function modelSpan(sources: readonly EventFields[], ends: readonly DiagnosticEvent[], attributes: SpanAttributes): SpanLook {
  const api = firstString(sources, 'api');
  const model = firstString(sources, 'model');
  const provider = firstString(sources, 'provider');
  const operation = operationForApi(api);
  attributes[ATTR.genAiOperationName] = operation;
  set(attributes, ATTR.genAiProviderName, provider === undefined ? undefined : providerName(provider));
  set(attributes, ATTR.genAiRequestModel, model);
  set(attributes, ATTR.openclawApi, api);
  set(attributes, ATTR.openclawCallId, firstString(sources, 'callId'));
  modelContentAttributes(sources, attributes);
  const withUsage = ends.find((end) => readObject(end.fields, 'usage') !== undefined);
  const usage = readObject(withUsage?.fields, 'usage');
  if (usage !== undefined) {
    usageAttributes(usage, attributes);
    set(attributes, ATTR.openclawCostUsd, readNumber(readObject(usage, 'cost'), 'total'));
  }
  // OpenClaw's timeToFirstByteMs: "elapsed time before the first streamed response event" of the call.
  const firstByteMs = ends.map((end) => readNumber(end.fields, 'timeToFirstByteMs')).find((ms) => ms !== undefined);
  set(attributes, ATTR.genAiResponseTimeToFirstChunk, firstByteMs === undefined ? undefined : firstByteMs / 1000);
  // The conventions set gen_ai.request.stream only when the request streamed: OpenClaw says so by a
  // streaming transport (`sse`, `websocket`; `auto` says nothing) or by the bytes of a response stream.
  const transport = firstString(sources, 'transport');
  const streamBytes = ends.map((end) => readNumber(end.fields, 'responseStreamBytes')).find((bytes) => bytes !== undefined);
  if (transport === 'sse' || transport === 'websocket' || (streamBytes !== undefined && streamBytes > 0)) attributes[ATTR.genAiRequestStream] = true;
  let status = OK;
  const error = ends.find((end) => end.type === 'model.call.error');
  if (error !== undefined) {
    const category = readString(error.fields, 'errorCategory');
    const failureKind = readString(error.fields, 'failureKind');
    attributes[ATTR.errorType] = category ?? failureKind ?? '_OTHER';
    status = errorStatus(failureKind ?? category);
  }
  return { name: model === undefined ? operation : `${operation} ${model}`, kind: 'client', attributes, status };
}

function toolSpan(sources: readonly EventFields[], end: DiagnosticEvent | undefined, attributes: SpanAttributes): SpanLook {
  const toolName = firstString(sources, 'toolName');
  attributes[ATTR.genAiOperationName] = GEN_AI_OPERATION.executeTool;
  set(attributes, ATTR.genAiToolName, toolName);
  set(attributes, ATTR.genAiToolCallId, firstString(sources, 'toolCallId'));
  set(attributes, ATTR.genAiAgentId, firstString(sources, 'agentId'));
  toolContentAttributes(sources, attributes);
  let status = OK;
  if (end?.type === 'tool.execution.error') {
    attributes[ATTR.errorType] = readString(end.fields, 'errorCategory') ?? '_OTHER';
    status = errorStatus(readString(end.fields, 'errorCode') ?? readString(end.fields, 'terminalReason'));
  } else if (end?.type === 'tool.execution.blocked') {
    attributes[ATTR.errorType] = readString(end.fields, 'deniedReason') ?? 'blocked';
    status = errorStatus(readString(end.fields, 'reason'));
  }
  const name = toolName === undefined ? GEN_AI_OPERATION.executeTool : `${GEN_AI_OPERATION.executeTool} ${toolName}`;
  return { name, kind: 'internal', attributes, status };
}

function runSpan(sources: readonly EventFields[], end: DiagnosticEvent | undefined, attributes: SpanAttributes): SpanLook {
  const agentId = firstString(sources, 'agentId') ?? agentIdFromSessionKey(firstString(sources, 'sessionKey'));
  const provider = firstString(sources, 'provider');
  attributes[ATTR.genAiOperationName] = GEN_AI_OPERATION.invokeAgent;
  set(attributes, ATTR.genAiAgentId, agentId);
  set(attributes, ATTR.genAiConversationId, firstString(sources, 'sessionId'));
  set(attributes, ATTR.genAiProviderName, provider === undefined ? undefined : providerName(provider));
  set(attributes, ATTR.genAiRequestModel, firstString(sources, 'model'));
  const outcome = readString(end?.fields, 'outcome');
  set(attributes, ATTR.openclawOutcome, outcome);
  let status = OK;
  // `aborted` is the user's or the gateway's choice, not a failure: it stays
  // visible through openclaw.outcome only.
  if (outcome === 'error' || outcome === 'blocked') {
    attributes[ATTR.errorType] = readString(end?.fields, 'errorCategory') ?? outcome;
    status = errorStatus(readString(end?.fields, 'blockedBy') ?? readString(end?.fields, 'errorCategory'));
  }
  const name = agentId === undefined ? GEN_AI_OPERATION.invokeAgent : `${GEN_AI_OPERATION.invokeAgent} ${agentId}`;
  return { name, kind: 'internal', attributes, status };
}

function harnessSpan(sources: readonly EventFields[], end: DiagnosticEvent | undefined, attributes: SpanAttributes): SpanLook {
  const harnessId = firstString(sources, 'harnessId');
  set(attributes, ATTR.openclawHarnessId, harnessId);
  const outcome = end?.type === 'harness.run.error' ? 'error' : readString(end?.fields, 'outcome');
  set(attributes, ATTR.openclawOutcome, outcome);
  let status = OK;
  if (outcome === 'error' || outcome === 'timed_out') {
    attributes[ATTR.errorType] = readString(end?.fields, 'errorCategory') ?? outcome;
    const phase = readString(end?.fields, 'phase');
    status = errorStatus(phase === undefined ? undefined : `failed in phase ${phase}`);
  }
  const name = harnessId === undefined ? 'openclaw.harness.run' : `openclaw.harness.run ${harnessId}`;
  return { name, kind: 'internal', attributes, status };
}

function dispatchSpan(ends: readonly DiagnosticEvent[], attributes: SpanAttributes): SpanLook {
  // dispatch.completed speaks for the dispatch; message.processed (later, or
  // alone on older gateways) fills in what it lacks.
  const ordered = [...ends].sort((a, b) => rankEnd(a) - rankEnd(b));
  const fields = ordered.map((end) => end.fields);
  const outcome = firstString(fields, 'outcome');
  set(attributes, ATTR.openclawOutcome, outcome);
  set(attributes, ATTR.openclawMessageId, firstIdString(fields, 'messageId'));
  let status = OK;
  if (ordered.some((end) => readString(end.fields, 'outcome') === 'error')) {
    attributes[ATTR.errorType] = firstString(fields, 'reason') ?? 'error';
    status = errorStatus(firstString(fields, 'error'));
  }
  return { name: 'openclaw.message.dispatch', kind: 'server', attributes, status };
}

function rankEnd(event: DiagnosticEvent): number {
  return event.type === 'message.dispatch.completed' ? 0 : 1;
}

/** Message and chat ids are numbers on some channels (Telegram), strings on others. */
function firstIdString(sources: readonly EventFields[], key: string): string | undefined {
  for (const source of sources) {
    const value = source[key];
    if (typeof value === 'string' && value.length > 0) return value;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

function errorStatus(message: string | undefined): SpanStatusRecord {
  return message === undefined ? { code: 'error' } : { code: 'error', message };
}

function set(attributes: SpanAttributes, key: string, value: string | number | undefined): void {
  if (value !== undefined) attributes[key] = value;
}
