import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleSampleLines } from '../support/console-sample.js';
import { backfillReference, compareDelivery, spanKey, waitForDelivery } from '../support/delivery-check.js';
import { fixtureLines } from '../support/fixtures.js';
import { FollowDaemon, pollUntil, startFollowing, tempDir } from '../support/follow-daemon.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import { LogWriter } from '../support/log-writer.js';
import type { OtlpReceiver, ReceivedSpan } from '../support/otlp-receiver.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * SIGHUP re-reads the config file while following: the sources and the exporter are rebuilt from
 * it without losing a line or sending a whole trace twice, a trace open across the reload arrives
 * whole, an invalid file changes nothing, and SIGTERM during a reload still stops cleanly.
 */

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const STEM = 'openclaw-2026-11-21';
/** Every trace complete by line 250 gets no line after it; 43fc1393 (lines 55 to 262) is still open there. */
const CUT = 250;
const OPEN = '43fc13939b4df786f71df16fe956705b';

const receiver = cleanUpAfterEach();

/** A daemon whose endpoint comes from its config file only (a flag would win over the file at a reload). */
async function followWithConfig(dir: string, stateDir: string, configFile: string, extra: readonly string[] = []): Promise<FollowDaemon> {
  const daemon = new FollowDaemon(['--file', dir, '--from', 'beginning', '--state-dir', stateDir, '--config', configFile, ...extra]);
  await daemon.waitForStderr(/otel-tail: following /, 15_000);
  return daemon;
}

async function reload(daemon: FollowDaemon, outcome: RegExp): Promise<void> {
  const before = daemon.countStderr(outcome);
  daemon.signal('SIGHUP');
  await daemon.waitUntil(() => (daemon.countStderr(outcome) > before ? true : undefined), 20_000, `a reload line matching ${outcome}`);
}

/** A port that was free a moment ago, for a config that names one. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  return res.text();
}

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('otel-tail follow, SIGHUP', () => {
  it('moves to the endpoint and resource attributes of the re-read config file: nothing lost, no span sent twice, the open trace whole', async () => {
    const first = await receiver();
    const second = await receiver();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const configFile = join(tempDir('config'), 'otel-tail.yaml');
    writeFileSync(configFile, `endpoint: ${first.url}\nmetricsListen: 127.0.0.1:0\nresourceAttributes:\n  deployment.environment: before\n`);
    const writer = new LogWriter({ dir, stem: STEM, seed: 301 });
    await writer.append(SAMPLE.slice(0, CUT));
    const daemon = await followWithConfig(dir, stateDir, configFile);
    const base = (/self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(daemon.stderr) as RegExpExecArray)[1] as string;

    const partial = await backfillReference(SAMPLE.slice(0, CUT));
    const completeBeforeCut = partial.filter((span) => span.traceId !== OPEN);
    expect(completeBeforeCut.length).toBeGreaterThan(0);
    await waitForDelivery(daemon, () => first.spans, completeBeforeCut, 30_000);
    const linesBefore = sample(await scrape(base), 'otel_tail_lines_read_total');
    expect(linesBefore).toBe(CUT);

    const port = await freePort();
    writeFileSync(configFile, `endpoint: ${second.url}\nmetricsListen: 127.0.0.1:${port}\nresourceAttributes:\n  deployment.environment: after\n`);
    await reload(daemon, /otel-tail: reloaded: following /);
    expect(daemon.stderr).toMatch(/otel-tail: SIGHUP: reloading the config \(.*otel-tail\.yaml/);
    // The monitoring moved to the new address; the old one is closed.
    const moved = `http://127.0.0.1:${port}`;
    expect(daemon.stderr).toContain(`self-monitoring at ${moved}/metrics`);
    await expect(fetch(`${base}/metrics`)).rejects.toThrow();
    await writer.append(SAMPLE.slice(CUT));
    const reference = await backfillReference(SAMPLE);
    const all = (): typeof first.spans => [...first.spans, ...second.spans];
    await waitForDelivery(daemon, all, reference, 30_000);
    // The counters went on across the reload (lines read again to rebuild the open trace count again).
    expect(sample(await scrape(moved), 'otel_tail_lines_read_total')).toBeGreaterThanOrEqual(SAMPLE.length);
    expect((await fetch(`${moved}/healthz`)).status).toBe(200);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    // Lines read again after the reload are not mistaken for late lines.
    expect(daemon.stderr).not.toMatch(/arrived after their trace was exported/);

    // Before the reload at the first receiver, after it at the second, each span once in all.
    expect(first.spans.map(spanKey).sort()).toEqual(completeBeforeCut.map(spanKey).sort());
    expect(first.spans.every((span) => span.resource['deployment.environment'] === 'before')).toBe(true);
    expect(second.spans.length).toBeGreaterThan(0);
    expect(second.spans.every((span) => span.resource['deployment.environment'] === 'after')).toBe(true);
    const report = compareDelivery(all(), reference);
    expect({ missing: report.missing, unexpected: report.unexpected, duplicated: report.duplicated }, daemon.stderr).toEqual({ missing: [], unexpected: [], duplicated: [] });
    // The trace open across the reload arrived whole, once, at the second receiver.
    const open = reference.filter((span) => span.traceId === OPEN);
    expect(second.spans.filter((span) => span.traceId === OPEN).map(spanKey).sort()).toEqual(open.map(spanKey).sort());
    const root = second.spans.find((span) => span.traceId === OPEN && span.parentSpanId === undefined);
    expect(root?.attributes['openclaw.trace.incomplete']).toBeUndefined();
  }, 90_000);

  it('keeps running with the previous config when the re-read one is invalid (saying which key, value and what is allowed) or cannot start', async () => {
    const r = await receiver();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const configFile = join(tempDir('config'), 'otel-tail.yaml');
    writeFileSync(configFile, `endpoint: ${r.url}\n`);
    const writer = new LogWriter({ dir, stem: STEM, seed: 302 });
    await writer.append(SAMPLE.slice(0, CUT));
    const daemon = await followWithConfig(dir, stateDir, configFile);
    const partial = await backfillReference(SAMPLE.slice(0, CUT));
    await waitForDelivery(daemon, () => r.spans, partial.filter((span) => span.traceId !== OPEN), 30_000);

    writeFileSync(configFile, `endpoint: ${r.url}\nmaxBatchSpans: 0\n`);
    await reload(daemon, /otel-tail: reload refused, /);
    expect(daemon.stderr).toMatch(/reload refused, still running with the previous config: the config is invalid: maxBatchSpans in .*otel-tail\.yaml: invalid value 0; expected a whole number greater than 0\./);
    expect(daemon.exit).toBeUndefined();

    // Valid, but the new sources cannot start (no such journalctl): the previous config runs again, from the checkpoints.
    writeFileSync(configFile, `endpoint: ${r.url}\njournal: openclaw-gateway\njournalctl: ${join(stateDir, 'no-such-journalctl')}\n`);
    await reload(daemon, /otel-tail: reload failed: /);
    expect(daemon.stderr).toMatch(/reload failed: .*no-such-journalctl: not found\. .*; following with the previous config again/);

    await writer.append(SAMPLE.slice(CUT));
    const reference = await backfillReference(SAMPLE);
    await waitForDelivery(daemon, () => r.spans, reference, 30_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(compareDelivery(r.spans, reference)).toMatchObject({ missing: [], unexpected: [], duplicated: [] });
  }, 60_000);

  it('stops cleanly on SIGTERM during a reload that waits for a collector, and the next start sends what was held', async () => {
    let hold = false;
    const slow = await receiver({ delayMs: () => (hold ? 60_000 : undefined) });
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const configFile = join(tempDir('config'), 'otel-tail.yaml');
    writeFileSync(configFile, `endpoint: ${slow.url}\n`);
    const writer = new LogWriter({ dir, stem: STEM, seed: 303 });
    const daemon = await followWithConfig(dir, stateDir, configFile);
    hold = true;
    await writer.append(SAMPLE.slice(0, CUT));
    await slow.waitForPending(30_000);
    // The reload waits for the held request; SIGTERM cuts it short.
    daemon.signal('SIGHUP');
    await daemon.waitForStderr(/otel-tail: SIGHUP: reloading the config/);
    // Past re-reading the config and making the new exporter: the follower is handing over, its drain waiting (up to 5 s).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(daemon.stderr).not.toMatch(/otel-tail: reloaded/);
    const stopAsked = Date.now();
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopAsked).toBeLessThan(10_000);
    expect(daemon.stderr).toMatch(/otel-tail: SIGTERM during a reload: stopped with checkpoints written/);
    hold = false;
    await pollUntil(() => slow.pending === 0, 5_000, 'the held request to be abandoned');

    const fresh = await receiver();
    const again = await startFollowing({ follow: dir, stateDir, endpoint: fresh.url });
    await writer.append(SAMPLE.slice(CUT));
    const reference = await backfillReference(SAMPLE);
    const all = (): typeof fresh.spans => [...slow.spans, ...fresh.spans];
    await waitForDelivery(again, all, reference, 30_000);
    again.signal('SIGTERM');
    expect(await again.waitForExit(10_000), again.stderr).toEqual({ code: 0, signal: null });
    expect(compareDelivery(all(), reference).missing).toEqual([]);
  }, 90_000);

  it('follows the journal across a reload at the entry it had settled: every model request and tool once over both receivers', async () => {
    const first = await receiver();
    const second = await receiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: 'openclaw-gateway' });
    const lines = consoleSampleLines(new Date());
    const half = Math.floor(lines.length / 2);
    journal.append(lines.slice(0, half));
    const configFile = join(tempDir('config'), 'otel-tail.yaml');
    writeFileSync(configFile, `endpoint: ${first.url}\n`);
    const args = ['--journal', 'openclaw-gateway', '--journalctl', FAKE_JOURNALCTL, '--from', 'beginning', '--state-dir', tempDir('state'), '--config', configFile];
    const daemon = new FollowDaemon(args, journal.env());
    await daemon.waitForStderr(/otel-tail: following /, 15_000);
    const ids = (spans: readonly ReceivedSpan[], prefix: string): string[] => spans.filter((span) => span.name.startsWith(prefix)).map(spanKey);
    await daemon.waitUntil(() => (ids(first.spans, 'chat ').length >= 3 ? true : undefined), 30_000, 'the first model spans');

    writeFileSync(configFile, `endpoint: ${second.url}\n`);
    await reload(daemon, /otel-tail: reloaded: following journal openclaw-gateway/);
    journal.append(lines.slice(half));
    const all = (): ReceivedSpan[] => [...first.spans, ...second.spans];
    await daemon.waitUntil(() => (ids(all(), 'execute_tool ').length >= 4 && ids(all(), 'chat ').length >= 12 ? true : undefined), 30_000, 'the spans');
    for (let seen = -1; seen !== all().length; ) {
      seen = all().length;
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    }
    // The failing run never ends: its spans leave with the shutdown's flush.
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });

    expect(second.spans.length).toBeGreaterThan(0);
    const keys = all().map(spanKey);
    expect(keys.length - new Set(keys).size, daemon.stderr).toBe(0);
    expect(new Set(ids(all(), 'chat ')).size).toBe(20);
    expect(new Set(ids(all(), 'execute_tool ')).size).toBe(4);
    // The new journalctl resumed at a settled entry, not from the start.
    const follows = journal.invocations().filter((argv) => argv.includes('--follow'));
    expect(follows).toHaveLength(2);
    expect(follows[1]?.some((arg) => arg.startsWith('--cursor='))).toBe(true);
  }, 90_000);

  it('moves the GenAI metrics with the endpoint: runs before the reload are counted at the first receiver, after it at the second', async () => {
    const first = await receiver();
    const second = await receiver();
    const dir = tempDir('follow');
    const configFile = join(tempDir('config'), 'otel-tail.yaml');
    const settings = (url: string): string => `endpoint: ${url}\ngenaiMetrics: "on"\nmetricsInterval: 300ms\n`;
    writeFileSync(configFile, settings(first.url));
    const writer = new LogWriter({ dir, stem: STEM, seed: 304 });
    await writer.append(SAMPLE.slice(0, CUT));
    const daemon = await followWithConfig(dir, tempDir('state'), configFile);
    const partial = await backfillReference(SAMPLE.slice(0, CUT));
    await waitForDelivery(daemon, () => first.spans, partial.filter((span) => span.traceId !== OPEN), 30_000);
    const runsAt = (r: OtlpReceiver): number => {
      const runs = r.metrics.filter((metric) => metric.name === 'gen_ai.invoke_agent.duration').at(-1);
      return runs === undefined ? 0 : runs.points.reduce((n, point) => n + (point.count ?? 0), 0);
    };
    // gen_ai.invoke_agent.duration counts the runs with a real duration (not those closed as incomplete).
    const agentSpans = (spans: readonly ReceivedSpan[]): number =>
      spans.filter((span) => span.attributes['gen_ai.operation.name'] === 'invoke_agent' && span.attributes['openclaw.span.incomplete'] !== true).length;
    const runsBefore = agentSpans(first.spans);
    expect(runsBefore).toBeGreaterThan(0);
    await first.waitForMetrics(() => runsAt(first) === runsBefore, 10_000);

    writeFileSync(configFile, settings(second.url));
    await reload(daemon, /otel-tail: reloaded: following /);
    expect(daemon.stderr).toContain(`GenAI metrics → ${second.metricsUrl} every 0.3s`);
    await writer.append(SAMPLE.slice(CUT));
    const reference = await backfillReference(SAMPLE);
    await waitForDelivery(daemon, () => [...first.spans, ...second.spans], reference, 30_000);
    const runsAfter = agentSpans(second.spans);
    expect(runsAfter).toBeGreaterThan(0);
    await second.waitForMetrics(() => runsAt(second) === runsAfter, 10_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    // Nothing recorded after the reload went to the first receiver.
    expect(runsAt(first)).toBe(runsBefore);
  }, 90_000);
  it('with no source given, says once which default directory it follows, not again at a reload', async () => {
    const configFile = join(tempDir('config'), 'otel-tail.yaml');
    writeFileSync(configFile, 'exporter: console\n');
    const daemon = new FollowDaemon(['--state-dir', tempDir('state'), '--config', configFile], { TMPDIR: tempDir('tmpdir') });
    await daemon.waitForStderr(/otel-tail: following /, 15_000);
    const said = /otel-tail: no --file given: following (\S+)\/ \((.+)\)/;
    expect(daemon.stderr).toMatch(said);
    await reload(daemon, /otel-tail: reloaded/);
    expect(daemon.countStderr(said)).toBe(1);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
  });
});
