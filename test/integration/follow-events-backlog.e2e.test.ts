import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareDelivery, explainDifference, type DeliveryReport } from '../support/delivery-check.js';
import { type FollowDaemon, pollUntil, quiet, startFollowing, tempDir } from '../support/follow-daemon.js';
import { fixturePath } from '../support/fixtures.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * Following a file log and an events directory that already hold a turn (a
 * backlog: `--from beginning`, a restart, a slow reader): the trace must wait
 * for the stream not read yet, and be the backfill's trace of the same files,
 * not the file log's alone (docs/design.md, "Merging the streams").
 */

const FIXTURE = 'openclaw-2026.9.6-plugin';
const LOG_FILE = 'openclaw-2026-11-21.log';
const EVENTS_FILE = 'events-2026-11-21.jsonl';
const LOG_DIR = fixturePath(`${FIXTURE}/file-log`);
const EVENTS_DIR = fixturePath(`${FIXTURE}/events`);
const TRACE_ID = '7737658c1cac0c4a6fe003ea196e58ae';
const IDS = { request: '656a8e00ae6a8b0d', harness: '6a84c5c3ed7633b1', run: '695b9ac63b809d91', call1: 'c4729933fb6875f3', call2: '344fe2c808b14999' };
const LATE = /arrived after their trace was exported/;

const startReceiver = cleanUpAfterEach();

async function backfill(paths: readonly string[], flags: readonly string[] = []): Promise<ReceivedSpan[]> {
  const r = await startOtlpReceiver();
  try {
    const result = await runCli(['backfill', '--endpoint', r.url, ...flags, ...paths]);
    expect(result.code, result.stderr).toBe(0);
    return [...r.spans];
  } finally {
    await r.close();
  }
}

/** Waits (up to `timeoutMs`) for as many spans as the reference has, then stops the daemon with SIGTERM; the comparison is the test's. */
async function deliverThenStop(daemon: FollowDaemon, r: OtlpReceiver, reference: readonly ReceivedSpan[], timeoutMs: number): Promise<DeliveryReport> {
  await pollUntil(() => r.spans.length >= reference.length, timeoutMs, `${reference.length} spans`).catch(() => undefined);
  daemon.signal('SIGTERM');
  expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
  return compareDelivery(r.spans, reference);
}

function expectSameAsBackfill(report: DeliveryReport, received: readonly ReceivedSpan[], reference: readonly ReceivedSpan[], stderr: string): void {
  const details = [...report.missing, ...report.inconsistent, ...report.differentFromReference].slice(0, 3).map((key) => explainDifference(key, received, reference));
  const got = received.map((s) => `${s.spanId} ${s.name}`).join('\n');
  expect(report, `${details.join('\n')}\nreceived:\n${got}\n${stderr}`).toEqual({ missing: [], unexpected: [], duplicated: [], inconsistent: [], differentFromReference: [] });
}

/** What the merge is for, said outright: OpenClaw's harness span, and usage on the run and each model call. */
function expectMergedTurn(spans: readonly ReceivedSpan[]): void {
  expect(new Set(spans.map((s) => s.traceId))).toEqual(new Set([TRACE_ID]));
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  expect(byId.get(IDS.harness)?.name).toBe('openclaw.harness.run openclaw');
  expect(byId.get(IDS.run)?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 2591, 'gen_ai.usage.output_tokens': 80, 'openclaw.cost.usd': 0.002751 });
  expect(byId.get(IDS.call1)?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1234, 'gen_ai.usage.output_tokens': 56, 'http.response.status_code': 200 });
  expect(byId.get(IDS.call2)?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1357, 'gen_ai.usage.output_tokens': 24 });
  expect(byId.get(IDS.request)?.parentSpanId).toBeUndefined();
}

describe('otel-tail --file LOGDIR --events EVENTSDIR with a backlog', () => {
  it('--from beginning on the real gateway’s files waits for the events: the backfill’s spans, no late line', async () => {
    const reference = await backfill([join(LOG_DIR, LOG_FILE), join(EVENTS_DIR, EVENTS_FILE)]);
    expect(reference).toHaveLength(8);
    expectMergedTurn(reference);

    const r = await startReceiver();
    const daemon = await startFollowing({ follow: LOG_DIR, stateDir: tempDir('state'), endpoint: r.url, extra: ['--events', EVENTS_DIR] });
    const report = await deliverThenStop(daemon, r, reference, 20_000);

    expectSameAsBackfill(report, r.spans, reference, daemon.stderr);
    expectMergedTurn(r.spans);
    expect(daemon.stderr).not.toMatch(LATE);
    expect(daemon.stderr).toMatch(/1 trace, 8 spans exported, 0 failed/);
  }, 60_000);

  it('waits for the events however far the log read ahead of them (a log backlog longer than the idle timeout)', async () => {
    // The real files, and the gateway started again ten minutes later: the log now runs far past the turn.
    const logDir = tempDir('log');
    const eventsDir = tempDir('events');
    const last = JSON.parse(readFileSync(join(LOG_DIR, LOG_FILE), 'utf8').trimEnd().split('\n').at(-1) ?? '') as { _meta: { date: string }; time: string };
    const later = { ...last, _meta: { ...last._meta, date: '2026-11-21T19:57:55.508Z' }, time: '2026-11-21T19:57:55.509+00:00' };
    writeFileSync(join(logDir, LOG_FILE), `${readFileSync(join(LOG_DIR, LOG_FILE), 'utf8')}${JSON.stringify(later)}\n`);
    copyFileSync(join(EVENTS_DIR, EVENTS_FILE), join(eventsDir, EVENTS_FILE));
    const reference = await backfill([join(logDir, LOG_FILE), join(eventsDir, EVENTS_FILE)]);
    expect(reference).toHaveLength(8);

    const r = await startReceiver();
    // The stream lag allowed is the idle timeout (2 min by default): the log is 10 min ahead once read.
    const daemon = await startFollowing({ follow: logDir, stateDir: tempDir('state'), endpoint: r.url, extra: ['--events', eventsDir] });
    const report = await deliverThenStop(daemon, r, reference, 20_000);

    expectSameAsBackfill(report, r.spans, reference, daemon.stderr);
    expectMergedTurn(r.spans);
    expect(daemon.stderr).not.toMatch(LATE);
  }, 60_000);

  it('the log written first and the events directory filled seconds later still gives one merged trace', async () => {
    const logLines = readFileSync(join(LOG_DIR, LOG_FILE), 'utf8').split('\n').filter((line) => line !== '');
    // Up to the turn's last log line; the gateway's shutdown lines come after the events.
    const lastOfTurn = logLines.findLastIndex((line) => line.includes(TRACE_ID));
    expect(lastOfTurn).toBeGreaterThan(0);
    const logDir = tempDir('log');
    const eventsDir = join(tempDir('plugin'), 'events');
    // A grace that outlasts the pause below (the same for the reference), so the test does not race the wall clock.
    const flags = ['--grace', '5s'];
    const reference = await backfill([join(LOG_DIR, LOG_FILE), join(EVENTS_DIR, EVENTS_FILE)], flags);
    expect(reference).toHaveLength(8);

    const r = await startReceiver();
    const daemon = await startFollowing({ follow: logDir, stateDir: tempDir('state'), endpoint: r.url, extra: ['--events', eventsDir, ...flags] });
    const logPath = join(logDir, LOG_FILE);
    writeFileSync(logPath, logLines.slice(0, lastOfTurn + 1).map((line) => `${line}\n`).join(''));
    await quiet(2_500);
    // Nothing yet: the turn is complete in the log, but its grace has not passed.
    expect(r.spans).toEqual([]);
    mkdirSync(eventsDir);
    copyFileSync(join(EVENTS_DIR, EVENTS_FILE), join(eventsDir, EVENTS_FILE));
    await quiet(500);
    await appendFile(logPath, logLines.slice(lastOfTurn + 1).map((line) => `${line}\n`).join(''));
    const report = await deliverThenStop(daemon, r, reference, 30_000);

    expectSameAsBackfill(report, r.spans, reference, daemon.stderr);
    expectMergedTurn(r.spans);
    expect(daemon.stderr).not.toMatch(LATE);
  }, 60_000);
});
