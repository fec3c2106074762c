import { ATTR } from '../../model/attribute-names.js';
import type { SpanAttributes } from '../../model/span-record.js';
import { spanRole, type SpanRole } from './span-role.js';
import type { SpanTransform } from './span-transform.js';

/**
 * `--semconv openclaw`: span names, and the attributes dashboards filter on,
 * as OpenClaw's own diagnostics-otel plugin writes them, so dashboards built
 * on that plugin work unchanged. The GenAI attributes stay.
 */
const NAMES: Readonly<Record<SpanRole, string | undefined>> = {
  model: 'openclaw.model.call',
  tool: 'openclaw.tool.execution',
  agent: 'openclaw.run',
  harness: 'openclaw.harness.run',
  message: 'openclaw.message.processed',
  other: undefined,
};

/** The plugin's attribute name ← ours. */
const ALIASES: readonly (readonly [string, string])[] = [
  ['openclaw.provider', ATTR.genAiProviderName],
  ['openclaw.model', ATTR.genAiRequestModel],
  ['openclaw.toolName', ATTR.genAiToolName],
  ['openclaw.agent', ATTR.genAiAgentId],
];

const DISPATCH = 'openclaw.message.dispatch';

/** diagnostics-otel's model-call attribute for OpenClaw's timeToFirstByteMs. */
const FIRST_BYTE_MS = 'openclaw.model_call.time_to_first_byte_ms';

export function openclawSemconvTransform(): SpanTransform {
  return (trace) => {
    for (const span of trace.spans) {
      const name = NAMES[spanRole(span)];
      // diagnostics-otel has no dispatch span: it keeps its own name, not a second `openclaw.message.processed`.
      if (name !== undefined && span.name !== DISPATCH) span.name = name;
      copyAliases(span.attributes);
      // The plugin's name and unit (ms) for what the GenAI convention gives in seconds.
      const firstChunk = span.attributes[ATTR.genAiResponseTimeToFirstChunk];
      if (typeof firstChunk === 'number' && span.attributes[FIRST_BYTE_MS] === undefined) span.attributes[FIRST_BYTE_MS] = Math.round(firstChunk * 1000);
    }
  };
}

function copyAliases(attributes: SpanAttributes): void {
  for (const [alias, ours] of ALIASES) {
    const value = attributes[ours];
    if (value !== undefined && attributes[alias] === undefined) attributes[alias] = value;
  }
}
