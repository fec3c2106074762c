import type { AttributeValue } from '@opentelemetry/api';
import type { FinishedTrace, SpanAttributes, SpanRecord } from '../../model/span-record.js';

/**
 * One step between the reconstructor and an exporter. It rewrites a trace in
 * place, but only ever a copy (`copyTrace`): the reconstructor's trace is
 * never touched, so a retried batch is transformed from the same input again.
 */
export type SpanTransform = (trace: FinishedTrace) => void;

/** A copy of the trace whose spans, attribute maps, events and statuses can be changed freely. */
export function copyTrace(trace: FinishedTrace): FinishedTrace {
  return { ...trace, spans: trace.spans.map(copySpan) };
}

function copySpan(span: SpanRecord): SpanRecord {
  return {
    ...span,
    attributes: { ...span.attributes },
    status: { ...span.status },
    events: span.events.map((event) => (event.attributes === undefined ? { ...event } : { ...event, attributes: { ...event.attributes } })),
  };
}

/** Every attribute map of a span: its own and each event's. */
export function attributeMaps(span: SpanRecord): SpanAttributes[] {
  const maps = [span.attributes];
  for (const event of span.events) if (event.attributes !== undefined) maps.push(event.attributes);
  return maps;
}

/** Rewrites every string of a value (arrays element by element); other values pass through. */
export function mapStringValue(value: AttributeValue, rewrite: (text: string) => string): AttributeValue {
  if (typeof value === 'string') return rewrite(value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === 'string' ? rewrite(item) : item)) as AttributeValue;
  return value;
}

/** Rewrites every exported string of a span in place: name, attribute values, event names and attributes, status message. */
export function rewriteStrings(span: SpanRecord, rewrite: (text: string) => string, skip?: (map: SpanAttributes, key: string) => boolean): void {
  span.name = rewrite(span.name);
  for (const map of attributeMaps(span)) {
    for (const [key, value] of Object.entries(map)) if (skip?.(map, key) !== true) map[key] = mapStringValue(value, rewrite);
  }
  for (const event of span.events) event.name = rewrite(event.name);
  if (span.status.message !== undefined) span.status.message = rewrite(span.status.message);
}
