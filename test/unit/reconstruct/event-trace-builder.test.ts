import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseDiagnosticEvent } from '../../../src/parsers/diagnostic-event.js';
import type { DiagnosticEvent } from '../../../src/model/records.js';
import { lifecycleRole, pairKey } from '../../../src/reconstruct/event-lifecycle.js';
import { EventTraceBuilder } from '../../../src/reconstruct/event-trace-builder.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';

// Ids and times of test/fixtures/diagnostic-events.jsonl (see diagnostic-events.md).
const T0 = 1795279535000;
const TRACE_A = 'ebf1eabc1f3656450b5039fc557be166';
const TRACE_B = 'a91f40de9fee019017c4b96e2623461f';
const ID = {
  TA: '90b6b97acc24f203', HA: '6c4c1043aabae608', UA: '5cffabb0209171fa',
  MA1: 'aef555a25060f0c4', XA1: '008ca502afdd8a69', MA2: '4b6696ffccd31c0a',
  TB: '09ea7d8c3ebe32a0', HB: 'b5748a03e575e67d', UB: '585c56f2a35f96a0',
  MB1: 'c42de1127e75b6ef', XB1: 'ce7e6280da1f27c8', MB2: '5a284dc9f5d1406c',
} as const;
const SESSION_A = '802b58f8-7bac-475d-8c6a-80623e4f25fe';
const RUN_A = '0ec77bf1-9825-4044-8fc5-955c4303f6c0';

function fixtureEvents(): DiagnosticEvent[] {
  const path = fileURLToPath(new URL('../../fixtures/diagnostic-events.jsonl', import.meta.url));
  const events: DiagnosticEvent[] = [];
  for (const text of readFileSync(path, 'utf8').split('\n')) {
    if (text.length === 0) continue;
    const line = parseDiagnosticEvent(JSON.parse(text) as Record<string, unknown>);
    if (line.kind === 'diagnostic') events.push(line.event);
  }
  return events;
}

function eventsOf(traceId: string): DiagnosticEvent[] {
  return fixtureEvents().filter((event) => event.trace?.traceId === traceId);
}

function build(traceId: string, events: readonly DiagnosticEvent[]): FinishedTrace {
  const builder = new EventTraceBuilder(traceId);
  for (const event of events) builder.add(event);
  return builder.build();
}

/** Deterministic Fisher–Yates, so a failing order can be reproduced. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

function span(trace: FinishedTrace, spanId: string): SpanRecord {
  const found = trace.spans.find((s) => s.spanId === spanId);
  if (found === undefined) throw new Error(`no span ${spanId}`);
  return found;
}

function tree(trace: FinishedTrace): [string, string, string | undefined][] {
  return trace.spans.map((s) => [s.name, s.spanId, s.parentSpanId]);
}

describe('EventTraceBuilder on the fixture', () => {
  it('rebuilds session A: dispatch > harness > run > two model calls and a tool, with OpenClaw ids', () => {
    const trace = build(TRACE_A, eventsOf(TRACE_A));
    expect(trace.incomplete).toBe(false);
    expect(tree(trace)).toEqual([
      ['openclaw.message.dispatch', ID.TA, undefined],
      ['openclaw.harness.run openclaw', ID.HA, ID.TA],
      ['invoke_agent main', ID.UA, ID.HA],
      ['chat claude-sonnet-4-5', ID.MA1, ID.UA],
      ['execute_tool web_search', ID.XA1, ID.UA],
      ['chat claude-sonnet-4-5', ID.MA2, ID.UA],
    ]);
    expect(trace.spans.every((s) => s.traceId === TRACE_A && s.status.code === 'unset')).toBe(true);
    expect(span(trace, ID.MA1).kind).toBe('client');
    expect(span(trace, ID.TA).kind).toBe('server');
  });

  it('rebuilds session B with its errors', () => {
    const trace = build(TRACE_B, eventsOf(TRACE_B));
    expect(tree(trace)).toEqual([
      ['openclaw.message.dispatch', ID.TB, undefined],
      ['openclaw.harness.run openclaw', ID.HB, ID.TB],
      ['invoke_agent ops', ID.UB, ID.HB],
      ['chat gpt-5.1', ID.MB1, ID.UB],
      ['execute_tool exec', ID.XB1, ID.UB],
      ['chat gpt-5.1', ID.MB2, ID.UB],
    ]);
    const status = Object.fromEntries(trace.spans.map((s) => [s.spanId, s.status.code]));
    expect(status).toEqual({
      [ID.TB]: 'error', [ID.HB]: 'error', [ID.UB]: 'error', [ID.MB1]: 'unset', [ID.XB1]: 'error', [ID.MB2]: 'error',
    });
    expect(span(trace, ID.MB2).attributes['error.type']).toBe('rate_limit');
    expect(span(trace, ID.XB1).attributes['error.type']).toBe('runtime');
    expect(span(trace, ID.XB1).status.message).toBe('exit_127');
    expect(span(trace, ID.UB).attributes['error.type']).toBe('rate_limit');
    expect(span(trace, ID.UB).attributes['openclaw.outcome']).toBe('error');
    expect(span(trace, ID.HB).attributes['error.type']).toBe('rate_limit');
    expect(span(trace, ID.HB).status.message).toBe('failed in phase send');
    expect(span(trace, ID.TB).status.message).toBe('provider rate limit (429)');
    expect(span(trace, ID.TB).attributes['openclaw.message.id']).toBe('9152');
  });

  it('puts per-call usage and cost on model spans, counting cached tokens as input', () => {
    const trace = build(TRACE_A, eventsOf(TRACE_A));
    expect(span(trace, ID.MA1).attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 8412,
      'gen_ai.usage.output_tokens': 164,
      'gen_ai.usage.cache_read.input_tokens': 6400,
      'gen_ai.usage.cache_creation.input_tokens': 1200,
      'openclaw.cost.usd': 0.011316,
      'openclaw.call.id': `${RUN_A}:model:1`,
      'openclaw.run.id': RUN_A,
      'openclaw.session.id': SESSION_A,
      'openclaw.session.key': 'agent:main:webchat-3f9c2a',
    });
    expect(span(trace, ID.MA2).attributes['gen_ai.usage.reasoning.output_tokens']).toBe(96);
    expect(span(trace, ID.MA2).attributes['openclaw.cost.usd']).toBe(0.01335);
  });

  it('lands model.usage totals and costUsd on the run span of the session', () => {
    const run = span(build(TRACE_A, eventsOf(TRACE_A)), ID.UA);
    expect(run.attributes).toMatchObject({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.id': 'main',
      'gen_ai.conversation.id': SESSION_A,
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-sonnet-4-5',
      'gen_ai.usage.input_tokens': 17642,
      'gen_ai.usage.output_tokens': 576,
      'openclaw.cost.usd': 0.024666,
      'openclaw.outcome': 'completed',
      'openclaw.channel': 'webchat',
    });
    const runB = span(build(TRACE_B, eventsOf(TRACE_B)), ID.UB);
    expect(runB.attributes['openclaw.cost.usd']).toBe(0.007664);
  });

  it('synthesises a lost start from durationMs and times tools by sourceTimestampMs', () => {
    const failed = span(build(TRACE_B, eventsOf(TRACE_B)), ID.MB2);
    expect(failed.endMs).toBe(T0 + 4690);
    expect(failed.startMs).toBe(T0 + 4690 - 1200);
    const tool = span(build(TRACE_A, eventsOf(TRACE_A)), ID.XA1);
    expect([tool.startMs, tool.endMs]).toEqual([T0 + 2851, T0 + 4121]);
    expect(tool.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'web_search',
      'gen_ai.tool.call.id': 'toolu_01XFDUDYJgAACzvnptvVer6u',
    });
  });

  it('turns point events into span events on the span they belong to', () => {
    const trace = build(TRACE_A, eventsOf(TRACE_A));
    expect(span(trace, ID.TA).events.map((e) => e.name)).toEqual([
      'message.received', 'message.queued', 'session.state', 'queue.lane.enqueue', 'queue.lane.dequeue',
      'session.turn.created', 'message.delivery.started', 'message.delivery.completed', 'session.state',
    ]);
    // context.assembled has its own scope under the run: it lands on the run.
    expect(span(trace, ID.UA).events.map((e) => e.name)).toEqual(['context.assembled']);
    expect(span(trace, ID.UA).events[0]?.attributes?.messageCount).toBe(12);
    // log.record carries trace A but is infrastructure: it appears nowhere.
    expect(trace.spans.flatMap((s) => s.events).some((e) => e.name === 'log.record')).toBe(false);
    const traceB = build(TRACE_B, eventsOf(TRACE_B));
    expect(span(traceB, ID.UB).events.map((e) => e.name)).toEqual(['run.attempt', 'context.assembled']);
    expect(span(traceB, ID.XB1).events.map((e) => e.name)).toEqual(['exec.process.completed']);
  });

  it('gives the same spans in file order and in shuffled orders', () => {
    for (const traceId of [TRACE_A, TRACE_B]) {
      const events = eventsOf(traceId);
      const reference = build(traceId, events);
      for (const seed of [1, 7, 42, 1234, 99991]) {
        const order = shuffled(events, seed);
        expect(order.map((e) => e.seq)).not.toEqual(events.map((e) => e.seq));
        expect(build(traceId, order)).toEqual(reference);
      }
      expect(build(traceId, [...events].reverse())).toEqual(reference);
      const builder = new EventTraceBuilder(traceId);
      for (const event of events) builder.add(event);
      expect(builder.build()).toEqual(builder.build());
    }
  });

  it('is complete only once the root has closed and nothing is left open', () => {
    for (const [traceId, rootEnd] of [[TRACE_A, T0 + 7070], [TRACE_B, T0 + 4720]] as const) {
      const builder = new EventTraceBuilder(traceId);
      const seen: (number | undefined)[] = [];
      for (const event of eventsOf(traceId)) {
        builder.add(event);
        seen.push(builder.completedAtMs());
        if (event.type === 'message.dispatch.completed') {
          expect(builder.completedAtMs()).toBe(rootEnd);
        } else if (event.ts < rootEnd) {
          expect(builder.completedAtMs(), event.type).toBeUndefined();
        }
      }
      expect(seen.some((v) => v !== undefined)).toBe(true);
      // message.processed is a later end of the same root span.
      expect(builder.completedAtMs()).toBe(rootEnd + 2);
    }
  });

  it('has an open call exactly while a model call or tool has a start and no end yet, in any order (kept as counts, not a scan)', () => {
    for (const traceId of [TRACE_A, TRACE_B]) {
      const events = eventsOf(traceId);
      const finalAt = completedAfter(traceId, events);
      expect(finalAt).toBeDefined();
      for (const order of [events, shuffled(events, 7), [...events].reverse()]) {
        const builder = new EventTraceBuilder(traceId);
        // A recount from the events so far: per call, whether its end has come.
        const ended = new Map<string, boolean>();
        let sawOpen = false;
        for (const event of order) {
          builder.add(event);
          const role = lifecycleRole(event.type);
          const key = role === undefined ? undefined : pairKey(event, role.family);
          if (role !== undefined && key !== undefined && (role.family === 'model' || role.family === 'tool')) {
            ended.set(key, ended.get(key) === true || role.phase === 'end');
          }
          const open = [...ended.values()].some((done) => !done);
          expect(builder.hasOpenCall(), `${event.type} at ${event.ts}`).toBe(open);
          if (open) expect(builder.completedAtMs()).toBeUndefined();
          sawOpen ||= open;
        }
        // The fixture's traces make model calls and tool calls: in file order the check above saw them open.
        if (order === events) expect(sawOpen).toBe(true);
        expect(builder.completedAtMs()).toBe(finalAt);
      }
    }
  });

  it('marks spans left open, and the trace, incomplete', () => {
    const events = eventsOf(TRACE_A).filter((e) => e.type !== 'run.completed');
    const builder = new EventTraceBuilder(TRACE_A);
    for (const event of events) builder.add(event);
    expect(builder.completedAtMs()).toBeUndefined();
    const trace = builder.build();
    expect(trace.incomplete).toBe(true);
    const run = span(trace, ID.UA);
    expect(run.attributes['openclaw.span.incomplete']).toBe(true);
    expect(run.endMs).toBe(builder.lastMs);
    expect(builder.lastMs).toBe(T0 + 7075);
    expect(span(trace, ID.MA1).attributes['openclaw.span.incomplete']).toBeUndefined();
    expect(trace.spans.filter((s) => s.attributes['openclaw.span.incomplete'] === true)).toHaveLength(1);
  });

  it('reports the session ids and keys it has seen', () => {
    const builder = new EventTraceBuilder(TRACE_A);
    for (const event of eventsOf(TRACE_A)) builder.add(event);
    expect(builder.sessionRefs()).toEqual([SESSION_A, 'agent:main:webchat-3f9c2a']);
  });
});

describe('EventTraceBuilder on constructed events', () => {
  const TRACE = '3c1c24590fc62a44e0dd9a088fa548e7';
  const ROOT = 'd3bec907c6dca729';
  const RUN = 'c6dca729922790f6';

  function ev(type: string, offset: number, fields: Record<string, unknown>, trace?: DiagnosticEvent['trace']): DiagnosticEvent {
    const event: DiagnosticEvent = { type, ts: T0 + offset, fields: { type, ts: T0 + offset, ...fields } };
    if (trace !== undefined) event.trace = trace;
    return event;
  }

  const run = { runId: 'cron-run-1', sessionKey: 'agent:main:cron:nightly:run:1', sessionId: 'b0d3f0c6-4bb5-4d0e-9a53-0c1f2d9e7a11' };

  it('creates an openclaw.request root for a request scope with no span of its own', () => {
    const trace = build(TRACE, [
      ev('session.turn.created', 0, { ...run, trigger: 'heartbeat' }, { traceId: TRACE, spanId: ROOT }),
      ev('run.started', 5, run, { traceId: TRACE, spanId: RUN, parentSpanId: ROOT }),
      ev('model.failover', 50, { ...run, fromProvider: 'openai', toProvider: 'anthropic', reason: 'rate_limit' }, { traceId: TRACE, spanId: RUN }),
      ev('run.completed', 100, { ...run, outcome: 'aborted', durationMs: 95 }, { traceId: TRACE, spanId: RUN, parentSpanId: ROOT }),
    ]);
    expect(tree(trace)).toEqual([
      ['openclaw.request', ROOT, undefined],
      ['invoke_agent main', RUN, ROOT],
    ]);
    const root = span(trace, ROOT);
    expect([root.startMs, root.endMs]).toEqual([T0, T0 + 100]);
    expect(root.attributes['openclaw.span.synthesized']).toBe(true);
    expect(root.events.map((e) => e.name)).toEqual(['session.turn.created']);
    const runSpan = span(trace, RUN);
    expect(runSpan.events.map((e) => e.name)).toEqual(['model.failover']);
    // aborted is a note, not an error
    expect(runSpan.status.code).toBe('unset');
    expect(runSpan.attributes['openclaw.outcome']).toBe('aborted');
  });

  it('derives stable ids from content for lifecycle events without a span id', () => {
    const events = [
      ev('run.started', 0, run, { traceId: TRACE }),
      ev('tool.execution.started', 10, { ...run, toolName: 'read', toolCallId: 'toolu_x' }, { traceId: TRACE }),
      ev('tool.execution.blocked', 12, { ...run, toolName: 'read', toolCallId: 'toolu_x', deniedReason: 'policy', reason: 'denied' }, { traceId: TRACE }),
      ev('run.completed', 20, { ...run, outcome: 'blocked', blockedBy: 'policy', durationMs: 20 }, { traceId: TRACE }),
    ];
    const first = build(TRACE, events);
    const second = build(TRACE, [...events].reverse());
    expect(second).toEqual(first);
    const ids = first.spans.map((s) => s.spanId);
    expect(ids.every((id) => /^[0-9a-f]{16}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(2);
    const [runSpan, tool] = first.spans;
    expect(tool?.parentSpanId).toBe(runSpan?.spanId);
    expect(tool?.status.code).toBe('error');
    expect(tool?.attributes['error.type']).toBe('policy');
    expect(runSpan?.status).toEqual({ code: 'error', message: 'policy' });
    // A different trace id gives different derived ids.
    expect(build('4c1c24590fc62a44e0dd9a088fa548e7', events).spans[0]?.spanId).not.toBe(runSpan?.spanId);
  });

  it('ignores infrastructure events and events of another trace', () => {
    const builder = new EventTraceBuilder(TRACE);
    builder.add(ev('diagnostic.heartbeat', 0, { active: 1 }, { traceId: TRACE, spanId: ROOT }));
    builder.add(ev('run.started', 5, run, { traceId: 'ffffffffffffffffffffffffffffffff', spanId: RUN }));
    expect(builder.lastMs).toBe(0);
    expect(builder.build()).toEqual({ traceId: TRACE, incomplete: false, spans: [] });
    expect(builder.sessionRefs()).toEqual([]);
  });

  it('sums cache reads and writes into input_tokens when promptTokens is absent', () => {
    const call = { runId: 'r', callId: 'r:model:1', provider: 'google', model: 'gemini-3-pro', api: 'google-generative-ai' };
    const trace = build(TRACE, [
      ev('model.call.completed', 100, { ...call, durationMs: 40, usage: { input: 100, cacheRead: 20, cacheWrite: 3, output: 7 } }, { traceId: TRACE, spanId: RUN }),
    ]);
    const model = span(trace, RUN);
    expect(model.name).toBe('chat gemini-3-pro');
    expect([model.startMs, model.endMs]).toEqual([T0 + 60, T0 + 100]);
    expect(model.attributes).toMatchObject({
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.usage.input_tokens': 123,
      'gen_ai.usage.output_tokens': 7,
    });
    expect(model.attributes['openclaw.cost.usd']).toBeUndefined();
  });

  it('prefers promptTokens, the whole prompt as OpenClaw counted it, over adding the parts', () => {
    const usage = { input: 100, cacheRead: 20, cacheWrite: 3, promptTokens: 130, output: 7 };
    const trace = build(TRACE, [ev('model.call.completed', 100, { callId: 'r:model:1', model: 'm', durationMs: 1, usage }, { traceId: TRACE, spanId: RUN })]);
    expect(span(trace, RUN).attributes['gen_ai.usage.input_tokens']).toBe(130);
  });

  it('chooses between duplicate starts and ends by time, not by arrival', () => {
    const scope = { traceId: TRACE, spanId: RUN };
    const call = { callId: 'r:model:1', provider: 'openai', model: 'gpt-5.1' };
    const events = [
      ev('model.call.started', 10, { ...call, api: 'openai-responses' }, scope),
      ev('model.call.started', 30, { ...call, api: 'openai-embeddings' }, scope),
      ev('model.call.completed', 90, { ...call, durationMs: 80, usage: { output: 1 } }, scope),
      ev('model.call.error', 95, { ...call, durationMs: 85, errorCategory: 'timeout' }, scope),
    ];
    const reference = build(TRACE, events);
    for (const seed of [3, 5, 8, 13]) expect(build(TRACE, shuffled(events, seed))).toEqual(reference);
    expect(build(TRACE, [...events].reverse())).toEqual(reference);
    const model = span(reference, RUN);
    expect([model.startMs, model.endMs]).toEqual([T0 + 10, T0 + 95]);
    expect(model.name).toBe('chat gpt-5.1');
    expect(model.attributes['openclaw.api']).toBe('openai-responses');
    expect(model.status.code).toBe('error');
  });

  it('does not throw on events with odd fields', () => {
    const builder = new EventTraceBuilder(TRACE);
    builder.add(ev('model.call.error', 5, { usage: 'lots', durationMs: 'x', errorCategory: 7 }, { traceId: TRACE, spanId: RUN }));
    builder.add(ev('tool.execution.started', 3, { sourceTimestampMs: 12 }, { traceId: TRACE, spanId: ROOT }));
    builder.add(ev('message.dispatch.completed', 4, {}, { traceId: TRACE }));
    const trace = builder.build();
    expect(span(trace, RUN).attributes['error.type']).toBe('_OTHER');
    expect(span(trace, RUN).startMs).toBe(T0 + 5);
    // A sourceTimestampMs in other units is ignored for the emit time.
    expect(span(trace, ROOT).startMs).toBe(T0 + 3);
    expect(span(trace, ROOT).attributes['openclaw.span.incomplete']).toBe(true);
  });
});

function completedAfter(traceId: string, events: readonly DiagnosticEvent[]): number | undefined {
  const builder = new EventTraceBuilder(traceId);
  for (const event of events) builder.add(event);
  return builder.completedAtMs();
}
