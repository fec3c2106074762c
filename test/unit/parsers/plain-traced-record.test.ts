import { describe, expect, it } from 'vitest';
import { parseCanonicalRecord } from '../../../src/parsers/canonical-record.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { idsInTail, plainTracedRecord } from '../../../src/parsers/plain-traced-record.js';
import type { LogRecord } from '../../../src/model/records.js';
import { fixtureLines } from '../../support/fixtures.js';

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');

/** The fields of a record that the reconstructor reads of one without a signal (add-log-record.ts). */
function readFields(record: LogRecord): unknown {
  const { timeMs, level, trace, hostname, sessionId, agentId, channel, signal } = record;
  return { timeMs, level, trace, hostname, sessionId, agentId, channel, signal, warns: level === 'warn' || level === 'error' || level === 'fatal' };
}

/** The full parse must give a traced record without a signal, below warn, with the same fields. */
function expectSameAsFullParse(line: string, taken: LogRecord): void {
  const parsed = parseLine(line);
  if (parsed.kind !== 'log') throw new Error(`the pre-check took a line the parser reads as ${parsed.kind}: ${line.slice(0, 200)}`);
  expect(readFields(taken), line.slice(0, 200)).toEqual(readFields(parsed.record));
  expect(taken.message).toBe('');
}

const META = (level = 'INFO', id = 3): string =>
  `{"runtime":"node","runtimeVersion":"24.21.0","hostname":"vm","date":"2026-11-21T16:49:45.381Z","logLevelId":${id},"logLevelName":"${level}","name":"{\\"subsystem\\":\\"agent\\"}","parentNames":["openclaw"]}`;
const TIME = '2026-11-21T16:49:45.382+00:00';
const IDS = ',"traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"6698131bcbbed823","parentSpanId":"12c6f4d7d091664d","traceFlags":"01"';

/** A traced record laid out as OpenClaw 2026.x writes it; the parts are raw JSON fragments. */
function record({ args = '"1":"agent harness selected"', meta = META(), time = `"time":"${TIME}"`, fields = ',"hostname":"vm","message":"agent harness selected","agent_id":"main","session_id":"s-1","channel":"webchat"', ids = IDS } = {}): string {
  return `{"0":"{\\"subsystem\\":\\"agent\\"}",${args},"_meta":${meta},${time}${fields}${ids}}`;
}

describe('plainTracedRecord (the hot-path reader of traced records without a signal)', () => {
  it('makes records of one shape with the canonical reader: every field of LogRecord, in the same order', () => {
    const shapes = new Set<string>();
    for (const line of SAMPLE) {
      const skimmed = plainTracedRecord(line);
      if (skimmed !== undefined) shapes.add(Object.keys(skimmed).join());
      const canonical = parseCanonicalRecord(line);
      if (canonical?.kind === 'log') shapes.add(Object.keys(canonical.record).join());
    }
    expect([...shapes]).toEqual(['timeMs,level,subsystem,message,meta,hostname,trace,sessionId,agentId,channel,signal']);
  });

  it('takes most traced records of the real sample that have no signal and no warning, with the full parse\'s fields', () => {
    let candidates = 0;
    let taken = 0;
    for (const line of SAMPLE) {
      const parsed = parseLine(line);
      const record = parsed.kind === 'log' ? parsed.record : undefined;
      if (record?.trace !== undefined && record.signal === undefined && !['warn', 'error', 'fatal'].includes(record.level)) candidates++;
      const skimmed = plainTracedRecord(line);
      if (skimmed === undefined) continue;
      taken++;
      expectSameAsFullParse(line, skimmed);
    }
    expect(candidates).toBe(285);
    // The rest have argument objects nested deeper than the pre-check reads: they take the full parse.
    expect(taken).toBe(240);
  });

  it.each([
    ['all fields', record()],
    ['no session fields, no parent', record({ fields: ',"hostname":"vm","message":"x"', ids: ',"traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"6698131bcbbed823"' })],
    ['a trace id alone', record({ fields: '', ids: ',"traceId":"33ed4075bbfd3e5b7e328aadd54a642c"' })],
    ['an empty top-level hostname (the _meta one is used)', record({ fields: ',"hostname":"","message":"x"' })],
    ['empty session fields (ignored)', record({ fields: ',"message":"x","agent_id":"","session_id":"","channel":""' })],
    ['a DEBUG level', record({ meta: META('DEBUG', 2) })],
    ['a SILLY level', record({ meta: META('SILLY', 0) })],
    ['a flat argument object and escapes', record({ args: '"1":{"files":1,"ok":true,"next":null},"2":"quote \\" tab \\t \\u0000 lone \\ud800"' })],
    ['traceFlags 00', record({ ids: `${IDS.slice(0, IDS.lastIndexOf('"01"'))}"00"` })],
  ])('takes a record with %s', (_name, line) => {
    const taken = plainTracedRecord(line);
    expect(taken, line).toBeDefined();
    expectSameAsFullParse(line, taken as LogRecord);
  });

  // Each must go to the full parse: it has a signal or a warning, is rejected, or is read otherwise.
  it.each([
    ['a signal in the message', record({ args: '"1":"lane enqueue: lane=main"', fields: ',"message":"lane enqueue: lane=main"' })],
    ['a signal in the top-level message only', record({ fields: ',"message":"embedded run done: runId=r1"' })],
    ['a decision record', record({ args: '"1":{"event":"model_fallback_decision","runId":"r1"},"2":"model fallback"' })],
    ['a WARN level', record({ meta: META('WARN', 4) })],
    ['an ERROR level', record({ meta: META('ERROR', 5) })],
    ['an upper-case trace id (malformed, rejected)', record({ ids: ',"traceId":"33ED4075BBFD3E5B7E328AADD54A642C"' })],
    ['an all-zero trace id (rejected)', record({ ids: `,"traceId":"${'0'.repeat(32)}"` })],
    ['an all-zero span id (rejected)', record({ ids: `,"traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"${'0'.repeat(16)}"` })],
    ['a short span id (rejected)', record({ ids: ',"traceId":"33ed4075bbfd3e5b7e328aadd54a642c","spanId":"6698"' })],
    ['a second time', record({ ids: `${IDS},"time":"2026-11-21T16:59:00.000+00:00"` })],
    ['an unusable time (rejected)', record({ time: '"time":"soon"' })],
    ['a broken argument (invalid JSON)', record({ args: '"1":"unterminated' })],
    ['an ANSI colour in the message', record({ args: '"1":"\\u001b[32mlane enqueue: lane=main\\u001b[39m"', fields: '' })],
  ])('leaves a record with %s to the full parse', (_name, line) => {
    expect(plainTracedRecord(line)).toBeUndefined();
    // Taking it would have been wrong: the full parse does not give a signal-free traced record below warn at TIME.
    const parsed = parseLine(line);
    const plain =
      parsed.kind === 'log' &&
      parsed.record.trace !== undefined &&
      parsed.record.signal === undefined &&
      !['warn', 'error', 'fatal'].includes(parsed.record.level) &&
      parsed.record.timeMs === Date.parse(TIME);
    expect(plain, JSON.stringify(parsed).slice(0, 300)).toBe(false);
  });

  it.each([
    ['a session id with an escape', record({ fields: ',"message":"x","session_id":"s\\u002d1"' })],
    ['a field after the ids', record({ ids: `${IDS},"dropped":3` })],
    ['an argument object nested two deep', record({ args: '"1":{"usage":{"input":1}}' })],
  ])('leaves a record with %s to the full parse, which reads it (outside the layout the pre-check reads as it is)', (_name, line) => {
    expect(plainTracedRecord(line)).toBeUndefined();
    const parsed = parseLine(line);
    expect(parsed.kind === 'log' && parsed.record.trace !== undefined && parsed.record.signal === undefined).toBe(true);
  });

  it('takes no line whose tail idsInTail finds no ids in (the batch decoder asks it only about those)', () => {
    const longest = record({ ids: IDS.replace('"01"', '"ff"') });
    const lines = [...SAMPLE, longest, record(), record({ fields: '', ids: ',"traceId":"33ed4075bbfd3e5b7e328aadd54a642c"' })];
    let taken = 0;
    for (const line of lines) {
      if (plainTracedRecord(line) === undefined) continue;
      taken++;
      expect(idsInTail(line), line.slice(-200)).toBe(true);
    }
    expect(taken).toBe(243);
    // Ids elsewhere than at the end do not count: such a line takes the full parse, as any other layout does.
    expect(idsInTail(record({ fields: `${IDS},"hostname":"vm","message":"${'x'.repeat(200)}"`, ids: '' }))).toBe(false);
    expect(idsInTail(record({ ids: '' }))).toBe(false);
  });

  it('never disagrees with the full parse on damaged copies of the sample', () => {
    let checked = 0;
    for (const line of SAMPLE) {
      if (plainTracedRecord(line) === undefined) continue;
      // Cut at every 37th character, and with one character replaced by a quote, a control character or a brace.
      for (let at = 1; at < line.length; at += 37) {
        for (const damaged of [line.slice(0, at), `${line.slice(0, at)}"${line.slice(at + 1)}`, `${line.slice(0, at)}\u0001${line.slice(at + 1)}`, `${line.slice(0, at)}}${line.slice(at + 1)}`]) {
          const taken = plainTracedRecord(damaged);
          if (taken === undefined) continue;
          checked++;
          expectSameAsFullParse(damaged, taken);
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});
