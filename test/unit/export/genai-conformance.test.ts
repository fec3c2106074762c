import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PRESET_NAMES, type PresetName } from '../../../src/config/presets.js';
import { copyTrace } from '../../../src/export/span-transform/span-transform.js';
import { transformSteps, type PolicyConfig } from '../../../src/export/span-transform/span-transforms.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { GENAI_SCHEMA_URL } from '../../../src/model/attribute-names.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';
import { fixtureLines, fixturePath } from '../../support/fixtures.js';

/**
 * Every gen_ai.* key otel-tail sends, checked against the GenAI conventions' attribute registry
 * (test/fixtures/semconv-genai/gen-ai-registry.yaml: the keys of
 * open-telemetry/semantic-conventions-genai model/gen-ai/registry.yaml and of the deprecated
 * registry, at the commits it names), over the spans of the real samples backfilled as a file log
 * alone, as diagnostic events alone and merged, with every preset. The span rules are those of
 * model/gen-ai/spans.yaml at the same commit.
 */
interface Registry {
  source: { schemaUrl: string };
  attributes: { key: string }[];
  deprecated: { key: string; renamed_to?: string }[];
}

const registry = parse(readFileSync(fixturePath('semconv-genai/gen-ai-registry.yaml'), 'utf8')) as Registry;
const known = new Set(registry.attributes.map((a) => a.key));
const deprecated = new Map(registry.deprecated.map((d) => [d.key, d.renamed_to ?? 'nothing']));

function build(lines: readonly string[], mergeStreams: boolean): FinishedTrace[] {
  const traces: FinishedTrace[] = [];
  const reconstructor = new Reconstructor({ ...DEFAULT_RECONSTRUCTOR_OPTIONS, mergeStreams }, (trace) => traces.push(trace));
  for (const line of lines) {
    const parsed = parseLine(line);
    if (parsed.kind === 'log') reconstructor.addRecord(parsed.record);
    else if (parsed.kind === 'diagnostic') reconstructor.addEvent(parsed.event);
  }
  reconstructor.flush();
  return traces;
}

const INPUTS: readonly (readonly [string, () => FinishedTrace[]])[] = [
  ['the file log alone', () => build(fixtureLines('openclaw-2026.9.6/file-log.jsonl'), false)],
  ['diagnostic events alone', () => build(fixtureLines('diagnostic-events.jsonl'), false)],
  [
    'a real gateway, file log and events merged',
    () => build([...fixtureLines('openclaw-2026.9.6-plugin/file-log/openclaw-2026-11-21.log'), ...fixtureLines('openclaw-2026.9.6-plugin/events/events-2026-11-21.jsonl')], true),
  ],
];

function policy(preset: PresetName): PolicyConfig {
  return { preset, semconv: 'genai', sessionIds: 'hash', chatIds: 'hash', idSalt: 'conformance', captureContent: true, maxContentBytes: 4096 };
}

function exported(traces: readonly FinishedTrace[], preset: PresetName): SpanRecord[] {
  const steps = transformSteps(policy(preset));
  return traces.flatMap((trace) => {
    const copy = copyTrace(trace);
    for (const step of steps) step(copy);
    return copy.spans;
  });
}

/** What the conventions say about a span that is wrong, one line per finding. */
function findings(span: SpanRecord): string[] {
  const out: string[] = [];
  const a = span.attributes;
  const keys = [...Object.keys(a), ...span.events.flatMap((event) => Object.keys(event.attributes ?? {}))];
  for (const key of keys.filter((k) => k.startsWith('gen_ai.'))) {
    if (deprecated.has(key)) out.push(`${key} is deprecated (use ${deprecated.get(key)})`);
    else if (!known.has(key)) out.push(`${key} is not in the registry`);
  }
  const operation = a['gen_ai.operation.name'];
  if (operation === 'invoke_agent') {
    if (a['gen_ai.agent.id'] !== undefined && a['gen_ai.agent.name'] === undefined) out.push('invoke_agent without gen_ai.agent.name');
    if (a['gen_ai.agent.name'] !== undefined && span.name !== `invoke_agent ${String(a['gen_ai.agent.name'])}`) out.push(`invoke_agent named "${span.name}", not by its agent name`);
  }
  if (operation === 'chat' && a['gen_ai.provider.name'] === undefined) out.push('chat without gen_ai.provider.name');
  if (operation === 'execute_tool') {
    if (a['gen_ai.agent.id'] !== undefined) out.push('execute_tool with gen_ai.agent.id');
    if (a['gen_ai.tool.name'] === undefined) out.push('execute_tool without gen_ai.tool.name');
  }
  if (a['server.address'] !== undefined && typeof a['server.port'] !== 'number') out.push('server.address without server.port');
  return out.map((finding) => `${span.name}: ${finding}`);
}

describe('GenAI conventions conformance', () => {
  it('the registry copy is the one the code names', () => {
    expect(registry.source.schemaUrl).toBe(GENAI_SCHEMA_URL);
    expect(known.size).toBeGreaterThan(50);
    expect(deprecated.get('gen_ai.system')).toBe('gen_ai.provider.name');
  });

  it('flags what it should: an unknown, a deprecated key and a tool span with an agent id', () => {
    const span: SpanRecord = {
      traceId: '1'.repeat(32),
      spanId: '2'.repeat(16),
      name: 'execute_tool read',
      kind: 'internal',
      startMs: 0,
      endMs: 1,
      attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'read', 'gen_ai.system': 'openai', 'gen_ai.usage.cost': 1, 'gen_ai.agent.id': 'main' },
      status: { code: 'unset' },
      events: [],
    };
    expect(findings(span)).toEqual([
      'execute_tool read: gen_ai.system is deprecated (use gen_ai.provider.name)',
      'execute_tool read: gen_ai.usage.cost is not in the registry',
      'execute_tool read: execute_tool with gen_ai.agent.id',
    ]);
  });

  describe.each(INPUTS)('%s', (_label, traces) => {
    const built = traces();

    it.each(PRESET_NAMES)('preset %s: every gen_ai.* key is in the registry and not deprecated; span rules hold', (preset) => {
      const spans = exported(built, preset);
      expect(spans.length).toBeGreaterThan(0);
      expect(spans.flatMap(findings)).toEqual([]);
    });

    it('agent and tool spans carry what the conventions ask', () => {
      const spans = exported(built, 'otlp');
      const agents = spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
      expect(agents.length).toBeGreaterThan(0);
      for (const agent of agents) {
        expect(agent.attributes['gen_ai.agent.name']).toEqual(expect.any(String));
        expect(agent.attributes['gen_ai.provider.name']).toEqual(expect.any(String));
      }
      for (const tool of spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool')) {
        expect(tool.attributes['gen_ai.tool.type']).toBe('function');
      }
    });
  });

  it('model calls from the file log carry server.port beside server.address (the URL of [model-fetch] start)', () => {
    const calls = exported(INPUTS[0]?.[1]() ?? [], 'otlp').filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(calls.length).toBe(20);
    for (const call of calls) expect(call.attributes).toMatchObject({ 'server.address': '127.0.0.1', 'server.port': 18080 });
  });

  it('model calls of a real gateway say they streamed (transport sse), as its requests did (upstream-requests.jsonl: "stream":true)', () => {
    const calls = exported(INPUTS[2]?.[1]() ?? [], 'otlp').filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');
    expect(calls.length).toBe(2);
    for (const call of calls) expect(call.attributes['gen_ai.request.stream']).toBe(true);
  });
});
