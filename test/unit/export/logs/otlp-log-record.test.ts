import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { logTextScrub } from '../../../../src/export/logs/log-scrub.js';
import { toOtlpLogRecord } from '../../../../src/export/logs/otlp-log-record.js';
import { parseLine } from '../../../../src/parsers/parse-line.js';
import type { LogRecord } from '../../../../src/model/records.js';
import { fixturePath } from '../../../support/fixtures.js';

const SAMPLE = fixturePath('openclaw-2026.9.6/file-log.jsonl');
const RAW_LINES = readFileSync(SAMPLE, 'utf8').split('\n').filter((line) => line !== '');
const SEVERITY_NUMBERS: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

function record(line: string): LogRecord {
  const parsed = parseLine(line);
  if (parsed.kind !== 'log') throw new Error(`not a record: ${line.slice(0, 80)}`);
  return parsed.record;
}

describe('a gateway line as an OTLP log record', () => {
  it('keeps every line of the real sample: its time, level, message, subsystem, host, place, and the ids written on it (none where it has none)', () => {
    const observed = Date.now();
    RAW_LINES.forEach((line, index) => {
      const raw = JSON.parse(line) as Record<string, unknown> & { _meta: { logLevelName: string; hostname: string } };
      const out = toOtlpLogRecord(record(line), { kind: 'file', path: SAMPLE, line: index + 1 }, observed);
      expect(out.timeMs).toBe(Date.parse(raw['time'] as string));
      expect(out.observedMs).toBe(observed);
      expect(out.severityText).toBe(raw._meta.logLevelName);
      expect(out.severityNumber).toBe(SEVERITY_NUMBERS[raw._meta.logLevelName]);
      expect(out.body).toBe(raw['message']);
      expect(out.hostName).toBe(raw['hostname']);
      expect(out.attributes['log.file.path']).toBe(SAMPLE);
      expect(out.attributes['log.file.line']).toBe(index + 1);
      // The logger's bindings: `subsystem`, or a child logger's `module` (OpenClaw's parse-log-line.ts reads both).
      const first = raw['0'];
      const bindings = (typeof first === 'string' && first.startsWith('{') ? JSON.parse(first) : {}) as { subsystem?: string; module?: string };
      const subsystem = bindings.subsystem ?? bindings.module;
      expect(out.attributes['openclaw.subsystem']).toBe(subsystem);
      expect(out.traceId).toBe(raw['traceId']);
      expect(out.spanId).toBe(raw['spanId']);
      expect(out.traceFlags).toBe(raw['traceId'] === undefined ? 0 : 1);
    });
    expect(RAW_LINES.filter((line) => line.includes('"traceId"')).length).toBeGreaterThan(100);
    expect(RAW_LINES.filter((line) => !line.includes('"traceId"')).length).toBeGreaterThan(50);
  });

  it('hashes session keys and chat ids inside the message, the same way every time, and --redact masks what it matches', () => {
    const scrub = logTextScrub({ sessionIds: 'hash', chatIds: 'hash', idSalt: 'salt', redact: ['runId=\\S+'] });
    const line = RAW_LINES.find((text) => text.includes('sessionKey=agent:helper:webchat-beta'));
    expect(line).toBeDefined();
    const out = toOtlpLogRecord(record(line ?? ''), { kind: 'file', path: SAMPLE, line: 1 }, 0, scrub);
    expect(out.body).not.toContain('agent:helper');
    expect(out.body).toMatch(/sessionKey=[0-9a-f]{16}\b/);
    const again = toOtlpLogRecord(record(line ?? ''), { kind: 'file', path: SAMPLE, line: 1 }, 0, scrub);
    expect(again.body).toBe(out.body);
    const chat = toOtlpLogRecord(
      { timeMs: 0, level: 'info', subsystem: 'telegram', message: 'telegram inbound: chatId=123456789 sessionKey=agent:main:telegram:direct:123456789 runId=r-1' },
      { kind: 'journal', cursor: 's=abc;i=1' },
      0,
      scrub,
    );
    expect(chat.body).not.toContain('123456789');
    expect(chat.body).toMatch(/^telegram inbound: chatId=[0-9a-f]{16} sessionKey=[0-9a-f]{16} \[REDACTED\]$/);
    expect(chat.attributes).toEqual({ 'openclaw.subsystem': 'telegram', 'log.journald.cursor': 's=abc;i=1' });
    expect(chat.severityNumber).toBe(9);
    const omitted = logTextScrub({ sessionIds: 'omit', chatIds: 'raw' })('sessionKey=agent:main:main chatId=42');
    expect(omitted).toBe('sessionKey=[omitted] chatId=42');
    expect(logTextScrub({ sessionIds: 'raw', chatIds: 'raw' })('sessionKey=agent:main:main')).toBe('sessionKey=agent:main:main');
  });

  it('sends derived ids of a console line as sampled, and keeps a written zero flag', () => {
    const base: LogRecord = { timeMs: 5, level: 'fatal', message: 'm' };
    expect(toOtlpLogRecord({ ...base, trace: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), synthetic: true } }, { kind: 'journal', cursor: 'c' }, 0).traceFlags).toBe(1);
    expect(toOtlpLogRecord({ ...base, trace: { traceId: 'a'.repeat(32), traceFlags: '00' } }, { kind: 'journal', cursor: 'c' }, 0)).toMatchObject({ traceFlags: 0, severityText: 'FATAL', severityNumber: 21 });
  });
});
