import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureLines, SAMPLE_LOG } from '../support/fixtures.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

/**
 * What `backfill` takes: files, directories and globs mixed, plain or gzip,
 * standard input; several hosts; a trace split across a rotation; the ledger
 * that makes a second import a no-op; the time window; a dry run.
 */

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const text = (lines: readonly string[]): string => lines.map((line) => `${line}\n`).join('');
const ids = (spans: readonly ReceivedSpan[]): string[] => spans.map((s) => `${s.traceId}/${s.spanId}`).sort();

let receiver: OtlpReceiver;
afterEach(async () => {
  await receiver.close();
});

async function reference(): Promise<string[]> {
  const r = await startOtlpReceiver();
  try {
    const result = await runCli(['backfill', '--endpoint', r.url, SAMPLE_LOG]);
    expect(result.code, result.stderr).toBe(0);
    return ids(r.spans);
  } finally {
    await r.close();
  }
}

/** The sample as another gateway would log it: another hostname, other ids (first hex digit of every id changed). */
function otherHost(lines: readonly string[]): string[] {
  return lines.map((line) =>
    line
      .replace(/"hostname":"vm"/g, '"hostname":"gw-b"')
      .replace(/"(traceId|spanId|parentSpanId)":"([0-9a-f])/g, (_, key: string, first: string) => `"${key}":"${((parseInt(first, 16) + 1) % 16).toString(16)}`),
  );
}

describe('otel-tail backfill inputs', () => {
  it('reads a rotated pair given as a glob and a .gz, out of order, as one run: a trace split by the rotation stays whole', async () => {
    receiver = await startOtlpReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-inputs-'));
    // Line 300 falls inside three traces (f8271de8, b47ef043, 8cf6c5da): the rotation splits them.
    writeFileSync(join(dir, 'openclaw-2026-11-21.1.log.gz'), gzipSync(text(SAMPLE.slice(0, 300))));
    writeFileSync(join(dir, 'openclaw-2026-11-21.log'), text(SAMPLE.slice(300)));
    const result = await runCli(['backfill', '--endpoint', receiver.url, join(dir, '*.log'), join(dir, 'openclaw-2026-11-21.1.log.gz')]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/743 lines read, 0 rejected, 11 traces, 67 spans exported, 0 failed/);
    expect(ids(receiver.spans)).toEqual(await reference());
  });

  it('takes a directory, and a ** glob, the same way', async () => {
    receiver = await startOtlpReceiver();
    const root = mkdtempSync(join(tmpdir(), 'otel-tail-inputs-'));
    mkdirSync(join(root, 'host', 'logs'), { recursive: true });
    writeFileSync(join(root, 'host', 'logs', 'openclaw-2026-11-21.1.log'), text(SAMPLE.slice(0, 300)));
    writeFileSync(join(root, 'host', 'logs', 'openclaw-2026-11-21.log.gz'), gzipSync(text(SAMPLE.slice(300))));
    const byDir = await runCli(['backfill', '--endpoint', receiver.url, join(root, 'host', 'logs')]);
    expect(byDir.code, byDir.stderr).toBe(0);
    const first = ids(receiver.spans);
    expect(first).toEqual(await reference());
    const byGlob = await runCli(['backfill', '--endpoint', receiver.url, join(root, '**', 'openclaw-*')]);
    expect(byGlob.code, byGlob.stderr).toBe(0);
    expect(ids(receiver.spans.slice(first.length))).toEqual(first);
  });

  it('keeps two hosts apart: each is read through its own reconstructor', async () => {
    receiver = await startOtlpReceiver();
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-inputs-'));
    writeFileSync(join(dir, 'a.log'), text(SAMPLE));
    writeFileSync(join(dir, 'b.log'), text(otherHost(SAMPLE)));
    const result = await runCli(['backfill', '--endpoint', receiver.url, dir]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('2 gateway hosts (vm, gw-b): each is read on its own');
    expect(result.stderr).toMatch(/1486 lines read, 0 rejected, 22 traces, 134 spans exported/);
    const hosts = new Map<string, number>();
    for (const span of receiver.spans) hosts.set(String(span.resource['host.name']), (hosts.get(String(span.resource['host.name'])) ?? 0) + 1);
    expect(Object.fromEntries(hosts)).toEqual({ vm: 67, 'gw-b': 67 });
  });

  it('records fully exported files in the ledger: a second run skips them and says so; --force sends them again', async () => {
    receiver = await startOtlpReceiver();
    const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-ledger-'));
    const first = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', receiver.url, SAMPLE_LOG]);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(stateDir, 'backfill-ledger.json'))).toBe(true);
    expect(receiver.spans).toHaveLength(67);

    // The same content under another name is the same file.
    const copy = join(mkdtempSync(join(tmpdir(), 'otel-tail-ledger-')), 'renamed.log');
    writeFileSync(copy, readFileSync(SAMPLE_LOG));
    const second = await runCli(['backfill', '--state-dir', stateDir, '--endpoint', receiver.url, copy]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`skipped ${copy}: already exported`);
    expect(second.stderr).toContain('pass --force to send it again');
    expect(receiver.spans).toHaveLength(67);

    const forced = await runCli(['backfill', '--state-dir', stateDir, '--force', '--endpoint', receiver.url, copy]);
    expect(forced.code, forced.stderr).toBe(0);
    expect(receiver.spans).toHaveLength(134);
    expect(ids(receiver.spans.slice(67))).toEqual(ids(receiver.spans.slice(0, 67)));
  });

  it('does not record a file whose spans failed to export', async () => {
    receiver = await startOtlpReceiver({ failWith: 400 });
    const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-ledger-'));
    const failed = await runCli(['backfill', '--state-dir', stateDir, '--export-timeout', '500ms', '--endpoint', receiver.url, SAMPLE_LOG]);
    expect(failed.code).toBe(1);
    expect(existsSync(join(stateDir, 'backfill-ledger.json'))).toBe(false);
  });

  it('uses only records inside --since/--until, and says how many it left out', async () => {
    receiver = await startOtlpReceiver();
    // The sample runs from 16:49:45 to 16:54; the window keeps the second half.
    const result = await runCli(['backfill', '--since', '2026-11-21T16:51:20Z', '--until', '2026-11-21T17:00:00Z', '--endpoint', receiver.url, SAMPLE_LOG]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\d+ records were outside --since\/--until and not used/);
    expect(receiver.spans.length).toBeGreaterThan(0);
    expect(receiver.spans.length).toBeLessThan(67);
    expect(receiver.spans.every((span) => span.endMs >= Date.parse('2026-11-21T16:51:20Z'))).toBe(true);
    const bad = await runCli(['backfill', '--since', 'last tuesday', SAMPLE_LOG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since last tuesday: expected an ISO time');
  });

  it('reads standard input, plain or gzip, with -', async () => {
    receiver = await startOtlpReceiver();
    const plain = await runCli(['backfill', '--endpoint', receiver.url, '-'], {}, readFileSync(SAMPLE_LOG));
    expect(plain.code, plain.stderr).toBe(0);
    const gz = await runCli(['backfill', '--endpoint', receiver.url, '-'], {}, gzipSync(readFileSync(SAMPLE_LOG)));
    expect(gz.code, gz.stderr).toBe(0);
    expect(ids(receiver.spans.slice(0, 67))).toEqual(await reference());
    expect(ids(receiver.spans.slice(67))).toEqual(ids(receiver.spans.slice(0, 67)));
  });

  it('sends nothing and records nothing on --dry-run, and prints what would be sent', async () => {
    receiver = await startOtlpReceiver();
    const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-ledger-'));
    const result = await runCli(['backfill', '--dry-run', '--state-dir', stateDir, '--endpoint', receiver.url, SAMPLE_LOG]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('trace 33ed4075bbfd3e5b7e328aadd54a642c');
    expect(result.stderr).toContain('dry run: nothing was sent');
    expect(receiver.requests).toHaveLength(0);
    expect(existsSync(join(stateDir, 'backfill-ledger.json'))).toBe(false);
    expect(result.stderr).toMatch(/11 traces, \d+ spans would be sent \(printed above\), 0 failed/);
  });

  it('needs neither the endpoint nor the secrets of a preset on --dry-run', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-ledger-'));
    // Dynatrace has no default endpoint and needs DT_API_TOKEN: a run that sends must have both.
    const sending = await runCli(['backfill', '--preset', 'dynatrace', '--state-dir', stateDir, SAMPLE_LOG], { DT_API_TOKEN: '' });
    expect(sending.code).toBe(2);
    expect(sending.stderr).toContain('preset: "dynatrace" needs --endpoint');
    const dry = await runCli(['backfill', '--dry-run', '--preset', 'dynatrace', '--state-dir', stateDir, SAMPLE_LOG], { DT_API_TOKEN: '' });
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('trace 33ed4075bbfd3e5b7e328aadd54a642c');
    expect(dry.stderr).not.toContain('needs');
  });

  it('names a pattern that matches nothing', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', join(tmpdir(), 'no-such-dir-otel-tail', '*.log.gz')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no-such-dir-otel-tail/*.log.gz: no file matches this pattern.');
  });
});
