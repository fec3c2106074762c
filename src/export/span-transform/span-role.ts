import { ATTR, GEN_AI_OPERATION } from '../../model/attribute-names.js';
import type { SpanRecord } from '../../model/span-record.js';

/** What a span stands for, as backends classify spans. */
export type SpanRole = 'model' | 'tool' | 'agent' | 'harness' | 'message' | 'other';

/** Read from `gen_ai.operation.name` and the names the reconstructor gives (src/reconstruct). */
export function spanRole(span: SpanRecord): SpanRole {
  const operation = span.attributes[ATTR.genAiOperationName];
  if (operation === GEN_AI_OPERATION.chat || operation === GEN_AI_OPERATION.textCompletion || operation === GEN_AI_OPERATION.embeddings) return 'model';
  if (operation === GEN_AI_OPERATION.executeTool) return 'tool';
  if (operation === GEN_AI_OPERATION.invokeAgent) return 'agent';
  if (span.name === 'openclaw.harness.run' || span.name.startsWith('openclaw.harness.run ')) return 'harness';
  if (span.name === 'openclaw.message' || span.name.startsWith('openclaw.message ') || span.name === 'openclaw.message.dispatch') return 'message';
  return 'other';
}
