import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkRedactPatterns } from '../../../../src/config/check-redact.js';
import { contentTransform, truncateContent, truncateUtf8, TRUNCATED_MARK } from '../../../../src/export/span-transform/content-capture.js';
import { resolveIdSalt } from '../../../../src/export/span-transform/id-salt.js';
import { idPrivacyTransform, OMITTED } from '../../../../src/export/span-transform/id-privacy.js';
import { presetAttributesTransform, userIdTransform } from '../../../../src/export/span-transform/preset-attributes.js';
import { REDACTED, redactTransform } from '../../../../src/export/span-transform/redact.js';
import { openclawSemconvTransform } from '../../../../src/export/span-transform/semconv-openclaw.js';
import { copyTrace } from '../../../../src/export/span-transform/span-transform.js';
import { TransformingExporter } from '../../../../src/export/span-transform/transforming-exporter.js';
import type { FinishedTrace, SpanRecord } from '../../../../src/model/span-record.js';
import type { TraceExporter } from '../../../../src/export/trace-exporter.js';

const T = 1_700_000_000_000;
const KEY = 'agent:ops:telegram:direct:48213377';
const SESSION = '0d52d58a-7abd-4dde-bc2a-0983e04377ba';

function span(name: string, attributes: SpanRecord['attributes'], events: SpanRecord['events'] = []): SpanRecord {
  return { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), name, kind: 'internal', startMs: T, endMs: T + 5, attributes, status: { code: 'unset' }, events };
}

function sampleTrace(): FinishedTrace {
  return {
    traceId: 'a'.repeat(32),
    incomplete: false,
    spans: [
      span('openclaw.message telegram', { 'openclaw.session.key': KEY, 'openclaw.session.id': SESSION, 'gen_ai.conversation.id': SESSION, 'openclaw.message.id': '9152', 'openclaw.run.id': 'run-1' }, [
        { name: 'message.received', timeMs: T, attributes: { sessionKey: KEY, chatId: 48213377, messageId: 9152, channel: 'telegram' } },
        { name: 'queue.lane.enqueue', timeMs: T + 1, attributes: { lane: `session:${KEY}` } },
        { name: 'log', timeMs: T + 2, attributes: { 'log.message': `reply timings messageId=9152 sessionKey=${KEY} sessionId=${SESSION} outcome=ok` } },
      ]),
      span('chat gpt-5.1', { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-5.1', 'gen_ai.provider.name': 'openai', 'gen_ai.usage.input_tokens': 100, 'gen_ai.usage.output_tokens': 7, 'gen_ai.usage.cache_read.input_tokens': 40, 'gen_ai.usage.cache_creation.input_tokens': 20, 'gen_ai.usage.reasoning.output_tokens': 3, 'gen_ai.response.time_to_first_chunk': 0.109, 'openclaw.cost.usd': 0.01, 'openclaw.session.key': KEY }),
      span('execute_tool exec', { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'exec', 'gen_ai.tool.call.id': 'call_1', 'openclaw.lane': `session:${KEY}` }),
      span('invoke_agent ops', { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.id': 'ops', 'gen_ai.conversation.id': SESSION }),
    ],
  };
}

function run(steps: ((trace: FinishedTrace) => void)[], input = sampleTrace()): FinishedTrace {
  const copy = copyTrace(input);
  for (const step of steps) step(copy);
  return copy;
}

describe('id privacy', () => {
  it('hashes session keys, session ids, chat and message ids everywhere, and leaves no raw one in any string', () => {
    const original = sampleTrace();
    const out = run([idPrivacyTransform({ sessionIds: 'hash', chatIds: 'hash', salt: 's1' }) ?? (() => undefined)], original);
    const text = JSON.stringify(out);
    for (const raw of [KEY, SESSION, '48213377', 'agent:']) expect(text).not.toContain(raw);
    const root = out.spans[0] as SpanRecord;
    expect(root.attributes['openclaw.session.key']).toMatch(/^[0-9a-f]{16}$/);
    // The same id gives the same hash wherever it is: session id and conversation id, span and event attributes, lane names.
    expect(root.attributes['openclaw.session.id']).toBe(root.attributes['gen_ai.conversation.id']);
    expect(root.events[0]?.attributes?.['sessionKey']).toBe(root.attributes['openclaw.session.key']);
    expect(root.events[1]?.attributes?.['lane']).toBe(`session:${String(root.attributes['openclaw.session.key'])}`);
    expect(root.events[0]?.attributes?.['messageId']).toBe(root.attributes['openclaw.message.id']);
    expect(root.events[2]?.attributes?.['log.message']).toContain(`messageId=${String(root.attributes['openclaw.message.id'])}`);
    expect(root.attributes['openclaw.run.id']).toBe('run-1');
    // The reconstructor's trace is untouched.
    expect(JSON.stringify(original)).toContain(KEY);
  });

  it('gives the same hash for the same salt and another for another salt', () => {
    const hashOf = (salt: string): unknown => run([idPrivacyTransform({ sessionIds: 'hash', chatIds: 'raw', salt }) as (t: FinishedTrace) => void]).spans[0]?.attributes['openclaw.session.key'];
    expect(hashOf('s1')).toBe(hashOf('s1'));
    expect(hashOf('s1')).not.toBe(hashOf('s2'));
  });

  it('omits ids under omit, and marks them inside longer strings', () => {
    const out = run([idPrivacyTransform({ sessionIds: 'omit', chatIds: 'omit' }) as (t: FinishedTrace) => void]);
    const root = out.spans[0] as SpanRecord;
    expect(root.attributes).not.toHaveProperty('openclaw.session.key');
    expect(root.attributes).not.toHaveProperty('gen_ai.conversation.id');
    expect(root.attributes).not.toHaveProperty('openclaw.message.id');
    expect(root.events[0]?.attributes).toEqual({ channel: 'telegram' });
    expect(root.events[1]?.attributes?.['lane']).toBe(`session:${OMITTED}`);
    expect(JSON.stringify(out)).not.toContain('48213377');
  });

  it('does nothing under raw', () => {
    expect(idPrivacyTransform({ sessionIds: 'raw', chatIds: 'raw' })).toBeUndefined();
  });
});

describe('id salt', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is generated once in the state dir with mode 0600 and read back on the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-salt-'));
    dirs.push(dir);
    const stateDir = join(dir, 'state');
    const first = resolveIdSalt(undefined, stateDir);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(stateDir, 'id-salt')).mode & 0o777).toBe(0o600);
    expect(resolveIdSalt(undefined, stateDir)).toBe(first);
    expect(readFileSync(join(stateDir, 'id-salt'), 'utf8').trim()).toBe(first);
    expect(resolveIdSalt('configured', stateDir)).toBe('configured');
  });
});

describe('redaction', () => {
  it('masks matches in span names, attributes, event attributes and status messages', () => {
    const input = sampleTrace();
    (input.spans[1] as SpanRecord).status = { code: 'error', message: 'token sk-abc123 refused' };
    (input.spans[1] as SpanRecord).events.push({ name: 'openclaw.retry', timeMs: T, attributes: { rawErrorPreview: 'bad key sk-zzz999', list: ['sk-1', 'ok'] } as never });
    input.spans[2]!.name = 'execute_tool sk-name';
    const out = run([redactTransform([/sk-[a-z0-9]+/gu, /(?:)/gu])], input);
    const text = JSON.stringify(out);
    expect(text).not.toMatch(/sk-[a-z0-9]/);
    expect(out.spans[1]?.status.message).toBe(`token ${REDACTED} refused`);
    expect(out.spans[1]?.events[0]?.attributes?.['rawErrorPreview']).toBe(`bad key ${REDACTED}`);
    expect(out.spans[1]?.events[0]?.attributes?.['list']).toEqual([REDACTED, 'ok']);
    expect(out.spans[2]?.name).toBe(`execute_tool ${REDACTED}`);
    // The pattern that matches the empty string masks nothing.
    expect(out.spans[1]?.attributes['gen_ai.request.model']).toBe('gpt-5.1');
  });

  it('reports a pattern that does not compile as a configuration problem', () => {
    const problems: string[] = [];
    checkRedactPatterns({ redact: ['ok', '(unclosed'] }, problems);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain('--redact "(unclosed"');
  });
});

describe('content capture', () => {
  const withContent = (): FinishedTrace => {
    const trace = sampleTrace();
    trace.spans[1]!.attributes['gen_ai.input.messages'] = 'héllo '.repeat(100);
    trace.spans[0]!.events[0]!.attributes!['text'] = 'what is my balance';
    return trace;
  };

  it('drops content attributes unless capture is on', () => {
    const out = run([contentTransform(false, 100)], withContent());
    expect(out.spans[1]?.attributes).not.toHaveProperty('gen_ai.input.messages');
    expect(out.spans[0]?.events[0]?.attributes).not.toHaveProperty('text');
    expect(out.spans[1]?.attributes['gen_ai.request.model']).toBe('gpt-5.1');
  });

  it('keeps content cut to the byte limit when capture is on', () => {
    const out = run([contentTransform(true, 20)], withContent());
    const cut = out.spans[1]?.attributes['gen_ai.input.messages'] as string;
    expect(cut.endsWith(TRUNCATED_MARK)).toBe(true);
    expect(Buffer.byteLength(cut.slice(0, -TRUNCATED_MARK.length))).toBeLessThanOrEqual(20);
    expect(out.spans[0]?.events[0]?.attributes?.['text']).toBe('what is my balance');
  });

  it('never cuts inside a character', () => {
    expect(truncateUtf8('ééé', 3)).toBe(`é${TRUNCATED_MARK}`);
    expect(truncateUtf8('abc', 3)).toBe('abc');
  });

  it('keeps JSON content valid: only its long strings are shortened, each marked, as little as fits', () => {
    const messages = [
      { role: 'user', parts: [{ type: 'text', content: 'q'.repeat(500) }] },
      { role: 'assistant', parts: [{ type: 'text', content: `${'😀'.repeat(300)}` }], finish_reason: 'stop' },
    ];
    const cut = truncateContent(JSON.stringify(messages), 400);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(400);
    const parsed = JSON.parse(cut) as typeof messages;
    expect(parsed.map((m) => m.role)).toEqual(['user', 'assistant']);
    expect(parsed[1]?.finish_reason).toBe('stop');
    const [user, reply] = parsed.map((m) => m.parts[0]?.content ?? '');
    expect(user?.endsWith(TRUNCATED_MARK)).toBe(true);
    expect(user?.length).toBeGreaterThan(64);
    // An emoji is two UTF-16 units: the cut never leaves half of one.
    expect(reply?.slice(0, -TRUNCATED_MARK.length)).toMatch(/^(😀)+$/u);
    // What fits is left as it is.
    expect(truncateContent(JSON.stringify(messages), 5000)).toBe(JSON.stringify(messages));
  });

  it('cuts as text what is not JSON, or JSON whose structure alone is over the limit', () => {
    expect(truncateContent(`[not json ${'x'.repeat(100)}`, 40)).toBe(truncateUtf8(`[not json ${'x'.repeat(100)}`, 40));
    const many = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ role: 'user', n: i })));
    expect(truncateContent(many, 100)).toBe(truncateUtf8(many, 100));
  });
});

describe('preset attributes', () => {
  const withPreset = (preset: Parameters<typeof presetAttributesTransform>[0]): FinishedTrace =>
    run([userIdTransform(), idPrivacyTransform({ sessionIds: 'hash', chatIds: 'hash', salt: 's' }) as (t: FinishedTrace) => void, presetAttributesTransform(preset) as (t: FinishedTrace) => void]);

  // Langfuse's keys: langfuse/langfuse web/src/features/otel/server/attributes.ts (TRACE_SESSION_ID = "session.id",
  // TRACE_USER_ID = "user.id", OBSERVATION_COST_DETAILS, OBSERVATION_COMPLETION_START_TIME).
  it('langfuse: session and user (hashed) under its canonical keys, observation types, cost details, completion start', () => {
    const [root, model, tool, agent] = withPreset('langfuse').spans;
    expect(root?.attributes['session.id']).toBe(root?.attributes['gen_ai.conversation.id']);
    expect(root?.attributes['user.id']).toMatch(/^[0-9a-f]{16}$/);
    expect(root?.attributes['langfuse.session.id']).toBeUndefined();
    expect(JSON.parse(model?.attributes['langfuse.observation.cost_details'] as string)).toEqual({ total: 0.01 });
    expect(model?.attributes['langfuse.observation.completion_start_time']).toBe(new Date((model?.startMs ?? 0) + 109).toISOString());
    expect(model?.attributes['gen_ai.usage.cost']).toBeUndefined();
    expect(JSON.stringify(root)).not.toContain('48213377');
    expect(model?.attributes['langfuse.observation.type']).toBe('generation');
    expect(tool?.attributes['langfuse.observation.type']).toBe('tool');
    expect(agent?.attributes['langfuse.observation.type']).toBe('agent');
    expect(root?.attributes['langfuse.observation.type']).toBe('span');
  });

  it('phoenix: OpenInference kinds, model, tokens, tool name and id, session and user on every span', () => {
    const out = withPreset('phoenix');
    const [root, model, tool, agent] = out.spans;
    expect(model?.attributes).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': 'gpt-5.1',
      'llm.provider': 'openai',
      'llm.token_count.prompt': 100,
      'llm.token_count.completion': 7,
      'llm.token_count.total': 107,
      'llm.token_count.prompt_details.cache_read': 40,
      'llm.token_count.prompt_details.cache_write': 20,
      'llm.token_count.completion_details.reasoning': 3,
      'llm.cost.total': 0.01,
    });
    expect(tool?.attributes).toMatchObject({ 'openinference.span.kind': 'TOOL', 'tool.name': 'exec', 'tool.id': 'call_1' });
    expect(agent?.attributes['openinference.span.kind']).toBe('AGENT');
    expect(root?.attributes['openinference.span.kind']).toBe('CHAIN');
    for (const span of out.spans) {
      expect(span.attributes['session.id']).toBe(root?.attributes['gen_ai.conversation.id']);
      expect(span.attributes['user.id']).toBe(root?.attributes['openclaw.user.id']);
    }
  });

  it('braintrust: span types and metrics as JSON objects (what its SDKs send), no undocumented dotted copies', () => {
    const [root, model, tool] = withPreset('braintrust').spans;
    const metrics = { prompt_tokens: 100, completion_tokens: 7, tokens: 107, prompt_cached_tokens: 40, prompt_cache_creation_tokens: 20, completion_reasoning_tokens: 3, estimated_cost: 0.01, time_to_first_token: 0.109 };
    expect(JSON.parse(model?.attributes['braintrust.metrics'] as string)).toEqual(metrics);
    expect(JSON.parse(model?.attributes['braintrust.span_attributes'] as string)).toEqual({ type: 'llm' });
    expect(Object.keys(model?.attributes ?? {}).filter((key) => key.startsWith('braintrust.metrics.') || key.startsWith('braintrust.span_attributes.'))).toEqual([]);
    expect(JSON.parse(tool?.attributes['braintrust.span_attributes'] as string)).toEqual({ type: 'tool' });
    expect(JSON.parse(root?.attributes['braintrust.span_attributes'] as string)).toEqual({ type: 'task' });
    // No usage, no metrics: nothing is invented.
    expect(tool?.attributes['braintrust.metrics']).toBeUndefined();
    expect(Object.keys(tool?.attributes ?? {}).some((key) => key.startsWith('braintrust.metrics'))).toBe(false);
  });

  it('braintrust: no time to first token when the input has none', () => {
    const input = sampleTrace();
    delete (input.spans[1] as SpanRecord).attributes['gen_ai.response.time_to_first_chunk'];
    const model = run([presetAttributesTransform('braintrust') as (t: FinishedTrace) => void], input).spans[1];
    expect(JSON.parse(model?.attributes['braintrust.metrics'] as string)).not.toHaveProperty('time_to_first_token');
  });

  // mlflow/mlflow mlflow/tracing/otel/translation/__init__.py: translate_loaded_span maps gen_ai.operation.name to the
  // span type (genai_semconv.py) only when mlflow.spanType is absent.
  it('mlflow: session.id / user.id that its OTLP ingestion reads; no mlflow.trace.* span attributes; no span type over a GenAI operation', () => {
    const out = withPreset('mlflow');
    const [root, model] = out.spans;
    for (const span of out.spans) {
      expect(span.attributes['session.id']).toBe(root?.attributes['gen_ai.conversation.id']);
      expect(Object.keys(span.attributes).filter((key) => key.startsWith('mlflow.trace.'))).toEqual([]);
    }
    expect(root?.attributes['user.id']).toBe(root?.attributes['openclaw.user.id']);
    expect(model?.attributes['mlflow.spanType']).toBeUndefined();
    expect(root?.attributes['mlflow.spanType']).toBe('CHAIN');
  });

  it('langfuse: the trace session and user on every span (v4 ingestion reads them per observation)', () => {
    const out = withPreset('langfuse');
    const root = out.spans[0] as SpanRecord;
    for (const span of out.spans) {
      expect(span.attributes['session.id']).toBe(root.attributes['gen_ai.conversation.id']);
      expect(span.attributes['user.id']).toBe(root.attributes['openclaw.user.id']);
    }
  });

  it('honeycomb: agent name and the conversation id on every span of the trace', () => {
    const out = withPreset('honeycomb');
    const [root, , , agent] = out.spans;
    expect(agent?.attributes['gen_ai.agent.name']).toBe('ops');
    for (const span of out.spans) {
      expect(span.attributes['gen_ai.conversation.id']).toBe(root?.attributes['gen_ai.conversation.id']);
      expect(span.attributes['gen_ai.agent.name']).toBe('ops');
    }
  });

  it('a trace without any session id gets no session attribute (nothing is invented)', () => {
    const out = run([idPrivacyTransform({ sessionIds: 'omit', chatIds: 'omit' }) as (t: FinishedTrace) => void, presetAttributesTransform('langfuse') as (t: FinishedTrace) => void]);
    for (const span of out.spans) expect(span.attributes['session.id']).toBeUndefined();
  });
});

describe('--semconv openclaw', () => {
  it("names spans as OpenClaw's diagnostics-otel plugin does and adds its attribute names", () => {
    const out = run([openclawSemconvTransform()]);
    expect(out.spans.map((s) => s.name)).toEqual(['openclaw.message.processed', 'openclaw.model.call', 'openclaw.tool.execution', 'openclaw.run']);
    expect(out.spans[1]?.attributes).toMatchObject({ 'openclaw.model': 'gpt-5.1', 'openclaw.provider': 'openai', 'gen_ai.request.model': 'gpt-5.1' });
    expect(out.spans[2]?.attributes['openclaw.toolName']).toBe('exec');
    expect(out.spans[3]?.attributes['openclaw.agent']).toBe('ops');
    // The plugin's model-call timing attribute, in its unit.
    expect(out.spans[1]?.attributes['openclaw.model_call.time_to_first_byte_ms']).toBe(109);
  });

  it('keeps the dispatch span its own name: the plugin has none, and it is not a second message.processed', () => {
    const input = sampleTrace();
    input.spans.push(span('openclaw.message.dispatch', { 'openclaw.session.key': KEY }));
    const out = run([openclawSemconvTransform()], input);
    expect(out.spans.map((s) => s.name)).toEqual(['openclaw.message.processed', 'openclaw.model.call', 'openclaw.tool.execution', 'openclaw.run', 'openclaw.message.dispatch']);
  });
});

describe('TransformingExporter', () => {
  it('hands the transformed copy on, and a failing step fails the batch without rejecting', async () => {
    const seen: FinishedTrace[][] = [];
    const inner: TraceExporter = { export: (traces) => (seen.push([...traces]), Promise.resolve({ status: 'success' })), shutdown: () => Promise.resolve() };
    const ok = new TransformingExporter(inner, [openclawSemconvTransform()]);
    const input = sampleTrace();
    await expect(ok.export([input])).resolves.toEqual({ status: 'success' });
    expect(seen[0]?.[0]?.spans[1]?.name).toBe('openclaw.model.call');
    expect(input.spans[1]?.name).toBe('chat gpt-5.1');
    const broken = new TransformingExporter(inner, [() => { throw new Error('boom'); }]);
    const outcome = await broken.export([input]);
    expect(outcome.status).toBe('retryable');
  });
});
