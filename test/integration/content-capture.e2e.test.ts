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
 * --capture-content end to end, through bin/otel-tail and a real OTLP receiver.
 *
 * What carries content: nothing a 2026.9.6 gateway writes today. The file log has none, and OpenClaw keeps
 * prompts, replies, tool arguments and results out of its diagnostic events (they go to trusted listeners
 * only, as private data; our plugin does not ask for them). So the input is the real gateway turn of the
 * events-plugin fixture plus two synthetic events in the same trace, shaped as OPENCLAW.md §4 events are,
 * whose fields carry content the way a plugin or a newer gateway could write it: a run.progress with the
 * prompt and the reply text, and a tool.loop on the `read` tool with its arguments and result. Their fields
 * become span-event attributes, which is where the content step finds them.
 */
const RUN_SPAN = '695b9ac63b809d91';
const TOOL_SPAN = '65069969b36a5e53';

const PROMPT = 'Please read NOTES.md and tell me what it says.';
const TOOL_ARGS = '{"path":"NOTES.md"}';

const startReceiver = cleanUpAfterEach();

/** The fixture's events and file log, the events file with the two content-bearing events added. */
function inputs(): { events: string; log: string } {
  const scope = (spanId: string): Record<string, string> => ({ traceId: TRACE, spanId, traceFlags: '01' });
  const common = { runId: 'chatcmpl_0bf61878-c3c2-43d4-b325-bafcf9f8f3b1', sessionKey: 'agent:main:openai-user:e2e', sessionId: '08789359-b0ff-4573-9793-e02628b28157' };
  const added = [
    { event: { type: 'run.progress', ...common, reason: 'reply', prompt: PROMPT, text: REPLY, trace: scope(RUN_SPAN), seq: 9001, ts: 1795290472100 }, metadata: { trusted: true } },
    { event: { type: 'tool.loop', ...common, toolName: 'read', level: 'info', params: TOOL_ARGS, result: TOOL_RESULT, trace: scope(TOOL_SPAN), seq: 9002, ts: 1795290471700 }, metadata: { trusted: true } },
  ];
  return pluginTurnInputs('content', (lines) => {
    // Written where the gateway would have delivered them: right after the tool's end, before the run ends.
    const toolEnd = lines.findIndex((line) => line.includes('"type":"tool.execution.completed"'));
    expect(toolEnd).toBeGreaterThan(0);
    lines.splice(toolEnd + 1, 0, ...added.map((line) => JSON.stringify(line)));
    return lines;
  });
}

async function backfill(flags: string[]): Promise<ContentBackfill> {
  return backfillEventsAndLog(await startReceiver(), inputs(), flags);
}

function eventOf(spans: readonly ReceivedSpan[], spanId: string, name: string): Record<string, unknown> | undefined {
  return spans.find((s) => s.traceId === TRACE && s.spanId === spanId)?.events.find((e) => e.name === name)?.attributes;
}

describe('--capture-content, end to end', () => {
  it('off (the default): the events are exported, and not one byte of their content', async () => {
    const { spans, bytes, stderr } = await backfill([]);
    expect(stderr).not.toContain('--capture-content is on');
    // The events themselves arrive, with their other fields: only the content is gone.
    expect(eventOf(spans, RUN_SPAN, 'run.progress')).toMatchObject({ reason: 'reply' });
    expect(eventOf(spans, TOOL_SPAN, 'tool.loop')).toMatchObject({ toolName: 'read', level: 'info' });
    for (const key of ['prompt', 'text']) expect(eventOf(spans, RUN_SPAN, 'run.progress')).not.toHaveProperty(key);
    for (const key of ['params', 'result']) expect(eventOf(spans, TOOL_SPAN, 'tool.loop')).not.toHaveProperty(key);
    for (const content of [PROMPT, SECRET, 'water the ficus', 'END-OF-REPLY', TOOL_ARGS, 'TOOL-RESULT-END']) expect(bytes).not.toContain(content);
  });

  it('on: prompts, replies, tool arguments and results leave, each cut to --max-content-bytes, with a warning at start', async () => {
    const { spans, bytes, stderr } = await backfill(['--capture-content', '--max-content-bytes', '200']);
    expect(stderr).toContain('--capture-content is on');
    expect(stderr).toContain('each cut to 200 bytes');
    const progress = eventOf(spans, RUN_SPAN, 'run.progress');
    const loop = eventOf(spans, TOOL_SPAN, 'tool.loop');
    // Short values whole; long ones cut on a character boundary and marked.
    expect(progress?.['prompt']).toBe(PROMPT);
    expect(loop?.['params']).toBe(TOOL_ARGS);
    for (const [value, full] of [[progress?.['text'], REPLY], [loop?.['result'], TOOL_RESULT]] as const) {
      expect(typeof value).toBe('string');
      const text = value as string;
      expect(text.endsWith('…[truncated]')).toBe(true);
      const kept = text.slice(0, -'…[truncated]'.length);
      expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(200);
      expect(Buffer.byteLength(kept)).toBeGreaterThan(190);
      expect(full.startsWith(kept)).toBe(true);
    }
    expect(bytes).not.toContain('END-OF-REPLY');
    expect(bytes).not.toContain('TOOL-RESULT-END');
    expect(bytes).toContain(SECRET);
  });

  it('on, with --redact: the captured content is masked too', async () => {
    const { spans, bytes } = await backfill(['--capture-content', '--max-content-bytes', '200', '--redact', 'sk-test-[A-Za-z0-9]+']);
    expect(bytes).not.toContain(SECRET);
    expect(eventOf(spans, RUN_SPAN, 'run.progress')?.['text']).toMatch(/^Your key \[REDACTED\] is in NOTES\.md\./);
    expect(eventOf(spans, RUN_SPAN, 'run.progress')?.['prompt']).toBe(PROMPT);
  });
});
