import { describe, expect, it } from 'vitest';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import {
  backfillEventsAndLog,
  CONTENT_REPLY as REPLY,
  CONTENT_SECRET as SECRET,
  CONTENT_TOOL_RESULT as TOOL_RESULT,
  PLUGIN_TRACE as TRACE,
  pluginTurnInputs,
  type ContentBackfill,
} from '../support/content-backfill.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * --capture-content end to end for content in OpenClaw's own shape, through bin/otel-tail and a real
 * OTLP receiver.
 *
 * OpenClaw 2026.9.6 hands prompts, replies and tool input/output to trusted diagnostic listeners as a
 * private-data argument next to the event (`modelContent {inputMessages, outputMessages, systemPrompt,
 * toolDefinitions}` with `model.call.*`, `toolContent {toolInput, toolOutput}` with
 * `tool.execution.completed|error`), and only to its own diagnostics exporters, so no events file holds
 * it today. The input is the real gateway turn of the events-plugin fixture with that argument merged
 * into the events it belongs to, as a trusted writer would, its messages shaped as OpenClaw's agent
 * runtime shapes them (`{role, content: [{type: text|toolCall, ...}], stopReason}`, `toolResult`).
 */
const CALL_1 = 'c4729933fb6875f3';
const CALL_2 = '344fe2c808b14999';
const TOOL = '65069969b36a5e53';

const PROMPT = 'Please read NOTES.md and tell me what it says. [prompt-5be1]';
const THINKING = 'private-thinking-c0ffee';
const TOOL_CALL = { type: 'toolCall', id: 'call_fake1', name: 'read', arguments: { path: 'NOTES.md' } };
const TOOLS = [{ name: 'read', description: 'Read a file [tooldef-77d2]', parameters: { type: 'object', properties: { path: { type: 'string' } } } }];

const USER = { role: 'user', content: PROMPT, timestamp: 1795290471400 };
const ASKS_TOOL = { role: 'assistant', content: [{ type: 'thinking', thinking: THINKING }, TOOL_CALL], stopReason: 'toolUse', timestamp: 1795290471552 };
const TOOL_MESSAGE = { role: 'toolResult', toolCallId: 'call_fake1', toolName: 'read', content: [{ type: 'text', text: TOOL_RESULT }], isError: false, timestamp: 1795290471721 };
const ANSWER = { role: 'assistant', content: [{ type: 'text', text: REPLY }], stopReason: 'stop', timestamp: 1795290471964 };

/** Private data per event, keyed by `type` and the span the event belongs to. */
const PRIVATE: Record<string, Record<string, unknown>> = {
  [`model.call.started ${CALL_1}`]: { modelContent: { inputMessages: [USER], toolDefinitions: TOOLS } },
  [`model.call.completed ${CALL_1}`]: { modelContent: { inputMessages: [USER], toolDefinitions: TOOLS, outputMessages: [ASKS_TOOL] } },
  [`tool.execution.completed ${TOOL}`]: { toolContent: { toolInput: { path: 'NOTES.md' }, toolOutput: { content: [{ type: 'text', text: TOOL_RESULT }] } } },
  [`model.call.started ${CALL_2}`]: { modelContent: { inputMessages: [USER, ASKS_TOOL, TOOL_MESSAGE], toolDefinitions: TOOLS } },
  [`model.call.completed ${CALL_2}`]: { modelContent: { inputMessages: [USER, ASKS_TOOL, TOOL_MESSAGE], toolDefinitions: TOOLS, outputMessages: [ANSWER] } },
};
const CONTENT_MARKERS = [PROMPT, SECRET, 'water the ficus', 'END-OF-REPLY', 'TOOL-RESULT-END', 'tooldef-77d2', THINKING];

const startReceiver = cleanUpAfterEach();

function inputs(): { events: string; log: string } {
  let merged = 0;
  const result = pluginTurnInputs('private-content', (lines) =>
    lines.map((line) => {
      const envelope = JSON.parse(line) as { event: { type: string; trace?: { spanId?: string } } };
      const extra = PRIVATE[`${envelope.event.type} ${envelope.event.trace?.spanId}`];
      if (extra === undefined) return line;
      merged++;
      return JSON.stringify({ ...envelope, event: { ...envelope.event, ...extra } });
    }),
  );
  expect(merged).toBe(Object.keys(PRIVATE).length);
  return result;
}

async function backfill(flags: string[]): Promise<ContentBackfill> {
  return backfillEventsAndLog(await startReceiver(), inputs(), flags);
}

function attributesOf(spans: readonly ReceivedSpan[], spanId: string): Record<string, unknown> {
  const span = spans.find((s) => s.traceId === TRACE && s.spanId === spanId);
  expect(span, `span ${spanId}`).toBeDefined();
  return span?.attributes ?? {};
}

const CONTENT_ATTRIBUTES = ['gen_ai.input.messages', 'gen_ai.output.messages', 'gen_ai.system_instructions', 'gen_ai.tool.definitions', 'gen_ai.tool.call.arguments', 'gen_ai.tool.call.result'];
const MARK = '…[truncated]';

/**
 * JSON content cut to `limit` bytes: still valid JSON of the same shape as `full`, every string
 * whole or a marked prefix of its original, at least one cut, and close to the limit.
 */
function expectJsonCut(value: unknown, full: unknown, limit: number): unknown {
  expect(typeof value).toBe('string');
  const text = value as string;
  expect(Buffer.byteLength(text)).toBeLessThanOrEqual(limit);
  expect(Buffer.byteLength(text)).toBeGreaterThan(limit - 64);
  const parsed: unknown = JSON.parse(text);
  let cuts = 0;
  const same = (got: unknown, want: unknown): void => {
    if (typeof want === 'string') {
      expect(typeof got).toBe('string');
      if (got === want) return;
      cuts++;
      expect((got as string).endsWith(MARK)).toBe(true);
      expect(want.startsWith((got as string).slice(0, -MARK.length))).toBe(true);
    } else if (Array.isArray(want)) {
      expect(Array.isArray(got) && got.length === want.length).toBe(true);
      want.forEach((item, i) => same((got as unknown[])[i], item));
    } else if (typeof want === 'object' && want !== null) {
      expect(Object.keys(got as object)).toEqual(Object.keys(want));
      for (const [key, item] of Object.entries(want)) same((got as Record<string, unknown>)[key], item);
    } else expect(got).toEqual(want);
  };
  same(parsed, full);
  expect(cuts).toBeGreaterThan(0);
  return parsed;
}

describe('--capture-content with OpenClaw private data (modelContent, toolContent)', () => {
  it('off (the default): the spans are exported, and not one byte of the content', async () => {
    const { spans, bytes } = await backfill([]);
    expect(attributesOf(spans, CALL_2)).toMatchObject({ 'gen_ai.request.model': 'fake-model', 'gen_ai.usage.output_tokens': 24 });
    expect(attributesOf(spans, TOOL)).toMatchObject({ 'gen_ai.tool.name': 'read', 'gen_ai.tool.call.id': 'call_fake1' });
    for (const spanId of [CALL_1, CALL_2, TOOL]) for (const key of CONTENT_ATTRIBUTES) expect(attributesOf(spans, spanId)).not.toHaveProperty(key);
    for (const content of CONTENT_MARKERS) expect(bytes).not.toContain(content);
    expect(bytes).not.toContain('"path":"NOTES.md"');
  });

  it('on: messages, tool definitions, arguments and results leave as GenAI attributes, each cut to --max-content-bytes', async () => {
    const limit = 400;
    const { spans, bytes, stderr } = await backfill(['--capture-content', '--max-content-bytes', String(limit)]);
    expect(stderr).toContain('--capture-content is on');
    const first = attributesOf(spans, CALL_1);
    // Short values arrive whole, in the convention's message shape; thinking is left out.
    expect(JSON.parse(first['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: PROMPT }] }]);
    expect(JSON.parse(first['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_fake1', name: 'read', arguments: { path: 'NOTES.md' } }], finish_reason: 'tool_call' },
    ]);
    expect(JSON.parse(first['gen_ai.tool.definitions'] as string)).toEqual([{ type: 'function', ...TOOLS[0] }]);
    const tool = attributesOf(spans, TOOL);
    expect(tool['gen_ai.tool.call.arguments']).toBe('{"path":"NOTES.md"}');
    // Long ones stay valid JSON of the same shape: their long strings are cut on a character boundary and marked.
    expectJsonCut(tool['gen_ai.tool.call.result'], { content: [{ type: 'text', text: TOOL_RESULT }] }, limit);
    const second = attributesOf(spans, CALL_2);
    const output = expectJsonCut(second['gen_ai.output.messages'], [{ role: 'assistant', parts: [{ type: 'text', content: REPLY }], finish_reason: 'stop' }], limit);
    expect(JSON.stringify(output)).toContain(SECRET);
    const history = [
      { role: 'user', parts: [{ type: 'text', content: PROMPT }] },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_fake1', name: 'read', arguments: { path: 'NOTES.md' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_fake1', response: TOOL_RESULT }] },
    ];
    // Every message is kept, the tool's response too: only the long texts in them are shortened.
    expectJsonCut(second['gen_ai.input.messages'], history, limit);
    expect(second).not.toHaveProperty('gen_ai.system_instructions');
    for (const end of ['END-OF-REPLY', 'TOOL-RESULT-END', THINKING]) expect(bytes).not.toContain(end);
  });

  it('on, with --redact: the captured content is masked too', async () => {
    const { spans, bytes } = await backfill(['--capture-content', '--max-content-bytes', '400', '--redact', 'sk-test-[A-Za-z0-9]+']);
    expect(bytes).not.toContain(SECRET);
    const output = attributesOf(spans, CALL_2)['gen_ai.output.messages'];
    expect(output).toMatch(/^\[\{"role":"assistant","parts":\[\{"type":"text","content":"Your key \[REDACTED\] is in NOTES\.md\./);
  });
});
