import type { AttributeValue } from '@opentelemetry/api';
import { GENAI_SCHEMA_URL } from '../model/attribute-names.js';
import type { FinishedTrace, SpanAttributes, SpanEventRecord, SpanRecord, SpanStatusRecord } from '../model/span-record.js';
import { ProtoWriter } from './proto-writer.js';
import { msToHrTime, OTEL_TAIL_VERSION, resourceAttributes, type ResourceOptions } from './readable-span.js';

/**
 * FinishedTraces → one OTLP `ExportTraceServiceRequest` in protobuf, written straight from our
 * span records in one pass (no SDK ReadableSpans, no size pre-pass). The bytes are the SDK's
 * serializer's for the same spans (toReadableSpans + ProtobufTraceSerializer; a test compares
 * both): one ResourceSpans per host in the order hosts first appear, each with one ScopeSpans
 * (`otel-tail` and its version, the GenAI conventions' schema URL), span fields in the SDK's order with its defaults written.
 */
export function encodeTraceRequest(traces: readonly FinishedTrace[], resource: ResourceOptions): Uint8Array {
  const request = new TraceRequestWriter(resource);
  for (const trace of traces) {
    const host = request.host(trace.hostName);
    for (const span of trace.spans) request.add(host, span, Number.POSITIVE_INFINITY);
  }
  return request.finish();
}

/** One host's part of the request being written: its spans' bytes, and its resource and scope, written once. */
export interface HostSpans {
  readonly spans: ProtoWriter;
  /** ResourceSpans.resource and ScopeSpans.scope fields, and ScopeSpans.schema_url, as bytes. */
  readonly resource: Uint8Array;
  readonly scope: Uint8Array;
  readonly schemaUrl: Uint8Array;
  /** Its ResourceSpans' encoded size (tag and length included) with the spans written so far; 0 while it has none. */
  size: number;
}

/**
 * Writes spans into one request, knowing its exact encoded size after every span: each host's
 * spans go into a buffer of their own, and `finish()` puts the ResourceSpans around them (with
 * lengths known, nothing is moved). So a request is cut where the next span would pass the byte
 * limit without an estimate pass over the spans first, and `reset()` starts the next with the
 * same buffers.
 */
export class TraceRequestWriter {
  readonly #hosts = new Map<string | undefined, HostSpans>();
  /** The hosts of the request being written, in the order their first span came. */
  #order: HostSpans[] = [];
  #size = 0;
  #spans = 0;

  constructor(private readonly resource: ResourceOptions) {}

  /** Spans written into the current request. */
  get spans(): number {
    return this.#spans;
  }

  /** Where a host's spans go; look it up once per trace. */
  host(hostName: string | undefined): HostSpans {
    let host = this.#hosts.get(hostName);
    if (host === undefined) {
      host = newHost(this.resource, hostName);
      this.#hosts.set(hostName, host);
    }
    return host;
  }

  /**
   * Writes `span` into `host`'s part unless the request would then pass `maxBytes` (the request's
   * first span is always written: one span bigger than the limit goes alone). False: nothing was written.
   */
  add(host: HostSpans, span: SpanRecord, maxBytes: number): boolean {
    const before = host.spans.length;
    writeSpan(host.spans, span);
    const size = hostSize(host, host.spans.length);
    if (this.#spans > 0 && this.#size - host.size + size > maxBytes) {
      host.spans.truncate(before);
      return false;
    }
    if (host.size === 0) this.#order.push(host);
    this.#size += size - host.size;
    host.size = size;
    this.#spans++;
    return true;
  }

  /** The request's bytes (a buffer of its own; the writer may go on with reset()). */
  finish(): Uint8Array {
    const body = Buffer.allocUnsafe(this.#size);
    let at = 0;
    for (const host of this.#order) {
      const scopeSpans = scopeSpansLength(host, host.spans.length);
      body[at++] = (1 << 3) | LEN; // ExportTraceServiceRequest.resource_spans
      at = writeVarintAt(body, at, host.resource.length + 1 + varintLength(scopeSpans) + scopeSpans);
      body.set(host.resource, at);
      at += host.resource.length;
      body[at++] = (2 << 3) | LEN; // ResourceSpans.scope_spans
      at = writeVarintAt(body, at, scopeSpans);
      body.set(host.scope, at);
      at += host.scope.length;
      at = host.spans.copyTo(body, at);
      body.set(host.schemaUrl, at);
      at += host.schemaUrl.length;
    }
    return body;
  }

  /** Starts the next request (also after one left half written by an error). */
  reset(): void {
    // Each host keeps its grown buffer, but not an unbounded number of them.
    if (this.#hosts.size > MAX_HOSTS_KEPT) this.#hosts.clear();
    for (const host of this.#hosts.values()) {
      host.spans.truncate(0);
      host.size = 0;
    }
    this.#order = [];
    this.#size = 0;
    this.#spans = 0;
  }
}

const MAX_HOSTS_KEPT = 8;

function newHost(resource: ResourceOptions, hostName: string | undefined): HostSpans {
  const fields = new ProtoWriter(1024);
  writeResource(fields, resourceAttributes(resource, hostName));
  const resourceEnd = fields.length;
  writeScope(fields);
  const scopeEnd = fields.length;
  fields.tag(3, LEN); // ScopeSpans.schema_url: the conventions the attributes follow
  fields.string(GENAI_SCHEMA_URL);
  const bytes = fields.finish();
  return {
    spans: new ProtoWriter(64 * 1024),
    resource: bytes.subarray(0, resourceEnd),
    scope: bytes.subarray(resourceEnd, scopeEnd),
    schemaUrl: bytes.subarray(scopeEnd),
    size: 0,
  };
}

function scopeSpansLength(host: HostSpans, spanBytes: number): number {
  return host.scope.length + spanBytes + host.schemaUrl.length;
}

function hostSize(host: HostSpans, spanBytes: number): number {
  const scopeSpans = scopeSpansLength(host, spanBytes);
  const resourceSpans = host.resource.length + 1 + varintLength(scopeSpans) + scopeSpans;
  return 1 + varintLength(resourceSpans) + resourceSpans;
}

function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

function writeVarintAt(target: Uint8Array, at: number, value: number): number {
  let v = value >>> 0;
  while (v > 0x7f) {
    target[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[at++] = v;
  return at;
}

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
function writeScope(writer: ProtoWriter): void {
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

function writeResource(writer: ProtoWriter, attributes: SpanAttributes): void {
  writer.tag(1, LEN); // ResourceSpans.resource
  const resource = writer.begin();
  writeAttributes(writer, attributes, 1);
  writer.tag(2, VARINT); // dropped_attributes_count
  writer.varint(0);
  writer.end(resource);
}

function writeSpan(writer: ProtoWriter, span: SpanRecord): void {
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
