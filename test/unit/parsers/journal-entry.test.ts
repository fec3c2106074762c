import { describe, expect, it } from 'vitest';
import { parseJournalEntry, type JournalEntry } from '../../../src/parsers/journal-entry.js';

/** Fields as `journalctl --user-unit=openclaw-gateway.service --output=json` prints them for the gateway. */
const REAL = {
  __CURSOR: 's=6c1a2e5b8f7d4e0aa1b2c3d4e5f60718;i=4f2a;b=0a1b2c3d4e5f40718293a4b5c6d7e8f9;m=2b8e1c3f0;t=63f2a1b2c3d4e;x=9f8e7d6c5b4a3921',
  __REALTIME_TIMESTAMP: '1795279785388412',
  __MONOTONIC_TIMESTAMP: '11689460720',
  __SEQNUM: '20266',
  _BOOT_ID: '0a1b2c3d4e5f40718293a4b5c6d7e8f9',
  PRIORITY: '6',
  SYSLOG_FACILITY: '3',
  SYSLOG_IDENTIFIER: 'node',
  _UID: '1000',
  _GID: '1000',
  _COMM: 'node',
  _EXE: '/usr/bin/node',
  _CMDLINE: '/usr/bin/node /opt/openclaw/node_modules/openclaw/dist/index.js gateway --port 18789',
  _SYSTEMD_CGROUP: '/user.slice/user-1000.slice/user@1000.service/app.slice/openclaw-gateway.service',
  _SYSTEMD_UNIT: 'user@1000.service',
  _SYSTEMD_USER_UNIT: 'openclaw-gateway.service',
  _SYSTEMD_SLICE: 'user-1000.slice',
  _TRANSPORT: 'stdout',
  _STREAM_ID: 'c4e9b0d2a1f34c2e9d1b7a6f5e4d3c2b',
  _PID: '22720',
  _HOSTNAME: 'vm',
  MESSAGE: '2026-11-21T16:49:45.388+00:00 [gateway] loading configuration…',
};

function entry(fields: Record<string, unknown>): JournalEntry {
  const parsed = parseJournalEntry(JSON.stringify(fields));
  if ('rejected' in parsed) throw new Error(`expected an entry, got ${JSON.stringify(parsed)}`);
  return parsed;
}

function bytes(text: string): number[] {
  return [...Buffer.from(text, 'utf8')];
}

describe('parseJournalEntry', () => {
  it('reads the fields of a real gateway entry', () => {
    expect(entry(REAL)).toEqual({
      cursor: REAL.__CURSOR,
      realtimeUs: 1795279785388412,
      message: '2026-11-21T16:49:45.388+00:00 [gateway] loading configuration…',
      pid: 22720,
      bootId: '0a1b2c3d4e5f40718293a4b5c6d7e8f9',
      hostname: 'vm',
      identifier: 'node',
      unit: 'user@1000.service',
      userUnit: 'openclaw-gateway.service',
    });
  });

  it('keeps the realtime exact to the microsecond', () => {
    expect(entry({ ...REAL, __REALTIME_TIMESTAMP: '9007199254740991' }).realtimeUs).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('leaves out optional fields that are absent, empty or malformed', () => {
    const e = entry({ __CURSOR: 'c', __REALTIME_TIMESTAMP: '1', _PID: 'x', _HOSTNAME: '', SYSLOG_IDENTIFIER: null, _BOOT_ID: 7 });
    expect(e).toEqual({ cursor: 'c', realtimeUs: 1 });
  });

  it('decodes a MESSAGE that journald exports as bytes (colours, control characters)', () => {
    const coloured = '\u001b[90m2026-11-21T16:50:36.470+00:00\u001b[39m \u001b[33m[agent/embedded]\u001b[39m \u001b[33membedded run failover decision\u001b[39m';
    expect(entry({ ...REAL, MESSAGE: bytes(coloured) }).message).toBe(coloured);
  });

  it('decodes invalid UTF-8 lossily', () => {
    expect(entry({ ...REAL, MESSAGE: [0x6f, 0x6b, 0xff, 0xc3] }).message).toBe('ok\uFFFD\uFFFD');
  });

  it('treats a MESSAGE that was too big (null) or is missing as absent', () => {
    expect(entry({ ...REAL, MESSAGE: null }).message).toBeUndefined();
    const withoutMessage: Record<string, unknown> = { ...REAL };
    delete withoutMessage['MESSAGE'];
    expect(entry(withoutMessage).message).toBeUndefined();
    expect(entry({ ...REAL, MESSAGE: { text: 'x' } }).message).toBeUndefined();
  });

  it('takes the first value of a field the entry carries more than once', () => {
    expect(entry({ ...REAL, MESSAGE: ['first', 'second'] }).message).toBe('first');
    expect(entry({ ...REAL, MESSAGE: [bytes('héllo'), 'second'] }).message).toBe('héllo');
    expect(entry({ ...REAL, MESSAGE: [] }).message).toBe('');
  });

  it('does not decode an array that is not bytes', () => {
    expect(entry({ ...REAL, MESSAGE: [104, 300] }).message).toBeUndefined();
    expect(entry({ ...REAL, MESSAGE: [104, 1.5] }).message).toBeUndefined();
    expect(entry({ ...REAL, MESSAGE: [[[104]]] }).message).toBeUndefined();
  });

  it.each([
    ['no __CURSOR', { __REALTIME_TIMESTAMP: '1' }, 'bad_journal_entry'],
    ['an empty __CURSOR', { __CURSOR: '', __REALTIME_TIMESTAMP: '1' }, 'bad_journal_entry'],
    ['a numeric __CURSOR', { __CURSOR: 5, __REALTIME_TIMESTAMP: '1' }, 'bad_journal_entry'],
    ['no __REALTIME_TIMESTAMP', { __CURSOR: 'c' }, 'bad_time'],
    ['a fractional __REALTIME_TIMESTAMP', { __CURSOR: 'c', __REALTIME_TIMESTAMP: '1795279785.388' }, 'bad_time'],
    ['a negative __REALTIME_TIMESTAMP', { __CURSOR: 'c', __REALTIME_TIMESTAMP: '-1' }, 'bad_time'],
    ['a __REALTIME_TIMESTAMP beyond 2^53', { __CURSOR: 'c', __REALTIME_TIMESTAMP: '17952797853884120' }, 'bad_time'],
  ])('rejects an entry with %s', (_name, fields, reason) => {
    expect(parseJournalEntry(JSON.stringify(fields))).toMatchObject({ rejected: reason });
  });

  it.each([
    ['truncated JSON', '{"__CURSOR":"s=1;i=2","__REALTIME_TIMESTA', 'invalid_json'],
    ['plain text', '-- No entries --', 'invalid_json'],
    ['an empty line', '', 'invalid_json'],
    ['a JSON array', '[1,2]', 'bad_journal_entry'],
    ['JSON null', 'null', 'bad_journal_entry'],
    ['a JSON string', '"s=1"', 'bad_journal_entry'],
  ])('rejects %s', (_name, line, reason) => {
    const parsed = parseJournalEntry(line);
    expect(parsed).toMatchObject({ rejected: reason });
    expect('detail' in parsed && typeof parsed.detail).toBe('string');
  });

  it('copes with deeply nested JSON and a __proto__ key', () => {
    expect(parseJournalEntry(`{"MESSAGE":${'['.repeat(100_000)}${']'.repeat(100_000)}}`)).toHaveProperty('rejected');
    const e = entry({ ...REAL, MESSAGE: [[...'['.repeat(50)].map(() => 91)] });
    expect(e.message).toBe('['.repeat(50));
    const polluted = parseJournalEntry(`{"__proto__":{"polluted":1},"__CURSOR":"c","__REALTIME_TIMESTAMP":"1"}`);
    expect(polluted).toEqual({ cursor: 'c', realtimeUs: 1 });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never throws on garbage', () => {
    const pieces = ['{', '}', '[', ']', '"__CURSOR"', '"MESSAGE"', ':', ',', '"x"', '1', 'null', '[255,0]', ' ', '\\u0000', '"__REALTIME_TIMESTAMP"'];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 5_000; i++) {
      let line = '';
      for (let n = next() % 24; n > 0; n--) line += pieces[next() % pieces.length] as string;
      expect(() => parseJournalEntry(line)).not.toThrow();
    }
  });
});
