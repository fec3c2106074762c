import { describe, expect, it } from 'vitest';
import { logTextScrub } from '../../../../src/export/logs/log-scrub.js';
import { toOtlpLogRecord } from '../../../../src/export/logs/otlp-log-record.js';
import { isReplyContent } from '../../../../src/export/logs/reply-content.js';
import { TRUNCATED_MARK } from '../../../../src/export/span-transform/content-capture.js';
import { parseConsoleMessage } from '../../../../src/parsers/console-line.js';
import { parseLine } from '../../../../src/parsers/parse-line.js';
import type { LogRecord } from '../../../../src/model/records.js';
import { fixtureLines } from '../../../support/fixtures.js';

const FILE_LOG = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const CONSOLE = [...fixtureLines('openclaw-2026.9.6/console.stdout.txt'), ...fixtureLines('openclaw-2026.9.6/console.stderr.txt')];

function fileRecords(): { raw: Record<string, unknown> & { _meta: { path?: { method?: string } } }; record: LogRecord }[] {
  return FILE_LOG.flatMap((line) => {
    const parsed = parseLine(line);
    return parsed.kind === 'log' ? [{ raw: JSON.parse(line) as Record<string, unknown> & { _meta: { path?: { method?: string } } }, record: parsed.record }] : [];
  });
}

function consoleRecords(): LogRecord[] {
  return CONSOLE.flatMap((line) => {
    const parsed = parseConsoleMessage(line, 0);
    return parsed.kind === 'log' ? [parsed.record] : [];
  });
}

describe('log records whose text is reply content (the 2026.9.6 sample)', () => {
  it("file log: exactly the gateway's console.log calls made inside a turn (tslog's own record of where it came from), untagged", () => {
    const records = fileRecords();
    const replies = records.filter(({ record }) => isReplyContent(record)).map(({ record }) => record.message);
    // The oracle is the raw line: tslog names the call site; the reply is printed with console.log inside a traced turn.
    const printed = records
      .filter(({ raw }) => raw._meta.path?.method === 'console.forwardedConsoleCall [as log]' && raw['traceId'] !== undefined && !String(raw['message']).startsWith('['))
      .map(({ raw }) => String(raw['message']));
    expect(replies).toEqual(printed);
    expect(replies).toHaveLength(4);
    expect(replies.some((text) => text.startsWith('Hello from fake-llm'))).toBe(true);
  });

  it('console: the same replies, and nothing else (every other line has a [subsystem] or is a signal)', () => {
    const fromFile = fileRecords().filter(({ record }) => isReplyContent(record)).map(({ record }) => record.message);
    expect(consoleRecords().filter(isReplyContent).map((record) => record.message)).toEqual(fromFile);
  });

  it('without --capture-content a reply leaves as a placeholder that says how to send it; the record and its ids stay', () => {
    const scrub = logTextScrub({ sessionIds: 'hash', chatIds: 'hash', idSalt: 'salt' });
    const all = fileRecords();
    const replies = all.filter(({ record }) => isReplyContent(record));
    for (const { record } of replies) {
      const out = toOtlpLogRecord(record, { kind: 'file', path: 'x.log', line: 1 }, 0, scrub);
      expect(out.body).toBe(`[reply text omitted (${record.message.length} characters): --capture-content sends it]`);
      expect(out.traceId).toBe(record.trace?.traceId);
    }
    // Every other record keeps its message.
    for (const { record } of all.filter(({ record }) => !isReplyContent(record))) {
      expect(toOtlpLogRecord(record, { kind: 'file', path: 'x.log', line: 1 }, 0, scrub).body).toBe(scrub(record.message));
    }
  });

  it('with --capture-content a reply leaves as written (ids hashed, --redact), cut to --max-content-bytes', () => {
    const [reply] = fileRecords().filter(({ record }) => record.message.startsWith('Hello from fake-llm (request 7)'));
    expect(reply).toBeDefined();
    const record = reply?.record as LogRecord;
    const whole = toOtlpLogRecord(record, { kind: 'file', path: 'x.log', line: 1 }, 0, logTextScrub({ sessionIds: 'hash', chatIds: 'hash', idSalt: 'salt', captureContent: true, maxContentBytes: 4096, redact: ['SLOW'] }));
    expect(whole.body).toBe(record.message.replace('SLOW', '[REDACTED]'));
    const cut = toOtlpLogRecord(record, { kind: 'file', path: 'x.log', line: 1 }, 0, logTextScrub({ sessionIds: 'hash', chatIds: 'hash', idSalt: 'salt', captureContent: true, maxContentBytes: 40 }));
    expect(cut.body.endsWith(TRUNCATED_MARK)).toBe(true);
    expect(Buffer.byteLength(cut.body.slice(0, -TRUNCATED_MARK.length))).toBeLessThanOrEqual(40);
    expect(record.message.startsWith(cut.body.slice(0, -TRUNCATED_MARK.length))).toBe(true);
  });
});
