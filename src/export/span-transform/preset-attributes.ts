import type { AttributeValue } from '@opentelemetry/api';
import { ATTR } from '../../model/attribute-names.js';
import type { SpanAttributes, SpanRecord } from '../../model/span-record.js';
import type { PresetName } from '../../config/presets.js';
import { spanRole, type SpanRole } from './span-role.js';
import type { SpanTransform } from './span-transform.js';

/** The user of a direct session, derived from its key (see `userIdTransform`). */
export const USER_ID = 'openclaw.user.id';

/** Presets whose UI shows a user: they need `openclaw.user.id` derived before ids are hashed. */
export const PRESETS_WITH_USER: ReadonlySet<PresetName> = new Set(['mlflow', 'langfuse', 'phoenix']);

/** `agent:<id>[:<channel>[:<account>]]:direct:<peer>` → peer (OPENCLAW.md §5); groups and the main session have no single user. */
const DIRECT_PEER = /:direct:([^:]+)$/;

/**
 * Sets `openclaw.user.id` on spans of a direct session. Runs before the id
 * privacy step, which hashes it like a chat id (a DM's peer is the user).
 */
export function userIdTransform(): SpanTransform {
  return (trace) => {
    for (const span of trace.spans) {
      const key = span.attributes[ATTR.openclawSessionKey];
      const peer = typeof key === 'string' ? DIRECT_PEER.exec(key)?.[1] : undefined;
      if (peer !== undefined && peer !== '') span.attributes[USER_ID] = peer;
    }
  };
}

/**
 * The attributes each backend's UI keys on, derived from ours after the ids
 * were hashed (so they carry the same hashes, or nothing under `omit`).
 * Names checked against each backend's documentation or SDK: see the README's
 * "Backends" section.
 */
export function presetAttributesTransform(preset: PresetName): SpanTransform | undefined {
  const add = ADDERS[preset];
  if (add === undefined) return undefined;
  return (trace) => {
    const context = traceContext(trace.spans);
    for (const span of trace.spans) add(span, spanRole(span), context);
  };
}

/**
 * What belongs to the whole trace: its session, user and agent. Langfuse (v4
 * ingestion) and Honeycomb's agent timeline read them from every span, not
 * only the one that carried them. The root's value wins, else the first
 * span's; a span's own user and agent win over the trace's.
 */
interface TraceContext {
  session: AttributeValue | undefined;
  user: AttributeValue | undefined;
  agent: AttributeValue | undefined;
}

function traceContext(spans: readonly SpanRecord[]): TraceContext {
  // One trace is one turn of one session: the best name for it anywhere in the trace (the session id, a
  // conversation, else the session key), the same on every span.
  const session = firstValue(spans, ATTR.genAiConversationId) ?? firstValue(spans, ATTR.openclawSessionId) ?? firstValue(spans, ATTR.openclawSessionKey);
  return { session, user: firstValue(spans, USER_ID), agent: firstValue(spans, ATTR.genAiAgentName, ATTR.genAiAgentId) };
}

/** `a[key] ?? a[fallback]` of the first span that has it, roots before the rest; plain loops (this runs for every trace). */
function firstValue(spans: readonly SpanRecord[], key: string, fallback?: string): AttributeValue | undefined {
  const root = firstOf(spans, true, key, fallback);
  return root !== undefined ? root : firstOf(spans, false, key, fallback);
}

function firstOf(spans: readonly SpanRecord[], roots: boolean, key: string, fallback: string | undefined): AttributeValue | undefined {
  for (const span of spans) {
    if ((span.parentSpanId === undefined) !== roots) continue;
    const a = span.attributes;
    const value = fallback === undefined ? a[key] : (a[key] ?? a[fallback]);
    if (value !== undefined) return value;
  }
  return undefined;
}

type Adder = (span: SpanRecord, role: SpanRole, trace: TraceContext) => void;

const ADDERS: Readonly<Record<PresetName, Adder | undefined>> = {
  // A Collector in between (e.g. → Langfuse) still groups sessions by the general `session.id`.
  otlp: (span, _role, trace) => copy(span.attributes, 'session.id', trace.session),
  dynatrace: undefined,
  grafana: (span, _role, trace) => copy(span.attributes, 'session.id', trace.session),
  mlflow: (span, role, trace) => {
    const a = span.attributes;
    // MLflow's OTLP ingestion turns these into the trace's mlflow.trace.session / mlflow.trace.user metadata
    // (its users-and-sessions guide); those keys are trace metadata, not span attributes, so they are not sent.
    copy(a, 'session.id', trace.session);
    copy(a, 'user.id', a[USER_ID] ?? trace.user);
    // MLflow maps gen_ai.operation.name to its span type itself, but only when mlflow.spanType is absent
    // (mlflow/tracing/otel/translation: translate_loaded_span, GenAiTranslator: chat → CHAT_MODEL, invoke_agent →
    // AGENT, execute_tool → TOOL). So only spans without an operation get a type of ours.
    if (a[ATTR.genAiOperationName] === undefined) {
      const type = ({ harness: 'AGENT', message: 'CHAIN' } as const satisfies Partial<Record<SpanRole, string>>)[role as 'harness' | 'message'];
      if (type !== undefined) a['mlflow.spanType'] = type;
    }
  },
  langfuse: (span, role, trace) => {
    const a = span.attributes;
    // Langfuse's canonical trace keys (web/src/features/otel/server/attributes.ts: TRACE_SESSION_ID = "session.id",
    // TRACE_USER_ID = "user.id"), on every span as v4 ingestion wants.
    copy(a, 'session.id', trace.session);
    copy(a, 'user.id', a[USER_ID] ?? trace.user);
    a['langfuse.observation.type'] = ({ model: 'generation', tool: 'tool', agent: 'agent', harness: 'agent', message: 'span', other: 'span' } as const)[role];
    if (role !== 'model') return;
    copy(a, 'langfuse.observation.model.name', a[ATTR.genAiRequestModel]);
    // OtelIngestionProcessor.extractCostDetails: langfuse.observation.cost_details (JSON), else gen_ai.usage.cost,
    // which is not a GenAI convention key; so the JSON is sent.
    const cost = num(a[ATTR.openclawCostUsd]);
    if (cost !== undefined) a['langfuse.observation.cost_details'] = JSON.stringify({ total: cost });
    const firstChunk = num(a[ATTR.genAiResponseTimeToFirstChunk]);
    if (firstChunk !== undefined) a['langfuse.observation.completion_start_time'] = new Date(span.startMs + firstChunk * 1000).toISOString();
  },
  braintrust: (span, role) => {
    const a = span.attributes;
    const type = ({ model: 'llm', tool: 'tool', agent: 'task', harness: 'task', message: 'task', other: undefined } as const)[role];
    const input = num(a[ATTR.genAiUsageInputTokens]);
    const output = num(a[ATTR.genAiUsageOutputTokens]);
    const metrics: Record<string, number | undefined> = {
      prompt_tokens: input,
      completion_tokens: output,
      tokens: input !== undefined || output !== undefined ? (input ?? 0) + (output ?? 0) : undefined,
      prompt_cached_tokens: num(a[ATTR.genAiUsageCacheReadInputTokens]),
      prompt_cache_creation_tokens: num(a[ATTR.genAiUsageCacheCreationInputTokens]),
      completion_reasoning_tokens: num(a[ATTR.genAiUsageReasoningTokens]),
      estimated_cost: num(a[ATTR.openclawCostUsd]),
      // Seconds, as Braintrust's SDKs measure it: the request to the first streamed chunk.
      time_to_first_token: num(a[ATTR.genAiResponseTimeToFirstChunk]),
    };
    const present = Object.entries(metrics).filter((entry): entry is [string, number] => entry[1] !== undefined);
    // Braintrust maps the GenAI attributes itself, and takes `braintrust.*` fields as set directly (its
    // "OpenTelemetry attributes and events" page). Cost and time to first token have no GenAI key, so the metrics go
    // as its SDKs send them: JSON objects. (The dotted `braintrust.metrics.<key>` copies sent before are not documented.)
    if (type !== undefined) a['braintrust.span_attributes'] = JSON.stringify({ type });
    if (present.length > 0) a['braintrust.metrics'] = JSON.stringify(Object.fromEntries(present));
  },
  phoenix: (span, role, trace) => {
    const a = span.attributes;
    a['openinference.span.kind'] = ({ model: 'LLM', tool: 'TOOL', agent: 'AGENT', harness: 'AGENT', message: 'CHAIN', other: 'CHAIN' } as const)[role];
    copy(a, 'session.id', trace.session);
    copy(a, 'user.id', a[USER_ID] ?? trace.user);
    if (role === 'model') {
      copy(a, 'llm.model_name', a[ATTR.genAiRequestModel]);
      const provider = a[ATTR.genAiProviderName];
      copy(a, 'llm.provider', typeof provider === 'string' ? OPENINFERENCE_PROVIDERS[provider] : undefined);
      const input = num(a[ATTR.genAiUsageInputTokens]);
      const output = num(a[ATTR.genAiUsageOutputTokens]);
      copy(a, 'llm.token_count.prompt', input);
      copy(a, 'llm.token_count.completion', output);
      if (input !== undefined || output !== undefined) a['llm.token_count.total'] = (input ?? 0) + (output ?? 0);
      copy(a, 'llm.token_count.prompt_details.cache_read', num(a[ATTR.genAiUsageCacheReadInputTokens]));
      copy(a, 'llm.token_count.prompt_details.cache_write', num(a[ATTR.genAiUsageCacheCreationInputTokens]));
      copy(a, 'llm.token_count.completion_details.reasoning', num(a[ATTR.genAiUsageReasoningTokens]));
      copy(a, 'llm.cost.total', num(a[ATTR.openclawCostUsd]));
    }
    if (role === 'tool') {
      copy(a, 'tool.name', a[ATTR.genAiToolName]);
      copy(a, 'tool.id', a[ATTR.genAiToolCallId]);
    }
  },
  // Honeycomb's agent timeline and Datadog LLM Observability read the GenAI names, on every span of the agent's work.
  honeycomb: (span, _role, trace) => genAiSessionFields(span.attributes, trace),
  datadog: (span, _role, trace) => genAiSessionFields(span.attributes, trace),
};

/**
 * gen_ai.provider.name → OpenInference's `llm.provider` (its LLMProvider enum,
 * Arize-ai/openinference js/packages/openinference-semantic-conventions
 * SemanticConventions.ts). A provider outside the enum gets none.
 */
const OPENINFERENCE_PROVIDERS: Readonly<Record<string, string>> = {
  openai: 'openai',
  anthropic: 'anthropic',
  mistral_ai: 'mistralai',
  cohere: 'cohere',
  'gcp.gemini': 'google',
  'gcp.vertex_ai': 'google',
  'gcp.gen_ai': 'google',
  'aws.bedrock': 'aws',
  'azure.ai.openai': 'azure',
  'azure.ai.inference': 'azure',
  x_ai: 'xai',
  deepseek: 'deepseek',
  groq: 'groq',
  moonshot_ai: 'moonshot',
  perplexity: 'perplexity',
};

function genAiSessionFields(a: SpanAttributes, trace: TraceContext): void {
  copy(a, ATTR.genAiConversationId, trace.session);
  copy(a, ATTR.genAiAgentName, a[ATTR.genAiAgentId] ?? trace.agent);
}

function copy(a: SpanAttributes, key: string, value: AttributeValue | undefined): void {
  if (value !== undefined && a[key] === undefined) a[key] = value;
}

function num(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
