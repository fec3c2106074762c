import { afterEach, describe, expect, it } from 'vitest';
import { OtlpExportError, OtlpTraceExporter, resolveTracesUrl } from '../../src/export/otlp-exporter.js';
import type { OtlpTraceExporterOptions } from '../../src/export/otlp-exporter.js';
import type { FinishedTrace, SpanRecord } from '../../src/model/span-record.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import type { OtlpReceiver } from '../support/otlp-receiver.js';
import { byTrace, childrenOf, rootsOf } from '../support/span-tree.js';

const T = 1_700_000_000_000;
const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const TRACE_C = 'c0ffee0000000000000000000000beef';
const SECRET = 'Bearer s3cr3t-token-value';
const RESOURCE = { serviceName: 'openclaw-gateway', attributes: { 'deployment.environment.name': 'test' } };

function span(traceId: string, spanId: string, extra: Partial<SpanRecord> = {}): SpanRecord {
  return {
    traceId,
    spanId,
    name: `span ${spanId}`,
    kind: 'internal',
    startMs: T,
    endMs: T + 100,
    attributes: {},
    status: { code: 'unset' },
    events: [],
    ...extra,
  };
}

const traces: FinishedTrace[] = [
  {
    traceId: TRACE_A,
    hostName: 'gw-a',
    incomplete: false,
    spans: [
      span(TRACE_A, 'a000000000000001', {
        name: 'invoke_agent main',
        kind: 'server',
        endMs: T + 1230,
        attributes: { 'openclaw.run.id': 'run-1' },
        status: { code: 'ok' },
        events: [{ name: 'queued', timeMs: T + 1, attributes: { 'openclaw.lane': 'main' } }],
      }),
      span(TRACE_A, 'a000000000000002', {
        parentSpanId: 'a000000000000001',
        name: 'chat gpt-4o',
        kind: 'client',
        startMs: T + 10.5,
        endMs: T + 607.25,
        attributes: {
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.usage.input_tokens': 1200,
          'openclaw.cost.usd': 0.0123,
          'openclaw.span.incomplete': false,
          'openclaw.tags': ['a', 'b'],
        },
        status: { code: 'error', message: 'rate limited' },
      }),
    ],
  },
  { traceId: TRACE_B, hostName: 'gw-b', incomplete: false, spans: [span(TRACE_B, 'b000000000000001')] },
  { traceId: TRACE_C, hostName: 'gw-a', incomplete: true, spans: [span(TRACE_C, 'c000000000000001')] },
];

let receiver: OtlpReceiver | undefined;
let exporter: OtlpTraceExporter | undefined;

afterEach(async () => {
  await exporter?.shutdown();
  await receiver?.close();
  exporter = undefined;
  receiver = undefined;
});

function exporterFor(url: string, extra: Partial<OtlpTraceExporterOptions> = {}): OtlpTraceExporter {
  exporter = new OtlpTraceExporter({ url, headers: { authorization: SECRET }, resource: RESOURCE, ...extra });
  return exporter;
}

describe('OtlpTraceExporter → OTLP/HTTP receiver', () => {
  it('delivers ids, parents, times, attributes, status, events, resource and headers', async () => {
    receiver = await startOtlpReceiver();
    const outcome = await exporterFor(receiver.tracesUrl).export(traces);
    expect(outcome).toEqual({ status: 'success' });

    expect(receiver.errors).toEqual([]);
    expect(receiver.requests).toHaveLength(1);
    const request = receiver.requests[0];
    expect(request?.contentType).toBe('application/x-protobuf');
    expect(request?.headers['authorization']).toBe(SECRET);
    // gw-a's two traces share one Resource, so one ResourceSpans per host.
    expect(request?.resourceSpans).toBe(2);

    const spans = receiver.spans;
    expect(spans).toHaveLength(4);
    const groups = byTrace(spans);
    expect([...groups.keys()].sort()).toEqual([TRACE_B, TRACE_A, TRACE_C].sort());

    const traceA = groups.get(TRACE_A) ?? [];
    const [root] = rootsOf(traceA);
    expect(root).toMatchObject({
      traceId: TRACE_A,
      spanId: 'a000000000000001',
      parentSpanId: undefined,
      name: 'invoke_agent main',
      kind: 2,
      startMs: T,
      endMs: T + 1230,
      attributes: { 'openclaw.run.id': 'run-1' },
      status: { code: 1 },
      events: [{ name: 'queued', timeMs: T + 1, attributes: { 'openclaw.lane': 'main' } }],
      scope: 'otel-tail',
      resource: {
        'service.name': 'openclaw-gateway',
        'deployment.environment.name': 'test',
        'host.name': 'gw-a',
      },
    });
    const children = childrenOf(traceA, 'a000000000000001');
    expect(children).toHaveLength(1);
    expect(children[0]).toMatchObject({
      spanId: 'a000000000000002',
      parentSpanId: 'a000000000000001',
      kind: 3,
      startMs: T + 10.5,
      endMs: T + 607.25,
      status: { code: 2, message: 'rate limited' },
    });
    expect(children[0]?.attributes).toEqual({
      'gen_ai.request.model': 'gpt-4o',
      'gen_ai.usage.input_tokens': 1200,
      'openclaw.cost.usd': 0.0123,
      'openclaw.span.incomplete': false,
      'openclaw.tags': ['a', 'b'],
    });
    expect(groups.get(TRACE_B)?.[0]?.resource['host.name']).toBe('gw-b');
    expect(groups.get(TRACE_C)?.[0]?.resource['host.name']).toBe('gw-a');
  });

  it('reaches a receiver that reads span ids only (the benchmark\'s) with the same ids, and that receiver still refuses garbage', async () => {
    const seen: string[] = [];
    receiver = await startOtlpReceiver({ onSpanIds: (spans) => seen.push(...spans.map((s) => `${s.traceId}/${s.spanId}`)) });
    expect(await exporterFor(receiver.tracesUrl).export(traces)).toEqual({ status: 'success' });
    expect(seen.sort()).toEqual(traces.flatMap((t) => t.spans.map((s) => `${s.traceId}/${s.spanId}`)).sort());
    expect(receiver.requests.map((r) => [r.resourceSpans, r.spanCount])).toEqual([[2, 4]]);
    expect(receiver.spans).toEqual([]);
    const garbage = await fetch(receiver.tracesUrl, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array([0x0a, 0xff, 0xff, 0x01]) });
    expect(garbage.status).toBe(400);
    expect(receiver.errors).toHaveLength(1);
  });

  it('splits an export into requests of at most maxBatchSpans spans', async () => {
    receiver = await startOtlpReceiver();
    const many: FinishedTrace = {
      traceId: TRACE_A,
      incomplete: false,
      spans: [1, 2, 3, 4, 5].map((n) => span(TRACE_A, `d00000000000000${n}`)),
    };
    const outcome = await exporterFor(receiver.tracesUrl, { maxBatchSpans: 2 }).export([many]);
    expect(outcome).toEqual({ status: 'success' });
    expect(receiver.requests.map((r) => r.spanCount)).toEqual([2, 2, 1]);
    expect(new Set(receiver.spans.map((s) => s.spanId)).size).toBe(5);
    // No hostName: the resource has no host.name at all.
    expect(receiver.spans[0]?.resource).toEqual({
      'service.name': 'openclaw-gateway',
      'deployment.environment.name': 'test',
    });
  });

  it('splits an export into requests no bigger than maxRequestBytes, across traces and hosts, losing nothing', async () => {
    receiver = await startOtlpReceiver();
    const big = (traceId: string, hostName: string, prefix: string): FinishedTrace => ({
      traceId,
      hostName,
      incomplete: false,
      spans: Array.from({ length: 12 }, (_, n) =>
        span(traceId, `${prefix}${n.toString(16).padStart(16 - prefix.length, '0')}`, {
          attributes: { 'openclaw.log.message': `é${'x'.repeat(1500 + n * 37)}`, 'gen_ai.usage.input_tokens': n },
          events: [{ name: 'warn', timeMs: T + n, attributes: { reason: 'ü'.repeat(200) } }],
        }),
      ),
    });
    const limit = 8 * 1024;
    const outcome = await exporterFor(receiver.tracesUrl, { maxRequestBytes: limit }).export([big(TRACE_A, 'gw-a', 'e'), big(TRACE_B, 'gw-b', 'f')]);
    expect(outcome).toEqual({ status: 'success' });
    expect(receiver.requests.length).toBeGreaterThan(4);
    for (const request of receiver.requests) expect(request.body.length).toBeLessThanOrEqual(limit);
    expect(new Set(receiver.spans.map((s) => s.spanId)).size).toBe(24);
    expect(receiver.spans.filter((s) => s.resource['host.name'] === 'gw-b').every((s) => s.traceId === TRACE_B)).toBe(true);
  });

  it('sends a span bigger than maxRequestBytes alone rather than dropping it', async () => {
    receiver = await startOtlpReceiver();
    const huge = span(TRACE_A, 'e00000000000000f', { attributes: { blob: 'y'.repeat(5000) } });
    const small = span(TRACE_A, 'e00000000000000e');
    const outcome = await exporterFor(receiver.tracesUrl, { maxRequestBytes: 2048 }).export([{ traceId: TRACE_A, incomplete: false, spans: [small, huge, small] }]);
    expect(outcome).toEqual({ status: 'success' });
    expect(receiver.requests.map((r) => r.spanCount)).toEqual([1, 1, 1]);
  });

  // The config reads OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION (otlp-fields.ts) and hands the exporter its choice, which
  // wins over the SDK's own reading of the environment: what `validate` shows is what is sent.
  it('sends gzip when its compression option says so, whatever the SDK would read from the environment', async () => {
    receiver = await startOtlpReceiver();
    process.env['OTEL_EXPORTER_OTLP_COMPRESSION'] = 'none';
    try {
      exporterFor(receiver.tracesUrl, { compression: 'gzip' });
    } finally {
      delete process.env['OTEL_EXPORTER_OTLP_COMPRESSION'];
    }
    expect(await exporter?.export(traces)).toEqual({ status: 'success' });
    expect(receiver.requests[0]?.headers['content-encoding']).toBe('gzip');
    expect(receiver.spans).toHaveLength(4);
  });

  it('sends uncompressed when its compression option says none, though the environment says gzip', async () => {
    receiver = await startOtlpReceiver();
    process.env['OTEL_EXPORTER_OTLP_COMPRESSION'] = 'gzip';
    try {
      exporterFor(receiver.tracesUrl, { compression: 'none' });
    } finally {
      delete process.env['OTEL_EXPORTER_OTLP_COMPRESSION'];
    }
    expect(await exporter?.export(traces)).toEqual({ status: 'success' });
    expect(receiver.requests[0]?.headers['content-encoding']).toBeUndefined();
  });

  it('sends nothing for an empty export', async () => {
    receiver = await startOtlpReceiver();
    expect(await exporterFor(receiver.tracesUrl).export([])).toEqual({ status: 'success' });
    expect(receiver.requests).toHaveLength(0);
  });

  it('reports a 503 as failure without throwing, quickly when the timeout leaves no room to retry', async () => {
    receiver = await startOtlpReceiver({ failWith: 503 });
    const started = Date.now();
    // The SDK's first retry waits ~0.8–1.2 s; it gives up at once when that exceeds timeoutMillis.
    const outcome = await exporterFor(receiver.tracesUrl, { timeoutMillis: 250 }).export(traces);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome.status).toBe('retryable');
    if (outcome.status !== 'retryable') return;
    expect(outcome.error.message).toContain(receiver.tracesUrl);
    expect(outcome.error.message).toContain('retryable status');
    expect(outcome.error.message).not.toContain(SECRET);
    expect(receiver.requests.map((r) => r.status)).toEqual([503]);
    expect(receiver.spans).toHaveLength(0);
  });

  it('retries a 503 within the timeout and then succeeds', async () => {
    let calls = 0;
    receiver = await startOtlpReceiver({ failWith: () => (++calls === 1 ? 503 : undefined) });
    const outcome = await exporterFor(receiver.tracesUrl, { timeoutMillis: 5000 }).export(traces);
    expect(outcome).toEqual({ status: 'success' });
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(receiver.spans).toHaveLength(4);
  });

  it("reports what a 200 answer's partial_success says was rejected, per call, summed over its requests", async () => {
    receiver = await startOtlpReceiver({ partialSuccess: (spans) => ({ rejectedSpans: spans.length - 1, errorMessage: 'spans older than 60 minutes' }) });
    const outcome = await exporterFor(receiver.tracesUrl, { timeoutMillis: 5000 }).export(traces);
    expect(receiver.spans).toHaveLength(4);
    expect(outcome).toEqual({ status: 'success', rejected: { spans: 3, message: 'spans older than 60 minutes' } });
    // Cut into one request per span: each rejects nothing (spans.length - 1 = 0), so the call reports none.
    const perSpan = await exporterFor(receiver.tracesUrl, { timeoutMillis: 5000, maxBatchSpans: 1 }).export(traces);
    expect(perSpan).toEqual({ status: 'success' });
    // A plain answer after a partial one: nothing is carried over.
    const plain = await startOtlpReceiver();
    expect(await exporterFor(plain.tracesUrl, { timeoutMillis: 5000 }).export(traces)).toEqual({ status: 'success' });
    await plain.close();
  });

  it('names the HTTP status of a non-retryable answer and never echoes header values', async () => {
    receiver = await startOtlpReceiver({ failWith: 400 });
    // The receiver's error body contains this text; it must come back redacted.
    exporter = new OtlpTraceExporter({
      url: receiver.tracesUrl,
      headers: { 'x-api-key': 'told to answer' },
      resource: RESOURCE,
      timeoutMillis: 250,
    });
    const outcome = await exporter.export(traces);
    expect(outcome.status).toBe('refused');
    if (outcome.status !== 'refused') return;
    expect(outcome.error).toBeInstanceOf(OtlpExportError);
    expect((outcome.error as OtlpExportError).statusCode).toBe(400);
    expect(outcome.error.message).toMatch(/^OTLP export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed: HTTP 400/);
    expect(outcome.error.message).toContain('receiver [redacted] 400');
    expect(outcome.error.message).not.toContain('told to answer');
  });

  it('keeps a query string (some backends take their API key there) out of its messages, even when the backend echoes the URL', async () => {
    receiver = await startOtlpReceiver({ failWith: 400, path: '/v1/traces?api_key=q-s3cr3t-key', errorBody: (req) => `bad request to ${req.url ?? ''}` });
    const outcome = await exporterFor(receiver.tracesUrl, { timeoutMillis: 250 }).export(traces);
    expect(receiver.requests).toHaveLength(1);
    expect(outcome.status).toBe('refused');
    if (outcome.status !== 'refused') return;
    expect(outcome.error.message).toMatch(/^OTLP export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed: HTTP 400/);
    expect(outcome.error.message).toContain('bad request to /v1/traces?api_key=[redacted]');
    expect(outcome.error.message).not.toContain('q-s3cr3t-key');
  });

  it('reports a closed port as failure without throwing', async () => {
    const closed = await startOtlpReceiver();
    await closed.close();
    const started = Date.now();
    const outcome = await exporterFor(closed.tracesUrl, { timeoutMillis: 250 }).export(traces);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(outcome.status).toBe('retryable');
    if (outcome.status !== 'retryable') return;
    expect(outcome.error.message).toContain(closed.tracesUrl);
    expect(outcome.error.message).toContain('ECONNREFUSED');
  });

  it('fails exports after shutdown', async () => {
    receiver = await startOtlpReceiver();
    const sink = exporterFor(receiver.tracesUrl);
    await sink.shutdown();
    const outcome = await sink.export(traces);
    expect(outcome.status).toBe('retryable');
    expect(receiver.requests).toHaveLength(0);
  });
});

describe('resolveTracesUrl', () => {
  it.each([
    [undefined, undefined, undefined],
    ['', '', undefined],
    ['http://collector:4318', undefined, 'http://collector:4318/v1/traces'],
    ['http://collector:4318/', undefined, 'http://collector:4318/v1/traces'],
    ['https://otlp.example/api/otlp/', undefined, 'https://otlp.example/api/otlp/v1/traces'],
    ['http://ignored:4318', 'http://collector:4318/custom', 'http://collector:4318/custom'],
    [undefined, 'http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
    ['http://collector:4318', '', 'http://collector:4318/v1/traces'],
  ])('endpoint=%s traces=%s → %s', (endpoint, tracesEndpoint, expected) => {
    expect(resolveTracesUrl(endpoint, tracesEndpoint)).toBe(expected);
  });
});
