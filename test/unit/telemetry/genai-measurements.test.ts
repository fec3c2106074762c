import { describe, expect, it } from 'vitest';
import type { FinishedTrace, SpanAttributes, SpanRecord } from '../../../src/model/span-record.js';
import { genAiMeasurements } from '../../../src/telemetry/genai-measurements.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import { fixtureLines } from '../../support/fixtures.js';

/** The real gateway's turn, from its diagnostic events (test/fixtures/openclaw-2026.9.6-plugin). */
function gatewayTraces(): FinishedTrace[] {
  const traces: FinishedTrace[] = [];
  const reconstructor = new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, (trace) => traces.push(trace));
  for (const line of fixtureLines('openclaw-2026.9.6-plugin/events/events-2026-11-21.jsonl')) {
    const parsed = parseLine(line);
    if (parsed.kind === 'diagnostic') reconstructor.addEvent(parsed.event);
  }
  reconstructor.flush();
  return traces;
}

function span(spanId: string, parentSpanId: string | undefined, attributes: SpanAttributes, endMs = 2000): SpanRecord {
  return { traceId: 'a'.repeat(32), spanId, ...(parentSpanId === undefined ? {} : { parentSpanId }), name: spanId, kind: 'internal', startMs: 0, endMs, attributes, status: { code: 'unset' }, events: [] };
}

const RUN = span('run', undefined, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'ops', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'm' });
const TURN: FinishedTrace = {
  traceId: 'a'.repeat(32),
  incomplete: false,
  spans: [
    RUN,
    span('call', 'run', { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'm', 'gen_ai.usage.input_tokens': 10, 'gen_ai.usage.output_tokens': 2, 'openclaw.cost.usd': 0.5, 'gen_ai.request.stream': true, 'gen_ai.response.time_to_first_chunk': 0.25 }, 1000),
    span('unstreamed', 'run', { 'gen_ai.operation.name': 'chat', 'gen_ai.response.time_to_first_chunk': 0.5 }, 1000),
    span('tool', 'run', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'exec', 'gen_ai.agent.id': 'ops' }, 500),
  ],
};

describe('genAiMeasurements', () => {
  const of = (instrument: string) => genAiMeasurements(TURN).filter((m) => m.instrument === instrument);

  it('tokens and cost carry the agent of the enclosing run', () => {
    for (const m of [...of('tokenUsage'), ...of('costUsd')]) expect(m.attributes['gen_ai.agent.name']).toBe('ops');
    expect(of('tokenUsage').map((m) => m.value)).toEqual([10, 2]);
  });

  it('time to first chunk for streamed calls only (metrics.yaml: SHOULD NOT be reported otherwise)', () => {
    expect(of('timeToFirstChunk').map((m) => m.value)).toEqual([0.25]);
  });

  it('agent runs and tool calls as the conventions\' duration histograms, in seconds', () => {
    expect(of('invokeAgentDuration')).toEqual([{ instrument: 'invokeAgentDuration', value: 2, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': 'openai', 'gen_ai.request.model': 'm', 'gen_ai.agent.name': 'ops' } }]);
    expect(of('executeToolDuration')).toEqual([{ instrument: 'executeToolDuration', value: 0.5, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'exec', 'gen_ai.tool.type': 'function' } }]);
  });

  it("on a real gateway's turn, every token point names its agent (main)", () => {
    const points = gatewayTraces().flatMap(genAiMeasurements).filter((m) => m.instrument === 'tokenUsage');
    expect(points.length).toBeGreaterThan(0);
    for (const point of points) expect(point.attributes['gen_ai.agent.name']).toBe('main');
  });
});
