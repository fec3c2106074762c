import { afterEach, describe, expect, it } from 'vitest';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';
import { releaseFile, rawFileLog } from '../support/release-runs.js';
import { runCli } from '../support/run-cli.js';

/**
 * What a backfill tells the operator about releases it cannot read, through
 * the real CLI and a real OTLP receiver (test/fixtures/openclaw-versions).
 */
let receiver: OtlpReceiver;
afterEach(async () => {
  await receiver.close();
});

describe('otel-tail backfill of a file log older than 2026.4', () => {
  it('says once which release range it is, why nothing can be rebuilt and what to read instead, and exits 2', async () => {
    // The raw lines: records, none with a trace id or a message.
    const raw = rawFileLog('2026.3.22');
    expect(raw.length).toBeGreaterThan(0);
    expect(raw.filter((line) => line.traceId !== undefined)).toEqual([]);
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, releaseFile('2026.3.22', 'file-log.jsonl')], { OTEL_TAIL_LOG_FORMAT: 'json' });
    expect(result.code, result.stderr).toBe(2);
    const said = result.stderr
      .split('\n')
      .filter((line) => line.includes('before 2026.4'))
      .map((line) => JSON.parse(line) as { level: string; msg: string });
    expect(said).toHaveLength(1);
    expect(said[0]?.level).toBe('error');
    expect(said[0]?.msg).toMatch(/no trace ids/);
    expect(said[0]?.msg).toMatch(/--journal/);
    expect(receiver.spans).toEqual([]);
  });

  it('says nothing of it, and exits 0, when another input gave traces', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, releaseFile('2026.3.22', 'file-log.jsonl'), releaseFile('2026.8.2', 'file-log.jsonl')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/before 2026\.4/);
    expect(receiver.spans.length).toBeGreaterThan(0);
  });

  it('says nothing of it for a newer release that happened to give no trace (2026.4.27, outside --since)', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, '--since', '2027-01-01T00:00:00Z', releaseFile('2026.4.27', 'file-log.jsonl')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/before 2026\.4/);
  });
});

describe('otel-tail backfill of 2026.8.2 events, whose failed model call is reported completed', () => {
  it('says so once when the events are read alone, and not when the file log is merged in (its HTTP 500 marks the call)', async () => {
    receiver = await startOtlpReceiver();
    const alone = await runCli(['backfill', '--endpoint', receiver.url, releaseFile('2026.8.2', 'events.jsonl')]);
    expect(alone.code, alone.stderr).toBe(0);
    expect(alone.stderr.split('\n').filter((line) => line.includes('before 2026.9.1'))).toHaveLength(1);
    const merged = await runCli(['backfill', '--endpoint', receiver.url, releaseFile('2026.8.2', 'events.jsonl'), releaseFile('2026.8.2', 'file-log.jsonl')]);
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stderr).not.toMatch(/before 2026\.9\.1/);
    const failedCalls = receiver.spans.filter((span) => span.attributes['openclaw.call.id'] !== undefined && span.attributes['http.response.status_code'] === 500);
    expect(failedCalls.length).toBe(1);
  });
});

