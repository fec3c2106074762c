import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { toReadableSpans } from '../../../src/export/readable-span.js';
import { estimateResourceBytes, estimateSpanBytes, splitIntoRequests } from '../../../src/export/request-batches.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { sampleTraces } from '../../support/sample-traces.js';

const RESOURCE = { serviceName: 'openclaw-gateway', attributes: { 'deployment.environment.name': 'prod' } };

const encodedSize = (traces: readonly FinishedTrace[]): number => ProtobufTraceSerializer.serializeRequest(toReadableSpans(traces, RESOURCE))?.length ?? 0;

describe('request size estimate', () => {
  const traces = sampleTraces();

  it('is never below the real protobuf encoding, span by span, and not far above it', () => {
    expect(traces.length).toBeGreaterThan(0);
    for (const trace of traces) {
      for (const span of trace.spans) {
        const alone: FinishedTrace = { ...trace, spans: [span] };
        const actual = encodedSize([alone]);
        const estimate = estimateSpanBytes(span) + estimateResourceBytes(RESOURCE, trace.hostName);
        expect(estimate, span.name).toBeGreaterThanOrEqual(actual);
        expect(estimate, span.name).toBeLessThan(actual * 3);
      }
    }
  });

  it('splits the sample into requests that each encode under the limit, keeping every span once and in order', () => {
    const limit = 6 * 1024;
    const requests = splitIntoRequests(traces, RESOURCE, { maxSpans: 512, maxBytes: limit });
    expect(requests.length).toBeGreaterThan(1);
    let alone = 0;
    for (const request of requests) {
      const spans = request.flatMap((trace) => trace.spans);
      if (spans.length === 1 && encodedSize(request) > limit) {
        // One span bigger than the limit on its own cannot be cut: it goes alone.
        alone += 1;
        expect(estimateSpanBytes(spans[0] as SpanRecord)).toBeGreaterThan(limit / 2);
        continue;
      }
      expect(encodedSize(request)).toBeLessThanOrEqual(limit);
    }
    expect(alone).toBeLessThan(requests.length / 4);
    const sent = requests.flatMap((request) => request.flatMap((trace) => trace.spans.map((s) => s.spanId)));
    expect(sent).toEqual(traces.flatMap((trace) => trace.spans.map((s) => s.spanId)));
  });

  it('honours maxSpans as well', () => {
    const requests = splitIntoRequests(traces, RESOURCE, { maxSpans: 5, maxBytes: 1 << 30 });
    const total = traces.reduce((n, t) => n + t.spans.length, 0);
    expect(requests.length).toBe(Math.ceil(total / 5));
    for (const request of requests) expect(request.reduce((n, t) => n + t.spans.length, 0)).toBeLessThanOrEqual(5);
  });
});
