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
 */
export function presetAttributesTransform(preset: PresetName): SpanTransform | undefined {
  const add = ADDERS[preset];
  if (add === undefined) return undefined;
  return (trace) => {
    for (const span of trace.spans) add(span, spanRole(span));
  };
}

type Adder = (span: SpanRecord, role: SpanRole) => void;

const ADDERS: Readonly<Record<PresetName, Adder | undefined>> = {
  otlp: undefined,
  dynatrace: undefined,
  mlflow: (span, role) => {
    const a = span.attributes;
    copy(a, 'mlflow.trace.session', sessionOf(a));
    copy(a, 'mlflow.trace.user', a[USER_ID]);
    a['mlflow.spanType'] = ({ model: 'LLM', tool: 'TOOL', agent: 'AGENT', harness: 'AGENT', message: 'CHAIN', other: 'UNKNOWN' } as const)[role];
  },
  langfuse: (span, role) => {
    const a = span.attributes;
    copy(a, 'langfuse.session.id', sessionOf(a));
    copy(a, 'langfuse.user.id', a[USER_ID]);
    a['langfuse.observation.type'] = ({ model: 'generation', tool: 'tool', agent: 'agent', harness: 'agent', message: 'span', other: 'span' } as const)[role];
    if (role === 'model') copy(a, 'langfuse.observation.model.name', a[ATTR.genAiRequestModel]);
  },
  braintrust: (span, role) => {
    const a = span.attributes;
    const type = ({ model: 'llm', tool: 'tool', agent: 'task', harness: 'task', message: 'task', other: undefined } as const)[role];
    if (type !== undefined) a['braintrust.span_attributes.type'] = type;
    const input = num(a[ATTR.genAiUsageInputTokens]);
    const output = num(a[ATTR.genAiUsageOutputTokens]);
    copy(a, 'braintrust.metrics.prompt_tokens', input);
    copy(a, 'braintrust.metrics.completion_tokens', output);
    if (input !== undefined || output !== undefined) a['braintrust.metrics.tokens'] = (input ?? 0) + (output ?? 0);
    copy(a, 'braintrust.metrics.prompt_cached_tokens', num(a[ATTR.genAiUsageCacheReadInputTokens]));
    copy(a, 'braintrust.metrics.completion_reasoning_tokens', num(a[ATTR.genAiUsageReasoningTokens]));
    copy(a, 'braintrust.metrics.estimated_cost', num(a[ATTR.openclawCostUsd]));
    const ttfbMs = num(a['openclaw.model_call.time_to_first_byte_ms']);
    if (ttfbMs !== undefined) a['braintrust.metrics.time_to_first_token'] = ttfbMs / 1000;
  },
  phoenix: (span, role) => {
    const a = span.attributes;
    a['openinference.span.kind'] = ({ model: 'LLM', tool: 'TOOL', agent: 'AGENT', harness: 'AGENT', message: 'CHAIN', other: 'CHAIN' } as const)[role];
    copy(a, 'session.id', sessionOf(a));
    copy(a, 'user.id', a[USER_ID]);
    if (role === 'model') {
      copy(a, 'llm.model_name', a[ATTR.genAiRequestModel]);
      copy(a, 'llm.provider', a[ATTR.genAiProviderName]);
      const input = num(a[ATTR.genAiUsageInputTokens]);
      const output = num(a[ATTR.genAiUsageOutputTokens]);
      copy(a, 'llm.token_count.prompt', input);
      copy(a, 'llm.token_count.completion', output);
      if (input !== undefined || output !== undefined) a['llm.token_count.total'] = (input ?? 0) + (output ?? 0);
      copy(a, 'llm.token_count.prompt_details.cache_read', num(a[ATTR.genAiUsageCacheReadInputTokens]));
      copy(a, 'llm.cost.total', num(a[ATTR.openclawCostUsd]));
    }
    if (role === 'tool') copy(a, 'tool.name', a[ATTR.genAiToolName]);
  },
  // Honeycomb's agent timeline and Datadog LLM Observability read the GenAI names: fill them in on every span of a session.
  honeycomb: (span) => genAiSessionFields(span.attributes),
  datadog: (span) => genAiSessionFields(span.attributes),
};

function genAiSessionFields(a: SpanAttributes): void {
  copy(a, ATTR.genAiConversationId, sessionOf(a));
  copy(a, ATTR.genAiAgentName, a[ATTR.genAiAgentId]);
}

/** The session a UI groups by: the session id (a conversation), else the session key. */
function sessionOf(a: SpanAttributes): AttributeValue | undefined {
  return a[ATTR.genAiConversationId] ?? a[ATTR.openclawSessionId] ?? a[ATTR.openclawSessionKey];
}

function copy(a: SpanAttributes, key: string, value: AttributeValue | undefined): void {
  if (value !== undefined && a[key] === undefined) a[key] = value;
}

function num(value: AttributeValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
