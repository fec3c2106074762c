import { describe, expect, it } from 'vitest';
import { parseCanonicalRecord } from '../../../src/parsers/canonical-record.js';
import { SIGNAL_PREFIXES } from '../../../src/parsers/log-signals.js';
import { parseLine, parseObject } from '../../../src/parsers/parse-line.js';
import { fixtureLines } from '../../support/fixtures.js';

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');

/** What the general path (JSON.parse, then the object walk) makes of a line. */
function fullParse(line: string): unknown {
  return parseObject(JSON.parse(line) as Record<string, unknown>);
}

/** The fast reader either declines a line or gives exactly what the full parse gives (plain data compared). */
function expectSameOrDeclined(line: string): boolean {
  const fast = parseCanonicalRecord(line);
  if (fast === undefined) return false;
  expect(structuredClone(fast), line.slice(0, 300)).toEqual(structuredClone(fullParse(line)));
  return true;
}

const META = '{"runtime":"node","runtimeVersion":"24.21.0","hostname":"vm","date":"2026-11-21T16:49:45.381Z","logLevelId":2,"logLevelName":"DEBUG","name":"{\\"subsystem\\":\\"agent/embedded\\"}","parentNames":["openclaw"]}';
const TIME = '2026-11-21T16:49:45.382+00:00';
const IDS = ',"traceId":"eb988ebd93b502d581de6c375b9544e6","spanId":"89be284c3e87750f","parentSpanId":"12c6f4d7d091664d","traceFlags":"01"';

/** A record laid out as OpenClaw 2026.x writes it; `args` and `tail` are raw JSON fragments. */
function record({ args = '"1":"embedded run start: runId=r1 sessionId=s1"', meta = META, time = TIME, tail = `,"hostname":"vm","message":"embedded run start: runId=r1 sessionId=s1"${IDS}` } = {}): string {
  return `{"0":"{\\"subsystem\\":\\"agent/embedded\\"}",${args},"_meta":${meta},"time":"${time}"${tail}}`;
}

describe('parseCanonicalRecord (the fast reader of OpenClaw\'s own layout)', () => {
  it('reads every line of the real sample, each exactly as the full parse does', () => {
    let read = 0;
    for (const line of SAMPLE) if (expectSameOrDeclined(line)) read++;
    // The reply and agent-turn timings (20 lines) included: arrays of flat objects in an argument.
    expect(read).toBe(SAMPLE.length);
  });

  it.each([
    ['a traced record with a signal', record()],
    ['no parent span', record({ tail: `,"hostname":"vm","message":"x","traceId":"eb988ebd93b502d581de6c375b9544e6","spanId":"89be284c3e87750f","traceFlags":"01"` })],
    ['session, agent and channel fields', record({ tail: `,"hostname":"vm","message":"x","agent_id":"main","session_id":"agent:main:main","channel":"webchat"${IDS}` })],
    ['an empty session field', record({ tail: ',"hostname":"vm","message":"x","session_id":""' })],
    ['no top-level message (the arguments are joined)', record({ args: '"1":"lane enqueue:","2":"lane=main queueSize=1"', tail: IDS })],
    ['no bindings in "0"', '{"0":"plain first argument","1":"second","_meta":' + META + `,"time":"${TIME}"}`],
    ['an object argument (structured meta)', record({ args: '"1":{"runId":"r1","files":1,"ok":false,"next":null,"list":[1,"a"],"nested":{"a":1}},"2":"embedded run done: runId=r1"' })],
    ['a decision record', record({ args: '"1":{"event":"model_fallback_decision","runId":"r1","reason":"rate_limit"},"2":"model fallback"', tail: `,"hostname":"vm","message":"model fallback"${IDS}` })],
    ['an object as "0"', `{"0":{"message":"from an object"},"1":"text","_meta":${META},"time":"${TIME}","hostname":"vm","message":"text"}`],
    ['escapes in the message', record({ tail: ',"hostname":"vm","message":"quote \\" backslash \\\\ tab \\t unicode \\u00e9 \\ud83d\\ude00"' })],
    ['an ANSI colour', record({ tail: ',"hostname":"vm","message":"\\u001b[32mlane enqueue: lane=main\\u001b[39m"' })],
    ['an empty top-level hostname (falls back to _meta)', record({ tail: ',"hostname":"","message":"x"' })],
    ['a level name tslog does not know (falls back to the id)', record({ meta: META.replace('"DEBUG"', '"VERBOSE"') })],
    ['a lower-case level name', record({ meta: META.replace('"DEBUG"', '"warn"') })],
    // Read after the one above: a name tslog does not know is never cached, each id decides anew.
    ['the unknown level name with another id', record({ meta: META.replace('"DEBUG"', '"VERBOSE"').replace('"logLevelId":2', '"logLevelId":5') })],
    ['a level name written with an escape', record({ meta: META.replace('"DEBUG"', '"\\u0057ARN"') })],
    ['a level name that is an Object.prototype key', record({ meta: META.replace('"DEBUG"', '"constructor"') })],
    ['a _meta with a path', record({ meta: META.replace('}', ',"path":{"fullFilePath":"file:///a.js:1","fileLine":"1"}}').replace(/}}$/, '}}') })],
    ['uppercase hex ids (rejected)', record({ tail: ',"message":"x","traceId":"EB988EBD93B502D581DE6C375B9544E6","spanId":"89be284c3e87750f"' })],
    ['an all-zero trace id (rejected)', record({ tail: ',"message":"x","traceId":"00000000000000000000000000000000"' })],
    ['an all-zero parent span id (rejected)', record({ tail: ',"message":"x","traceId":"eb988ebd93b502d581de6c375b9544e6","spanId":"89be284c3e87750f","parentSpanId":"0000000000000000"' })],
    ['trace flags that are not hex (dropped)', record({ tail: ',"message":"x","traceId":"eb988ebd93b502d581de6c375b9544e6","spanId":"89be284c3e87750f","traceFlags":"zz"' })],
    ['trace flags 00', record({ tail: ',"message":"x","traceId":"eb988ebd93b502d581de6c375b9544e6","traceFlags":"00"' })],
    ['a trace id written with an escape', record({ tail: ',"message":"x","traceId":"\\u0065b988ebd93b502d581de6c375b9544e6","spanId":"89be284c3e87750f"' })],
    ['a time in another zone', record({ time: '2026-11-21T18:49:45.382+02:00' })],
    ['a time without milliseconds', record({ time: '2026-11-21T16:49:45Z' })],
  ])('reads or declines, never differs: %s', (_name, line) => {
    expectSameOrDeclined(line);
  });

  it('reads the common shapes instead of declining them', () => {
    for (const line of [record(), record({ args: '"1":{"runId":"r1","ok":true},"2":"text"' }), record({ tail: '' }), record({ tail: ',"message":"x"' })]) {
      expect(parseCanonicalRecord(line), line).toBeDefined();
    }
  });

  it('reads every signal prefix as the full parse does', () => {
    for (const prefix of SIGNAL_PREFIXES) {
      const message = JSON.stringify(`${prefix}runId=r1 toolCallId=t1 tool=read x failed: y status=200 durationMs=12`);
      const line = record({ args: `"1":${message}`, tail: `,"hostname":"vm","message":${message}${IDS}` });
      expect(expectSameOrDeclined(line), prefix).toBe(true);
    }
  });

  // Each would change what the full parse reads: the fast reader must leave it to the full parse.
  it.each([
    ['a queue overflow count', record({ tail: ',"message":"file log queue overflow","dropped":12' })],
    ['a second time after the first', record({ tail: ',"message":"x","time":"2026-11-21T16:59:00.000+00:00"' })],
    ['a numeric key after time', record({ tail: ',"message":"x","1":{"event":"model_fallback_decision"}' })],
    ['a key spelled with an escape', record({ tail: ',"message":"x","\\u0074raceId":"eb988ebd93b502d581de6c375b9544e6"' })],
    ['a duplicated message', record({ tail: ',"message":"x","message":"lane enqueue: lane=main"' })],
    ['fields in another order', record({ tail: `,"message":"x","hostname":"vm"${IDS}` })],
    ['an unusable time', record({ time: 'soon' })],
    ['tslog 4 order (_meta first)', `{"_meta":${META},"0":"x","time":"${TIME}"}`],
    ['_meta keys in another order', record({ meta: '{"hostname":"vm","runtime":"node","runtimeVersion":"24","date":"x","logLevelId":2,"logLevelName":"DEBUG","name":"n"}' })],
    ['arguments out of order', record({ args: '"2":"a","1":"b"' })],
    ['a fourth argument', record({ args: '"1":"lane enqueue:","2":"lane=main","3":"queueSize=1"', tail: IDS })],
    ['a message that is not text', record({ tail: ',"message":42' })],
    ['a non-text argument without a top-level message', record({ args: '"1":{"a":1}', tail: '' })],
    ['an argument nested deeper than OpenClaw writes', record({ args: '"1":{"spans":[{"name":"a","at":{"ms":1}}]},"2":"x"' })],
    ['an invalid span id', record({ tail: ',"message":"x","traceId":"eb988ebd93b502d581de6c375b9544e6","spanId":"xyz"' })],
  ])('declines a line with %s', (_name, line) => {
    expect(parseCanonicalRecord(line)).toBeUndefined();
  });

  it('leaves a fourth argument to the full parse, which joins all four', () => {
    const line = record({ args: '"1":"lane enqueue:","2":"lane=main","3":"queueSize=1"', tail: IDS });
    expect(parseLine(line)).toEqual(fullParse(line));
    expect(parseLine(line)).toMatchObject({ kind: 'log', record: { message: 'lane enqueue: lane=main queueSize=1', signal: { kind: 'lane.enqueue', values: { lane: 'main', queueSize: '1' } } } });
  });

  it.each([
    ['truncated', record().slice(0, -20)],
    ['missing its closing brace', record().slice(0, -1)],
    ['a trailing comma', record({ tail: ',"hostname":"vm",' })],
    ['an invalid escape', record({ tail: ',"message":"bad \\x41 escape"' })],
    ['a raw tab inside a string', record({ tail: ',"message":"raw\ttab"' })],
    ['a number with a leading zero', record({ meta: META.replace('"logLevelId":2', '"logLevelId":02') })],
    ['mismatched brackets', record({ meta: META.replace('["openclaw"]', '["openclaw"}') })],
  ])('never reads invalid JSON: %s', (_name, line) => {
    expect(parseCanonicalRecord(line)).toBeUndefined();
    expect(parseLine(line)).toMatchObject({ kind: 'rejected', reason: 'invalid_json' });
  });

  it('reads a damaged copy of a real line only when it is still valid, and then as the full parse does', () => {
    const lines = SAMPLE.filter((line) => line.includes('"traceId"')).slice(0, 6);
    let read = 0;
    for (const line of lines) {
      for (let i = 1; i < line.length; i += 3) {
        for (const variant of [line.slice(0, i), `${line.slice(0, i)}${line.slice(i + 1)}`, ...['"', '\\', '}', ',', '0'].map((c) => `${line.slice(0, i)}${c}${line.slice(i + 1)}`)]) {
          if (parseCanonicalRecord(variant) === undefined) continue;
          let valid = true;
          try {
            JSON.parse(variant);
          } catch {
            valid = false;
          }
          expect(valid, variant).toBe(true);
          expectSameOrDeclined(variant);
          read++;
        }
      }
    }
    expect(read).toBeGreaterThan(0);
  });
});
