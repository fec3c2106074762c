import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { EVENTS_FIXTURE, fixtureLines } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';
import { rootsOf } from '../support/span-tree.js';

interface RawEvent {
  type: string;
  ts: number;
  seq: number;
  trace?: { traceId: string; spanId?: string; parentSpanId?: string };
  sourceTimestampMs?: number;
  toolCallId?: string;
  durationMs?: number;
  costUsd?: number;
  sessionId?: string;
  usage?: { input: number; output: number; cacheRead: number; cacheWrite: number; promptTokens: number; cost?: { total: number } };
}

const STATUS_ERROR = 2;
const KIND_CLIENT = 3;

/** The fixture's events as written, unwrapping the `{event, metadata}` envelope. */
const events: RawEvent[] = fixtureLines('diagnostic-events.jsonl').map((line) => {
  const value = JSON.parse(line) as RawEvent & { event?: RawEvent };
  return value.event ?? value;
});

let receiver: OtlpReceiver;
let spans: ReceivedSpan[];
let stderr: string;
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const result = await runCli(['backfill', '--endpoint', receiver.url, '--session-ids', 'raw', EVENTS_FIXTURE]);
  expect(result.code).toBe(0);
  stderr = result.stderr;
  spans = receiver.spans;
});
afterAll(async () => {
  await receiver.close();
});

const byId = (id: string | undefined): ReceivedSpan | undefined => spans.find((s) => s.spanId === id);

describe('otel-tail backfill of a diagnostic-event stream into a real OTLP/HTTP receiver', () => {
  it('is delivered out of seq order, as the gateway delivers async types', () => {
    const seqs = events.map((e) => e.seq);
    expect(seqs).not.toEqual([...seqs].sort((a, b) => a - b));
    expect(stderr).toMatch(/53 lines read, 0 rejected, 2 traces, 12 spans exported, 0 failed/);
  });

  it('makes one trace per session turn, each with one root, and no trace from infrastructure events', () => {
    const traced = new Set(events.filter((e) => !e.type.startsWith('diagnostic.') && e.type !== 'gateway.event_loop.sample' && e.type !== 'log.record').map((e) => e.trace?.traceId));
    expect(new Set(spans.map((s) => s.traceId))).toEqual(traced);
    expect(traced.size).toBe(2);
    expect(rootsOf(spans)).toHaveLength(2);
  });

  it('keeps OpenClaw’s span ids and parents for every lifecycle pair', () => {
    const lifecycle = events.filter((e) => /^(run|harness\.run|model\.call|tool\.execution)\./.test(e.type));
    for (const event of lifecycle) {
      const span = byId(event.trace?.spanId);
      expect(span, `${event.type} ${event.trace?.spanId}`).toBeDefined();
      expect(span?.parentSpanId).toBe(event.trace?.parentSpanId);
    }
  });

  it('puts per-call usage and cost on the model-call spans, timed by their events', () => {
    const completed = events.filter((e) => e.type === 'model.call.completed');
    expect(completed.length).toBeGreaterThanOrEqual(2);
    for (const event of completed) {
      const span = byId(event.trace?.spanId);
      const usage = event.usage;
      expect(span?.kind).toBe(KIND_CLIENT);
      expect(span?.endMs).toBe(event.ts);
      const started = events.find((e) => e.type === 'model.call.started' && e.trace?.spanId === event.trace?.spanId);
      expect(span?.startMs).toBe(started?.ts ?? event.ts - (event.durationMs ?? 0));
      expect(span?.attributes).toMatchObject({
        'gen_ai.operation.name': 'chat',
        'gen_ai.usage.input_tokens': usage?.promptTokens,
        'gen_ai.usage.output_tokens': usage?.output,
        'gen_ai.usage.cache_read.input_tokens': usage?.cacheRead,
        'gen_ai.usage.cache_creation.input_tokens': usage?.cacheWrite,
        'openclaw.cost.usd': usage?.cost?.total,
      });
    }
  });

  it('synthesises a lost start from durationMs and marks model errors', () => {
    const error = events.find((e) => e.type === 'model.call.error');
    const span = byId(error?.trace?.spanId);
    expect(events.some((e) => e.type === 'model.call.started' && e.trace?.spanId === error?.trace?.spanId)).toBe(false);
    expect(span?.startMs).toBe((error?.ts ?? 0) - (error?.durationMs ?? 0));
    expect(span?.status.code).toBe(STATUS_ERROR);
    expect(span?.attributes['error.type']).toBe('rate_limit');
  });

  it('times tools by sourceTimestampMs and marks the failed one', () => {
    for (const event of events.filter((e) => e.type.startsWith('tool.execution.'))) {
      const span = byId(event.trace?.spanId);
      expect(span?.name).toMatch(/^execute_tool /);
      expect(span?.attributes['gen_ai.tool.call.id']).toBe(event.toolCallId);
      if (event.type === 'tool.execution.started') expect(span?.startMs).toBe(event.sourceTimestampMs ?? event.ts);
      if (event.type === 'tool.execution.error') expect(span?.status.code).toBe(STATUS_ERROR);
    }
  });

  it('puts model.usage cost on the run span of its session', () => {
    for (const usage of events.filter((e) => e.type === 'model.usage')) {
      const run = spans.find((s) => s.name.startsWith('invoke_agent') && s.attributes['gen_ai.conversation.id'] === usage.sessionId);
      expect(run?.attributes['openclaw.cost.usd']).toBe(usage.costUsd);
    }
  });
});
