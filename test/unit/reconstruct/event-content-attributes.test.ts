import { describe, expect, it } from 'vitest';
import type { DiagnosticEvent } from '../../../src/model/records.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { describeLifecycleSpan } from '../../../src/reconstruct/event-span-attributes.js';
import { CONTENT_ATTRIBUTE_NAMES } from '../../../src/model/attribute-names.js';
import { contentTransform } from '../../../src/export/span-transform/content-capture.js';

const T = 1_795_290_471_473;

function event(type: string, extra: Record<string, unknown>): DiagnosticEvent {
  const fields = { type, ts: T, runId: 'r1', sessionId: 's1', ...extra };
  return { type, ts: T, fields };
}

// OpenClaw 2026.9.6's private data as its agent runtime fills it (messages of its model layer).
const INPUT = [
  { role: 'user', content: 'What is in NOTES.md?', timestamp: T - 10 },
  { role: 'assistant', content: [{ type: 'thinking', thinking: 'SECRET-THOUGHT', thinkingSignature: 'sig' }, { type: 'toolCall', id: 'call_1', name: 'read', arguments: { path: 'NOTES.md' } }], stopReason: 'toolUse', timestamp: T - 9 },
  { role: 'toolResult', toolCallId: 'call_1', toolName: 'read', content: [{ type: 'text', text: '# Notes' }, { type: 'text', text: 'water the ficus' }], isError: false, timestamp: T - 8 },
  { role: 'user', content: [{ type: 'text', text: 'and this?' }, { type: 'image', data: 'QUJDREVGR0g=', mimeType: 'image/png' }], timestamp: T - 7 },
];
const OUTPUT = [{ role: 'assistant', content: [{ type: 'text', text: 'It says: water the ficus.' }], stopReason: 'stop', api: 'openai-completions', usage: { input: 10 } }];
const TOOLS = [{ name: 'read', description: 'Read a file', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];

function model(start: Record<string, unknown>, end: Record<string, unknown>): Record<string, unknown> {
  const base = { callId: 'r1:model:1', provider: 'openai', model: 'gpt-5', api: 'openai-completions' };
  return describeLifecycleSpan({ family: 'model', start: event('model.call.started', { ...base, ...start }), ends: [event('model.call.completed', { ...base, durationMs: 5, ...end })] }).attributes;
}

function json(value: unknown): unknown {
  expect(typeof value).toBe('string');
  return JSON.parse(value as string);
}

describe('content of model calls (modelContent)', () => {
  it('maps input and output messages to gen_ai.input/output.messages in the convention shape', () => {
    const attributes = model({ modelContent: { inputMessages: INPUT, toolDefinitions: TOOLS } }, { modelContent: { inputMessages: INPUT, toolDefinitions: TOOLS, outputMessages: OUTPUT } });
    expect(json(attributes['gen_ai.input.messages'])).toEqual([
      { role: 'user', parts: [{ type: 'text', content: 'What is in NOTES.md?' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'read', arguments: { path: 'NOTES.md' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: '# Notes\nwater the ficus' }] },
      { role: 'user', parts: [{ type: 'text', content: 'and this?' }, { type: 'image', mime_type: 'image/png' }] },
    ]);
    expect(json(attributes['gen_ai.output.messages'])).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'It says: water the ficus.' }], finish_reason: 'stop' },
    ]);
    expect(json(attributes['gen_ai.tool.definitions'])).toEqual([{ type: 'function', ...TOOLS[0] }]);
    // Thinking (as OpenClaw's own exporter does) and image bytes stay behind.
    for (const value of Object.values(attributes)) {
      expect(String(value)).not.toContain('SECRET-THOUGHT');
      expect(String(value)).not.toContain('QUJDREVGR0g=');
    }
  });

  it('takes the output from the end and the input from either event', () => {
    const attributes = model({ modelContent: { inputMessages: INPUT } }, { modelContent: { outputMessages: [{ role: 'assistant', content: [], stopReason: 'toolUse' }] } });
    expect(json(attributes['gen_ai.input.messages'])).toHaveLength(4);
    expect(json(attributes['gen_ai.output.messages'])).toEqual([{ role: 'assistant', parts: [], finish_reason: 'tool_call' }]);
  });

  it('maps a system prompt to gen_ai.system_instructions as a text part', () => {
    const attributes = model({}, { modelContent: { systemPrompt: 'You are a gardener.' } });
    expect(json(attributes['gen_ai.system_instructions'])).toEqual([{ type: 'text', content: 'You are a gardener.' }]);
  });

  it('keeps messages of an unknown shape as they are', () => {
    const attributes = model({}, { modelContent: { inputMessages: [{ kind: 'future' }, 'plain'], outputMessages: 'just text' } });
    expect(json(attributes['gen_ai.input.messages'])).toEqual([{ kind: 'future' }, 'plain']);
    expect(attributes['gen_ai.output.messages']).toBe('just text');
  });

  it('sets nothing when the events carry no content (what a 2026.9.6 gateway hands a plugin)', () => {
    const attributes = model({ promptStats: { inputMessagesChars: 120 } }, { modelContent: 'not an object' });
    for (const name of CONTENT_ATTRIBUTE_NAMES) expect(attributes).not.toHaveProperty(name);
  });
});

describe('content of tool executions (toolContent)', () => {
  const base = { toolName: 'read', toolCallId: 'call_1' };
  it('maps toolInput and toolOutput to gen_ai.tool.call.arguments and .result, JSON for objects', () => {
    const look = describeLifecycleSpan({
      family: 'tool',
      start: event('tool.execution.started', base),
      ends: [event('tool.execution.completed', { ...base, toolContent: { toolInput: { path: 'NOTES.md' }, toolOutput: { content: [{ type: 'text', text: '# Notes' }] } } })],
    });
    expect(look.attributes['gen_ai.tool.call.arguments']).toBe('{"path":"NOTES.md"}');
    expect(json(look.attributes['gen_ai.tool.call.result'])).toEqual({ content: [{ type: 'text', text: '# Notes' }] });
  });

  it('an error carries the arguments only; strings stay strings', () => {
    const look = describeLifecycleSpan({ family: 'tool', ends: [event('tool.execution.error', { ...base, errorCategory: 'io', toolContent: { toolInput: 'ls -la' } })] });
    expect(look.attributes['gen_ai.tool.call.arguments']).toBe('ls -la');
    expect(look.attributes).not.toHaveProperty('gen_ai.tool.call.result');
  });
});

describe('the export side treats exactly these attributes as content', () => {
  function trace(): FinishedTrace {
    const attributes: Record<string, string> = { 'gen_ai.tool.name': 'read' };
    for (const name of CONTENT_ATTRIBUTE_NAMES) attributes[name] = `${name}:${'x'.repeat(100)}`;
    const span: SpanRecord = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name: 's', kind: 'internal', startMs: T, endMs: T, attributes, status: { code: 'unset' }, events: [] };
    return { traceId: span.traceId, incomplete: false, spans: [span] };
  }

  it('covers the six GenAI content names', () => {
    expect([...CONTENT_ATTRIBUTE_NAMES].sort()).toEqual([
      'gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions',
      'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result', 'gen_ai.tool.definitions',
    ]);
  });

  it('off: every one is dropped, the rest stays', () => {
    const t = trace();
    contentTransform(false, 50)(t);
    expect(t.spans[0]?.attributes).toEqual({ 'gen_ai.tool.name': 'read' });
  });

  it('on: every one is cut to the limit', () => {
    const t = trace();
    contentTransform(true, 50)(t);
    for (const name of CONTENT_ATTRIBUTE_NAMES) expect(t.spans[0]?.attributes[name]).toBe(`${`${name}:${'x'.repeat(100)}`.slice(0, 50)}…[truncated]`);
  });
});
