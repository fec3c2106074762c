import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../support/fixtures.js';
import { backfillReference, compareDelivery, spansOfTraces, waitForDelivery } from '../support/delivery-check.js';
import { consoleSampleLines } from '../support/console-sample.js';
import { FollowDaemon, quiet, startFollowing, tempDir } from '../support/follow-daemon.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import { LogWriter } from '../support/log-writer.js';
import { type OtlpReceiver, type ReceivedLogRecord, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * `otel-tail --file DIR --logs` against a real receiver decoding ExportLogsServiceRequest: every
 * record of the followed log arrives as a log record with the ids written on its line, the session
 * keys hashed; and across a SIGKILL (the logs endpoint failing meanwhile), a collector outage and
 * restarts, every record arrives at least once and nothing arrives that is not in the log.
 */

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const STEM = 'openclaw-2026-11-21';
const FIRST_TRACES = ['33ed4075bbfd3e5b7e328aadd54a642c', 'eb988ebd93b502d581de6c375b9544e6', '43fc13939b4df786f71df16fe956705b'];
/** Every session key the sample holds (in messages, and in fields of its JSON lines). */
const SESSION_KEYS = [...new Set(SAMPLE.flatMap((line) => line.match(/agent:[a-z]+:[a-z-]+(:[a-z]+)?/g) ?? []))];

const startReceiver = cleanUpAfterEach();

/** What makes a log record the same record whichever run sent it (the receive time and a line number known only when read from byte 0 aside). */
const recordKey = (log: ReceivedLogRecord): string =>
  JSON.stringify([log.timeMs, log.severityText, log.traceId ?? '', log.spanId ?? '', log.body, log.resource['host.name'], log.attributes['log.file.path']]);

/** The log records `backfill --logs` sends for `path` (itself checked line by line against the raw JSON in backfill-logs.e2e). */
async function backfillLogs(path: string): Promise<ReceivedLogRecord[]> {
  const receiver = await startReceiver();
  const result = await runCli(['backfill', '--logs', '--endpoint', receiver.url, path], { XDG_STATE_HOME: tempDir('reference-state') });
  if (result.code !== 0) throw new Error(`reference backfill failed (exit ${result.code}): ${result.stderr}`);
  return [...receiver.logs];
}

/** Every record of the reference arrived at least once (as often as the reference has it), and none that it does not hold. */
function compareLogs(received: readonly ReceivedLogRecord[], reference: readonly ReceivedLogRecord[]): { missing: string[]; unexpected: string[] } {
  const count = (logs: readonly ReceivedLogRecord[]): Map<string, number> => {
    const counts = new Map<string, number>();
    for (const log of logs) counts.set(recordKey(log), (counts.get(recordKey(log)) ?? 0) + 1);
    return counts;
  };
  const got = count(received);
  const want = count(reference);
  return {
    missing: [...want].filter(([key, n]) => (got.get(key) ?? 0) < n).map(([key]) => key),
    unexpected: [...got.keys()].filter((key) => !want.has(key)),
  };
}

async function waitForLogs(daemon: FollowDaemon, receivers: () => readonly ReceivedLogRecord[], reference: readonly ReceivedLogRecord[], timeoutMs: number): Promise<void> {
  await daemon.waitUntil(
    () => (compareLogs(receivers(), reference).missing.length === 0 ? true : undefined),
    timeoutMs,
    () => `every log record of the reference (${compareLogs(receivers(), reference).missing.length} missing)`,
  );
}

/** A port that nothing listens on now and that a receiver can take later. */
async function freePort(): Promise<number> {
  const probe = await startOtlpReceiver();
  await probe.close();
  return Number(new URL(probe.url).port);
}

describe('otel-tail --file DIR --logs into a real OTLP/HTTP receiver', () => {
  it('delivers every record of the followed sample as a log record, with the ids written on its line, and no raw session key', async () => {
    const r = await startReceiver();
    const dir = tempDir('follow-logs');
    const stateDir = tempDir('state');
    const writer = new LogWriter({ dir, stem: STEM, seed: 401 });
    await writer.append(SAMPLE.slice(0, 200));
    const daemon = await startFollowing({ follow: dir, stateDir, endpoint: r.url, extra: ['--logs'] });
    expect(daemon.stderr).toMatch(/following .* → http:\/\/127\.0\.0\.1:\d+\/v1\/traces, log records → http:\/\/127\.0\.0\.1:\d+\/v1\/logs/);
    await writer.append(SAMPLE.slice(200));
    await daemon.waitUntil(() => (r.logs.length >= SAMPLE.length ? true : undefined), 30_000, `${SAMPLE.length} log records`);
    await waitForDelivery(daemon, () => r.spans, await backfillReference(SAMPLE), 30_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(daemon.stderr).toMatch(/743 log records exported, 0 failed/);
    expect(r.errors).toEqual([]);

    // Each line once, in the file's order, by its line number (read from the file's first byte: exact).
    expect(r.logs.map((log) => log.attributes['log.file.line'])).toEqual(SAMPLE.map((_, index) => index + 1));
    let traced = 0;
    r.logs.forEach((log, index) => {
      const raw = JSON.parse(SAMPLE[index] ?? '') as Record<string, unknown> & { _meta: { logLevelName: string } };
      expect(log.traceId, `line ${index + 1}`).toBe(raw['traceId']);
      expect(log.spanId, `line ${index + 1}`).toBe(raw['spanId']);
      if (raw['traceId'] !== undefined) traced++;
      expect(log.timeMs).toBe(Date.parse(String(raw['time'])));
      expect(log.severityText).toBe(raw._meta.logLevelName);
      expect(log.attributes['log.file.path']).toBe(writer.path);
      expect(log.resource['host.name']).toBe(raw['hostname']);
      // The whole message, not the skimmed record's empty one; where it holds no id, the very message.
      const message = String(raw['message']);
      if (!/agent:|sessionKey=|sessionId=|chatId=|messageId=/.test(message)) expect(log.body, `line ${index + 1}`).toBe(message);
      else expect(log.body).not.toBe(message);
    });
    expect(traced).toBeGreaterThan(500);
    // The ids of the lines are those of the spans that arrived.
    const traceIds = new Set(r.spans.map((span) => span.traceId));
    for (const log of r.logs) if (log.traceId !== undefined) expect(traceIds.has(log.traceId), log.traceId).toBe(true);

    expect(SESSION_KEYS.length).toBeGreaterThanOrEqual(7);
    const bytes = Buffer.concat(r.logBodies).toString('latin1');
    for (const key of SESSION_KEYS) expect(bytes.includes(key), key).toBe(false);
    expect(r.logs.filter((log) => /sessionKey=[0-9a-f]{16}\b/.test(String(log.body))).length).toBeGreaterThan(50);
    // What backfill sends for the same file, record for record.
    expect(compareLogs(r.logs, await backfillLogs(writer.path))).toEqual({ missing: [], unexpected: [] });
  }, 90_000);

  it('after a SIGKILL while the logs endpoint failed (spans delivered), and one mid-line, every log record arrives, and nothing that is not in the log', async () => {
    const port = await freePort();
    // The collector takes spans but answers 503 to every logs request: retried, never acknowledged.
    const failing = await startReceiver({ port, failLogsWith: 503 });
    const dir = tempDir('follow-logs');
    const stateDir = tempDir('state');
    const follow = { follow: dir, stateDir, endpoint: failing.url, extra: ['--logs', '--export-timeout', '1s'] };
    const writer = new LogWriter({ dir, stem: STEM, seed: 402 });
    const spanReference = await backfillReference(SAMPLE);
    const stderr: string[] = [];

    // 1. The first traces' spans are delivered, their log records are not: the checkpoint must stay before their lines.
    await writer.append(SAMPLE.slice(0, 100));
    const first = await startFollowing(follow);
    await writer.append(SAMPLE.slice(100, 300));
    await waitForDelivery(first, () => failing.spans, spansOfTraces(spanReference, FIRST_TRACES), 30_000);
    await first.waitForStderr(/logs endpoint unreachable at http:\/\/127\.0\.0\.1:\d+\/v1\/logs/, 15_000);
    // Time for checkpoint writes (every second).
    await quiet(2_500);
    await first.kill9();
    stderr.push(first.stderr);
    expect(failing.logs).toEqual([]);
    // Not one log record was acknowledged: the checkpoint did not pass the first line, though spans of its trace were delivered.
    const checkpoint = JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as { files: { offset: number }[] };
    expect(checkpoint.files.map((file) => file.offset)).toEqual([0]);
    await failing.close();

    // 2. The collector takes everything now; killed again while a line is half written.
    const r = await startReceiver({ port });
    const second = await startFollowing(follow);
    await writer.append(SAMPLE.slice(300, 450), { stopMidLine: true });
    await second.waitUntil(() => (r.logs.length >= 300 ? true : undefined), 30_000, 'the log records of the first 300 lines');
    await quiet(1_500);
    await second.kill9();
    stderr.push(second.stderr);

    // 3. The rest, then a clean stop.
    const last = await startFollowing(follow);
    await writer.finishLine();
    await writer.append(SAMPLE.slice(450));
    expect(writer.written).toEqual(SAMPLE);
    const reference = await backfillLogs(writer.path);
    expect(reference).toHaveLength(SAMPLE.length);
    await waitForLogs(last, () => r.logs, reference, 30_000);
    // The first traces' spans were delivered before the first kill, and remembered: not sent again.
    await waitForDelivery(last, () => [...failing.spans, ...r.spans], spanReference, 30_000);
    last.signal('SIGTERM');
    expect(await last.waitForExit(10_000), last.stderr).toEqual({ code: 0, signal: null });
    stderr.push(last.stderr);

    expect(r.errors).toEqual([]);
    expect(compareLogs(r.logs, reference), stderr.join('\n---\n')).toEqual({ missing: [], unexpected: [] });
    const spans = compareDelivery([...failing.spans, ...r.spans], spanReference);
    expect({ missing: spans.missing, unexpected: spans.unexpected }).toEqual({ missing: [], unexpected: [] });
    const bytes = Buffer.concat(r.logBodies).toString('latin1');
    for (const key of SESSION_KEYS) expect(bytes.includes(key), key).toBe(false);
  }, 150_000);

  it('while the collector is down, says so once, holds the log records, and delivers them all once it is back', async () => {
    const port = await freePort();
    const before = await startReceiver({ port });
    const dir = tempDir('follow-logs');
    const stateDir = tempDir('state');
    const writer = new LogWriter({ dir, stem: STEM, seed: 403 });
    await writer.append(SAMPLE.slice(0, 100));
    // Not shorter: a request answered after the timeout (a loaded machine) is sent again, and this run must send each record once.
    const daemon = await startFollowing({ follow: dir, stateDir, endpoint: before.url, extra: ['--logs', '--export-timeout', '5s'] });
    await daemon.waitUntil(() => (before.logs.length >= 100 ? true : undefined), 30_000, 'the first 100 log records');
    await before.close();
    await writer.append(SAMPLE.slice(100));
    await daemon.waitForStderr(/logs endpoint unreachable/, 30_000);
    await quiet(3_000);
    const after: OtlpReceiver = await startReceiver({ port });
    const reference = await backfillLogs(writer.path);
    await waitForLogs(daemon, () => [...before.logs, ...after.logs], reference, 60_000);
    await daemon.waitForStderr(/logs endpoint reachable again/, 10_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(daemon.countStderr(/logs endpoint unreachable/)).toBe(1);
    expect(daemon.stderr).toMatch(/743 log records exported, 0 failed/);
    // One run, no restart: each record exactly once.
    expect([...before.logs, ...after.logs]).toHaveLength(SAMPLE.length);
    expect(compareLogs([...before.logs, ...after.logs], reference)).toEqual({ missing: [], unexpected: [] });
  }, 120_000);

  it('--journal: every console line goes as a log record naming its journal cursor, a run\'s lines with the ids of its spans', async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: 'openclaw-gateway' });
    const lines = consoleSampleLines(new Date());
    journal.append(lines);
    const args = ['--journal', 'openclaw-gateway', '--journalctl', FAKE_JOURNALCTL, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', r.url, '--logs'];
    const daemon = new FollowDaemon(args, journal.env());
    await daemon.waitForStderr(/otel-tail: following /, 15_000);
    await daemon.waitUntil(() => (r.logs.length >= lines.length ? true : undefined), 30_000, `${lines.length} log records`);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });

    // One record per entry, each naming its entry, in the journal's order.
    expect(r.logs.map((log) => log.attributes['log.journald.cursor'])).toEqual(journal.entries.map((entry) => entry.__CURSOR));
    // The console's text after its time prefix, where it names no session (all of it: no line is skimmed).
    r.logs.forEach((log, index) => {
      const text = (lines[index] ?? '').replace(/^\S+\+00:00 /, '');
      // The leading [subsystem] is an attribute, except where the gateway's message itself begins with one ([tools], [model-fetch]).
      if (!/agent:|session|chatId=|messageId=/.test(text)) expect([text, text.replace(/^\[[^\]]+\] /, '')], text).toContain(log.body);
    });
    // Lines of a run carry the ids derived for it, which are the spans' ids.
    const traced = r.logs.filter((log) => log.traceId !== undefined);
    expect(traced.length).toBeGreaterThan(20);
    const spanIds = new Set(r.spans.map((span) => `${span.traceId}/${span.spanId}`));
    for (const log of traced) expect(spanIds.has(`${log.traceId}/${log.spanId}`), `${log.traceId}/${log.spanId} ${String(log.body)}`).toBe(true);
    const bytes = Buffer.concat(r.logBodies).toString('latin1');
    for (const key of new Set(lines.flatMap((line) => line.match(/agent:[a-z]+:[a-z-]+(:[a-z]+)?/g) ?? []))) expect(bytes.includes(key), key).toBe(false);
  }, 60_000);

  it('refuses --logs at start-up where it cannot send them, saying why', async () => {
    const dir = tempDir('follow-logs');
    const console = await runCli(['--file', dir, '--logs', '--exporter', 'console', '--state-dir', tempDir('state')]);
    expect(console.code).toBe(2);
    expect(console.stderr).toContain('--logs sends log records over OTLP: it cannot go with --exporter console');
    const grpc = await runCli(['--file', dir, '--logs', '--endpoint', 'http://127.0.0.1:9', '--protocol', 'grpc', '--state-dir', tempDir('state')]);
    expect(grpc.code).toBe(2);
    expect(grpc.stderr).toContain('--logs sends OTLP/HTTP protobuf so far: it cannot go with --protocol grpc');
  });

  it('across a reload (SIGHUP), every log record arrives and nothing that is not in the log', async () => {
    const r = await startReceiver();
    const dir = tempDir('follow-logs');
    const writer = new LogWriter({ dir, stem: STEM, seed: 404 });
    await writer.append(SAMPLE.slice(0, 280));
    const daemon = await startFollowing({ follow: dir, stateDir: tempDir('state'), endpoint: r.url, extra: ['--logs'] });
    await daemon.waitUntil(() => (r.logs.length >= 280 ? true : undefined), 30_000, 'the first 280 log records');
    daemon.signal('SIGHUP');
    await daemon.waitForStderr(/reloaded: following/, 20_000);
    await writer.append(SAMPLE.slice(280));
    const reference = await backfillLogs(writer.path);
    await waitForLogs(daemon, () => r.logs, reference, 30_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(compareLogs(r.logs, reference), daemon.stderr).toEqual({ missing: [], unexpected: [] });
    expect(r.errors).toEqual([]);
  }, 90_000);
});
