import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleSampleLines } from '../support/console-sample.js';
import { fixturePath, SAMPLE_LOG } from '../support/fixtures.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

const RAW = readFileSync(SAMPLE_LOG, 'utf8').split('\n').filter((line) => line !== '');
const IDENTIFIER = 'openclaw-gateway';
const OWN_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00) /;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('backfill --logs of standard input and of a journal (the console)', () => {
  it('standard input: every record once, numbered as read, with the ids on its line (one read serves spans and logs)', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--logs', '--endpoint', receiver.url, '-'], { XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'otel-tail-logs-')) }, Buffer.from(`${RAW.join('\n')}\n`));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/743 lines read, 0 rejected, 11 traces, \d+ spans exported, 0 failed, 743 log records exported, 0 failed/);
    expect(receiver.logs).toHaveLength(RAW.length);
    receiver.logs.forEach((log, index) => {
      const raw = JSON.parse(RAW[index] ?? '') as Record<string, unknown>;
      expect(log.attributes['log.file.line']).toBe(index + 1);
      expect(log.attributes['log.file.path']).toBe('-');
      expect(log.traceId).toBe(raw['traceId']);
      expect(log.timeMs).toBe(Date.parse(String(raw['time'])));
    });
  });

  it('a file log read with its events (one trace per traceId from both): the log\'s records, none of the events', async () => {
    receiver = await startOtlpReceiver();
    const plugin = fixturePath('openclaw-2026.9.6-plugin/');
    const log = join(plugin, 'file-log');
    const result = await runCli(['backfill', '--logs', '--endpoint', receiver.url, '--events', join(plugin, 'events'), log]);
    expect(result.code, result.stderr).toBe(0);
    // Every line of the log (each a record), once, in its order; nothing from the events.
    const raw = readFileSync(join(log, 'openclaw-2026-11-21.log'), 'utf8').split('\n').filter((line) => line !== '');
    expect(result.stderr).toContain(`${raw.length} log records exported, 0 failed`);
    expect(receiver.logs.map((record) => record.attributes['log.file.line'])).toEqual(raw.map((_, index) => index + 1));
    receiver.logs.forEach((record, index) => expect(record.traceId).toBe((JSON.parse(raw[index] ?? '') as { traceId?: string }).traceId));
  });

  it("journal: each console line as a log record, with its own time, its cursor, and an agent run's lines under the run's span", async () => {
    receiver = await startOtlpReceiver();
    const journal = new FakeJournal(mkdtempSync(join(tmpdir(), 'otel-tail-fake-journal-')), { identifier: IDENTIFIER });
    const lines = consoleSampleLines(new Date(Date.now() - 60 * 60_000));
    const entries = journal.append(lines);
    const result = await runCli(['backfill', '--logs', '--journal', IDENTIFIER, '--journalctl', FAKE_JOURNALCTL, '--endpoint', receiver.url], journal.env());
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.errors).toEqual([]);
    const logs = receiver.logs;
    // Every line of the console is a record (the three start-up lines without a time take the entry's).
    expect(logs).toHaveLength(lines.length);
    expect(result.stderr).toContain(`${lines.length} log records exported, 0 failed`);
    const byCursor = new Map(entries.map((entry, index) => [String(entry['__CURSOR']), index]));
    const spans = new Map(receiver.spans.map((span) => [`${span.traceId}/${span.spanId}`, span]));
    let underRun = 0;
    for (const log of logs) {
      const index = byCursor.get(String(log.attributes['log.journald.cursor']));
      expect(index, String(log.attributes['log.journald.cursor'])).toBeDefined();
      const line = lines[index ?? -1] ?? '';
      const own = OWN_TIME.exec(line)?.[1];
      if (own !== undefined) expect(log.timeMs).toBe(Date.parse(own));
      expect(log.severityText).toMatch(/^(INFO|WARN|ERROR)$/);
      if (/ embedded run (start|prompt start|prompt end|agent start|agent end|tool start|tool end|done): runId=/.test(line)) {
        // A lifecycle line of an agent run (it names the run): under the run's invoke_agent span, which arrived in the same run.
        expect(log.traceId, line).toBeDefined();
        const span = spans.get(`${log.traceId ?? ''}/${log.spanId ?? ''}`);
        expect(span?.name, line).toMatch(/^invoke_agent/);
        underRun++;
      }
    }
    expect(underRun).toBeGreaterThan(30);
    // The replies on the console are reply content: left out without --capture-content.
    expect(logs.filter((log) => String(log.body).startsWith('[reply text omitted'))).toHaveLength(4);
    expect(Buffer.concat(receiver.logBodies).toString('utf8')).not.toContain('Hello from fake-llm');
  }, 60_000);
});
