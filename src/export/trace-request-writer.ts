import { GENAI_SCHEMA_URL } from '../model/attribute-names.js';
import type { FinishedTrace, SpanRecord } from '../model/span-record.js';
import { LEN, writeResource, writeScope, writeSpan } from './otlp-trace-encoding.js';
import { ProtoWriter, varintLength, writeVarintAt } from './proto-writer.js';
import { resourceAttributes, type ResourceOptions } from './readable-span.js';

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
