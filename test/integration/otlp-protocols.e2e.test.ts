import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpGrpcReceiver, type OtlpGrpcReceiver } from '../support/otlp-grpc-receiver.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedLogRecord, type ReceivedSpan } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

const LOG = new URL('../fixtures/openclaw-2026.9.6/file-log.jsonl', import.meta.url).pathname;
const EVENTS = new URL('../fixtures/diagnostic-events.jsonl', import.meta.url).pathname;

let http: OtlpReceiver | undefined;
let grpc: OtlpGrpcReceiver | undefined;
afterEach(async () => {
  await http?.close();
  await grpc?.close();
  http = undefined;
  grpc = undefined;
});

type SpanView = Map<string, { name: string; parent: string | undefined; attributes: Record<string, unknown> }>;

/** Spans by trace and span id: name, parent and attributes, what must not depend on the protocol. */
function byId(spans: readonly ReceivedSpan[]): SpanView {
  return new Map(spans.map((s) => [`${s.traceId}/${s.spanId}`, { name: s.name, parent: s.parentSpanId, attributes: s.attributes }]));
}

/** What the sample gives over OTLP/HTTP protobuf, the reference the other protocols must match. */
async function reference(): Promise<SpanView> {
  http = await startOtlpReceiver();
  const result = await runCli(['backfill', '--endpoint', http.url, LOG, EVENTS]);
  expect(result.code, result.stderr).toBe(0);
  const spans = byId(http.spans);
  await http.close();
  http = undefined;
  return spans;
}

// OTEL_EXPORTER_OTLP_PROTOCOL (OpenTelemetry specification, protocol/exporter.md): grpc, http/protobuf, http/json.
describe('OTLP protocols', () => {
  it('grpc: the sample reaches a real OTLP/gRPC TraceService on 127.0.0.1, every span as over HTTP, headers as metadata', async () => {
    const expected = await reference();
    grpc = await startOtlpGrpcReceiver();
    const result = await runCli(['backfill', LOG, EVENTS], {
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_EXPORTER_OTLP_ENDPOINT: grpc.url,
      OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=gw-1',
    });
    expect(result.code, result.stderr).toBe(0);
    expect(grpc.errors).toEqual([]);
    expect(grpc.calls.length).toBeGreaterThan(0);
    for (const call of grpc.calls) expect(call.metadata['x-tenant']).toBe('gw-1');
    const got = byId(grpc.spans);
    expect(got.size).toBe(expected.size);
    expect(got).toEqual(expected);
    // The summary names where the spans went: the collector's address, no /v1/traces.
    expect(result.stderr + result.stdout).not.toContain(`${grpc.url}/v1/traces`);
  });

  it('grpc --logs: every log record to the LogsService of the same address, as over HTTP, headers as metadata', async () => {
    http = await startOtlpReceiver();
    const overHttp = await runCli(['backfill', '--logs', '--endpoint', http.url, LOG]);
    expect(overHttp.code, overHttp.stderr).toBe(0);
    const withoutReadTime = (logs: readonly ReceivedLogRecord[]): unknown[] => logs.map(({ observedMs: _, ...rest }) => rest);
    const expected = withoutReadTime(http.logs);
    expect(expected).toHaveLength(743);
    grpc = await startOtlpGrpcReceiver();
    const result = await runCli(['backfill', '--logs', LOG], { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_ENDPOINT: grpc.url, OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=gw-1' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('743 log records exported, 0 failed');
    expect(grpc.errors).toEqual([]);
    expect(grpc.logCalls.length).toBeGreaterThan(0);
    for (const call of grpc.logCalls) expect(call.metadata['x-tenant']).toBe('gw-1');
    expect(withoutReadTime(grpc.logs)).toEqual(expected);
  });

  it('http/json: application/json bodies, the same spans', async () => {
    const expected = await reference();
    http = await startOtlpReceiver();
    const result = await runCli(['backfill', '--protocol', 'http/json', '--endpoint', http.url, LOG, EVENTS]);
    expect(result.code, result.stderr).toBe(0);
    expect(http.errors).toEqual([]);
    for (const request of http.requests) expect(request.contentType).toBe('application/json');
    const got = byId(http.spans);
    expect(got).toEqual(expected);
  });

  it('an unknown protocol stops at start-up naming the variable and what is allowed', async () => {
    const result = await runCli(['backfill', '--endpoint', 'http://127.0.0.1:9', LOG], { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc/json' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL: invalid value "grpc/json"; expected one of http/protobuf, http/json, grpc.');
  });
});
