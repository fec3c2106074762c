import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { OtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { shiftedSampleLog } from '../support/shifted-sample.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';
import { FollowDaemon, pollUntil, quiet, tempDir } from '../support/follow-daemon.js';

/**
 * Dynatrace rejects spans that ended more than 60 minutes ago. A backfill with
 * --preset dynatrace (or to a Dynatrace endpoint) refuses a run that could send
 * nothing, and skips, counts and reports the traces that are too old, sending
 * the rest. The sample gateway's real log lines, moved in time, are the input.
 */
const MIN = 60_000;
const TOKEN = 'dt0c01.secret-token-abcdefgh';
const OLD = 'aaaa';
const RECENT = 'bbbb';

const startReceiver = cleanUpAfterEach();

/** The sample log moved so that it starts `minutesAgo` minutes ago, its trace ids starting with `prefix`. */
function logFile(dir: string, name: string, minutesAgo: number, prefix: string): string {
  const path = join(dir, name);
  writeFileSync(path, `${shiftedSampleLog(Date.now() - minutesAgo * MIN, prefix).join('\n')}\n`);
  return path;
}

async function dynatrace(): Promise<{ receiver: OtlpReceiver; endpoint: string }> {
  const receiver = await startReceiver({ path: '/api/v2/otlp/v1/traces' });
  return { receiver, endpoint: `${receiver.url}/api/v2/otlp` };
}

describe('backfill to Dynatrace: spans older than 60 minutes', () => {
  it('sends the recent traces, skips the old ones whole, counts them, and exits 0', async () => {
    const dir = tempDir('dt');
    const old = logFile(dir, 'old.log', 180, OLD);
    const recent = logFile(dir, 'recent.log', 20, RECENT);
    const { receiver: r, endpoint } = await dynatrace();
    const result = await runCli(['backfill', '--preset', 'dynatrace', '--endpoint', endpoint, old, recent], { DT_API_TOKEN: TOKEN });
    expect(result.code, result.stderr).toBe(0);
    expect(r.errors).toEqual([]);
    expect(r.spans.length).toBeGreaterThan(0);
    const traceIds = new Set(r.spans.map((s) => s.traceId));
    // Only the recent copy arrived, every span of it ending within the last hour.
    for (const id of traceIds) expect(id.startsWith(RECENT), id).toBe(true);
    const cutoff = Date.now() - 60 * MIN;
    for (const span of r.spans) expect(span.endMs).toBeGreaterThan(cutoff);
    // The old copy is the same run of the same gateway: exactly as many traces and spans were skipped as were sent.
    expect(result.stderr).toContain('the input starts at');
    expect(result.stderr).toContain(`skipped ${traceIds.size} traces (${r.spans.length} spans) that ended more than 59 minutes ago`);
    expect(result.stderr).toContain('--since 55m');
    expect(result.stderr).toMatch(new RegExp(`${r.spans.length} spans exported, 0 failed, ${r.spans.length} skipped as too old for Dynatrace`));
    expect(r.requests[0]?.headers['authorization']).toBe(`Api-Token ${TOKEN}`);
    expect(result.stderr + result.stdout).not.toContain('secret-token');
  });

  it('keeps a run with skipped traces out of the ledger: the same files can still go to a backend that takes history', async () => {
    const dir = tempDir('dt');
    const state = tempDir('dt');
    const old = logFile(dir, 'old.log', 180, OLD);
    const recent = logFile(dir, 'recent.log', 20, RECENT);
    const { endpoint } = await dynatrace();
    const first = await runCli(['backfill', '--preset', 'dynatrace', '--endpoint', endpoint, old, recent], { DT_API_TOKEN: TOKEN, XDG_STATE_HOME: state });
    expect(first.code, first.stderr).toBe(0);
    const receiver = await startReceiver();
    const second = await runCli(['backfill', '--endpoint', receiver.url, old, recent], { XDG_STATE_HOME: state });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('already exported');
    expect(receiver.spans.some((s) => s.traceId.startsWith(OLD))).toBe(true);
  });

  it('exits 1 when every trace was too old, sending nothing (a copied archive: its mtime says nothing)', async () => {
    const dir = tempDir('dt');
    const old = logFile(dir, 'old.log', 180, OLD);
    const { receiver: r, endpoint } = await dynatrace();
    const result = await runCli(['backfill', '--preset', 'dynatrace', '--endpoint', endpoint, old], { DT_API_TOKEN: TOKEN });
    expect(result.code, result.stderr).toBe(1);
    expect(r.requests).toEqual([]);
    expect(result.stderr).toMatch(/skipped \d+ traces \(\d+ spans\) that ended more than 59 minutes ago/);
    expect(result.stderr).toContain('0 spans exported');
  });

  it('refuses at start, reading nothing, when every input file was last written over an hour ago', async () => {
    const dir = tempDir('dt');
    const old = logFile(dir, 'old.log', 180, OLD);
    const written = (Date.now() - 170 * MIN) / 1000;
    utimesSync(old, written, written);
    const { receiver: r, endpoint } = await dynatrace();
    const result = await runCli(['backfill', '--preset', 'dynatrace', '--endpoint', endpoint, old], { DT_API_TOKEN: TOKEN });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to send: every input was last written more than 59 minutes ago');
    expect(result.stderr).toContain(old);
    expect(result.stderr).toContain('--since 55m');
    // Refused before reading: no summary line, nothing sent.
    expect(result.stderr).not.toContain('lines read');
    expect(r.requests).toEqual([]);
  });

  it('refuses at start when --until ends the window over an hour ago', async () => {
    const dir = tempDir('dt');
    const recent = logFile(dir, 'recent.log', 20, RECENT);
    const { receiver: r, endpoint } = await dynatrace();
    const result = await runCli(['backfill', '--preset', 'dynatrace', '--endpoint', endpoint, '--until', '2h', recent], { DT_API_TOKEN: TOKEN });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/nothing to send: --until \S+ is 1[12]\d minutes ago and Dynatrace rejects spans that ended more than 60 minutes ago/);
    expect(r.requests).toEqual([]);
  });

  it('knows a Dynatrace endpoint under another preset, and sends everything to other backends', async () => {
    const dir = tempDir('dt');
    const old = logFile(dir, 'old.log', 180, OLD);
    const { receiver: dt } = await dynatrace();
    const toDynatrace = await runCli(['backfill', '--traces-endpoint', `${dt.url}/api/v2/otlp/v1/traces`, old]);
    expect(toDynatrace.code).toBe(1);
    expect(dt.requests).toEqual([]);
    const other = await startReceiver();
    const elsewhere = await runCli(['backfill', '--endpoint', other.url, old]);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stderr).not.toContain('too old');
    expect(other.spans.length).toBeGreaterThan(0);
  });
});

describe('following to Dynatrace: a backlog older than 60 minutes', () => {
  it('skips the old traces, says so, sends the recent ones, and does not read the old ones again after a restart', async () => {
    const dir = tempDir('dt');
    const state = tempDir('dt');
    // One file: a turn of three hours ago (a backlog after a stop), then the same turn 20 minutes ago.
    const log = join(dir, 'openclaw.log');
    writeFileSync(log, `${[...shiftedSampleLog(Date.now() - 180 * MIN, OLD), ...shiftedSampleLog(Date.now() - 20 * MIN, RECENT)].join('\n')}\n`);
    const { receiver: r, endpoint } = await dynatrace();
    const args = ['--file', log, '--from', 'beginning', '--state-dir', state, '--preset', 'dynatrace', '--endpoint', endpoint];
    const daemon = new FollowDaemon(args, { DT_API_TOKEN: TOKEN });
    // Said at the first skip, then at most once a minute, and once more at the stop: the lines add up.
    const SKIPPED = /skipped (\d+) traces? \((\d+) spans\) that ended more than 59 minutes ago \(the latest ended at (\S+)\): Dynatrace rejects/g;
    await daemon.waitForStderr(new RegExp(SKIPPED.source), 20_000);
    const sum = (group: number): number => [...daemon.stderr.matchAll(SKIPPED)].reduce((total, match) => total + Number(match[group]), 0);
    // The same turn twice: as many traces and spans arrive as were skipped.
    await pollUntil(() => r.spans.length > 0 && r.spans.length >= sum(2), 20_000, 'the recent spans');
    await quiet(1_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(r.errors).toEqual([]);
    expect(r.spans.length).toBe(sum(2));
    expect(new Set(r.spans.map((s) => s.traceId)).size).toBe(sum(1));
    for (const span of r.spans) expect(span.traceId.startsWith(RECENT), span.traceId).toBe(true);
    for (const match of daemon.stderr.matchAll(SKIPPED)) expect(Date.parse(match[3] ?? '')).toBeLessThan(Date.now() - 100 * MIN);
    expect(daemon.stderr).toContain('otel-tail backfill --endpoint URL');
    // Skipped traces were settled: a restart neither sends nor skips them again.
    const sent = r.spans.length;
    const again = new FollowDaemon(args, { DT_API_TOKEN: TOKEN });
    await again.waitForStderr(/otel-tail: following /, 15_000);
    await quiet(2_000);
    again.signal('SIGTERM');
    expect(await again.waitForExit(10_000), again.stderr).toEqual({ code: 0, signal: null });
    expect(r.spans.length).toBe(sent);
    expect(again.stderr).not.toContain('skipped');
  });
});
