import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLine, parseObject } from '../../../src/parsers/parse-line.js';
import type { LogRecord, ParsedLine } from '../../../src/model/records.js';
import { decodeBatch, LINE_PLAIN_TRACED, LINE_REJECTED, LINE_TEXT, LINE_UNTRACED } from '../../../src/parsers/decoded-batch.js';
import { fixturePath } from '../../support/fixtures.js';

/**
 * The whole read path of a line (decodeBatch's pre-checks, then parseLine with its canonical
 * reader) against the plain reference (JSON.parse of the line, then parseObject), on every line of
 * every fixture and on a seeded fuzz corpus made from them: escapes, keys inside strings, reordered
 * and duplicated keys, `__proto__`, nesting, truncation. A line taken by a pre-check must be a record
 * the reference reads the same in every field the reconstructor reads; any other line must parse to
 * exactly what the reference gives. `CORPUS_DIR=<dir>` runs it over another folder of samples (such
 * as /work/shared/samples, with older OpenClaw versions' logs).
 */

function reference(line: string): ParsedLine {
  // What parseLine decides before any JSON: blank lines and lines that cannot be an object.
  const start = line.replace(/^[ \t\r]+/, '');
  if (start === '') return { kind: 'other', reason: 'empty' };
  if (!start.startsWith('{')) return { kind: 'other', reason: 'plain_text' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { kind: 'rejected', reason: 'invalid_json', detail: '' };
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? parseObject(value as Record<string, unknown>) : { kind: 'other', reason: 'unknown_json' };
}

/** What the reconstructor reads of a record without a signal (add-log-record.ts), for the pre-checks' lines. */
function readFields(record: LogRecord): unknown {
  return { timeMs: record.timeMs, trace: record.trace, hostname: record.hostname, sessionId: record.sessionId, agentId: record.agentId, channel: record.channel };
}

const PATHS: Record<number, string> = { [LINE_TEXT]: 'parse', [LINE_UNTRACED]: 'untraced', [LINE_PLAIN_TRACED]: 'plain-traced', [LINE_REJECTED]: 'rejected' };

/** Runs the lines through the read path; returns how many each path took. */
function expectSameAsReference(lines: readonly string[]): Record<string, number> {
  const raw = lines.map((line) => {
    const bytes = Buffer.from(line);
    return { bytes, start: 0, end: bytes.length + 1, tooLong: false, length: bytes.length };
  });
  const batch = decodeBatch(raw, 1 << 20);
  const taken: Record<string, number> = {};
  let text = 0;
  let untraced = 0;
  let plain = 0;
  batch.kinds.forEach((kind, i) => {
    // As decoded from its bytes (a lone surrogate a cut left becomes U+FFFD).
    const line = Buffer.from(lines[i] as string).toString('utf8');
    const want = reference(line);
    const path = PATHS[kind] ?? '?';
    taken[path] = (taken[path] ?? 0) + 1;
    const where = `${path}: ${line.slice(0, 240)}`;
    if (kind === LINE_UNTRACED) {
      expect(want.kind === 'log' && want.record.trace === undefined && want.record.signal?.kind !== 'queue.overflow', where).toBe(true);
      expect(batch.times[untraced++], where).toBe(want.kind === 'log' ? want.record.timeMs : Number.NaN);
    } else if (kind === LINE_PLAIN_TRACED) {
      const record = batch.records[plain++] as LogRecord;
      expect(want.kind === 'log' && want.record.signal === undefined && ['trace', 'debug', 'info'].includes(want.record.level), where).toBe(true);
      if (want.kind === 'log') expect(structuredClone(readFields(record)), where).toEqual(structuredClone(readFields(want.record)));
    } else if (kind === LINE_TEXT) {
      const got = parseLine(batch.texts[text++] as string);
      if (want.kind === 'rejected' && want.reason === 'invalid_json') expect(got.kind === 'rejected' && got.reason, where).toBe('invalid_json');
      else expect(structuredClone(got), where).toEqual(structuredClone(want));
    } else {
      // decodeLine refuses only bytes: of these lines, those with a NUL.
      expect(line.includes('\u0000'), where).toBe(true);
    }
  });
  return taken;
}

/** Every line of every JSON-lines fixture (file logs, events, upstream requests). */
function fixtureCorpus(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(jsonl|log)$/.test(entry.name)) files.push(path);
    }
  };
  walk(process.env['CORPUS_DIR'] ?? fixturePath('.'));
  return files.flatMap((file) => readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0));
}

/** Deterministic pseudo-random numbers (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SAMPLE = fixtureCorpus().filter((line) => line.startsWith('{"0":'));

/** Variants of one record line, each a way a hand-written reader could go wrong. */
function variants(line: string, next: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const object = JSON.parse(line) as Record<string, unknown>;
  const keys = Object.keys(object);
  const reordered: Record<string, unknown> = {};
  for (const key of [...keys].sort(() => next() - 0.5)) reordered[key] = object[key];
  const cut = Math.floor(next() * line.length);
  const traceId = typeof object['traceId'] === 'string' ? object['traceId'] : 'eb988ebd93b502d581de6c375b9544e6';
  const message = typeof object['message'] === 'string' ? object['message'] : '';
  return [
    JSON.stringify(reordered),
    line.slice(0, cut),
    line.slice(0, cut) + line.slice(cut + 1),
    line.slice(0, cut) + pick(['"', '\\', '{', '}', ',', ':', ' ', '\t', '\u0000', 'é', '\\u00']) + line.slice(cut),
    // Escaped quotes and unicode escapes in the message, keys written with escapes.
    line.replace(/"message":"/, '"message":"say \\"hi\\" \\u00e9\\ud83d\\ude00 '),
    line.replace('"time":', '"\\u0074ime":'),
    line.replace('"traceId":', '"trace\\u0049d":'),
    // A key inside a string, and ids spelled in a message only.
    line.replace(/"message":"/, `"message":"\\"traceId\\":\\"${traceId}\\",\\"time\\":\\"x\\" `),
    // Duplicate keys: JSON.parse keeps the last.
    line.replace(/}$/, `,"time":"2026-11-21T16:50:00.000+00:00"}`),
    line.replace(/}$/, `,"traceId":"${'1'.repeat(32)}","spanId":"${'2'.repeat(16)}"}`),
    line.replace(/}$/, ',"message":"embedded run done: runId=r9"}'),
    line.replace(/}$/, `,"1":${JSON.stringify(message)}}`),
    line.replace(/^\{"0":/, '{"0":"dup","0":'),
    // __proto__ at the top, in _meta and in an argument.
    line.replace(/}$/, ',"__proto__":{"traceId":"x","time":"y"}}'),
    line.replace('"_meta":{', '"_meta":{"__proto__":{"logLevelName":"ERROR"},'),
    line.replace(/^\{"0":/, '{"__proto__":{"0":"p"},"0":'),
    // Nesting: an argument deeper than the readers take, a _meta field deeper than theirs.
    line.replace(/^\{"0":("(?:[^"\\]|\\.)*")/, '{"0":$1,"9":{"a":{"b":{"c":[1,{"d":null}]}}}'),
    line.replace('"_meta":{', '"_meta":{"deep":{"a":{"b":[{"c":1}]}},'),
    // An `event` in an argument object: naming a signal or not, duplicated, escaped, beside nested values and __proto__.
    line.replace(/^(\{"0":(?:"(?:[^"\\]|\\.)*"|\{[^{}]*\}),"\d+":\{)/, `$1"event":${JSON.stringify(pick(['model_fallback_decision', 'embedded_run_agent_end', 'session_maintenance', 'embedded_run_retry_decision']))},`),
    line.replace(/^(\{"0":(?:"(?:[^"\\]|\\.)*"|\{[^{}]*\}),"\d+":\{)/, '$1"event":"session_maintenance","list":[1,"x"],"event":"embedded_run_failover_decision",'),
    line.replace(/^(\{"0":(?:"(?:[^"\\]|\\.)*"|\{[^{}]*\}),"\d+":\{)/, '$1"\\u0065vent":"model_fallback_decision","__proto__":{"event":"model_fallback_decision"},"nested":{"a":[]},'),
    line.replace(/^(\{"0":(?:"(?:[^"\\]|\\.)*"|\{[^{}]*\}),)/, '$1"1":{"event":"model_fallback_decisio\\u006e","candidates":[]},'),
    // Whitespace JSON allows, and numbers in odd spellings.
    line.replace(/,"time":/, ' , "time" : '),
    line.replace(/"logLevelId":(\d)/, '"logLevelId":$1.0e0'),
    ` ${line} `,
  ];
}

describe('the read path of a line against JSON.parse + parseObject', () => {
  it('takes every fixture line as the reference does, most of them without JSON.parse', () => {
    const lines = fixtureCorpus();
    expect(lines.length).toBeGreaterThan(1000);
    const taken = expectSameAsReference(lines);
    // The pre-checks and the canonical reader must actually be exercised, or the comparison proves nothing.
    expect(taken['untraced'] ?? 0).toBeGreaterThan(100);
    expect(taken['plain-traced'] ?? 0).toBeGreaterThan(200);
  });

  it('agrees on a seeded fuzz corpus of record variants', () => {
    const next = random(22);
    const corpus = SAMPLE.flatMap((line) => variants(line, next));
    expect(corpus.length).toBeGreaterThan(10_000);
    const taken = expectSameAsReference(corpus);
    expect(taken['plain-traced'] ?? 0).toBeGreaterThan(100);
    expect(taken['parse'] ?? 0).toBeGreaterThan(1000);
  });
});
