import type { AttributeValue } from '@opentelemetry/api';
import type { FinishedTrace, SpanAttributes, SpanRecord } from '../model/span-record.js';
import type { ResourceOptions } from './readable-span.js';

/** The limits of one OTLP request. */
export interface RequestLimits {
  maxSpans: number;
  /** Encoded body size (protobuf, before compression). */
  maxBytes: number;
}

/**
 * Cuts one export call into requests that each hold at most `maxSpans` spans
 * and, by an upper-bound estimate of the protobuf encoding, at most `maxBytes`.
 * A trace may be split across requests (backends join spans by trace id). A
 * single span bigger than `maxBytes` on its own goes alone: it cannot be cut,
 * and `--max-content-bytes` bounds what makes spans big.
 */
export function splitIntoRequests(traces: readonly FinishedTrace[], resource: ResourceOptions, limits: RequestLimits): FinishedTrace[][] {
  const requests: FinishedTrace[][] = [];
  let current: FinishedTrace[] = [];
  let spans = 0;
  let bytes = 0;
  const hosts = new Set<string | undefined>();
  const close = (): void => {
    if (spans > 0) requests.push(current);
    current = [];
    spans = 0;
    bytes = 0;
    hosts.clear();
  };
  for (const trace of traces) {
    let part: FinishedTrace | undefined;
    for (const span of trace.spans) {
      const size = estimateSpanBytes(span);
      // Each host in a request adds a ResourceSpans with its resource.
      let resourceCost = hosts.has(trace.hostName) ? 0 : estimateResourceBytes(resource, trace.hostName);
      if (spans > 0 && (spans + 1 > limits.maxSpans || bytes + resourceCost + size > limits.maxBytes)) {
        close();
        part = undefined;
        resourceCost = estimateResourceBytes(resource, trace.hostName);
      }
      if (part === undefined) {
        part = { ...trace, spans: [] };
        current.push(part);
      }
      bytes += resourceCost + size;
      hosts.add(trace.hostName);
      part.spans.push(span);
      spans += 1;
    }
  }
  close();
  return requests;
}

// Upper bounds of protobuf framing: a tag is 1-2 bytes, a length varint at most 5 (we never
// encode 4 GiB), a fixed64 8, a varint number 10.
const FIELD = 7;
const NUMBER = 11;

/** At least the encoded size of the span inside its ScopeSpans (ids, times, name, kind, status, attributes, events). */
export function estimateSpanBytes(span: SpanRecord): number {
  let size = FIELD + 16 + FIELD + 8 + FIELD + 8 + FIELD + utf8(span.name) + NUMBER + 2 * (FIELD + 8) + FIELD + 4;
  size += FIELD + NUMBER + FIELD + utf8(span.status.message ?? '');
  size += attributesBytes(span.attributes);
  for (const event of span.events) size += FIELD + FIELD + 8 + FIELD + utf8(event.name) + attributesBytes(event.attributes ?? {});
  return size;
}

/** At least the encoded size of one ResourceSpans' own fields: the resource and the scope. */
export function estimateResourceBytes(resource: ResourceOptions, hostName: string | undefined): number {
  let size = 3 * FIELD + 64; // ResourceSpans, ScopeSpans, scope name and version
  size += keyValueBytes('service.name', resource.serviceName);
  if (hostName !== undefined) size += keyValueBytes('host.name', hostName);
  for (const [key, value] of Object.entries(resource.attributes)) size += keyValueBytes(key, value);
  return size;
}

function attributesBytes(attributes: SpanAttributes): number {
  let size = 0;
  for (const key in attributes) {
    const value = attributes[key];
    if (value !== undefined) size += keyValueBytes(key, value);
  }
  return size;
}

function keyValueBytes(key: string, value: AttributeValue): number {
  return FIELD + FIELD + utf8(key) + FIELD + anyValueBytes(value);
}

function anyValueBytes(value: AttributeValue | null | undefined): number {
  if (typeof value === 'string') return FIELD + utf8(value);
  if (typeof value === 'number' || typeof value === 'boolean') return FIELD + NUMBER;
  if (Array.isArray(value)) {
    let size = FIELD;
    for (const item of value) size += FIELD + anyValueBytes(item);
    return size;
  }
  return FIELD;
}

function utf8(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
