import type { AttributeValue } from '@opentelemetry/api';
import { ATTR, GEN_AI_OPERATION } from '../model/attribute-names.js';
import type { FinishedTrace, SpanRecord } from '../model/span-record.js';

/** The instruments GenAI metrics are recorded on (see genai-metrics.ts for names and units). */
export type GenAiInstrument = 'tokenUsage' | 'operationDuration' | 'timeToFirstChunk' | 'invokeAgentDuration' | 'executeToolDuration' | 'costUsd';

export interface GenAiMeasurement {
  instrument: GenAiInstrument;
  value: number;
  attributes: Record<string, AttributeValue>;
}

const INFERENCE = new Set<string>([GEN_AI_OPERATION.chat, GEN_AI_OPERATION.textCompletion, GEN_AI_OPERATION.embeddings]);
/** The GenAI metrics conventions' attributes (model/gen-ai/metrics.yaml, metric_attributes.gen_ai), copied from the span when it has them. */
const INFERENCE_ATTRIBUTES = [ATTR.genAiOperationName, ATTR.genAiProviderName, ATTR.genAiRequestModel, ATTR.genAiResponseModel, ATTR.serverAddress, ATTR.serverPort];
const RUN_ATTRIBUTES = [ATTR.genAiOperationName, ATTR.genAiProviderName, ATTR.genAiRequestModel];
const TOOL_ATTRIBUTES = [ATTR.genAiOperationName, ATTR.genAiToolName, ATTR.genAiToolType];

/**
 * What one reconstructed trace contributes to the GenAI metrics
 * (open-telemetry/semantic-conventions-genai model/gen-ai/metrics.yaml):
 * model calls give gen_ai.client.operation.duration, gen_ai.client.token.usage
 * and, when they streamed, gen_ai.client.operation.time_to_first_chunk; agent
 * runs gen_ai.invoke_agent.duration; tools gen_ai.execute_tool.duration (each
 * histogram's count is the number of runs or calls). Cost has no convention and
 * stays openclaw.cost.usd. Tokens and cost carry the agent that spent them
 * (`gen_ai.agent.name`, from the enclosing run), for per-agent breakdowns.
 * Tokens and cost come from model calls only: a run span may repeat the run's
 * totals (`model.usage`), which would count them twice. A span closed
 * artificially (`openclaw.span.incomplete`) has no real duration and gives none.
 */
export function genAiMeasurements(trace: FinishedTrace): GenAiMeasurement[] {
  const out: GenAiMeasurement[] = [];
  const agentOf = agentResolver(trace.spans);
  for (const span of trace.spans) {
    const operation = span.attributes[ATTR.genAiOperationName];
    if (typeof operation !== 'string') continue;
    if (INFERENCE.has(operation)) inference(span, agentOf(span), out);
    else if (operation === GEN_AI_OPERATION.executeTool) {
      // gen_ai.tool.type as the span transforms set it (genai-conventions.ts): measurements are taken before them.
      duration(span, 'executeToolDuration', { ...pick(span, TOOL_ATTRIBUTES), [ATTR.genAiToolType]: span.attributes[ATTR.genAiToolType] ?? 'function' }, out);
    } else if (operation === GEN_AI_OPERATION.invokeAgent) {
      const agent = agentName(span);
      duration(span, 'invokeAgentDuration', { ...pick(span, RUN_ATTRIBUTES), ...(agent === undefined ? {} : { [ATTR.genAiAgentName]: agent }) }, out);
    }
  }
  return out;
}

function inference(span: SpanRecord, agent: AttributeValue | undefined, out: GenAiMeasurement[]): void {
  const attributes = pick(span, INFERENCE_ATTRIBUTES);
  duration(span, 'operationDuration', attributes, out);
  const firstChunk = span.attributes[ATTR.genAiResponseTimeToFirstChunk];
  // "SHOULD be reported for streaming calls and SHOULD NOT be reported otherwise."
  if (span.attributes[ATTR.genAiRequestStream] === true && typeof firstChunk === 'number') out.push({ instrument: 'timeToFirstChunk', value: firstChunk, attributes });
  const spent = agent === undefined ? attributes : { ...attributes, [ATTR.genAiAgentName]: agent };
  const input = span.attributes[ATTR.genAiUsageInputTokens];
  const output = span.attributes[ATTR.genAiUsageOutputTokens];
  if (typeof input === 'number') out.push({ instrument: 'tokenUsage', value: input, attributes: { ...spent, 'gen_ai.token.type': 'input' } });
  if (typeof output === 'number') out.push({ instrument: 'tokenUsage', value: output, attributes: { ...spent, 'gen_ai.token.type': 'output' } });
  const cost = span.attributes[ATTR.openclawCostUsd];
  if (typeof cost === 'number' && cost > 0) out.push({ instrument: 'costUsd', value: cost, attributes: spent });
}

function duration(span: SpanRecord, instrument: GenAiInstrument, attributes: Record<string, AttributeValue>, out: GenAiMeasurement[]): void {
  if (span.attributes[ATTR.openclawSpanIncomplete] === true) return;
  out.push({ instrument, value: Math.max(0, span.endMs - span.startMs) / 1000, attributes: withError(span, attributes) });
}

/** OpenClaw's agent id is the name the operator gave the agent (see genai-conventions.ts). */
function agentName(span: SpanRecord): AttributeValue | undefined {
  return span.attributes[ATTR.genAiAgentName] ?? span.attributes[ATTR.genAiAgentId];
}

/** The agent of the nearest enclosing `invoke_agent` span. */
function agentResolver(spans: readonly SpanRecord[]): (span: SpanRecord) => AttributeValue | undefined {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  return (span) => {
    let at: SpanRecord | undefined = span;
    for (let depth = 0; at !== undefined && depth < 64; depth++) {
      if (at.attributes[ATTR.genAiOperationName] === GEN_AI_OPERATION.invokeAgent) return agentName(at);
      at = at.parentSpanId === undefined ? undefined : byId.get(at.parentSpanId);
    }
    return undefined;
  };
}

function pick(span: SpanRecord, keys: readonly string[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const key of keys) {
    const value = span.attributes[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** `error.type` on failed operations, as the conventions ask (the status code or failover reason the span carries). */
function withError(span: SpanRecord, attributes: Record<string, AttributeValue>): Record<string, AttributeValue> {
  if (span.status.code !== 'error') return attributes;
  const type = span.attributes[ATTR.errorType];
  return { ...attributes, [ATTR.errorType]: type === undefined ? '_OTHER' : type };
}
