import type { AttributeValue } from '@opentelemetry/api';
import type { SpanAttributes, SpanEventRecord, SpanRecord, SpanStatusRecord } from '../model/span-record.js';
import type { ProtoWriter } from './proto-writer.js';
import { msToHrTime, OTEL_TAIL_VERSION, resourceAttributes, type ResourceOptions } from './readable-span.js';

/*
 * The OTLP protobuf of our span records, field by field, with the bytes the SDK's serializer writes
 * for the same spans (field order, defaults written). A request is put together by TraceRequestWriter
 * (trace-request-writer.ts); the log records' encoding shares the resource, scope and values.
 */

/**
 * Opens one host's ResourceSpans / ResourceLogs (field 1 of the request) and its one ScopeSpans /
 * ScopeLogs (field 2), with the resource and the `otel-tail` scope written: the two signals' layouts
 * agree up to the records. The caller writes the records and ends `scoped`, then `outer`.
 */
export function beginResourceScope(writer: ProtoWriter, resource: ResourceOptions, hostName: string | undefined): { outer: number; scoped: number } {
  writer.tag(1, LEN);
  const outer = writer.begin();
  writeResource(writer, resourceAttributes(resource, hostName));
  writer.tag(2, LEN);
  const scoped = writer.begin();
  writeScope(writer);
  return { outer, scoped };
}

/** ScopeSpans.scope / ScopeLogs.scope: `otel-tail` and its version. */
export function writeScope(writer: ProtoWriter): void {
  writer.tag(1, LEN);
  const scope = writer.begin();
  writer.tag(1, LEN);
  writer.string(SCOPE_NAME);
  writer.tag(2, LEN);
  writer.string(OTEL_TAIL_VERSION);
  writer.end(scope);
}

const SCOPE_NAME = 'otel-tail';
// Wire types.
export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;
/** OTLP span kinds are the API's plus one (0 is UNSPECIFIED). */
const KINDS: Readonly<Record<string, number>> = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const STATUS_CODES: Readonly<Record<SpanStatusRecord['code'], number>> = { unset: 0, ok: 1, error: 2 };
/** W3C sampled, and "the parent's remoteness is known" (it is local): what the SDK sets on every span we give it. */
const SPAN_FLAGS = 0x01 | 0x100;

export function writeResource(writer: ProtoWriter, attributes: SpanAttributes): void {
  writer.tag(1, LEN); // ResourceSpans.resource
  const resource = writer.begin();
  writeAttributes(writer, attributes, 1);
  writer.tag(2, VARINT); // dropped_attributes_count
  writer.varint(0);
  writer.end(resource);
}

export function writeSpan(writer: ProtoWriter, span: SpanRecord): void {
  writer.tag(2, LEN); // ScopeSpans.spans
  const at = writer.begin();
  writer.tag(1, LEN);
  writer.hexBytes(span.traceId);
  writer.tag(2, LEN);
  writer.hexBytes(span.spanId);
  if (span.parentSpanId !== undefined && span.parentSpanId !== '') {
    writer.tag(4, LEN);
    writer.hexBytes(span.parentSpanId);
  }
  writer.tag(5, LEN);
  writer.string(span.name);
  writer.tag(6, VARINT);
  writer.varint(KINDS[span.kind] ?? 1);
  // A span that ends before it starts (clock step, mis-ordered lines) is pinned to zero length, as in readable-span.ts.
  writer.tag(7, I64);
  writeTime(writer, span.startMs);
  writer.tag(8, I64);
  writeTime(writer, span.endMs >= span.startMs ? span.endMs : span.startMs);
  writeAttributes(writer, span.attributes, 9);
  writer.tag(10, VARINT); // dropped_attributes_count
  writer.varint(0);
  for (const event of span.events) writeEvent(writer, event);
  writer.tag(12, VARINT); // dropped_events_count
  writer.varint(0);
  writer.tag(14, VARINT); // dropped_links_count
  writer.varint(0);
  writer.tag(15, LEN);
  const status = writer.begin();
  if (span.status.message !== undefined && span.status.message !== '') {
    writer.tag(2, LEN);
    writer.string(span.status.message);
  }
  writer.tag(3, VARINT);
  writer.varint(STATUS_CODES[span.status.code] ?? 0);
  writer.end(status);
  writer.tag(16, I32);
  writer.fixed32(SPAN_FLAGS);
  writer.end(at);
}

function writeEvent(writer: ProtoWriter, event: SpanEventRecord): void {
  writer.tag(11, LEN); // Span.events
  const at = writer.begin();
  writer.tag(1, I64);
  writeTime(writer, event.timeMs);
  writer.tag(2, LEN);
  writer.string(event.name);
  if (event.attributes !== undefined) writeAttributes(writer, event.attributes, 3);
  writer.tag(4, VARINT); // dropped_attributes_count
  writer.varint(0);
  writer.end(at);
}

export function writeAttributes(writer: ProtoWriter, attributes: SpanAttributes, field: number): void {
  for (const key in attributes) {
    if (!Object.hasOwn(attributes, key)) continue;
    writer.tag(field, LEN);
    const keyValue = writer.begin();
    writer.tag(1, LEN);
    writer.string(key);
    writer.tag(2, LEN);
    const value = writer.begin();
    writeAnyValue(writer, attributes[key]);
    writer.end(value);
    writer.end(keyValue);
  }
}

/** AnyValue as the SDK writes it: integers (in int64 range) as int_value, other numbers as double_value. */
export function writeAnyValue(writer: ProtoWriter, value: AttributeValue | null | undefined): void {
  if (typeof value === 'string') {
    writer.tag(1, LEN);
    writer.string(value);
  } else if (typeof value === 'boolean') {
    writer.tag(2, VARINT);
    writer.varint(value ? 1 : 0);
  } else if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= -(2 ** 63) && value < 2 ** 63) {
      writer.tag(3, VARINT);
      writer.int64(value);
    } else {
      writer.tag(4, I64);
      writer.double(value);
    }
  } else if (Array.isArray(value)) {
    writer.tag(5, LEN);
    const array = writer.begin();
    for (const item of value) {
      writer.tag(1, LEN);
      const itemAt = writer.begin();
      writeAnyValue(writer, item);
      writer.end(itemAt);
    }
    writer.end(array);
  }
  // null and undefined: an empty AnyValue, as the SDK writes them.
}

/** Epoch ms → fixed64 nanoseconds, through msToHrTime (whole microseconds), as the SDK's HrTime is written. */
export function writeTime(writer: ProtoWriter, epochMs: number): void {
  const [seconds, nanos] = msToHrTime(epochMs);
  // seconds × 1e9 + nanos in two 32-bit halves: each partial product stays below 2^53.
  const lowSeconds = seconds % 0x10000;
  const highSeconds = (seconds - lowSeconds) / 0x10000;
  const fromLow = lowSeconds * 1e9 + nanos;
  const fromHigh = highSeconds * 1e9; // × 2^16
  const low = (fromLow % 0x100000000) + (fromHigh % 0x10000) * 0x10000;
  const high = Math.floor(fromLow / 0x100000000) + Math.floor(fromHigh / 0x10000) + Math.floor(low / 0x100000000);
  writer.fixed64(low % 0x100000000, high);
}
