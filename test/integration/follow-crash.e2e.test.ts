import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../support/fixtures.js';
import {
  backfillReference,
  compareDelivery,
  explainDifference,
  spanKey,
  spansOfTraces,
  waitForDelivery,
} from '../support/delivery-check.js';
import { pollUntil, quiet, startFollowing, tempDir } from '../support/follow-daemon.js';
import { LogWriter, rpcTraceLines } from '../support/log-writer.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * At-least-once across crashes: the daemon is SIGKILLed at the worst moments
 * and restarted on the same state directory; what reaches the receiver over
 * all runs must be exactly the backfill reference (every span, nothing else,
 * a re-sent span identical to the first copy). A clean stop, on the other
 * hand, must leave nothing to re-send.
 */

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const STEM = 'openclaw-2026-11-21';
/** The three traces that complete first (their last lines are 194, 239, 262; all end by 16:50:42). */
const FIRST_TRACES = ['33ed4075bbfd3e5b7e328aadd54a642c', 'eb988ebd93b502d581de6c375b9544e6', '43fc13939b4df786f71df16fe956705b'];
/** Traces open at line 300 (started at lines 271, 272, 292; finished at 484, 466, 549). */
const OPEN_AT_300 = ['f8271de8583a5a4aee453319ff117e78', 'b47ef04357fb9a0b2887cd9182f8d5f1', '8cf6c5da9fe37acb2426a3535b77eef3'];

const startReceiver = cleanUpAfterEach();

describe('otel-tail --file after SIGKILL and restart on the same state directory', () => {
  it('delivers every span of the reference, and nothing else, across kills mid-line, mid-trace and mid-export', async () => {
    let holdExports = false;
    // While held, an export request is decoded but never answered: it is pending when the daemon dies.
    const r = await startReceiver({ delayMs: () => (holdExports ? 60_000 : undefined) });
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const follow = { follow: dir, stateDir, endpoint: r.url };
    const reference = await backfillReference(SAMPLE);
    expect(reference).toHaveLength(67);
    const writer = new LogWriter({ dir, stem: STEM, seed: 201 });
    const stderr: string[] = [];

    const checkpoints = join(stateDir, 'checkpoints.json');
    const saved = (): string | undefined => (existsSync(checkpoints) ? readFileSync(checkpoints, 'utf8') : undefined);
    /** A restart must resume from a real checkpoint, not from the start: wait until one is written that differs from `before`. */
    const checkpointWritten = (before: string | undefined): Promise<void> =>
      pollUntil(() => saved() !== undefined && saved() !== before, 10_000, `a checkpoint write to ${checkpoints}`);

    // 1. Killed while lines keep arriving in pieces, with the writer in the middle of a line.
    await writer.append(SAMPLE.slice(0, 60));
    const first = await startFollowing(follow);
    await writer.append(SAMPLE.slice(60, 150));
    await checkpointWritten(undefined);
    const arriving = writer.append(SAMPLE.slice(150, 230), { stopMidLine: true });
    await quiet(30);
    await first.kill9();
    await arriving;
    expect(writer.midLine).toBe(true);
    stderr.push(first.stderr);

    // 2. Killed mid-trace: the first traces are exported and checkpointed past, three others are open.
    const beforeSecond = saved();
    const second = await startFollowing(follow);
    await writer.finishLine();
    await writer.append(SAMPLE.slice(230, 300));
    await waitForDelivery(second, () => r.spans, spansOfTraces(reference, FIRST_TRACES), 30_000);
    // Time for the checkpoint writer to record that those traces are exported.
    await quiet(2_500);
    await checkpointWritten(beforeSecond);
    const openSpans = spansOfTraces(reference, OPEN_AT_300).map(spanKey);
    expect(r.spans.filter((span) => openSpans.includes(spanKey(span)))).toEqual([]);
    await second.kill9();
    stderr.push(second.stderr);

    // 3. Killed while an export request is in flight (the receiver holds its answer), after time enough
    //    to write a checkpoint: it must not cover the lines of the spans in that request.
    const third = await startFollowing(follow);
    holdExports = true;
    await writer.append(SAMPLE.slice(300, 500));
    await r.waitForPending(30_000);
    await quiet(2_000);
    await third.kill9();
    stderr.push(third.stderr);
    holdExports = false;
    await pollUntil(() => r.pending === 0, 5_000, 'the held request to be abandoned');
    expect(r.abandoned.length).toBeGreaterThan(0);

    // 4. The last run reads the rest and stops cleanly.
    const last = await startFollowing(follow);
    await writer.append(SAMPLE.slice(500));
    expect(writer.written).toEqual(SAMPLE);
    await waitForDelivery(last, () => r.spans, reference, 30_000);
    last.signal('SIGTERM');
    const exit = await last.waitForExit(10_000);
    stderr.push(last.stderr);
    expect(exit, last.stderr).toEqual({ code: 0, signal: null });

    expect(r.errors).toEqual([]);
    const report = compareDelivery(r.spans, reference);
    const details = report.inconsistent.slice(0, 3).map((key) => explainDifference(key, r.spans, reference));
    expect(
      { missing: report.missing, unexpected: report.unexpected, inconsistent: report.inconsistent },
      `${details.join('\n')}\notel-tail stderr, run by run:\n${stderr.join('\n---\n')}`,
    ).toEqual({ missing: [], unexpected: [], inconsistent: [] });
  }, 120_000);

  it('with the default --from end, a restart reads whole the files that appeared while it was down (rename rotation, day roll)', async () => {
    const r = await startReceiver();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    // As installed as a service: --from end, the default.
    const follow = { follow: dir, stateDir, endpoint: r.url, extra: ['--from', 'end'] };
    const reference = await backfillReference(SAMPLE);
    const writer = new LogWriter({ dir, stem: STEM, seed: 203 });
    const stderr: string[] = [];

    // First start on an empty directory: the file that appears is read from its start.
    const first = await startFollowing(follow);
    await writer.append(SAMPLE.slice(0, 300));
    await waitForDelivery(first, () => r.spans, spansOfTraces(reference, FIRST_TRACES), 30_000);
    await quiet(2_500);
    await first.kill9();
    stderr.push(first.stderr);

    // Down: the log is renamed to .1.log, a new .log gets lines, then the day rolls to a new dated file.
    writer.rotateRename();
    await writer.append(SAMPLE.slice(300, 500));
    writer.rollTo('openclaw-2026-11-22');
    await writer.append(SAMPLE.slice(500));
    expect(writer.written).toEqual(SAMPLE);

    const second = await startFollowing(follow);
    await waitForDelivery(second, () => r.spans, reference, 30_000);
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });
    stderr.push(second.stderr);
    const report = compareDelivery(r.spans, reference);
    expect({ missing: report.missing, unexpected: report.unexpected, inconsistent: report.inconsistent }, stderr.join('\n---\n')).toEqual({ missing: [], unexpected: [], inconsistent: [] });
  }, 90_000);

  it('re-sends nothing after a clean SIGTERM, and delivers what is written after the restart', async () => {
    const r = await startReceiver();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const follow = { follow: dir, stateDir, endpoint: r.url };
    const writer = new LogWriter({ dir, stem: STEM, seed: 202 });

    await writer.append(SAMPLE.slice(0, 200));
    const first = await startFollowing(follow);
    await writer.append(SAMPLE.slice(200));
    const reference = await backfillReference(SAMPLE);
    await waitForDelivery(first, () => r.spans, reference, 30_000);
    first.signal('SIGTERM');
    expect(await first.waitForExit(10_000), first.stderr).toEqual({ code: 0, signal: null });
    const firstRun = r.spans.length;
    expect(compareDelivery(r.spans, reference)).toMatchObject({ missing: [], unexpected: [], duplicated: [] });

    const second = await startFollowing(follow);
    const later = rpcTraceLines({ label: 'after-restart', count: 3, warnLines: 2, startMs: Date.parse('2026-11-21T16:53:30Z') });
    await writer.append(later);
    const all = await backfillReference(writer.written);
    const added = all.filter((span) => !reference.some((old) => spanKey(old) === spanKey(span)));
    expect(added).toHaveLength(3);
    await waitForDelivery(second, () => r.spans, added, 30_000);
    // A re-read of old lines would be flushed (and sent) by the shutdown at the latest.
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });

    const secondRun = r.spans.slice(firstRun);
    expect(secondRun.map(spanKey).sort(), second.stderr).toEqual(added.map(spanKey).sort());
    expect(compareDelivery(r.spans, all)).toMatchObject({ missing: [], unexpected: [], duplicated: [], inconsistent: [] });
  }, 90_000);

  it('sends a trace still open at SIGTERM marked incomplete, and after the restart sends it whole with the same ids', async () => {
    const r = await startReceiver();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const follow = { follow: dir, stateDir, endpoint: r.url };
    const writer = new LogWriter({ dir, stem: STEM, seed: 203 });
    // A clean cut: the traces complete by line 250 get no line after it; 43fc1393 (lines 55 to 262) is still open.
    const CUT = 250;
    const OPEN = '43fc13939b4df786f71df16fe956705b';

    await writer.append(SAMPLE.slice(0, CUT));
    const first = await startFollowing(follow);
    const partial = await backfillReference(SAMPLE.slice(0, CUT));
    const completeBeforeCut = partial.filter((span) => span.traceId !== OPEN);
    await waitForDelivery(first, () => r.spans, completeBeforeCut, 30_000);
    first.signal('SIGTERM');
    expect(await first.waitForExit(10_000), first.stderr).toEqual({ code: 0, signal: null });
    const sentIncomplete = r.spans.filter((span) => span.traceId === OPEN && span.parentSpanId === undefined);
    expect(sentIncomplete.map((span) => span.attributes['openclaw.trace.incomplete'])).toEqual([true]);
    // Its lines are not settled: the checkpoint stayed before its first line.
    const checkpoint = JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as { files: { offset: number }[] };
    const firstLineOfOpen = SAMPLE.findIndex((line) => line.includes(OPEN));
    expect(checkpoint.files.map((file) => file.offset)).toEqual([Buffer.byteLength(SAMPLE.slice(0, firstLineOfOpen).map((line) => `${line}\n`).join(''))]);

    const firstRun = r.spans.length;
    const second = await startFollowing(follow);
    await writer.append(SAMPLE.slice(CUT));
    const reference = await backfillReference(SAMPLE);
    await waitForDelivery(second, () => r.spans, reference, 30_000);
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });

    // The traces exported whole before the stop were not sent again; the open one was, whole, as the reference has it.
    const resent = r.spans.slice(firstRun).filter((span) => completeBeforeCut.some((old) => spanKey(old) === spanKey(span)));
    expect(resent.map(spanKey)).toEqual([]);
    const lastRoot = r.spans.filter((span) => span.traceId === OPEN && span.parentSpanId === undefined).at(-1);
    expect(lastRoot?.attributes['openclaw.trace.incomplete']).toBeUndefined();
    const report = compareDelivery(r.spans, reference);
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toEqual([]);
    const lastCopies = [...new Map(r.spans.map((span) => [spanKey(span), span])).values()];
    expect(compareDelivery(lastCopies, reference).differentFromReference, second.stderr).toEqual([]);
  }, 90_000);
});
