import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtlpJsonFileExporter } from '../../../src/export/otlp-json-file-exporter.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';
import { startOtlpReceiver } from '../../support/otlp-receiver.js';

const T = 1_700_000_000_000;
const RESOURCE = { serviceName: 'openclaw-gateway', attributes: {} };

function trace(traceId: string, spanId: string, name: string): FinishedTrace {
  return {
    traceId,
    hostName: 'gw-1',
    incomplete: false,
    spans: [
      {
        traceId,
        spanId,
        name,
        kind: 'client',
        startMs: T + 123.456,
        endMs: T + 1000,
        attributes: { 'gen_ai.usage.input_tokens': 42 },
        status: { code: 'error', message: 'bad\nthing' },
        events: [],
      },
    ],
  };
}

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'otel-tail-json-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('OtlpJsonFileExporter', () => {
  it('appends one ExportTraceServiceRequest per export call, one line each', async () => {
    const path = join(dir, 'traces.jsonl');
    const exporter = new OtlpJsonFileExporter({ path, resource: RESOURCE });
    expect(await exporter.export([trace('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 'first\u2028line')]))
      .toEqual({ status: 'success' });
    expect(await exporter.export([])).toEqual({ status: 'success' });
    expect(await exporter.export([trace('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331', 'second')]))
      .toEqual({ status: 'success' });
    await exporter.shutdown();

    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split(/\r\n|\r|\n|\u2028|\u2029/);
    expect(lines).toHaveLength(2);

    const first = JSON.parse(lines[0] ?? '') as {
      resourceSpans: {
        resource: { attributes: { key: string; value: { stringValue?: string } }[] };
        scopeSpans: { scope: { name: string }; spans: Record<string, unknown>[] }[];
      }[];
    };
    expect(first.resourceSpans).toHaveLength(1);
    const resourceSpans = first.resourceSpans[0];
    expect(resourceSpans?.resource.attributes).toEqual(
      expect.arrayContaining([
        { key: 'service.name', value: { stringValue: 'openclaw-gateway' } },
        { key: 'host.name', value: { stringValue: 'gw-1' } },
      ]),
    );
    expect(resourceSpans?.scopeSpans[0]?.scope.name).toBe('otel-tail');
    expect(resourceSpans?.scopeSpans[0]?.spans[0]).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      name: 'first\u2028line',
      kind: 3,
      // The sub-millisecond part survives exactly.
      startTimeUnixNano: '1700000000123456000',
      endTimeUnixNano: '1700000001000000000',
      status: { code: 2, message: 'bad\nthing' },
    });

    const second = JSON.parse(lines[1] ?? '') as typeof first;
    expect(second.resourceSpans[0]?.scopeSpans[0]?.spans[0]).toMatchObject({ name: 'second' });
  });

  it('writes lines an OTLP/HTTP JSON endpoint accepts', async () => {
    const path = join(dir, 'traces.jsonl');
    const exporter = new OtlpJsonFileExporter({ path, resource: RESOURCE });
    await exporter.export([trace('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 'chat')]);
    const receiver = await startOtlpReceiver();
    try {
      const response = await fetch(receiver.tracesUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: (await readFile(path, 'utf8')).trim(),
      });
      expect(response.status).toBe(200);
      expect(receiver.errors).toEqual([]);
      expect(receiver.spans).toEqual([
        {
          traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
          spanId: '00f067aa0ba902b7',
          parentSpanId: undefined,
          name: 'chat',
          kind: 3,
          startMs: T + 123.456,
          endMs: T + 1000,
          attributes: { 'gen_ai.usage.input_tokens': 42 },
          status: { code: 2, message: 'bad\nthing' },
          events: [],
          resource: { 'service.name': 'openclaw-gateway', 'host.name': 'gw-1' },
          scope: 'otel-tail',
        },
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('reports a path it cannot write as failure', async () => {
    const exporter = new OtlpJsonFileExporter({ path: join(dir, 'missing', 'traces.jsonl'), resource: RESOURCE });
    const outcome = await exporter.export([trace('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 'x')]);
    expect(outcome.status).toBe('retryable');
    if (outcome.status === 'retryable') expect(outcome.error.message).toContain('ENOENT');
  });
});
