import { describe, expect, it } from 'vitest';
import { parseConsoleMessage } from '../../../src/parsers/console-line.js';
import { parseJournalEntry } from '../../../src/parsers/journal-entry.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import type { LogRecord, LogSignal, ParsedLine } from '../../../src/model/records.js';
import { fixtureLines } from '../../support/fixtures.js';

const STDOUT = fixtureLines('openclaw-2026.9.6/console.stdout.txt');
const STDERR = fixtureLines('openclaw-2026.9.6/console.stderr.txt');
const FILE_LOG = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
/** A journal receive time for lines that carry none (just before the gateway's first timestamped line). */
const ENTRY_MS = Date.parse('2026-11-21T16:49:44.250Z');

function record(parsed: ParsedLine): LogRecord {
  if (parsed.kind !== 'log') throw new Error(`expected a log record, got ${JSON.stringify(parsed)}`);
  return parsed.record;
}

function consoleRecords(): LogRecord[] {
  return [...STDOUT, ...STDERR].map((line) => record(parseConsoleMessage(line, ENTRY_MS)));
}

function fileRecords(): LogRecord[] {
  return FILE_LOG.map((line) => record(parseLine(line)));
}

function signals(records: readonly LogRecord[]): LogSignal[] {
  return records.flatMap((r) => (r.signal === undefined ? [] : [r.signal]));
}

/** `kind[:phase|:event]` → count. */
function signalCounts(list: readonly LogSignal[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of list) {
    const name = 'phase' in s ? `${s.kind}:${s.phase}` : 'event' in s ? `${s.kind}:${s.event}` : s.kind;
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

function ofKind<K extends LogSignal['kind']>(list: readonly LogSignal[], kind: K): (LogSignal & { kind: K })[] {
  return list.filter((s): s is LogSignal & { kind: K } => s.kind === kind);
}

function canonical(list: readonly LogSignal[]): string[] {
  const sorted = (_key: string, value: unknown): unknown =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
      : value;
  return list.map((s) => JSON.stringify(s, sorted)).sort();
}

describe('parseConsoleMessage on the real console of a 2026.9.6 gateway', () => {
  it('reads every stdout and stderr line as a log record', () => {
    const kinds = (lines: string[]): string[] => lines.map((line) => parseConsoleMessage(line, ENTRY_MS).kind);
    expect(STDOUT).toHaveLength(546);
    expect(STDERR).toHaveLength(75);
    expect(kinds(STDOUT).filter((k) => k !== 'log')).toEqual([]);
    expect(kinds(STDERR).filter((k) => k !== 'log')).toEqual([]);
  });

  it('gives the journal time to the lines written before the time prefix was set, and their own time to the rest', () => {
    const records = consoleRecords();
    const untimed = records.filter((r) => r.timeMs === ENTRY_MS);
    expect(untimed.map((r) => r.subsystem)).toEqual(['state/sqlite', 'state/sqlite', 'state/sqlite', 'config', 'sqlite/transaction']);
    const first = record(parseConsoleMessage(STDOUT[3] as string, ENTRY_MS));
    expect(first).toEqual({ timeMs: Date.parse('2026-11-21T16:49:45.388+00:00'), level: 'info', subsystem: 'gateway', message: 'loading configuration…' });
  });

  it('recognizes exactly the signals the file log yields for the same events', () => {
    const fromConsole = signals(consoleRecords());
    const fromFile = signals(fileRecords());
    const expected = {
      'decision:embedded_run_failover_decision': 8,
      'decision:model_fallback_decision': 1,
      'lane.dequeue': 16,
      'lane.done': 14,
      'lane.enqueue': 16,
      'lane.error': 2,
      'message.dispatch.completed': 4,
      'message.dispatch.started': 4,
      'message.processed': 4,
      'message.queued': 5,
      'message.received': 4,
      'model.fetch:response': 20,
      'model.fetch:start': 20,
      retry: 9,
      'rpc.response': 9,
      'run.agent.end': 16,
      'run.agent.start': 16,
      'run.done': 7,
      'run.prompt.end': 16,
      'run.prompt.start': 16,
      'run.start': 16,
      'run.tool.end': 4,
      'run.tool.start': 4,
      'session.state': 32,
      'session.turn.created': 3,
      'tool.failed': 1,
    };
    expect(signalCounts(fromConsole)).toEqual(expected);
    expect(signalCounts(fromFile)).toEqual(expected);
  });

  it('reads the same values as the file log, except where the console prints other keys', () => {
    const fromConsole = signals(consoleRecords());
    const fromFile = signals(fileRecords());
    // The console renders structured records from their `consoleMessage`, with other keys (below).
    const rendered = new Set(['decision', 'run.agent.end', 'lane.error']);
    expect(canonical(fromConsole.filter((s) => !rendered.has(s.kind)))).toEqual(canonical(fromFile.filter((s) => !rendered.has(s.kind))));
    // The non-error agent ends are text in both streams.
    const plainEnds = (list: LogSignal[]): string[] => canonical(ofKind(list, 'run.agent.end').filter((s) => s.values['isError'] === 'false'));
    expect(plainEnds(fromConsole)).toEqual(plainEnds(fromFile));
    expect(plainEnds(fromConsole)).toHaveLength(7);
  });

  it('yields the 20 model-fetch start/response pairs with provider, model, status and latency', () => {
    const fetches = ofKind(signals(consoleRecords()), 'model.fetch');
    const responses = fetches.filter((s) => s.phase === 'response');
    expect(fetches.filter((s) => s.phase === 'start')).toHaveLength(20);
    expect(responses).toHaveLength(20);
    const statuses: Record<string, number> = {};
    for (const r of responses) statuses[r.values['status'] ?? '?'] = (statuses[r.values['status'] ?? '?'] ?? 0) + 1;
    expect(statuses).toEqual({ '200': 11, '429': 1, '500': 8 });
    expect(responses.every((r) => r.values['elapsedMs'] !== undefined && r.values['model'] !== undefined && r.values['provider'] !== undefined)).toBe(true);
  });

  it('yields the 4 tool start/end pairs with their runIds', () => {
    const tools = ofKind(signals(consoleRecords()), 'run.tool.start').map((s) => [s.values['toolCallId'], s.values['tool'], s.values['runId']]);
    expect(tools).toEqual([
      ['toolu_fake1', 'read', 'A-beta-1'],
      ['call_fake4', 'read', 'chatcmpl_488408c5-b941-42e7-b7f6-44f22dc259de'],
      ['call_fake5', 'ls', 'chatcmpl_488408c5-b941-42e7-b7f6-44f22dc259de'],
      ['toolu_fake11', 'read', 'chatcmpl_8dd8d163-c78a-438d-80a8-53e3c050b322'],
    ]);
    const ends = ofKind(signals(consoleRecords()), 'run.tool.end').map((s) => [s.values['toolCallId'], s.values['tool'], s.values['runId']]);
    expect(ends).toEqual(tools);
  });

  it('yields embedded run start and done with runIds: 8 runs, the failing one started 8 times and never done', () => {
    const runIds = (list: LogSignal[], kind: 'run.start' | 'run.done'): (string | undefined)[] => ofKind(list, kind).map((s) => s.values['runId']);
    const list = signals(consoleRecords());
    const starts = runIds(list, 'run.start');
    const dones = runIds(list, 'run.done');
    const failing = '7e147320-2e84-4541-ac37-d9cda9200d4b';
    expect(new Set(starts).size).toBe(8);
    expect(starts.filter((id) => id === failing)).toHaveLength(8);
    expect(new Set(dones)).toEqual(new Set(starts.filter((id) => id !== failing)));
    expect(dones).toHaveLength(7);
    // In the same order as the file log.
    const file = signals(fileRecords());
    expect(starts).toEqual(runIds(file, 'run.start'));
    expect(dones).toEqual(runIds(file, 'run.done'));
  });

  it('reads a failing agent end whole, though the console does not quote its error', () => {
    const ends = ofKind(signals(consoleRecords()), 'run.agent.end').filter((s) => s.values['isError'] === 'true');
    expect(ends).toHaveLength(9);
    expect(ends[0]?.values).toEqual({
      runId: 'A-gamma-1',
      isError: 'true',
      model: 'fake-model',
      provider: 'fakeoai',
      error: '⚠️ Rate limit reached for fake-model (simulated 429, first attempt only); Retry-After: 1 seconds',
      rawError: '429 Rate limit reached for fake-model (simulated 429, first attempt only); Retry-After: 1 seconds',
    });
    // The file log has the same error text in the structured record (plus failoverReason, which the console leaves out).
    const fileEnd = ofKind(signals(fileRecords()), 'run.agent.end').find((s) => s.values['isError'] === 'true');
    expect(fileEnd?.values['error']).toBe(ends[0]?.values['error']);
  });

  it('reads the decision lines as the decision signals the file log has as structured records', () => {
    const decisions = ofKind(signals(consoleRecords()), 'decision');
    const failed = decisions.find((d) => d.event === 'embedded_run_failover_decision' && d.values['decision'] === 'surface_error');
    expect(failed?.values).toMatchObject({
      event: 'embedded_run_failover_decision',
      runId: '7e147320-2e84-4541-ac37-d9cda9200d4b',
      reason: 'server_error',
      retry: '7',
      rawError: '500: {"error":{"message":"fake upstream exploded (simulated 500)","type":"api_error"},"type":"error"}',
    });
    const fallback = decisions.find((d) => d.event === 'model_fallback_decision');
    expect(fallback?.values).toMatchObject({ decision: 'candidate_failed', reason: 'server_error', next: 'none', detail: 'fake upstream exploded (simulated 500)' });
    // Unlike the file log's record, the console line names no runId.
    expect(fallback?.values['runId']).toBeUndefined();
  });

  it('reads `[tools] X failed:` as the file log has it: the tag is part of the message', () => {
    const line = STDERR.find((l) => l.includes('[tools] read failed'));
    const r = record(parseConsoleMessage(line as string, ENTRY_MS));
    const fromFile = fileRecords().find((f) => f.signal?.kind === 'tool.failed');
    expect(r.subsystem).toBeUndefined();
    expect(r.message).toBe(fromFile?.message);
    expect(r.signal).toEqual(fromFile?.signal);
  });

  it('keeps the console short subsystem (gateway/ws → ws); ⇄ res lines are still RPC responses', () => {
    const r = record(parseConsoleMessage(STDOUT.find((l) => l.includes('⇄ res ✓ chat.send')) as string, ENTRY_MS));
    expect(r.subsystem).toBe('ws');
    expect(r.signal).toMatchObject({ kind: 'rpc.response', method: 'chat.send', ok: true, durationMs: 738, values: { runId: 'A-beta-1' } });
  });

  it('reads uncoloured lines as info: the level is not in the text, and stderr is not marked in the journal', () => {
    expect(new Set(consoleRecords().map((r) => r.level))).toEqual(new Set(['info']));
  });

  it('parses a journal export of the console end to end', () => {
    let previousUs = ENTRY_MS * 1000;
    const lines = STDOUT.map((message, i) => {
      const stamped = /^(\d{4}-\S+) /.exec(message);
      const us = stamped === null ? previousUs + 150 : Date.parse(stamped[1] as string) * 1000 + 412;
      previousUs = us;
      const fields = { __CURSOR: `s=6c1a;i=${(i + 1).toString(16)}`, __REALTIME_TIMESTAMP: String(us), _PID: '22720', SYSLOG_IDENTIFIER: 'node', _SYSTEMD_USER_UNIT: 'openclaw-gateway.service', MESSAGE: message, PRIORITY: '6' };
      return JSON.stringify(fields);
    });
    const parsed = lines.map((line) => {
      const entry = parseJournalEntry(line);
      if ('rejected' in entry) throw new Error(entry.detail);
      return { entry, line: parseConsoleMessage(entry.message ?? '', entry.realtimeUs / 1000) };
    });
    expect(parsed.filter((p) => p.line.kind !== 'log')).toEqual([]);
    const first = parsed[0];
    expect(first?.entry).toMatchObject({ cursor: 's=6c1a;i=1', pid: 22720, userUnit: 'openclaw-gateway.service' });
    expect(record(first?.line as ParsedLine).timeMs).toBeCloseTo(ENTRY_MS + 0.15, 6);
  });
});

describe('parseConsoleMessage on each form of console line', () => {
  it('reads a compact line with a UTC "Z" time (2026.2.x)', () => {
    const r = record(parseConsoleMessage('2026-03-05T00:03:55.510Z [agent/embedded] embedded run done: runId=r1 sessionId=s1 durationMs=12 aborted=false', ENTRY_MS));
    expect(r.timeMs).toBe(Date.parse('2026-03-05T00:03:55.510Z'));
    expect(r.signal).toEqual({ kind: 'run.done', values: { runId: 'r1', sessionId: 's1', durationMs: '12', aborted: 'false' } });
  });

  it('reads a [subsystem] line without a time at the journal time', () => {
    expect(record(parseConsoleMessage('[gateway/channels] x', ENTRY_MS))).toEqual({ timeMs: ENTRY_MS, level: 'info', subsystem: 'gateway/channels', message: 'x' });
    expect(record(parseConsoleMessage('[gateway]', ENTRY_MS))).toEqual({ timeMs: ENTRY_MS, level: 'info', subsystem: 'gateway', message: '' });
  });

  it('reads the pretty style (a wall clock without a date) at the journal time', () => {
    expect(record(parseConsoleMessage('16:49:45 [gateway] ready', ENTRY_MS))).toEqual({ timeMs: ENTRY_MS, level: 'info', subsystem: 'gateway', message: 'ready' });
  });

  it('reads a captured console.* line with a time and no subsystem as a plain record', () => {
    const r = record(parseConsoleMessage('2026-11-21T16:50:41.215+00:00 Hello from fake-llm (request 3).', ENTRY_MS));
    expect(r).toEqual({ timeMs: Date.parse('2026-11-21T16:50:41.215+00:00'), level: 'info', message: 'Hello from fake-llm (request 3).' });
  });

  it.each([
    ['\u001b[31m', 'error'],
    ['\u001b[33m', 'warn'],
    ['\u001b[90m', 'debug'],
    ['\u001b[36m', 'info'],
    ['', 'info'],
  ])('takes the level from the message colour %j, not the subsystem colour', (colour, level) => {
    const line = `\u001b[90m2026-04-06T12:31:37.604+00:00\u001b[39m \u001b[31m[diagnostic]\u001b[39m ${colour}session state: sessionId=s1 prev=processing new=idle reason="run_completed" queueDepth=0\u001b[39m`;
    const r = record(parseConsoleMessage(line, ENTRY_MS));
    expect(r.level).toBe(level);
    expect(r.subsystem).toBe('diagnostic');
    expect(r.timeMs).toBe(Date.parse('2026-04-06T12:31:37.604+00:00'));
    expect(r.message).toBe('session state: sessionId=s1 prev=processing new=idle reason="run_completed" queueDepth=0');
    expect(r.signal).toMatchObject({ kind: 'session.state', values: { reason: 'run_completed', new: 'idle' } });
  });

  it('reads a coloured line that journald stored as bytes (it holds ESC, a control character)', () => {
    const coloured = '\u001b[90m2026-11-21T16:51:28.546+00:00\u001b[39m \u001b[35m[agent/embedded]\u001b[39m \u001b[33membedded run agent end: runId=r1 isError=true model=m provider=p error=⚠️ HTTP 500: try again rawError=500 {"x":1}\u001b[39m';
    const entry = parseJournalEntry(JSON.stringify({ __CURSOR: 's=1;i=2', __REALTIME_TIMESTAMP: '1795279888546999', MESSAGE: [...Buffer.from(coloured, 'utf8')] }));
    if ('rejected' in entry) throw new Error(entry.detail);
    const r = record(parseConsoleMessage(entry.message ?? '', Math.floor(entry.realtimeUs / 1000)));
    expect(r).toEqual({
      timeMs: Date.parse('2026-11-21T16:51:28.546+00:00'),
      level: 'warn',
      subsystem: 'agent/embedded',
      message: 'embedded run agent end: runId=r1 isError=true model=m provider=p error=⚠️ HTTP 500: try again rawError=500 {"x":1}',
      signal: { kind: 'run.agent.end', values: { runId: 'r1', isError: 'true', model: 'm', provider: 'p', error: '⚠️ HTTP 500: try again', rawError: '500 {"x":1}' } },
    });
  });

  it('takes the colour of a coloured line without a time', () => {
    expect(record(parseConsoleMessage('\u001b[35m[agents]\u001b[39m \u001b[33msynced credentials\u001b[39m', ENTRY_MS)).level).toBe('warn');
  });

  it('reads the json console style: level, full subsystem, message, and the meta that makes decisions', () => {
    const line = JSON.stringify({
      severity: 'WARNING',
      time: '2026-11-21T16:52:49.832Z',
      level: 'warn',
      subsystem: 'model-fallback/decision',
      message: 'model fallback decision',
      event: 'model_fallback_decision',
      runId: 'r1',
      decision: 'candidate_failed',
      status: 500,
    });
    expect(record(parseConsoleMessage(line, ENTRY_MS))).toEqual({
      timeMs: Date.parse('2026-11-21T16:52:49.832Z'),
      level: 'warn',
      subsystem: 'model-fallback/decision',
      message: 'model fallback decision',
      meta: { event: 'model_fallback_decision', runId: 'r1', decision: 'candidate_failed', status: 500 },
      signal: { kind: 'decision', event: 'model_fallback_decision', values: { event: 'model_fallback_decision', runId: 'r1', decision: 'candidate_failed', status: 500 } },
    });
  });

  it('reads the json style with meta first, the structured agent end, and no time', () => {
    const line = JSON.stringify({ event: 'embedded_run_agent_end', runId: 'r2', isError: true, error: 'boom', failoverReason: 'rate_limit', level: 'warn', subsystem: 'agent/embedded', message: 'embedded run agent end' });
    const r = record(parseConsoleMessage(line, ENTRY_MS));
    expect(r.timeMs).toBe(ENTRY_MS);
    expect(r.signal).toEqual({ kind: 'run.agent.end', values: { runId: 'r2', isError: 'true', error: 'boom', failoverReason: 'rate_limit' } });
  });

  it('reads a json style text mirror, its level from severity when level is unknown, and ANSI-free', () => {
    const line = JSON.stringify({ severity: 'ERROR', time: '2026-11-21T16:52:49.820Z', level: 'loud', subsystem: 'diagnostic', message: '\u001b[31mlane task error: lane=main durationMs=5 error="x"\u001b[39m' });
    const r = record(parseConsoleMessage(line, ENTRY_MS));
    expect(r.level).toBe('error');
    expect(r.meta).toBeUndefined();
    expect(r.signal).toEqual({ kind: 'lane.error', values: { lane: 'main', durationMs: '5', error: 'x' } });
  });

  it('reads diagnostic event lines exactly as parseLine does (bare and enveloped)', () => {
    const events = fixtureLines('diagnostic-events.jsonl');
    const enveloped = events.find((l) => l.startsWith('{"event":'));
    for (const line of [events[0] as string, events[1] as string, enveloped as string]) {
      const parsed = parseConsoleMessage(line, ENTRY_MS);
      expect(parsed.kind).toBe('diagnostic');
      expect(parsed).toEqual(parseLine(line));
    }
    expect(parseConsoleMessage('{"type":"future.event","ts":1795279535000}', ENTRY_MS)).toEqual({ kind: 'other', reason: 'unknown_event_type' });
  });

  it.each([
    ['a stack frame', '    at Object.<anonymous> (/opt/openclaw/dist/index.js:12:7)', { kind: 'other', reason: 'plain_text' }],
    ['an error without a time', 'Error: boom', { kind: 'other', reason: 'plain_text' }],
    ['util.inspect output', "{ code: 'EADDRINUSE', port: 18789 }", { kind: 'other', reason: 'plain_text' }],
    ['a JSON array', '[1,2,3]', { kind: 'other', reason: 'plain_text' }],
    ['[object Object]', '[object Object]', { kind: 'other', reason: 'plain_text' }],
    ['an empty tag', '[] x', { kind: 'other', reason: 'plain_text' }],
    ['a bad time', '2026-13-45T99:99:99 [gateway] x', { kind: 'other', reason: 'plain_text' }],
    ['an empty line', '', { kind: 'other', reason: 'empty' }],
    ['blanks', '  \t ', { kind: 'other', reason: 'empty' }],
    ['a time alone', '2026-11-21T16:49:45.388+00:00 ', { kind: 'other', reason: 'empty' }],
    ['JSON of no known shape', '{"hello":"world"}', { kind: 'other', reason: 'unknown_json' }],
    ['JSON cut short by LineMax', '{"time":"2026-11-21T16:49:45.388Z","level":"info","mess', { kind: 'rejected', reason: 'invalid_json' }],
    ['a tslog record with no time', '{"0":"x","_meta":{"date":"soon"}}', { kind: 'rejected', reason: 'bad_time' }],
  ])('%s', (_name, line, expected) => expect(parseConsoleMessage(line, ENTRY_MS)).toMatchObject(expected));

  it('rejects a line without a time when the journal time is not plausible either', () => {
    expect(parseConsoleMessage('[gateway] x', Number.NaN)).toMatchObject({ kind: 'rejected', reason: 'bad_time' });
    expect(parseConsoleMessage('{"level":"info","message":"x"}', 0)).toMatchObject({ kind: 'rejected', reason: 'bad_time' });
  });

  it('copes with deeply nested JSON and a __proto__ key', () => {
    expect(['other', 'rejected']).toContain(parseConsoleMessage(`{"a":${'['.repeat(200_000)}${']'.repeat(200_000)}}`, ENTRY_MS).kind);
    const r = record(parseConsoleMessage('{"__proto__":{"polluted":1},"level":"info","message":"m","time":"2026-11-21T16:49:45.388Z"}', ENTRY_MS));
    expect(r.meta).toBeUndefined();
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never throws on garbage', () => {
    const pieces = ['[', ']', '{', '}', '"', ' ', '\u001b[', '31m', '\u001b', 'T', '-', ':', '2026', '11', '.', 'Z', '=', 'error=', ' rawError=', 'embedded run agent end: ', 'model fallback decision: ', '[tools] ', 'x failed: ', '⇄ res ', '\uFFFD', '\n', '[gateway] ', '2026-11-21T16:49:45.388+00:00 '];
    let seed = 11;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    const kinds = new Set<string>();
    for (let i = 0; i < 20_000; i++) {
      let line = '';
      for (let n = next() % 16; n > 0; n--) line += pieces[next() % pieces.length] as string;
      const parsed = parseConsoleMessage(line, ENTRY_MS);
      kinds.add(parsed.kind);
    }
    expect([...kinds].every((k) => ['log', 'other', 'rejected'].includes(k))).toBe(true);
    expect(kinds.has('log')).toBe(true);
  });
});
