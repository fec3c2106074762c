import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import type { LogRecord } from '../../../src/model/records.js';
import { LogTraceBuilder } from '../../../src/reconstruct/log-trace-builder.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { fixtureLines } from '../../support/fixtures.js';
import { sampleFacts } from '../../support/sample-facts.js';

function sampleRecords(): LogRecord[] {
  return fixtureLines('openclaw-2026.9.6/file-log.jsonl').flatMap((line) => {
    const parsed = parseLine(line);
    return parsed.kind === 'log' && parsed.record.trace !== undefined ? [parsed.record] : [];
  });
}

function buildAll(records: readonly LogRecord[]): Map<string, { builder: LogTraceBuilder; trace: FinishedTrace }> {
  const builders = new Map<string, LogTraceBuilder>();
  for (const record of records) {
    const traceId = record.trace?.traceId as string;
    const builder = builders.get(traceId) ?? new LogTraceBuilder(traceId);
    builders.set(traceId, builder);
    builder.add(record);
  }
  return new Map([...builders].map(([id, builder]) => [id, { builder, trace: builder.build() }]));
}

const facts = sampleFacts();
const built = buildAll(sampleRecords());
const allSpans: SpanRecord[] = [...built.values()].flatMap((b) => b.trace.spans);
const byId = new Map(allSpans.map((s) => [s.spanId, s]));

describe('stream A traces from the real sample', () => {
  it('keeps one root per trace, with OpenClaw’s root span id', () => {
    expect(built.size).toBe(facts.roots.size);
    for (const [traceId, rootId] of facts.roots) {
      const roots = built.get(traceId)?.trace.spans.filter((s) => s.parentSpanId === undefined);
      expect(roots?.map((s) => s.spanId)).toEqual([rootId]);
    }
  });

  it('keeps every harness span with its own id and parent, starting at `embedded run start`', () => {
    expect(facts.harness.size).toBe(16);
    for (const [spanId, h] of facts.harness) {
      const span = byId.get(spanId);
      expect(span?.traceId).toBe(h.traceId);
      expect(span?.parentSpanId).toBe(h.parent);
      expect(span?.startMs).toBe(h.startMs);
      expect(span?.name).toMatch(/^invoke_agent (main|helper)$/);
    }
  });

  it('makes one inference span per [model-fetch] pair under the harness that logged it, ERROR for non-2xx', () => {
    const inference = allSpans.filter((s) => s.kind === 'client');
    expect(inference).toHaveLength(facts.fetches.length);
    expect(inference).toHaveLength(20);
    for (const fetch of facts.fetches) {
      const span = inference.find((s) => s.parentSpanId === fetch.scope && s.startMs === fetch.startMs);
      expect(span, `fetch at ${fetch.startMs}`).toBeDefined();
      expect(span?.attributes['http.response.status_code']).toBe(fetch.status);
      expect(span?.status.code).toBe(fetch.status >= 400 ? 'error' : 'unset');
      if (fetch.status >= 400) expect(span?.attributes['error.type']).toBe(String(fetch.status));
      expect(span?.name).toMatch(/^chat fake-(model|claude)$/);
      expect(span?.attributes['gen_ai.operation.name']).toBe('chat');
    }
    expect(inference.filter((s) => s.attributes['http.response.status_code'] === 429)).toHaveLength(1);
    expect(inference.filter((s) => s.attributes['http.response.status_code'] === 500)).toHaveLength(8);
  });

  it('names the server of each inference span from its URL, and none from a URL that does not parse (each seen many times)', () => {
    const records = sampleRecords();
    let n = 0;
    for (const record of records) {
      const signal = record.signal;
      if (signal?.kind !== 'model.fetch' || signal.phase !== 'start') continue;
      record.signal = { ...signal, values: { ...signal.values, url: n++ % 2 === 0 ? 'https://api.example.com/v1/messages' : 'not a url' } };
    }
    const inference = [...buildAll(records).values()].flatMap((b) => b.trace.spans).filter((s) => s.kind === 'client');
    const hosts = inference.map((s) => s.attributes['server.address']);
    expect(hosts.filter((h) => h === 'api.example.com')).toHaveLength(10);
    expect(hosts.filter((h) => h === undefined)).toHaveLength(10);
    expect(allSpans.filter((s) => s.kind === 'client').every((s) => s.attributes['server.address'] === '127.0.0.1')).toBe(true);
  });

  it('makes one tool span per call under its harness, ERROR for the missing file', () => {
    const tools = allSpans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
    expect(tools.map((s) => s.attributes['gen_ai.tool.call.id']).sort()).toEqual(facts.tools.map((t) => t.toolCallId).sort());
    for (const tool of facts.tools) {
      const span = tools.find((s) => s.attributes['gen_ai.tool.call.id'] === tool.toolCallId);
      expect(span?.parentSpanId).toBe(tool.scope);
      expect(span?.startMs).toBe(tool.startMs);
      expect(span?.name).toBe(`execute_tool ${tool.tool}`);
    }
    const failed = tools.filter((s) => s.status.code === 'error');
    expect(failed.map((s) => s.attributes['gen_ai.tool.call.id'])).toEqual(['toolu_fake11']);
    expect(failed[0]?.status.message).toContain('File not found');
  });

  it('applies the session ids learned from the text mirrors to the run spans', () => {
    const beta = byId.get('12c6f4d7d091664d');
    expect(beta?.attributes).toMatchObject({
      'openclaw.run.id': 'A-beta-1',
      'openclaw.session.id': '5b0d3b9d-e9f5-4a0e-b63f-d81972e550dd',
      'openclaw.session.key': 'agent:helper:webchat-beta',
      'openclaw.channel': 'webchat',
      'gen_ai.agent.id': 'helper',
      'gen_ai.conversation.id': '5b0d3b9d-e9f5-4a0e-b63f-d81972e550dd',
      'gen_ai.provider.name': 'fakeant',
      'gen_ai.request.model': 'fake-claude',
    });
  });

  it('shows the failing turn as 1 + 7 attempts with retries as events and the root in ERROR', () => {
    const failing = built.get('8d441ae0eaa2791f9fd192db4643f259')?.trace.spans ?? [];
    const attempts = failing.filter((s) => s.name === 'invoke_agent helper');
    expect(attempts.map((s) => s.attributes['openclaw.attempt'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(attempts.every((s) => s.status.code === 'error')).toBe(true);
    const root = failing.find((s) => s.parentSpanId === undefined);
    expect(root?.status.code).toBe('error');
    expect(root?.events.filter((e) => e.name === 'openclaw.retry')).toHaveLength(8);
    expect(root?.events.some((e) => e.name === 'openclaw.model_fallback_decision')).toBe(true);
  });

  it('marks every trace of the sample complete', () => {
    for (const { builder, trace } of built.values()) {
      expect(builder.completedAtMs(), trace.traceId).toBeDefined();
      expect(trace.incomplete).toBe(false);
    }
  });

  it('nests every span inside its parent’s time range', () => {
    for (const span of allSpans) {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      if (parent === undefined) continue;
      expect(span.startMs).toBeGreaterThanOrEqual(parent.startMs);
      expect(span.endMs).toBeLessThanOrEqual(parent.endMs);
    }
  });

  it('derives identical ids from the same input', () => {
    const again = [...buildAll(sampleRecords()).values()].flatMap((b) => b.trace.spans.map((s) => s.spanId));
    expect(again).toEqual(allSpans.map((s) => s.spanId));
  });

  it('tolerates lines written out of time order: swapping neighbours gives the same spans', () => {
    // The gateway stamps a line when it is logged and writes it later, in batches: neighbours can
    // arrive swapped. Pairs (fetch start/response, tool start/end, run start) keep their order.
    const paired = new Set(['model.fetch', 'run.tool.start', 'run.tool.end', 'run.start']);
    const records = sampleRecords();
    const swapped = [...records];
    let swaps = 0;
    for (let i = 0; i + 1 < swapped.length; i += 3) {
      const a = swapped[i] as LogRecord;
      const b = swapped[i + 1] as LogRecord;
      if (paired.has(a.signal?.kind ?? '') || paired.has(b.signal?.kind ?? '') || a.timeMs === b.timeMs) continue;
      swapped[i] = b;
      swapped[i + 1] = a;
      swaps++;
    }
    expect(swaps).toBeGreaterThan(100);
    const again = [...buildAll(swapped).values()].flatMap((b) => b.trace.spans);
    const key = (s: SpanRecord): string => s.spanId;
    expect([...again].sort((a, b) => key(a).localeCompare(key(b)))).toEqual([...allSpans].sort((a, b) => key(a).localeCompare(key(b))));
  });

  it('leaves a tool without its end open, marked incomplete', () => {
    const records = sampleRecords().filter((r) => !r.message.startsWith('embedded run tool end: runId=A-beta-1'));
    const beta = buildAll(records).get('33ed4075bbfd3e5b7e328aadd54a642c');
    expect(beta?.builder.completedAtMs()).toBeUndefined();
    expect(beta?.trace.incomplete).toBe(true);
    const tool = beta?.trace.spans.find((s) => s.attributes['gen_ai.tool.call.id'] === 'toolu_fake1');
    expect(tool?.attributes['openclaw.span.incomplete']).toBe(true);
  });
});

describe('completion kept as counts of open calls', () => {
  const traceId = 'ab'.repeat(16);
  const root = { traceId, spanId: '1'.repeat(16) };
  const harness = { traceId, spanId: '2'.repeat(16), parentSpanId: root.spanId };
  const at = (timeMs: number, signal?: LogRecord['signal'], trace: LogRecord['trace'] = harness): LogRecord =>
    signal === undefined ? { timeMs, level: 'debug', message: '', trace } : { timeMs, level: 'debug', message: '', trace, signal };
  const fetch = (phase: 'start' | 'response', model: string): LogRecord['signal'] => ({ kind: 'model.fetch', phase, values: { model } });
  const tool = (kind: 'run.tool.start' | 'run.tool.end', toolCallId: string): LogRecord['signal'] => ({ kind, values: { runId: 'r1', toolCallId, tool: 'read' } });

  it('completes only when every fetch and tool has ended, in any order (and has an open call until then); same-millisecond fetches keep distinct ids', () => {
    const builder = new LogTraceBuilder(traceId);
    const steps: [LogRecord, boolean][] = [
      [at(1000, { kind: 'run.start', values: { runId: 'r1' } }, root), false],
      [at(1001, fetch('start', 'a')), false],
      [at(1001, fetch('start', 'a')), false],
      [at(1001, fetch('start', 'b')), false],
      [at(1002, tool('run.tool.start', 't1')), false],
      [at(1003, { kind: 'run.done', values: { runId: 'r1' } }, root), false],
      [at(1004, fetch('response', 'b')), false],
      [at(1005, fetch('response', 'a')), false],
      [at(1006, tool('run.tool.end', 't1')), false],
      // A second end of the same tool, and a response with no start left open, change nothing.
      [at(1007, tool('run.tool.end', 't1')), false],
      [at(1008, fetch('response', 'a')), true],
      [at(1009, fetch('response', 'c')), true],
    ];
    for (const [record, complete] of steps) {
      builder.add(record);
      expect(builder.completedAtMs() !== undefined, `after ${record.timeMs}`).toBe(complete);
      // A call is open from the first fetch start (1001) until the last open fetch's response (1008); a response with no start opens none.
      expect(builder.hasOpenCall(), `open call after ${record.timeMs}`).toBe(record.timeMs >= 1001 && record.timeMs < 1008);
    }
    const inference = builder.build().spans.filter((s) => s.kind === 'client');
    expect(inference).toHaveLength(4);
    expect(new Set(inference.map((s) => s.spanId)).size).toBe(4);
    expect(inference.filter((s) => s.startMs === 1001).map((s) => s.endMs).sort()).toEqual([1004, 1005, 1008]);
  });
});

describe('retry events', () => {
  function retryEvent(signal: { attempt?: number; maxAttempts?: number; values: Record<string, string> }): Record<string, unknown> | undefined {
    const builder = new LogTraceBuilder('0af7651916cd43dd8448eb211c80319c');
    const trace = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };
    builder.add({ timeMs: 1_000, level: 'info', message: 'turn', trace });
    builder.add({ timeMs: 1_001, level: 'warn', message: 'transient same-model retry', trace, signal: { kind: 'retry', ...signal } });
    return builder.build().spans[0]?.events.find((e) => e.name === 'openclaw.retry')?.attributes;
  }

  it('carries the line’s values with the attempt numbers, a value named like them taking their place', () => {
    const values = { reason: 'rate_limit', attempt: 'first', delayMs: '1300', phase: 'scheduled' };
    const attributes = retryEvent({ attempt: 2, maxAttempts: 9, values });
    expect(attributes).toEqual({ reason: 'rate_limit', attempt: 2, delayMs: '1300', phase: 'scheduled', maxAttempts: 9 });
    expect(Object.keys(attributes ?? {})).toEqual(['reason', 'attempt', 'delayMs', 'phase', 'maxAttempts']);
  });

  it('leaves out attempt numbers the line did not give, and a value that would have stood for one', () => {
    const attributes = retryEvent({ values: { attempt: 'first', phase: 'exhausted' } });
    expect(Object.keys(attributes ?? {})).toEqual(['phase']);
  });
});
