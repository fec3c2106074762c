import type { AttributeValue } from '@opentelemetry/api';
import { ATTR, GEN_AI_OPERATION } from '../reconstruct/attribute-names.js';
import type { FinishedTrace, SpanRecord } from '../reconstruct/span-record.js';

/** The instruments GenAI metrics are recorded on (see genai-metrics.ts for names and units). */
export type GenAiInstrument = 'tokenUsage' | 'operationDuration' | 'costUsd' | 'toolCalls' | 'agentRuns';

export interface GenAiMeasurement {
  instrument: GenAiInstrument;
  value: number;
  attributes: Record<string, AttributeValue>;
}

const INFERENCE = new Set<string>([GEN_AI_OPERATION.chat, GEN_AI_OPERATION.textCompletion, GEN_AI_OPERATION.embeddings]);
/** The GenAI metrics conventions' attributes, copied from the span when it has them. */
const INFERENCE_ATTRIBUTES = [ATTR.genAiOperationName, ATTR.genAiProviderName, ATTR.genAiRequestModel, ATTR.genAiResponseModel, ATTR.serverAddress];
const RUN_ATTRIBUTES = [ATTR.genAiOperationName, ATTR.genAiAgentId, ATTR.genAiProviderName, ATTR.genAiRequestModel];

/**
 * What one reconstructed trace contributes to the GenAI metrics. Tokens and
 * cost are taken from inference spans only: a run span may repeat the run's
 * totals (`model.usage`), which would count them twice. A span closed
 * artificially (`openclaw.span.incomplete`) has no real duration and gives none.
 */
export function genAiMeasurements(trace: FinishedTrace): GenAiMeasurement[] {
  const out: GenAiMeasurement[] = [];
  for (const span of trace.spans) {
    const operation = span.attributes[ATTR.genAiOperationName];
    if (typeof operation !== 'string') continue;
    if (INFERENCE.has(operation)) inference(span, out);
    else if (operation === GEN_AI_OPERATION.executeTool) {
      out.push({ instrument: 'toolCalls', value: 1, attributes: withError(span, pick(span, [ATTR.genAiToolName])) });
    } else if (operation === GEN_AI_OPERATION.invokeAgent) {
      out.push({ instrument: 'agentRuns', value: 1, attributes: withError(span, pick(span, RUN_ATTRIBUTES)) });
    }
  }
  return out;
}

function inference(span: SpanRecord, out: GenAiMeasurement[]): void {
  const attributes = pick(span, INFERENCE_ATTRIBUTES);
  if (span.attributes[ATTR.openclawSpanIncomplete] !== true) {
    out.push({ instrument: 'operationDuration', value: Math.max(0, span.endMs - span.startMs) / 1000, attributes: withError(span, attributes) });
  }
  const input = span.attributes[ATTR.genAiUsageInputTokens];
  const output = span.attributes[ATTR.genAiUsageOutputTokens];
  if (typeof input === 'number') out.push({ instrument: 'tokenUsage', value: input, attributes: { ...attributes, 'gen_ai.token.type': 'input' } });
  if (typeof output === 'number') out.push({ instrument: 'tokenUsage', value: output, attributes: { ...attributes, 'gen_ai.token.type': 'output' } });
  const cost = span.attributes[ATTR.openclawCostUsd];
  if (typeof cost === 'number' && cost > 0) out.push({ instrument: 'costUsd', value: cost, attributes });
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
