import { ATTR } from '../../model/attribute-names.js';
import type { SpanRecord } from '../../model/span-record.js';
import { spanRole } from './span-role.js';
import type { SpanTransform } from './span-transform.js';

/**
 * What the GenAI span conventions ask of each span kind that the builders
 * cannot see one span at a time (open-telemetry/semantic-conventions-genai,
 * model/gen-ai/spans.yaml; checked by test/unit/export/genai-conformance.test.ts):
 *
 * - `invoke_agent` (gen_ai.invoke_agent.internal): `gen_ai.agent.name` names the
 *   span, so it is always sent: OpenClaw's agent id is the name the operator
 *   gave the agent (`main`, `ops`), so it is both id and name. The required
 *   `gen_ai.provider.name` comes from the run itself, else from the first model
 *   call the run made; a run that made none and names no provider has none: no
 *   provider is invented (the value is a discriminator for provider-specific
 *   attributes, so a made-up one would mislead more than none).
 * - `execute_tool` (gen_ai.execute_tool.internal) lists no agent attributes:
 *   the agent is the parent `invoke_agent` span's, so `gen_ai.agent.id` is
 *   dropped there. `gen_ai.tool.type` is `function`: the model generates the
 *   arguments of a predefined tool and OpenClaw, the model's client, runs it
 *   (the registry's definition of a function tool).
 */
export const TOOL_TYPE = 'function';

export function genAiConventionsTransform(): SpanTransform {
  return (trace) => {
    // Only a run that names no provider needs the span tree: built on first need, not for every trace.
    let children: Map<string, SpanRecord[]> | undefined;
    for (const span of trace.spans) {
      const role = spanRole(span);
      const a = span.attributes;
      if (role === 'agent') {
        const name = a[ATTR.genAiAgentName] ?? a[ATTR.genAiAgentId];
        if (name !== undefined) a[ATTR.genAiAgentName] = name;
        if (a[ATTR.genAiProviderName] === undefined) {
          children ??= childrenOf(trace.spans);
          const provider = firstProvider(span, children);
          if (provider !== undefined) a[ATTR.genAiProviderName] = provider;
        }
      } else if (role === 'tool') {
        delete a[ATTR.genAiAgentId];
        a[ATTR.genAiToolType] ??= TOOL_TYPE;
      }
    }
  };
}

function childrenOf(spans: readonly SpanRecord[]): Map<string, SpanRecord[]> {
  const children = new Map<string, SpanRecord[]>();
  for (const span of spans) {
    if (span.parentSpanId === undefined) continue;
    const list = children.get(span.parentSpanId);
    if (list === undefined) children.set(span.parentSpanId, [span]);
    else list.push(span);
  }
  return children;
}

/** The provider of the earliest model call under `root`, depth first over its subtree. */
function firstProvider(root: SpanRecord, children: ReadonlyMap<string, SpanRecord[]>): string | undefined {
  let best: { startMs: number; provider: string } | undefined;
  const stack = [...(children.get(root.spanId) ?? [])];
  while (stack.length > 0) {
    const span = stack.pop() as SpanRecord;
    const provider = span.attributes[ATTR.genAiProviderName];
    if (spanRole(span) === 'model' && typeof provider === 'string' && (best === undefined || span.startMs < best.startMs)) best = { startMs: span.startMs, provider };
    stack.push(...(children.get(span.spanId) ?? []));
  }
  return best?.provider;
}
