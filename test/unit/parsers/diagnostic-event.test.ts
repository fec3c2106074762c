import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { INFRASTRUCTURE_EVENT_TYPES, KNOWN_EVENT_TYPES } from '../../../src/model/event-types.js';
import { parseDiagnosticEvent } from '../../../src/parsers/diagnostic-event.js';
import type { ParsedLine } from '../../../src/model/records.js';

const TRACE_ID = 'ebf1eabc1f3656450b5039fc557be166';
const SPAN_ID = '5cffabb0209171fa';
const PARENT_ID = '6c4c1043aabae608';
const TS = 1795279535014;

function parse(json: string): ParsedLine {
  return parseDiagnosticEvent(JSON.parse(json) as Record<string, unknown>);
}

function runStarted(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'run.started',
    ts: TS,
    seq: 4109,
    runId: '0ec77bf1-9825-4044-8fc5-955c4303f6c0',
    sessionKey: 'agent:main:webchat-3f9c2a',
    trace: { traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: PARENT_ID, traceFlags: '01' },
    ...extra,
  };
}

function rejection(line: ParsedLine): { reason: string; detail: string } | undefined {
  return line.kind === 'rejected' ? { reason: line.reason, detail: line.detail } : undefined;
}

describe('parseDiagnosticEvent', () => {
  it('parses a bare event: type, ts, seq, trace scope and every field', () => {
    const line = parseDiagnosticEvent(runStarted());
    expect(line.kind).toBe('diagnostic');
    if (line.kind !== 'diagnostic') return;
    expect(line.event.type).toBe('run.started');
    expect(line.event.ts).toBe(TS);
    expect(line.event.seq).toBe(4109);
    expect(line.event.trace).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: PARENT_ID, traceFlags: '01' });
    expect(line.event.fields.runId).toBe('0ec77bf1-9825-4044-8fc5-955c4303f6c0');
    expect(line.event.fields.type).toBe('run.started');
    expect(line.event.metadata).toBeUndefined();
  });

  it('parses the {event, metadata} envelope a listener writes', () => {
    const line = parseDiagnosticEvent({ event: runStarted(), metadata: { trusted: true } });
    expect(line.kind).toBe('diagnostic');
    if (line.kind !== 'diagnostic') return;
    expect(line.event.type).toBe('run.started');
    expect(line.event.trace?.spanId).toBe(SPAN_ID);
    expect(line.event.fields.sessionKey).toBe('agent:main:webchat-3f9c2a');
    expect(line.event.fields).not.toHaveProperty('event');
    expect(line.event.metadata).toEqual({ trusted: true });
  });

  it('keeps an event without trace or seq, and drops a seq that is not a number', () => {
    const line = parseDiagnosticEvent({ type: 'diagnostic.heartbeat', ts: TS, seq: 'x', active: 0 });
    expect(line.kind).toBe('diagnostic');
    if (line.kind !== 'diagnostic') return;
    expect(line.event.trace).toBeUndefined();
    expect(line.event.seq).toBeUndefined();
    const nullTrace = parseDiagnosticEvent({ type: 'diagnostic.heartbeat', ts: TS, trace: null });
    expect(nullTrace.kind).toBe('diagnostic');
  });

  it('parses every line of the stream-C fixture as a diagnostic event', () => {
    const path = fileURLToPath(new URL('../../fixtures/diagnostic-events.jsonl', import.meta.url));
    const lines = readFileSync(path, 'utf8').split('\n').filter((l) => l.length > 0);
    expect(lines.length).toBeGreaterThan(40);
    for (const text of lines) expect(parse(text).kind, text).toBe('diagnostic');
  });

  it('counts a well-formed event of an unknown (newer) type as other', () => {
    expect(parseDiagnosticEvent({ type: 'agent.thought.sampled', ts: TS })).toEqual({ kind: 'other', reason: 'unknown_event_type' });
    expect(parseDiagnosticEvent({ event: { type: 'agent.thought.sampled', ts: TS } })).toEqual({
      kind: 'other',
      reason: 'unknown_event_type',
    });
  });

  it.each([
    ['missing', undefined],
    ['a string', '1795279535014'],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['seconds, not ms', 1795279535],
    ['before 2000', Date.UTC(1999, 11, 31)],
    ['microseconds', 1795279535014000],
    ['year 2200', Date.UTC(2200, 0, 1)],
  ])('rejects ts %s as bad_time', (_label, ts) => {
    const result = rejection(parseDiagnosticEvent(runStarted({ ts })));
    expect(result?.reason).toBe('bad_time');
    expect(result?.detail).toContain('run.started');
  });

  it.each([
    ['trace id too short', { traceId: TRACE_ID.slice(2), spanId: SPAN_ID }],
    ['trace id too long', { traceId: `${TRACE_ID}00`, spanId: SPAN_ID }],
    ['trace id not hex', { traceId: `${TRACE_ID.slice(1)}g`, spanId: SPAN_ID }],
    ['trace id upper-case', { traceId: TRACE_ID.toUpperCase(), spanId: SPAN_ID }],
    ['trace id all zeros', { traceId: '0'.repeat(32), spanId: SPAN_ID }],
    ['trace id a number', { traceId: 12345, spanId: SPAN_ID }],
    ['span id all zeros', { traceId: TRACE_ID, spanId: '0'.repeat(16) }],
    ['span id wrong length', { traceId: TRACE_ID, spanId: `${SPAN_ID}a` }],
    ['parent id not hex', { traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: 'zz'.repeat(8) }],
    ['span id without trace id', { spanId: SPAN_ID }],
    ['trace not an object', 'ebf1eabc1f3656450b5039fc557be166'],
  ])('rejects %s as bad_trace_id', (_label, trace) => {
    expect(rejection(parseDiagnosticEvent(runStarted({ trace })))?.reason).toBe('bad_trace_id');
  });

  it('rejects an event whose type is not a string as bad_event', () => {
    expect(rejection(parseDiagnosticEvent({ type: 42, ts: TS }))?.reason).toBe('bad_event');
    expect(rejection(parseDiagnosticEvent({ ts: TS }))?.reason).toBe('bad_event');
    expect(rejection(parseDiagnosticEvent({ event: { ts: TS }, metadata: {} }))?.reason).toBe('bad_event');
    expect(rejection(parseDiagnosticEvent({ event: 'run.started' }))?.reason).toBe('bad_event');
  });

  it('does not let a __proto__ key change any prototype', () => {
    const json =
      `{"type":"run.started","ts":${TS},"runId":"r1","__proto__":{"polluted":"yes","runId":"evil"},` +
      `"trace":{"traceId":"${TRACE_ID}","__proto__":{"spanId":"${SPAN_ID}"}}}`;
    const line = parse(json);
    expect(line.kind).toBe('diagnostic');
    if (line.kind !== 'diagnostic') return;
    const fields = line.event.fields;
    expect(Object.getPrototypeOf(fields)).toBe(Object.prototype);
    expect(Object.keys(fields)).not.toContain('__proto__');
    expect((fields as Record<string, unknown>).polluted).toBeUndefined();
    expect(fields.runId).toBe('r1');
    expect(line.event.trace).toEqual({ traceId: TRACE_ID });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('drops __proto__ from an envelope and its metadata too', () => {
    const json = `{"event":{"type":"run.started","ts":${TS},"__proto__":{"a":1}},"metadata":{"trusted":true,"__proto__":{"b":2}}}`;
    const line = parse(json);
    expect(line.kind).toBe('diagnostic');
    if (line.kind !== 'diagnostic') return;
    expect(Object.getPrototypeOf(line.event.fields)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(line.event.metadata)).toBe(Object.prototype);
    expect(Object.keys(line.event.metadata ?? {})).toEqual(['trusted']);
    expect((line.event.metadata as Record<string, unknown>).b).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('a');
    expect(Object.prototype).not.toHaveProperty('b');
  });

  it('copies fields: changing the input afterwards does not change the event', () => {
    const input = runStarted();
    const line = parseDiagnosticEvent(input);
    input.runId = 'changed';
    expect(line.kind === 'diagnostic' && line.event.fields.runId).toBe('0ec77bf1-9825-4044-8fc5-955c4303f6c0');
  });

  it('knows the 57 event types of 2026.9.6 (the 3 not-traced ones included) and mcp.request.*, infrastructure included', () => {
    expect(KNOWN_EVENT_TYPES.size).toBe(60);
    expect(INFRASTRUCTURE_EVENT_TYPES.size).toBe(15);
    for (const type of ['security.event', 'diagnostic.child_process.spawn', 'exec.approval.followup_suppressed']) expect(INFRASTRUCTURE_EVENT_TYPES.has(type)).toBe(true);
    for (const type of INFRASTRUCTURE_EVENT_TYPES) expect(KNOWN_EVENT_TYPES.has(type)).toBe(true);
    for (const type of ['model.call.error', 'tool.execution.blocked', 'message.dispatch.completed', 'model.usage', 'session.recovery.completed']) {
      expect(KNOWN_EVENT_TYPES.has(type)).toBe(true);
    }
    expect(INFRASTRUCTURE_EVENT_TYPES.has('run.started')).toBe(false);
    expect(parseDiagnosticEvent({ type: 'gateway.rpc', ts: TS }).kind).toBe('diagnostic');
  });
});
