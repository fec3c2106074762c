import { describe, expect, it } from 'vitest';
import { SIGNAL_PREFIXES } from '../../../src/parsers/log-signals.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { untracedRecordTime } from '../../../src/parsers/untraced-record.js';
import { fixtureLines } from '../../support/fixtures.js';

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');

/** What the full parse makes of a line the pre-check took: it must be an untraced record without a signal, at that time. */
function expectSameAsFullParse(line: string, timeMs: number): void {
  const parsed = parseLine(line);
  if (parsed.kind !== 'log') throw new Error(`pre-check took a line the parser reads as ${parsed.kind}: ${line.slice(0, 200)}`);
  expect(parsed.record.trace).toBeUndefined();
  expect(parsed.record.signal).toBeUndefined();
  expect(parsed.record.timeMs).toBe(timeMs);
}

const META = '{"runtime":"node","runtimeVersion":"24.21.0","hostname":"vm","date":"2026-11-21T16:49:45.381Z","logLevelId":3,"logLevelName":"INFO","name":"{\\"subsystem\\":\\"gateway\\"}","parentNames":["openclaw"]}';
const TIME = '2026-11-21T16:49:45.382+00:00';

/** A record laid out as OpenClaw 2026.x writes it; `args` and `tail` are raw JSON fragments. */
function record({ args = '"1":"loading configuration"', meta = META, time = `"time":"${TIME}"`, tail = ',"hostname":"vm","message":"loading configuration"' } = {}): string {
  return `{"0":"{\\"subsystem\\":\\"gateway\\"}",${args},"_meta":${meta},${time}${tail}}`;
}

describe('untracedRecordTime (the hot-path pre-check)', () => {
  it('takes every untraced record of the real sample, and nothing else from it', () => {
    let taken = 0;
    let untraced = 0;
    for (const line of SAMPLE) {
      const parsed = parseLine(line);
      if (parsed.kind === 'log' && parsed.record.trace === undefined && parsed.record.signal === undefined) untraced++;
      const timeMs = untracedRecordTime(line);
      if (timeMs === undefined) continue;
      taken++;
      expectSameAsFullParse(line, timeMs);
    }
    expect(untraced).toBe(141);
    expect(taken).toBe(untraced);
  });

  it('takes a plain record, with or without argument objects, escapes and trailing fields', () => {
    for (const line of [
      record(),
      record({ args: '"1":{"files":1,"batch":false,"next":null,"ratio":-1.5e3},"2":"memory sync: indexing memory files"' }),
      record({ args: '"1":"quote \\" backslash \\\\ tab \\t newline \\n nul \\u0000 lone \\ud800 …"' }),
      record({ tail: ',"hostname":"vm","message":"x","session_id":"s-1","agent_id":"main","channel":"webchat","parentSpanId":"12c6f4d7d091664d","traceFlags":"01"' }),
      record({ meta: '{"date":"x","path":{"fullFilePath":"file:///a.js:1","line":"1"},"parentNames":[]}' }),
      record({ tail: '' }),
    ]) {
      const timeMs = untracedRecordTime(line);
      expect(timeMs, line).toBe(Date.parse(TIME));
      expectSameAsFullParse(line, timeMs as number);
    }
  });

  // Each must go to the full parse: it is traced, carries a signal, is rejected, or takes its time from elsewhere.
  it.each([
    ['a trace scope', record({ tail: ',"message":"x","traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"6698131bcbbed823"' })],
    ['a span id without a trace id (rejected)', record({ tail: ',"message":"x","spanId":"6698131bcbbed823"' })],
    ['a trace id spelled with an escape', record({ tail: ',"message":"x","\\u0074raceId":"33ed4075bbfd3e5b7e328aadd54a642c"' })],
    ['a queue overflow', `{"0":"[openclaw] file log queue overflow; dropped 12 oldest records","_meta":${META},"time":"${TIME}","dropped":12}`],
    ['a decision record', record({ args: '"1":{"event":"model_fallback_decision","runId":"r1"},"2":"model fallback"' })],
    ['a signal in "0" (no bindings)', `{"0":"lane enqueue: lane=main queueSize=1","_meta":${META},"time":"${TIME}"}`],
    ['a signal in an argument object\'s message', `{"0":{"message":"lane enqueue: lane=main"},"_meta":${META},"time":"${TIME}"}`],
    ['a signal behind an ANSI colour', record({ args: '"1":"\\u001b[32mlane enqueue: lane=main\\u001b[39m"', tail: '' })],
    ['an ANSI colour inside a prefix', record({ args: '"1":"lane\\u001b[0m enqueue: lane=main"', tail: '' })],
    ['a prefix character written as an escape', record({ args: '"1":"lane\\u0020enqueue: lane=main"', tail: '' })],
    ['a signal in the top-level message only', record({ tail: ',"message":"lane enqueue: lane=main"' })],
    ['an unusable time (rejected)', record({ meta: '{"date":"never"}', time: '"time":"soon"' })],
    ['an unusable time, but a usable _meta.date', record({ time: '"time":"soon"' })],
    ['no top-level time', record({ time: '"hostname":"vm"', tail: '' })],
    ['a second top-level time', record({ tail: ',"time":"2026-11-21T16:59:00.000+00:00"' })],
    ['a numeric key after time that replaces an argument', record({ args: '"1":{"a":1}', tail: ',"1":{"event":"model_fallback_decision"}' })],
  ])('parses a line with %s', (_name, line) => {
    expect(untracedRecordTime(line)).toBeUndefined();
    // Taking it would have been wrong: the full parse does not give an untraced record at TIME.
    const parsed = parseLine(line);
    const same = parsed.kind === 'log' && parsed.record.trace === undefined && parsed.record.signal === undefined && parsed.record.timeMs === Date.parse(TIME);
    expect(same, JSON.stringify(parsed).slice(0, 300)).toBe(false);
  });

  // Shapes the pre-check does not vouch for, though they would not matter: parsed to be safe.
  it.each([
    ['a nested argument object', record({ args: '"1":{"a":{"b":1}}' })],
    ['an argument array', record({ args: '"1":["lane enqueue: x"]' })],
    ['leading whitespace', ` ${record()}`],
    ['trailing whitespace', `${record()} `],
    ['tslog 4 order (_meta first)', `{"_meta":${META},"0":"loading configuration","time":"${TIME}"}`],
    ['a time with an escape', record({ time: `"time":"${TIME}\\u0000"` })],
    ['a diagnostic event', '{"type":"run.started","ts":1795279830000,"seq":1,"runId":"r1"}'],
    ['an event envelope', '{"event":{"type":"run.started","ts":1795279830000},"metadata":{}}'],
  ])('parses a line with %s', (_name, line) => {
    expect(untracedRecordTime(line)).toBeUndefined();
  });

  it('sends every signal prefix to the full parse', () => {
    for (const prefix of SIGNAL_PREFIXES) {
      const line = record({ args: `"1":${JSON.stringify(`${prefix}runId=r1 toolCallId=t1 x failed: y`)}`, tail: '' });
      expect(untracedRecordTime(line), prefix).toBeUndefined();
    }
  });

  // A line the pre-check took is never parsed: anything broken in it would be hidden, so nothing broken may match.
  it.each([
    ['truncated', record().slice(0, -20)],
    ['missing its closing brace', record().slice(0, -1)],
    ['a trailing comma', record({ tail: ',"hostname":"vm",' })],
    ['a misspelt literal', record({ meta: '{"date":"x","ok":tru}' })],
    ['a number with a leading zero', record({ meta: '{"date":"x","n":01}' })],
    ['an invalid escape', record({ args: '"1":"bad \\x41 escape"' })],
    ['a raw tab inside a string', record({ args: '"1":"raw\ttab"' })],
    ['an unquoted key', record({ tail: ',hostname:"vm"' })],
    ['two records glued together', `${record().slice(0, 120)}${record()}`],
    ['mismatched brackets', record({ meta: '{"parentNames":["openclaw"}' })],
  ])('does not take invalid JSON: %s', (_name, line) => {
    expect(parseLine(line)).toMatchObject({ kind: 'rejected', reason: 'invalid_json' });
    expect(untracedRecordTime(line)).toBeUndefined();
  });

  it('never takes a damaged copy of a real line that the parser reads differently', () => {
    const lines = SAMPLE.filter((line) => untracedRecordTime(line) !== undefined).slice(0, 12);
    let taken = 0;
    for (const line of lines) {
      for (let i = 1; i < line.length; i++) {
        for (const variant of [line.slice(0, i), `${line.slice(0, i)}${line.slice(i + 1)}`, ...['"', '\\', '{', '}', ',', ':', '0', '\t'].map((c) => `${line.slice(0, i)}${c}${line.slice(i + 1)}`)]) {
          const timeMs = untracedRecordTime(variant);
          if (timeMs === undefined) continue;
          taken++;
          expectSameAsFullParse(variant, timeMs);
        }
      }
    }
    // Some damage keeps a line valid (a digit in a number, a character in a string): those are still taken.
    expect(taken).toBeGreaterThan(0);
  });

  it('leaves long lines to the full parse and stays fast on hostile ones', () => {
    expect(untracedRecordTime(record({ args: `"1":"${'x'.repeat(70_000)}"`, tail: '' }))).toBeUndefined();
    const started = performance.now();
    for (const hostile of [
      `{"0":"${'a'.repeat(65_000)}`,
      `{"0":"${'a\\"'.repeat(21_000)}`,
      `{"0":"x"${',"1":"y"'.repeat(8_000)},"_meta":{}`,
      `{"0":"x","_meta":{${'"a":1,'.repeat(10_000)}}`,
    ]) {
      expect(untracedRecordTime(hostile)).toBeUndefined();
    }
    // Linear: a few milliseconds each. The bound only catches catastrophic backtracking.
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
