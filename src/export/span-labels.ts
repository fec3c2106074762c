import type { AttributeValue } from '@opentelemetry/api';
import { ATTR } from '../model/attribute-names.js';
import type { SpanRecord } from '../model/span-record.js';

/**
 * What a span line of the console tree says beside its timeline, under short
 * labels a newcomer can read (`model=gpt-4o tokens=1200 in/85 out HTTP 200`),
 * not attribute keys; what the span's name already says is not repeated.
 */

const MAX_VALUE_CHARS = 40;
const MAX_EVENT_KINDS = 3;

/** The run id every span of the trace that has one shares: said once in the trace's header. */
export function sharedRunId(spans: readonly SpanRecord[]): AttributeValue | undefined {
  let shared: AttributeValue | undefined;
  for (const span of spans) {
    const value = span.attributes[ATTR.openclawRunId];
    if (value === undefined || value === null) continue;
    if (shared !== undefined && shared !== value) return undefined;
    shared = value;
  }
  return shared;
}

export function spanLabels(span: SpanRecord, traceRunId: AttributeValue | undefined): string {
  const attributes = span.attributes;
  const parts: string[] = [];
  const add = (label: string, value: AttributeValue | null | undefined): void => {
    if (value !== undefined && value !== null) parts.push(`${label}=${formatValue(value)}`);
  };
  const model = attributes[ATTR.genAiRequestModel];
  if (typeof model !== 'string' || !span.name.includes(model)) add('model', model);
  const input = attributes[ATTR.genAiUsageInputTokens];
  const output = attributes[ATTR.genAiUsageOutputTokens];
  if (input !== undefined || output !== undefined) parts.push(`tokens=${String(input ?? '?')} in/${String(output ?? '?')} out`);
  const tool = attributes[ATTR.genAiToolName];
  if (typeof tool !== 'string' || !span.name.includes(tool)) add('tool', tool);
  add('call', attributes[ATTR.genAiToolCallId]);
  const status = attributes[ATTR.httpResponseStatusCode];
  if (status !== undefined && status !== null) parts.push(`HTTP ${String(status)}`);
  add('error', attributes[ATTR.errorType]);
  const run = attributes[ATTR.openclawRunId];
  if (run !== traceRunId) add('run', run);
  const cost = attributes[ATTR.openclawCostUsd];
  if (typeof cost === 'number') parts.push(`cost=$${cost}`);
  if (attributes[ATTR.openclawSpanIncomplete] === true) parts.push('incomplete');
  return parts.join(' ');
}

/** `events: 3 log lines, queued, failover ×2 +1 more`: the span's events counted by kind, in order of first appearance. */
export function eventSummary(span: SpanRecord): string {
  if (span.events.length === 0) return '';
  const counts = new Map<string, number>();
  for (const event of span.events) counts.set(event.name, (counts.get(event.name) ?? 0) + 1);
  const kinds = [...counts].slice(0, MAX_EVENT_KINDS).map(([name, count]) => {
    // A `log` event is a log line of the gateway attached to the span.
    if (name === 'log') return `${count} log ${count === 1 ? 'line' : 'lines'}`;
    return count === 1 ? name : `${name} ×${count}`;
  });
  const more = counts.size > MAX_EVENT_KINDS ? ` +${counts.size - MAX_EVENT_KINDS} more` : '';
  return `events: ${kinds.join(', ')}${more}`;
}

export function formatValue(value: AttributeValue): string {
  if (typeof value === 'string') {
    const text = truncate(oneLine(value));
    return text === '' || /\s/.test(text) ? JSON.stringify(text) : text;
  }
  if (Array.isArray(value)) return truncate(JSON.stringify(value));
  return String(value);
}

export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function truncate(text: string): string {
  return text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS - 1)}…` : text;
}
