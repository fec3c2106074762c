import { afterEach, describe, expect, it } from 'vitest';
import type { OtlpWorkerExporter as WorkerExporterType } from '../../src/export/otlp-worker-exporter.js';
import type { FinishedTrace } from '../../src/model/span-record.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import type { OtlpReceiver } from '../support/otlp-receiver.js';

// The worker thread runs compiled JavaScript, so this test takes the exporter from dist/ (built by
// `npm ci`), where its worker file sits beside it, as it does for bin/otel-tail.
const DIST = '../../dist/export/otlp-worker-exporter.js';
const { OtlpWorkerExporter } = (await import(DIST)) as { OtlpWorkerExporter: typeof WorkerExporterType };

const T = 1_700_000_000_000;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const RESOURCE = { serviceName: 'openclaw-gateway', attributes: {} };
const SECRET = 'Bearer w0rker-secret-value';

const traces: FinishedTrace[] = [
  {
    traceId: TRACE,
    hostName: 'gw-a',
    incomplete: false,
    spans: [
      { traceId: TRACE, spanId: 'a000000000000001', name: 'invoke_agent main', kind: 'server', startMs: T, endMs: T + 1230, attributes: { 'gen_ai.usage.input_tokens': 12, note: 'x' }, status: { code: 'unset' }, events: [] },
      { traceId: TRACE, spanId: 'a000000000000002', parentSpanId: 'a000000000000001', name: 'chat gpt', kind: 'client', startMs: T + 10, endMs: T + 900, attributes: {}, status: { code: 'error', message: 'HTTP 500' }, events: [{ name: 'retry', timeMs: T + 20 }] },
    ],
  },
];

let receiver: OtlpReceiver | undefined;
let exporter: WorkerExporterType | undefined;
afterEach(async () => {
  await exporter?.shutdown();
  await receiver?.close();
  exporter = undefined;
  receiver = undefined;
});

describe('OtlpWorkerExporter (the OTLP exporter in a worker thread)', () => {
  it('delivers the spans as the in-thread exporter does: ids, parents, times, attributes, status, events, resource', async () => {
    const r = (receiver = await startOtlpReceiver());
    exporter = new OtlpWorkerExporter({ url: `${r.url}/v1/traces`, headers: { authorization: SECRET }, resource: RESOURCE });
    expect(await exporter.export(traces)).toEqual({ status: 'success' });
    const byId = new Map(r.spans.map((s) => [s.spanId, s]));
    expect(byId.size).toBe(2);
    const root = byId.get('a000000000000001');
    const chat = byId.get('a000000000000002');
    expect(root?.traceId).toBe(TRACE);
    expect(root?.attributes['gen_ai.usage.input_tokens']).toBe(12);
    expect(chat?.parentSpanId).toBe('a000000000000001');
    expect(chat?.status).toEqual({ code: 2, message: 'HTTP 500' });
    expect(chat?.events.map((e) => e.name)).toEqual(['retry']);
    expect(r.requests[0]?.headers['authorization']).toBe(SECRET);
  });

  it('reports a refused batch as the in-thread exporter does: the URL and status, never the secret', async () => {
    const r = (receiver = await startOtlpReceiver({ failWith: 400 }));
    exporter = new OtlpWorkerExporter({ url: `${r.url}/v1/traces`, headers: { authorization: SECRET }, resource: RESOURCE });
    const outcome = await exporter.export(traces);
    expect(outcome.status).toBe('refused');
    if (outcome.status !== 'refused') return;
    expect(outcome.error.message).toContain(`OTLP export to ${r.url}/v1/traces failed: HTTP 400`);
    expect(outcome.error.message).not.toContain(SECRET);
    expect((outcome.error as Error & { statusCode?: number }).statusCode).toBe(400);
  });

  it('fails every call after shutdown, and every call at once when the worker cannot start', async () => {
    const r = (receiver = await startOtlpReceiver());
    exporter = new OtlpWorkerExporter({ url: `${r.url}/v1/traces`, headers: {}, resource: RESOURCE });
    await exporter.shutdown();
    expect((await exporter.export(traces)).status).toBe('retryable');

    // A worker that dies (here: the SDK's exporter throws on a URL it cannot parse, in the
    // worker) must not leave a call waiting forever, nor the ones after it.
    const broken = new OtlpWorkerExporter({ url: 'not a url', headers: {}, resource: RESOURCE });
    const outcomes = await Promise.all([broken.export(traces), broken.export(traces)]);
    const later = await broken.export(traces);
    await broken.shutdown();
    for (const outcome of [...outcomes, later]) {
      expect(outcome.status).toBe('retryable');
      if (outcome.status === 'retryable') expect(outcome.error.message).toMatch(/the export worker (failed|exited)/);
    }
    expect(r.spans).toHaveLength(0);
  });
});

describe('OtlpWorkerExporter when its worker dies', () => {
  it('starts a new worker: a batch that kills two fails with ExportWorkerError (a re-run would repeat it), the batches after it are delivered', async () => {
    const r = (receiver = await startOtlpReceiver());
    const { ExportWorkerError } = (await import(DIST)) as { ExportWorkerError: new (message: string) => Error };
    exporter = new OtlpWorkerExporter({ url: `${r.url}/v1/traces`, headers: {}, resource: RESOURCE });
    // More spans than the worker's heap holds (64 MiB of old space): it dies taking them in.
    const span = (traces[0] as FinishedTrace).spans[0] as FinishedTrace['spans'][number];
    const huge: FinishedTrace[] = [{ ...(traces[0] as FinishedTrace), spans: Array.from({ length: 300_000 }, (_, i) => ({ ...span, spanId: i.toString(16).padStart(16, '0'), attributes: { note: `${i}`.padEnd(300, 'x') } })) }];
    const outcome = await exporter.export(huge);
    expect(outcome.status).toBe('retryable');
    if (outcome.status === 'retryable') {
      expect(outcome.error).toBeInstanceOf(ExportWorkerError);
      expect(outcome.error.message).toMatch(/twice on the same batch of 300000 spans/);
    }
    expect(exporter.restarts).toBe(2);
    expect(await exporter.export(traces)).toEqual({ status: 'success' });
    expect(r.spans.map((s) => s.spanId).sort()).toEqual(['a000000000000001', 'a000000000000002']);
  }, 60_000);
});
