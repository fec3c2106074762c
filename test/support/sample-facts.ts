import { fixtureLines } from './fixtures.js';

/**
 * Facts read straight from the sample log's raw JSON, independently of the
 * parsers under test: what the rebuilt spans must agree with.
 */
export interface SampleFetch {
  traceId: string;
  scope: string;
  startMs: number;
  status: number;
}

export interface SampleTool {
  traceId: string;
  scope: string;
  toolCallId: string;
  tool: string;
  startMs: number;
}

export interface SampleFacts {
  /** traceId → root spanId (the scope lines carry with no parent). */
  roots: Map<string, string>;
  /** harness spanId → { traceId, parent, startMs of `embedded run start` }. */
  harness: Map<string, { traceId: string; parent: string; startMs: number }>;
  fetches: SampleFetch[];
  tools: SampleTool[];
}

interface RawRecord {
  message: string;
  time: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
}

export function sampleFacts(): SampleFacts {
  const facts: SampleFacts = { roots: new Map(), harness: new Map(), fetches: [], tools: [] };
  const openFetch = new Map<string, SampleFetch[]>();
  for (const line of fixtureLines('openclaw-2026.9.6/file-log.jsonl')) {
    const r = JSON.parse(line) as RawRecord;
    if (r.traceId === undefined || r.spanId === undefined) continue;
    const t = Date.parse(r.time);
    if (r.parentSpanId === undefined) facts.roots.set(r.traceId, r.spanId);
    if (r.message.startsWith('embedded run start:')) facts.harness.set(r.spanId, { traceId: r.traceId, parent: r.parentSpanId ?? '', startMs: t });
    if (r.message.startsWith('[model-fetch] start')) {
      const fetch = { traceId: r.traceId, scope: r.spanId, startMs: t, status: 0 };
      facts.fetches.push(fetch);
      openFetch.set(r.spanId, [...(openFetch.get(r.spanId) ?? []), fetch]);
    }
    if (r.message.startsWith('[model-fetch] response')) {
      const fetch = openFetch.get(r.spanId)?.shift();
      if (fetch !== undefined) fetch.status = Number(/status=(\d+)/.exec(r.message)?.[1]);
    }
    const tool = /^embedded run tool start: runId=\S+ tool=(\S+) toolCallId=(\S+)/.exec(r.message);
    if (tool !== null) facts.tools.push({ traceId: r.traceId, scope: r.spanId, tool: tool[1] as string, toolCallId: tool[2] as string, startMs: t });
  }
  return facts;
}
