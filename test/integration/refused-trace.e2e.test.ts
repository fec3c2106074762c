import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { metricsBase } from '../support/daemon-metrics.js';
import { spanKey } from '../support/delivery-check.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon, startFollowing, tempDir } from '../support/follow-daemon.js';
import { runCli } from '../support/run-cli.js';

/**
 * A backend that refuses one trace as it is (HTTP 400: an attribute it will
 * not take, a span too old for it) must not hold the follower forever: that
 * trace is given up, said once, counted as failed, and every other trace,
 * including those that were in the same request, still arrives.
 */

const startReceiver = cleanUpAfterEach();
/** A span count as otel-tail words it (`1 span`, `7 spans`). */
const spansText = (count: number): string => `${count} span${count === 1 ? '' : 's'}`;

/** The sample's spans, and the trace the backend will refuse: the one with the most spans. */
async function sampleWithBadTrace(): Promise<{ bad: string; badSpans: number; wanted: string[]; badKeys: string[] }> {
  const reference = await startReceiver();
  const backfill = await runCli(['backfill', '--endpoint', reference.url, SAMPLE_LOG]);
  expect(backfill.code, backfill.stderr).toBe(0);
  const traceIds = [...new Set(reference.spans.map((s) => s.traceId))];
  expect(traceIds.length).toBeGreaterThan(3);
  const count = (id: string): number => reference.spans.filter((s) => s.traceId === id).length;
  const bad = [...traceIds].sort((a, b) => count(b) - count(a))[0] ?? '';
  return { bad, badSpans: count(bad), wanted: reference.spans.filter((s) => s.traceId !== bad).map(spanKey).sort(), badKeys: reference.spans.filter((s) => s.traceId === bad).map(spanKey).sort() };
}

describe('a backend that refuses one trace (HTTP 400)', () => {
  it('backfill: every other trace of the same requests arrives; the refused one is counted and the exit is 1', async () => {
    const { bad, badSpans, wanted } = await sampleWithBadTrace();
    const r = await startReceiver({ failWith: (spans) => (spans.some((s) => s.traceId === bad) ? 400 : undefined) });
    const result = await runCli(['backfill', '--endpoint', r.url, SAMPLE_LOG]);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`${wanted.length} spans exported, ${badSpans} failed`));
    expect([...new Set(r.spans.map(spanKey))].sort()).toEqual(wanted);
    // The sample's spans go in one request, refused as a whole; then one request per trace.
    expect(r.requests.filter((req) => req.status === 400).length).toBe(2);
  }, 60_000);

  it('following: only that trace is refused, kept in the dead-letter file, said once and counted the same on /metrics and in the summary; a replay sends it once the cause is fixed', async () => {
    const { bad, badSpans, wanted, badKeys } = await sampleWithBadTrace();

    // The refusal echoes the request's headers, as some backends do: the secret in them must not reach our log.
    const live = await startReceiver({
      failWith: (spans) => (spans.some((s) => s.traceId === bad) ? 400 : undefined),
      errorBody: (req) => `bad request: ${JSON.stringify(req.headers)}`,
    });
    const stateDir = tempDir('state');
    const daemon = new FollowDaemon(['--file', SAMPLE_LOG, '--from', 'beginning', '--state-dir', stateDir, '--endpoint', live.url, '--metrics-listen', '127.0.0.1:0'], {
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20refused-secret-never-printed',
    });
    await daemon.waitForStderr(/otel-tail: following /, 15_000);
    await daemon.waitUntil(() => (new Set(live.spans.map(spanKey)).size >= wanted.length ? true : undefined), 30_000, `the ${wanted.length} spans of the other traces`);
    await daemon.waitForStderr(/refused 1 trace \(\d+ spans\)/);
    const metrics = await (await fetch(`${await metricsBase(daemon)}/metrics`)).text();
    const sample = (name: string): number => Number(metrics.split('\n').find((line) => line.startsWith(`${name} `))?.split(' ')[1]);
    expect(sample('otel_tail_spans_failed_total')).toBe(badSpans);
    expect(sample('otel_tail_dead_letter_traces_total')).toBe(1);
    expect(sample('otel_tail_dead_letter_spans_total')).toBe(badSpans);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });

    expect([...new Set(live.spans.map(spanKey))].sort()).toEqual(wanted);
    expect(live.requests.some((r) => r.status === 400)).toBe(true);
    expect(daemon.countStderr(/refused/)).toBe(1);
    expect(daemon.stderr).toMatch(
      new RegExp(`refused 1 trace \\(${badSpans} spans\\): .*400.*Sending them again as they are cannot help: kept in ${stateDir}/dead-letter\\.jsonl, counted as failed; .*otel-tail dead-letter replay`),
    );
    // The summary and /metrics agree.
    expect(daemon.stderr).toMatch(new RegExp(`${badSpans} failed`));
    expect(daemon.stderr).not.toMatch(/unreachable/);
    expect(live.requests[0]?.headers['authorization']).toBe('Bearer refused-secret-never-printed');
    expect(daemon.stderr + daemon.stdout).not.toContain('refused-secret-never-printed');

    // Its lines were settled: a restart on the same state does not send it again.
    const again = await startReceiver();
    const second = await startFollowing({ follow: SAMPLE_LOG, stateDir, endpoint: again.url });
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });
    expect(again.spans.filter((s) => s.traceId === bad)).toEqual([]);

    // It waits in the dead-letter file, and status says so.
    const status = await runCli(['status', '--state-dir', stateDir]);
    expect(status.stdout).toContain(`dead letter: 1 trace (${spansText(badSpans)}) refused by the backend since `);
    expect(status.stdout).toContain('otel-tail dead-letter replay');
    // Refused again by the same backend: kept, exit 1.
    const refusedAgain = await runCli(['dead-letter', 'replay', '--state-dir', stateDir, '--endpoint', live.url]);
    expect(refusedAgain.code, refusedAgain.stderr).toBe(1);
    expect(refusedAgain.stderr).toContain(`1 trace (${spansText(badSpans)}) were not accepted and are kept in ${stateDir}/dead-letter.jsonl`);
    // The cause fixed (a backend that takes it): sent, with its ids, and the file is gone.
    const fixed = await startReceiver();
    const replay = await runCli(['dead-letter', 'replay', '--state-dir', stateDir, '--endpoint', fixed.url]);
    expect(replay.code, replay.stderr).toBe(0);
    expect(replay.stderr).toContain(`dead-letter replay: 1 trace (${spansText(badSpans)}) sent to ${fixed.url}/v1/traces`);
    expect(fixed.spans.map(spanKey).sort()).toEqual(badKeys);
    expect(existsSync(join(stateDir, 'dead-letter.jsonl'))).toBe(false);
    const empty = await runCli(['dead-letter', 'replay', '--state-dir', stateDir, '--endpoint', fixed.url]);
    expect(empty.code).toBe(0);
    expect(empty.stderr).toContain('no dead letters in');
  }, 90_000);
});

describe("a backend that answers 200 but rejects some spans (OTLP partial_success)", () => {
  /** Rejects the spans of the sample's biggest trace, whatever request they come in. */
  async function partialReceiver(): Promise<{ receiver: Awaited<ReturnType<typeof startReceiver>>; badSpans: number }> {
    const { bad, badSpans } = await sampleWithBadTrace();
    const receiver = await startReceiver({
      partialSuccess: (spans) => {
        const rejected = spans.filter((s) => s.traceId === bad).length;
        return rejected === 0 ? undefined : { rejectedSpans: rejected, errorMessage: 'span timestamps too old' };
      },
    });
    return { receiver, badSpans };
  }

  it('backfill: counts the rejected spans as failed, says what the backend said, exits 1 and records nothing in the ledger', async () => {
    const { receiver, badSpans } = await partialReceiver();
    const stateHome = tempDir('state');
    const result = await runCli(['backfill', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: stateHome });
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`\\d+ spans exported, ${badSpans} failed`));
    expect(result.stderr).toContain(`the backend accepted the request but rejected ${badSpans} span${badSpans === 1 ? '' : 's'} of it (OTLP partial success): span timestamps too old`);
    // Not recorded as exported whole: a second run sends it again.
    const again = await runCli(['backfill', '--endpoint', receiver.url, SAMPLE_LOG], { XDG_STATE_HOME: stateHome });
    expect(again.stderr).not.toContain('already exported');
    expect(again.code).toBe(1);
  }, 60_000);

  it('following: says so (at most once a minute), counts them as failed, and does not send them again', async () => {
    const { receiver, badSpans } = await partialReceiver();
    const daemon = new FollowDaemon(['--file', SAMPLE_LOG, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', receiver.url]);
    await daemon.waitForStderr(/otel-tail: following /, 15_000);
    await daemon.waitForStderr(/rejected \d+ spans? of it \(OTLP partial success\): span timestamps too old\. Sending them again as they are cannot help: kept in .*dead-letter\.jsonl/, 30_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(daemon.stderr).toMatch(new RegExp(`\\d+ spans exported, ${badSpans} failed`));
    expect(daemon.countStderr(/OTLP partial success/)).toBe(1);
    // Every span went once: nothing was sent again.
    expect(receiver.spans.length).toBe(new Set(receiver.spans.map(spanKey)).size);
  }, 60_000);
});
