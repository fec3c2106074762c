import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import type { LogRecord, ParsedLine } from '../../../src/model/records.js';
import { levelFrom } from '../../../src/parsers/tslog-record.js';
import { fixtureLines } from '../../support/fixtures.js';

function record(parsed: ParsedLine): LogRecord {
  if (parsed.kind !== 'log') throw new Error(`expected a log record, got ${JSON.stringify(parsed)}`);
  return parsed.record;
}

const META = { runtime: 'node', date: '2026-11-21T16:45:35.111Z', logLevelId: 2, logLevelName: 'DEBUG', name: 'openclaw' };

describe('tslog file-log records', () => {
  it('normalises a real record: time with offset, level, subsystem, message, trace scope', () => {
    const line = fixtureLines('openclaw-2026.9.6/file-log.jsonl').find((l) => l.includes('embedded run start: runId=A-beta-1'));
    const r = record(parseLine(line as string));
    expect(r.timeMs).toBe(Date.parse('2026-11-21T16:50:22.794+00:00'));
    expect(r.level).toBe('debug');
    expect(r.subsystem).toBe('agent/embedded');
    expect(r.hostname).toBe('vm');
    expect(r.trace).toEqual({ traceId: '33ed4075bbfd3e5b7e328aadd54a642c', spanId: '12c6f4d7d091664d', parentSpanId: '6698131bcbbed823', traceFlags: '01' });
    expect(r.signal).toMatchObject({ kind: 'run.start', values: { runId: 'A-beta-1', provider: 'fakeant', model: 'fake-claude' } });
  });

  it('falls back to _meta.date, joins numeric arguments, and takes the first object argument as meta', () => {
    const r = record(parseLine(JSON.stringify({ '0': '{"subsystem":"gateway"}', '1': 'hello', '2': { a: 1 }, '3': 'world', _meta: META })));
    expect(r.timeMs).toBe(Date.parse(META.date));
    expect(r.message).toBe('hello {"a":1} world');
    expect(r.meta).toEqual({ a: 1 });
    expect(r.subsystem).toBe('gateway');
  });

  it('reads a plain record whose "0" is not bindings (console capture, tslog 4 order)', () => {
    const r = record(parseLine(JSON.stringify({ _meta: { ...META, name: 'openclaw', logLevelName: 'ERROR' }, '0': '[tools] read failed: File not found: x raw_params={"path":"x"}' })));
    expect(r.subsystem).toBeUndefined();
    expect(r.level).toBe('error');
    expect(r.signal).toEqual({ kind: 'tool.failed', tool: 'read', error: 'File not found: x' });
  });

  it('takes module/plugin bindings as the subsystem and strips ANSI colours', () => {
    const r = record(parseLine(JSON.stringify({ '0': '{"module":"cron"}', '1': '\u001b[32mcron: started\u001b[39m', _meta: META })));
    expect(r.subsystem).toBe('cron');
    expect(r.message).toBe('cron: started');
  });

  it('counts the gateway queue overflow as a gap', () => {
    const r = record(parseLine(JSON.stringify({ '0': '[openclaw] file log queue overflow; dropped 12 oldest records', _meta: META, dropped: 12 })));
    expect(r.signal).toEqual({ kind: 'queue.overflow', dropped: 12 });
  });

  it.each([
    ['a short trace id', { traceId: 'abc', spanId: '12c6f4d7d091664d' }],
    ['a non-hex span id', { traceId: '33ed4075bbfd3e5b7e328aadd54a642c', spanId: 'zzzzzzzzzzzzzzzz' }],
    ['an all-zero trace id', { traceId: '0'.repeat(32), spanId: '12c6f4d7d091664d' }],
    ['an all-zero parent', { traceId: '33ed4075bbfd3e5b7e328aadd54a642c', spanId: '12c6f4d7d091664d', parentSpanId: '0'.repeat(16) }],
  ])('rejects %s instead of inventing ids', (_name, ids) => {
    const parsed = parseLine(JSON.stringify({ '0': 'x', _meta: META, ...ids }));
    expect(parsed).toMatchObject({ kind: 'rejected', reason: 'bad_trace_id' });
  });

  it('rejects a record with no usable time', () => {
    const parsed = parseLine(JSON.stringify({ '0': 'x', _meta: { ...META, date: 'yesterday' }, time: 'soon' }));
    expect(parsed).toMatchObject({ kind: 'rejected', reason: 'bad_time' });
  });
});

describe('parseLine on anything else', () => {
  it.each([
    ['plain text', 'Gateway listening on 127.0.0.1', { kind: 'other', reason: 'plain_text' }],
    ['empty', '   ', { kind: 'other', reason: 'empty' }],
    ['a JSON array', '[1,2,3]', { kind: 'other', reason: 'plain_text' }],
    ['JSON of no known shape', '{"hello":"world"}', { kind: 'other', reason: 'unknown_json' }],
    ['truncated JSON', '{"0":"{\\"subsystem\\":\\"x\\"}","1":"half', { kind: 'rejected', reason: 'invalid_json' }],
  ])('%s', (_name, line, expected) => expect(parseLine(line)).toMatchObject(expected));

  it('copes with deeply nested JSON without recursing', () => {
    const deep = `{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    expect(['other', 'rejected']).toContain(parseLine(deep).kind);
  });

  it('keeps a __proto__ key from changing any prototype', () => {
    const parsed = parseLine('{"__proto__":{"polluted":1},"0":"{\\"subsystem\\":\\"x\\"}","1":"m","_meta":{"date":"2026-11-21T16:45:35.111Z","logLevelName":"INFO"}}');
    expect(parsed.kind).toBe('log');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('parses every line of the real sample without a rejection', () => {
    const kinds = fixtureLines('openclaw-2026.9.6/file-log.jsonl').map((l) => parseLine(l).kind);
    expect(kinds.filter((k) => k !== 'log')).toEqual([]);
    expect(kinds).toHaveLength(743);
  });

  it('reads a level name only from the known ones, whatever its case, else the id', () => {
    expect(levelFrom('Warn', 3)).toBe('warn');
    expect(levelFrom('constructor', 5)).toBe('error');
    expect(levelFrom('__proto__', undefined)).toBe('info');
    expect(levelFrom(undefined, 1)).toBe('trace');
  });
});
