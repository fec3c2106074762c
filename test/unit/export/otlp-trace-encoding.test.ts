import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeTraceRequest } from '../../../src/export/trace-request-writer.js';
import { responseReader } from '../../../src/export/otlp-trace-sender.js';
import { toReadableSpans } from '../../../src/export/readable-span.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { sampleTraces } from '../../support/sample-traces.js';

const RESOURCE = { serviceName: 'openclaw-gateway', attributes: { 'deployment.environment.name': 'prod', 'service.name': 'overridden' } };

const sdkBytes = (traces: readonly FinishedTrace[]): Buffer => Buffer.from(ProtobufTraceSerializer.serializeRequest(toReadableSpans(traces, RESOURCE)) ?? new Uint8Array());
const ourBytes = (traces: readonly FinishedTrace[]): Buffer => Buffer.from(encodeTraceRequest(traces, RESOURCE));

const span = (over: Partial<SpanRecord>): SpanRecord => ({
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  name: 'edge',
  kind: 'internal',
  startMs: 1_763_744_979_192,
  endMs: 1_763_744_980_006,
  attributes: {},
  status: { code: 'unset' },
  events: [],
  ...over,
});

describe('OTLP protobuf encoding', () => {
  it('writes the same bytes as the SDK serializer for every trace of the real sample, one by one and all in one request', () => {
    const traces = sampleTraces();
    expect(traces.length).toBeGreaterThan(10);
    for (const trace of traces) expect(ourBytes([trace]).equals(sdkBytes([trace])), trace.traceId).toBe(true);
    const all = ourBytes(traces);
    expect(all.length).toBeGreaterThan(16 * 1024); // long enough for multi-byte lengths at every level
    expect(all.equals(sdkBytes(traces))).toBe(true);
  });

  it('writes the same bytes as the SDK for the values the sample lacks', () => {
    const long = 'x'.repeat(20_000);
    const edge = span({
      parentSpanId: 'a1b2c3d4e5f60718',
      kind: 'client',
      // Fractions of a millisecond, a span ending before it starts (pinned to zero length).
      startMs: 1_763_744_979_192.457,
      endMs: 1_763_744_979_100,
      attributes: {
        unicode: 'héllo ⇄ 日本 🙂',
        lone: 'a\ud800b',
        long,
        longUnicode: `é${long}`,
        negative: -42,
        bigInt: 2 ** 40 + 3,
        hugeNegative: -(2 ** 52),
        double: 0.125,
        nan: Number.NaN,
        tooBig: 2 ** 64,
        yes: true,
        no: false,
        zero: 0,
        empty: '',
        strings: ['a', 'é', ''],
        numbers: [1, 2.5, -3],
        holes: [null, 'x', undefined] as unknown as string[],
      },
      status: { code: 'error', message: 'boom ⇄' },
      events: [
        { name: 'log', timeMs: 1_763_744_979_500.25, attributes: { 'log.message': long } },
        { name: 'bare', timeMs: 1_763_744_979_501 },
      ],
    });
    const other = span({ spanId: 'c0ffee0000000001', kind: 'server', status: { code: 'ok', message: '' }, name: '' });
    const traces: FinishedTrace[] = [
      { traceId: edge.traceId, hostName: 'host-a', incomplete: false, spans: [edge] },
      { traceId: other.traceId, incomplete: true, spans: [other] },
      { traceId: 'f'.repeat(32), hostName: 'host-a', incomplete: false, spans: [span({ traceId: 'f'.repeat(32), kind: 'consumer' })] },
      { traceId: 'e'.repeat(32), hostName: '', incomplete: false, spans: [span({ traceId: 'e'.repeat(32), kind: 'producer' })] },
      { traceId: 'd'.repeat(32), hostName: 'host-b', incomplete: false, spans: [] },
    ];
    expect(ourBytes(traces).equals(sdkBytes(traces))).toBe(true);
  });

  it('reads a partial_success answer, skipping fields it does not know', () => {
    // partial_success { rejected_spans: 300, error_message: "too old" }, then an unknown fixed64 and an unknown varint.
    const message = Buffer.from('too old');
    const inner = Buffer.concat([Buffer.from([0x08, 0xac, 0x02, 0x12, message.length]), message]);
    const body = Buffer.concat([Buffer.from([0x0a, inner.length]), inner, Buffer.from([0x11, 1, 2, 3, 4, 5, 6, 7, 8, 0x18, 0x05])]);
    // Read with the library's deserializer (responseReader); the SDK is handed an empty response.
    const reader = responseReader('TRACES', 'protobuf');
    expect(reader.serializer.deserializeResponse(body)).toEqual({});
    expect(reader.take()).toEqual({ spans: 300, message: 'too old' });
    expect(reader.take()).toBeUndefined();
    reader.serializer.deserializeResponse(new Uint8Array());
    expect(reader.take()).toBeUndefined();
    expect(() => reader.serializer.deserializeResponse(Buffer.from([0x0a, 0x05, 0x08]))).toThrow(/truncated/i);
  });
});
