import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { SAMPLE_LOG, fixtureLines } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { sampleFacts } from '../support/sample-facts.js';
import { childrenOf, rootsOf } from '../support/span-tree.js';

const STATUS_ERROR = 2;
const KIND_CLIENT = 3;

let receiver: OtlpReceiver;
beforeEach(async () => {
  receiver = await startOtlpReceiver();
});
afterEach(async () => {
  await receiver.close();
});

async function backfillSample(): Promise<{ spans: ReceivedSpan[]; stderr: string }> {
  const result = await runCli(['backfill', '--endpoint', receiver.url, SAMPLE_LOG]);
  expect(result.stderr).toMatch(/743 lines read, 0 rejected, 11 traces, \d+ spans exported, 0 failed/);
  expect(result.code).toBe(0);
  expect(receiver.errors).toEqual([]);
  return { spans: [...receiver.spans], stderr: result.stderr };
}

describe('otel-tail backfill of the real 2026.9.6 sample into a real OTLP/HTTP receiver', () => {
  it('delivers the connected trace tree the log describes', async () => {
    const { spans, stderr } = await backfillSample();
    const facts = sampleFacts();
    const exported = Number(/(\d+) spans exported/.exec(stderr)?.[1]);
    expect(spans).toHaveLength(exported);

    // One root per request trace, with OpenClaw's id.
    const roots = rootsOf(spans);
    expect(new Map(roots.map((s) => [s.traceId, s.spanId]))).toEqual(facts.roots);
    expect(roots).toHaveLength(facts.roots.size);

    // Every harness span under its request, with OpenClaw's ids and the log's start time.
    for (const [spanId, harness] of facts.harness) {
      const span = spans.find((s) => s.spanId === spanId);
      expect(span?.traceId).toBe(harness.traceId);
      expect(span?.parentSpanId).toBe(harness.parent);
      expect(span?.startMs).toBe(harness.startMs);
    }

    // 20 inference spans under the harness that logged them; 429 and 500s in ERROR.
    const inference = spans.filter((s) => s.kind === KIND_CLIENT);
    expect(inference).toHaveLength(20);
    for (const fetch of facts.fetches) {
      const span = childrenOf(spans, fetch.scope).find((s) => s.kind === KIND_CLIENT && s.startMs === fetch.startMs);
      expect(span?.attributes['http.response.status_code']).toBe(fetch.status);
      expect(span?.status.code === STATUS_ERROR).toBe(fetch.status >= 400);
      expect(span?.attributes['gen_ai.operation.name']).toBe('chat');
      expect(span?.attributes['gen_ai.request.model']).toMatch(/^fake-/);
    }
    expect(inference.filter((s) => s.status.code === STATUS_ERROR).map((s) => s.attributes['http.response.status_code']).sort()).toEqual([
      429, 500, 500, 500, 500, 500, 500, 500, 500,
    ]);

    // The 4 tool calls, by id, under the right harness spans.
    const tools = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
    expect(tools.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual(['call_fake4', 'call_fake5', 'toolu_fake1', 'toolu_fake11']);
    for (const tool of facts.tools) {
      const span = tools.find((s) => s.attributes['gen_ai.tool.call.id'] === tool.toolCallId);
      expect(span?.parentSpanId).toBe(tool.scope);
      expect(span?.startMs).toBe(tool.startMs);
    }

    // Resource from the log and the defaults.
    expect(new Set(spans.map((s) => s.resource['host.name']))).toEqual(new Set(['vm']));
    expect(new Set(spans.map((s) => s.resource['service.name']))).toEqual(new Set(['openclaw-gateway']));
  });

  it('puts every provider request the gateway made inside an inference span of the trace its traceparent names', async () => {
    const { spans } = await backfillSample();
    const upstream = fixtureLines('openclaw-2026.9.6/upstream-requests.jsonl').map(
      (line) => JSON.parse(line) as { ts: string; headers: { traceparent: string } },
    );
    expect(upstream).toHaveLength(20);
    for (const request of upstream) {
      const traceId = request.headers.traceparent.split('-')[1];
      const at = Date.parse(request.ts);
      const calls = spans.filter((s) => s.traceId === traceId && s.kind === KIND_CLIENT);
      // The provider stamps its own clock on arrival: between the gateway's `start` and `response` lines.
      expect(calls.some((s) => s.startMs <= at && at <= s.endMs), `request at ${request.ts} in trace ${traceId}`).toBe(true);
    }
  });

  it('sends byte-identical span ids when the same file is replayed', async () => {
    const first = (await backfillSample()).spans.map((s) => `${s.traceId}/${s.spanId}/${s.parentSpanId ?? ''}`);
    receiver.spans.length = 0;
    const second = (await backfillSample()).spans.map((s) => `${s.traceId}/${s.spanId}/${s.parentSpanId ?? ''}`);
    expect(second.sort()).toEqual(first.sort());
    expect(new Set(first).size).toBe(first.length);
  });
});
