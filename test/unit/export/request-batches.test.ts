import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeTraceRequest, TraceRequestWriter } from '../../../src/export/trace-request-writer.js';
import { toReadableSpans } from '../../../src/export/readable-span.js';
import { encodeRequests, requestTraces } from '../../../src/export/request-batches.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';
import { sampleTraces } from '../../support/sample-traces.js';

const RESOURCE = { serviceName: 'openclaw-gateway', attributes: { 'deployment.environment.name': 'prod' } };

const sdkBytes = (traces: readonly FinishedTrace[]): Buffer => Buffer.from(ProtobufTraceSerializer.serializeRequest(toReadableSpans(traces, RESOURCE)) ?? new Uint8Array());
const spanIds = (traces: readonly FinishedTrace[]): string[] => traces.flatMap((trace) => trace.spans.map((span) => span.spanId));

describe('requests cut while encoding', () => {
  const traces = sampleTraces();
  // Two hosts, interleaved: each request has a ResourceSpans per host, in the order the hosts come.
  const mixed = traces.map((trace, i) => (i % 3 === 1 ? { ...trace, hostName: 'other-host' } : trace));
  // One writer for every call, as an exporter keeps it: what a call leaves in it must not show in the next.
  const writer = new TraceRequestWriter(RESOURCE);

  it('cuts the sample into requests of at most the byte limit, each the bytes the SDK writes for its spans, and each as full as the limit allows', () => {
    const limit = 6 * 1024;
    const requests = encodeRequests(mixed, writer, { maxSpans: 512, maxBytes: limit });
    expect(requests.length).toBeGreaterThan(5);
    let alone = 0;
    for (const [i, request] of requests.entries()) {
      const spans = requestTraces(mixed, request);
      expect(Buffer.from(request.body).equals(sdkBytes(spans)), `request ${i}`).toBe(true);
      if (request.body.length > limit) {
        // One span bigger than the limit on its own cannot be cut: it goes alone.
        alone += 1;
        expect(request.spans).toBe(1);
        continue;
      }
      const next = requests[i + 1];
      if (next === undefined) continue;
      // The cut was needed: the next request's first span would have passed the limit here.
      const firstOfNext = requestTraces(mixed, { ...next, spans: 1 });
      expect(sdkBytes([...spans, ...firstOfNext]).length, `request ${i}`).toBeGreaterThan(limit);
    }
    expect(alone).toBeLessThan(requests.length / 4);
    expect(requests.flatMap((request) => spanIds(requestTraces(mixed, request)))).toEqual(spanIds(mixed));
  });

  it('honours maxSpans as well, and without a limit reached writes one request as encodeTraceRequest does', () => {
    const requests = encodeRequests(mixed, writer, { maxSpans: 5, maxBytes: 1 << 30 });
    const total = traces.reduce((n, t) => n + t.spans.length, 0);
    expect(requests.length).toBe(Math.ceil(total / 5));
    for (const request of requests) {
      expect(request.spans).toBeLessThanOrEqual(5);
      expect(Buffer.from(request.body).equals(sdkBytes(requestTraces(mixed, request)))).toBe(true);
    }
    const whole = encodeRequests(mixed, writer, { maxSpans: 1 << 20, maxBytes: 1 << 30 });
    expect(whole.length).toBe(1);
    expect(Buffer.from(whole[0]?.body ?? []).equals(Buffer.from(encodeTraceRequest(mixed, RESOURCE)))).toBe(true);
  });

  it('writes the same requests after a call that stopped half way (a span that failed to encode)', () => {
    const want = encodeRequests(mixed, writer, { maxSpans: 7, maxBytes: 1 << 20 }).map((request) => Buffer.from(request.body));
    const first = mixed[0]?.spans[0];
    expect(first).toBeDefined();
    if (first === undefined) return;
    // As a call that failed would: reset, a span written, and the next one thrown half written, into the other host.
    writer.reset();
    writer.add(writer.host('other-host'), first, 1 << 20);
    // Thrown after the span's ids, name and attributes are written.
    expect(() => writer.add(writer.host(undefined), { ...first, events: undefined as unknown as [] }, 1 << 20)).toThrow(TypeError);
    const again = encodeRequests(mixed, writer, { maxSpans: 7, maxBytes: 1 << 20 }).map((request) => Buffer.from(request.body));
    expect(again).toEqual(want);
  });

  it('sends nothing for a call without spans', () => {
    expect(encodeRequests([], writer, { maxSpans: 5, maxBytes: 1 << 20 })).toEqual([]);
    expect(encodeRequests([{ traceId: 'a'.repeat(32), incomplete: false, spans: [] }], writer, { maxSpans: 5, maxBytes: 1 << 20 })).toEqual([]);
  });
});
