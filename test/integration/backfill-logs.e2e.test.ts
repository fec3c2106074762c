import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { isReply, REPLIES, type RawRecord as Raw } from '../support/sample-replies.js';

const RAW = readFileSync(SAMPLE_LOG, 'utf8').split('\n').filter((line) => line !== '');
/** Every session key the sample holds (in messages, and in fields of its JSON lines). */
const SESSION_KEYS = [...new Set(RAW.flatMap((line) => line.match(/agent:[a-z]+:[a-z-]+(:[a-z]+)?/g) ?? []))];
const SEVERITY: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('otel-tail backfill --logs of the real 2026.9.6 sample into a real OTLP/HTTP receiver', () => {
  it('delivers every record of the log as a log record, with the trace and span ids written on its line, and no raw session key', async () => {
    receiver = await startOtlpReceiver();
    const state = mkdtempSync(join(tmpdir(), 'otel-tail-logs-'));
    const result = await runCli(['backfill', '--logs', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: state });
    expect(result.stderr).toMatch(/743 lines read, 0 rejected, 11 traces, \d+ spans exported, 0 failed, 743 log records exported, 0 failed/);
    expect(result.code).toBe(0);
    expect(receiver.errors).toEqual([]);
    expect(receiver.spans.length).toBeGreaterThan(0);

    const logs = receiver.logs;
    expect(logs).toHaveLength(RAW.length);
    // Each line once, in the file's order (its own time order), named by its line number.
    expect(logs.map((log) => log.attributes['log.file.line'])).toEqual(RAW.map((_, index) => index + 1));
    let traced = 0;
    logs.forEach((log, index) => {
      const raw = JSON.parse(RAW[index] ?? '') as Record<string, unknown> & { _meta: { logLevelName: string } };
      expect(log.traceId).toBe(raw['traceId']);
      expect(log.spanId).toBe(raw['spanId']);
      if (raw['traceId'] !== undefined) traced++;
      expect(log.flags).toBe(raw['traceId'] === undefined ? 0 : 1);
      expect(log.timeMs).toBe(Date.parse(String(raw['time'])));
      expect(log.observedMs).toBeGreaterThanOrEqual(Date.now() - 120_000);
      expect(log.severityText).toBe(raw._meta.logLevelName);
      expect(log.severityNumber).toBe(SEVERITY[raw._meta.logLevelName]);
      expect(log.attributes['log.file.path']).toBe(SAMPLE_LOG);
      expect(log.resource['host.name']).toBe(raw['hostname']);
      expect(log.scope).toBe('otel-tail');
      // The message, with session keys hashed: where the line holds none, the very message; a reply (a console.log
      // of the gateway inside a turn) is left out without --capture-content.
      const message = String(raw['message']);
      if (isReply(raw)) expect(log.body).toBe(`[reply text omitted (${message.length} characters): --capture-content sends it]`);
      else if (!/agent:|sessionKey=|sessionId=|chatId=|messageId=/.test(message)) expect(log.body).toBe(message);
    });
    expect(RAW.filter((line) => isReply(JSON.parse(line) as Raw))).toHaveLength(4);
    expect(traced).toBeGreaterThan(500);
    expect(RAW.length - traced).toBeGreaterThan(50);
    // Every span id a line carries is a span that arrived in the same run, or an id the gateway wrote (its ids are the trace's).
    const traceIds = new Set(receiver.spans.map((span) => span.traceId));
    for (const log of logs) if (log.traceId !== undefined) expect(traceIds.has(log.traceId), log.traceId).toBe(true);

    expect(SESSION_KEYS.length).toBeGreaterThanOrEqual(7);
    const bytes = Buffer.concat(receiver.logBodies).toString('latin1');
    for (const key of SESSION_KEYS) expect(bytes.includes(key), key).toBe(false);
    for (const reply of REPLIES) expect(bytes.includes(reply), reply).toBe(false);
    expect(logs.filter((log) => /sessionKey=[0-9a-f]{16}\b/.test(String(log.body))).length).toBeGreaterThan(50);

    // Delivered whole, spans and log records: recorded in the ledger, so the same run again sends nothing.
    const again = await runCli(['backfill', '--logs', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: state });
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('skipped');
    expect(receiver.logs).toHaveLength(RAW.length);
  });

  it('--capture-content sends the replies as written (cut to --max-content-bytes), session keys still hashed', async () => {
    receiver = await startOtlpReceiver();
    const state = mkdtempSync(join(tmpdir(), 'otel-tail-logs-'));
    const result = await runCli(['backfill', '--logs', '--capture-content', '--max-content-bytes', '60', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: state });
    expect(result.code, result.stderr).toBe(0);
    const bodies = receiver.logs.map((log) => String(log.body));
    for (const reply of REPLIES.slice(0, 2)) expect(bodies.some((body) => body.includes(reply)), reply).toBe(true);
    const long = bodies.find((body) => body.startsWith('Hello from fake-llm (request 3)'));
    expect(long?.endsWith('…[truncated]')).toBe(true);
    expect(bodies.some((body) => body.startsWith('[reply text omitted'))).toBe(false);
    const bytes = Buffer.concat(receiver.logBodies).toString('latin1');
    for (const key of SESSION_KEYS) expect(bytes.includes(key), key).toBe(false);
  });

  it('says the log records a backend refused, exits failed, and records nothing in the ledger, so the same command sends them again', async () => {
    receiver = await startOtlpReceiver({ failLogsWith: 400 });
    const state = mkdtempSync(join(tmpdir(), 'otel-tail-logs-'));
    const failed = await runCli(['backfill', '--logs', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: state, OTEL_TAIL_LOG_FORMAT: 'json' });
    expect(failed.code).toBe(1);
    const said = failed.stderr
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(said.find((line) => /0 log records exported, 743 failed/.test(line.msg))?.level).toBe('warn');
    const refusal = said.find((line) => line.msg.includes('743 log records not delivered'));
    expect(refusal?.level).toBe('error');
    expect(refusal?.msg).toMatch(/^743 log records not delivered to http:\/\/127\.0\.0\.1:\d+\/v1\/logs .*HTTP 400.*run the same command again/);
    expect(receiver.spans.length).toBeGreaterThan(0);
    await receiver.close();

    receiver = await startOtlpReceiver();
    const retried = await runCli(['backfill', '--logs', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: state });
    expect(retried.code).toBe(0);
    expect(retried.stderr).not.toContain('skipped');
    expect(receiver.logs).toHaveLength(RAW.length);
  });

  it('refuses --logs where it cannot send them, naming what to do', async () => {
    const console = await runCli(['backfill', '--logs', '--exporter', 'console', SAMPLE_LOG]);
    expect(console.code).toBe(2);
    expect(console.stderr).toContain('--logs sends log records over OTLP');
  });
});
