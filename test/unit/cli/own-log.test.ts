import { afterEach, describe, expect, it } from 'vitest';
import { effectiveLogFormat, ownLog, ownLogRaw, setDaemonLog, setLogFormat, setLogSink, type LogSink } from '../../../src/cli/own-log.js';

function capture(isTTY: boolean): { lines: string[]; sink: LogSink } {
  const lines: string[] = [];
  return { lines, sink: { isTTY, write: (text: string) => lines.push(text) } };
}

const saved = process.env['OTEL_TAIL_LOG_FORMAT'];
const savedJournal = process.env['JOURNAL_STREAM'];
let previous: LogSink | undefined;
afterEach(() => {
  if (previous !== undefined) setLogSink(previous);
  previous = undefined;
  setLogFormat(undefined);
  setDaemonLog(false);
  if (saved === undefined) delete process.env['OTEL_TAIL_LOG_FORMAT'];
  else process.env['OTEL_TAIL_LOG_FORMAT'] = saved;
  if (savedJournal === undefined) delete process.env['JOURNAL_STREAM'];
  else process.env['JOURNAL_STREAM'] = savedJournal;
});

describe('ownLog', () => {
  it('auto: text for one-shot commands and on a terminal; JSON only for the follower under journald', () => {
    delete process.env['OTEL_TAIL_LOG_FORMAT'];
    process.env['JOURNAL_STREAM'] = '8:12345';
    const tty = capture(true);
    previous = setLogSink(tty.sink);
    setDaemonLog(true);
    ownLog('info', 'following /tmp/openclaw/');
    expect(tty.lines).toEqual(['otel-tail: following /tmp/openclaw/\n']);

    const pipe = capture(false);
    setLogSink(pipe.sink);
    // A one-shot command on a pipe, even under journald: text, with the level journald files it at (sd-daemon's <4>).
    setDaemonLog(false);
    ownLog('warn', 'one-shot');
    expect(pipe.lines.splice(0)).toEqual(['<4>otel-tail: one-shot\n']);
    // The follower on a pipe that is not the journal: text.
    setDaemonLog(true);
    delete process.env['JOURNAL_STREAM'];
    ownLog('warn', 'not the journal');
    expect(pipe.lines.splice(0)).toEqual(['otel-tail: not the journal\n']);
    process.env['JOURNAL_STREAM'] = '8:12345';
    ownLog('warn', 'collector unreachable', { url: 'http://127.0.0.1:4318/v1/traces' });
    expect(pipe.lines).toHaveLength(1);
    const prefixed = pipe.lines[0] as string;
    // journald takes the <4> off and files the line at priority warning.
    expect(prefixed.startsWith('<4>{')).toBe(true);
    const line = prefixed.slice(3);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['time', 'level', 'msg', 'url']);
    expect(parsed).toMatchObject({ level: 'warn', msg: 'collector unreachable', url: 'http://127.0.0.1:4318/v1/traces' });
    expect(new Date(parsed['time'] as string).toISOString()).toBe(parsed['time']);
  });

  it('follows the setting over the terminal, then OTEL_TAIL_LOG_FORMAT, and never lets a field replace time, level or msg', () => {
    const tty = capture(true);
    previous = setLogSink(tty.sink);
    process.env['OTEL_TAIL_LOG_FORMAT'] = 'json';
    expect(effectiveLogFormat()).toBe('json');
    setLogFormat('text');
    expect(effectiveLogFormat()).toBe('text');
    setLogFormat('json');
    ownLog('error', 'bad', { level: 'info', msg: 'other', ['__proto__']: { polluted: true }, count: 2 });
    expect(JSON.parse(tty.lines[0] as string)).toMatchObject({ level: 'error', msg: 'bad', count: 2 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    setLogFormat(undefined);
    process.env['OTEL_TAIL_LOG_FORMAT'] = 'xml';
    expect(effectiveLogFormat()).toBe('text');
  });

  it('writes a raw line as it is in text, and as the msg of a JSON line', () => {
    const pipe = capture(false);
    previous = setLogSink(pipe.sink);
    setLogFormat('text');
    ownLogRaw('info', 'otel-tail stopped: 3 lines read', { linesRead: 3 });
    setLogFormat('json');
    ownLogRaw('info', 'otel-tail stopped: 3 lines read', { linesRead: 3 });
    expect(pipe.lines[0]).toBe('otel-tail stopped: 3 lines read\n');
    expect(JSON.parse(pipe.lines[1] as string)).toMatchObject({ level: 'info', msg: 'otel-tail stopped: 3 lines read', linesRead: 3 });
  });
});
