import type { AttributeValue } from '@opentelemetry/api';
import { ATTR } from '../../reconstruct/attribute-names.js';
import type { SpanAttributes, SpanRecord } from '../../reconstruct/span-record.js';
import type { PresetName } from '../presets.js';
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
  const ordered = [...spans.filter((span) => span.parentSpanId === undefined), ...spans.filter((span) => span.parentSpanId !== undefined)];
  const first = (pick: (a: SpanAttributes) => AttributeValue | undefined): AttributeValue | undefined => {
    for (const span of ordered) {
      const value = pick(span.attributes);
      if (value !== undefined) return value;
    }
    return undefined;
  };
  // One trace is one turn of one session: the best name for it anywhere in the trace (the session id, a
  // conversation, else the session key), the same on every span.
  const session = first((a) => a[ATTR.genAiConversationId]) ?? first((a) => a[ATTR.openclawSessionId]) ?? first((a) => a[ATTR.openclawSessionKey]);
  return { session, user: first((a) => a[USER_ID]), agent: first((a) => a[ATTR.genAiAgentName] ?? a[ATTR.genAiAgentId]) };
}

type Adder = (span: SpanRecord, role: SpanRole, trace: TraceContext) => void;

const ADDERS: Readonly<Record<PresetName, Adder | undefined>> = {
  otlp: undefined,
  dynatrace: undefined,
  mlflow: (span, role, trace) => {
    const a = span.attributes;
    // MLflow's trace metadata keys; its OTLP ingestion fills them from `session.id` / `user.id`.
    copy(a, 'mlflow.trace.session', trace.session);
    copy(a, 'mlflow.trace.user', a[USER_ID] ?? trace.user);
    copy(a, 'session.id', trace.session);
    copy(a, 'user.id', a[USER_ID] ?? trace.user);
    a['mlflow.spanType'] = ({ model: 'LLM', tool: 'TOOL', agent: 'AGENT', harness: 'AGENT', message: 'CHAIN', other: 'UNKNOWN' } as const)[role];
  },
  langfuse: (span, role, trace) => {
    const a = span.attributes;
    copy(a, 'langfuse.session.id', trace.session);
    copy(a, 'langfuse.user.id', a[USER_ID] ?? trace.user);
    a['langfuse.observation.type'] = ({ model: 'generation', tool: 'tool', agent: 'agent', harness: 'agent', message: 'span', other: 'span' } as const)[role];
    if (role === 'model') copy(a, 'langfuse.observation.model.name', a[ATTR.genAiRequestModel]);
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
    // Braintrust's own SDKs send JSON objects (`braintrust.span_attributes`, `braintrust.metrics`); the dotted
    // names are sent too, for readers that take one attribute per field.
    if (type !== undefined) {
      a['braintrust.span_attributes'] = JSON.stringify({ type });
      a['braintrust.span_attributes.type'] = type;
    }
    if (present.length > 0) a['braintrust.metrics'] = JSON.stringify(Object.fromEntries(present));
    for (const [key, value] of present) copy(a, `braintrust.metrics.${key}`, value);
  },
  phoenix: (span, role, trace) => {
    const a = span.attributes;
    a['openinference.span.kind'] = ({ model: 'LLM', tool: 'TOOL', agent: 'AGENT', harness: 'AGENT', message: 'CHAIN', other: 'CHAIN' } as const)[role];
    copy(a, 'session.id', trace.session);
    copy(a, 'user.id', a[USER_ID] ?? trace.user);
    if (role === 'model') {
      copy(a, 'llm.model_name', a[ATTR.genAiRequestModel]);
      copy(a, 'llm.provider', a[ATTR.genAiProviderName]);
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
