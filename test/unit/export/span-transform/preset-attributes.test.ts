import { describe, expect, it } from 'vitest';
import { presetAttributesTransform } from '../../../../src/export/span-transform/preset-attributes.js';
import type { FinishedTrace, SpanAttributes, SpanRecord } from '../../../../src/model/span-record.js';

function trace(model: SpanAttributes): FinishedTrace {
  const span = (spanId: string, name: string, attributes: SpanAttributes, parentSpanId?: string): SpanRecord => ({
    traceId: 'a'.repeat(32),
    spanId,
    ...(parentSpanId === undefined ? {} : { parentSpanId }),
    name,
    kind: 'internal',
    startMs: 0,
    endMs: 10,
    attributes,
    status: { code: 'unset' },
    events: [],
  });
  return {
    traceId: 'a'.repeat(32),
    incomplete: false,
    spans: [span('1'.repeat(16), 'openclaw.request', { 'gen_ai.conversation.id': 'c0ffee0123456789' }), span('2'.repeat(16), 'chat m', { 'gen_ai.operation.name': 'chat', ...model }, '1'.repeat(16))],
  } as FinishedTrace;
}

function apply(preset: Parameters<typeof presetAttributesTransform>[0], input: FinishedTrace): FinishedTrace {
  presetAttributesTransform(preset)?.(input);
  return input;
}

describe('preset attributes', () => {
  // Arize-ai/openinference js/packages/openinference-semantic-conventions/src/trace/SemanticConventions.ts, enum LLMProvider.
  it.each([
    ['openai', 'openai'],
    ['gcp.gemini', 'google'],
    ['gcp.vertex_ai', 'google'],
    ['aws.bedrock', 'aws'],
    ['azure.ai.openai', 'azure'],
    ['mistral_ai', 'mistralai'],
    ['x_ai', 'xai'],
    ['moonshot_ai', 'moonshot'],
  ])('phoenix: gen_ai.provider.name %s is llm.provider %s (OpenInference enum)', (genAi, openInference) => {
    expect(apply('phoenix', trace({ 'gen_ai.provider.name': genAi })).spans[1]?.attributes['llm.provider']).toBe(openInference);
  });

  it('phoenix: a provider outside the OpenInference enum gets no llm.provider', () => {
    expect(apply('phoenix', trace({ 'gen_ai.provider.name': 'fakeoai' })).spans[1]?.attributes['llm.provider']).toBeUndefined();
  });

  it.each(['otlp', 'grafana'] as const)('%s: session.id on every span, for a Collector forwarding to a backend that groups by it', (preset) => {
    const out = apply(preset, trace({}));
    for (const span of out.spans) expect(span.attributes['session.id']).toBe('c0ffee0123456789');
  });

  it('takes the trace context from the root first, then the other spans in order; the session id before the session key', () => {
    const span = (spanId: string, attributes: SpanAttributes, parentSpanId?: string): SpanRecord =>
      ({ traceId: 'a'.repeat(32), spanId, ...(parentSpanId === undefined ? {} : { parentSpanId }), name: 'x', kind: 'internal', startMs: 0, endMs: 1, attributes, status: { code: 'unset' }, events: [] }) as SpanRecord;
    const root = '1'.repeat(16);
    const input: FinishedTrace = {
      traceId: 'a'.repeat(32),
      incomplete: false,
      // Children listed before the root, as a merged trace may be.
      spans: [
        span('2'.repeat(16), { 'openclaw.session.id': 'child-session', 'gen_ai.agent.id': 'child-agent', 'openclaw.user.id': 'u-child' }, root),
        span('3'.repeat(16), { 'gen_ai.agent.name': 'named', 'openclaw.user.id': 'u-later' }, root),
        span(root, { 'openclaw.session.key': 'root-key', 'gen_ai.agent.id': 'root-agent' }),
        span('4'.repeat(16), {}, root),
      ],
    };
    const out = apply('langfuse', input);
    for (const s of out.spans) expect(s.attributes['session.id']).toBe('child-session');
    expect(out.spans[2]?.attributes['user.id']).toBe('u-child');
    const honeycomb = apply('honeycomb', JSON.parse(JSON.stringify(input)) as FinishedTrace);
    // A span's own agent wins; one without takes the trace's: the root's, though listed after spans that name one.
    expect(honeycomb.spans.map((s) => s.attributes['gen_ai.agent.name'])).toEqual(['child-agent', 'named', 'root-agent', 'root-agent']);
  });
});
