import { parseNumber } from '../model/key-value-numbers.js';
import { ATTR, GEN_AI_OPERATION, operationForApi, providerName } from '../model/attribute-names.js';
import type { FetchFacts, LogTraceFacts, SessionFacts, ToolFacts } from './log-trace-facts.js';
import { deriveSpanId } from './span-ids.js';
import type { SpanAttributes, SpanRecord } from '../model/span-record.js';

/**
 * The calls made inside a harness run, as synthesised spans: one inference
 * span per `[model-fetch]` pair, one tool span per tool call. Their ids are
 * derived from what they are made of (see docs/design.md, "Ids").
 */

/**
 * The session attributes every span of a stream-A trace starts with, as a new object per span. Not
 * `{ ...common }` of one object per trace: V8 gave each such copy a hidden class of its own (every
 * span's attributes then made its own chain of maps as keys were added, ~4 KB per model span, and
 * left every load from them megamorphic); objects built by the same stores in the same order share them.
 */
export function sessionAttributes(session: SessionFacts): SpanAttributes {
  const out: SpanAttributes = {};
  if (session.sessionId !== undefined) out[ATTR.openclawSessionId] = session.sessionId;
  if (session.sessionKey !== undefined) out[ATTR.openclawSessionKey] = session.sessionKey;
  if (session.channel !== undefined) out[ATTR.openclawChannel] = session.channel;
  return out;
}

function runAttributes(facts: LogTraceFacts, scopeId: string): SpanAttributes {
  const attributes = sessionAttributes(facts.session);
  const run = facts.scopes.get(scopeId)?.run;
  const runId = run?.runId ?? (facts.session.runIds.length === 1 ? facts.session.runIds[0] : undefined);
  if (runId !== undefined) attributes[ATTR.openclawRunId] = runId;
  const sessionId = run?.sessionId ?? facts.session.sessionId;
  if (sessionId !== undefined) attributes[ATTR.genAiConversationId] = sessionId;
  return attributes;
}

export function fetchSpan(facts: LogTraceFacts, fetch: FetchFacts): SpanRecord {
  const end = fetch.end;
  const model = fetch.model ?? end?.model;
  const provider = fetch.provider ?? end?.provider;
  const api = fetch.api ?? end?.api;
  const operation = operationForApi(api);
  const attributes = runAttributes(facts, fetch.scope);
  attributes[ATTR.genAiOperationName] = operation;
  if (provider !== undefined) attributes[ATTR.genAiProviderName] = providerName(provider);
  if (model !== undefined) attributes[ATTR.genAiRequestModel] = model;
  if (api !== undefined) attributes[ATTR.openclawApi] = api;
  if (fetch.method !== undefined) attributes[ATTR.httpRequestMethod] = fetch.method;
  const server = serverOf(fetch.url);
  if (server !== undefined) {
    attributes[ATTR.serverAddress] = server.address;
    // Conditionally required beside server.address (GenAI spans.yaml, attributes.gen_ai.address_and_port).
    attributes[ATTR.serverPort] = server.port;
  }
  const status = parseNumber(end?.status);
  if (status !== undefined) attributes[ATTR.httpResponseStatusCode] = status;
  let error: string | undefined;
  if (fetch.failed) {
    error = end?.error ?? 'request failed';
    attributes[ATTR.errorType] = end?.errorName ?? end?.code ?? 'fetch_error';
  } else if (status !== undefined && status >= 400) {
    error = `HTTP ${status}`;
    attributes[ATTR.errorType] = String(status);
  }
  if (fetch.endMs === undefined) attributes[ATTR.openclawSpanIncomplete] = true;
  return {
    traceId: facts.traceId,
    spanId: deriveSpanId(facts.traceId, 'model-fetch', fetch.scope, fetch.startMs, fetch.ordinal),
    parentSpanId: fetch.scope,
    name: model === undefined ? operation : `${operation} ${model}`,
    kind: 'client',
    startMs: fetch.startMs,
    endMs: fetch.endMs ?? facts.lastMs,
    attributes,
    status: error === undefined ? { code: 'unset' } : { code: 'error', message: error },
    events: [],
  };
}

export function toolSpan(facts: LogTraceFacts, tool: ToolFacts): SpanRecord {
  const attributes = runAttributes(facts, tool.scope);
  attributes[ATTR.genAiOperationName] = GEN_AI_OPERATION.executeTool;
  attributes[ATTR.genAiToolName] = tool.tool;
  attributes[ATTR.genAiToolCallId] = tool.toolCallId;
  if (tool.runId !== '') attributes[ATTR.openclawRunId] = tool.runId;
  if (tool.error !== undefined) attributes[ATTR.errorType] = 'tool_error';
  if (tool.endMs === undefined) attributes[ATTR.openclawSpanIncomplete] = true;
  return {
    traceId: facts.traceId,
    spanId: deriveSpanId(facts.traceId, 'tool', tool.runId, tool.toolCallId),
    parentSpanId: tool.scope,
    name: `${GEN_AI_OPERATION.executeTool} ${tool.tool}`,
    kind: 'internal',
    startMs: tool.startMs,
    endMs: tool.endMs ?? facts.lastMs,
    attributes,
    status: tool.error === undefined ? { code: 'unset' } : { code: 'error', message: tool.error },
    events: [],
  };
}

interface Server {
  address: string;
  port: number;
}

/** The URL's host and port; the scheme's default port when the URL names none (server.port is always a number). */
function serverOf(url: string | undefined): Server | undefined {
  if (url === undefined) return undefined;
  // A gateway calls the same few endpoints again and again: each URL is parsed once.
  if (serverCache.has(url)) return serverCache.get(url);
  let server: Server | undefined;
  try {
    const parsed = new URL(url);
    const port = parsed.port !== '' ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
    server = parsed.hostname === '' || port === undefined ? undefined : { address: parsed.hostname, port };
  } catch {
    server = undefined;
  }
  if (serverCache.size >= SERVER_CACHE_MAX) serverCache.clear();
  serverCache.set(url, server);
  return server;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };
const serverCache = new Map<string, Server | undefined>();
const SERVER_CACHE_MAX = 256;
