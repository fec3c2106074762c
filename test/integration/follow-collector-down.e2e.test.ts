import { describe, expect, it } from 'vitest';
import { fixtureLines } from '../support/fixtures.js';
import {
  backfillReference,
  compareDelivery,
  explainDifference,
  spansOfTraces,
  waitForDelivery,
} from '../support/delivery-check.js';
import { quiet, startFollowing, tempDir } from '../support/follow-daemon.js';
import { LogWriter, rpcTraceLines } from '../support/log-writer.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * The collector goes away while the gateway keeps logging: the daemon must say
 * so once, stop reading instead of buffering without bound, lose nothing, and
 * say once that it is back when exports succeed again.
 */

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');
const STEM = 'openclaw-2026-11-21';
const FIRST_TRACES = ['33ed4075bbfd3e5b7e328aadd54a642c', 'eb988ebd93b502d581de6c375b9544e6', '43fc13939b4df786f71df16fe956705b'];
const AFTER_SAMPLE = Date.parse('2026-11-21T16:53:23Z');
/**
 * 150 000 one-line RPC traces (about 60 MB) written while the collector is
 * down: far past what the export queue may hold, so reading has to pause.
 * Measured on this sample: a daemon that pauses peaks near 110 MB; the same
 * daemon with a queue too large to ever fill (`--max-batch-spans 100000`, so
 * it reads everything into memory) peaks near 290 MB, above the bound.
 */
const FLOOD = { label: 'flood', count: 150_000, warnLines: 0, startMs: AFTER_SAMPLE };
const RSS_BOUND_KB = 200 * 1024;

const startReceiver = cleanUpAfterEach();
const receiverOn = (port?: number): Promise<OtlpReceiver> => startReceiver(port === undefined ? {} : { port });

/** A port that nothing listens on now and that a receiver can take later. */
async function downPort(): Promise<{ port: number; url: string }> {
  const probe = await startOtlpReceiver();
  await probe.close();
  return { port: Number(new URL(probe.url).port), url: probe.url };
}

const union = (...parts: readonly OtlpReceiver[]): ReceivedSpan[] => parts.flatMap((r) => r.spans);

function expectExactly(received: ReceivedSpan[], reference: ReceivedSpan[], stderr: string): void {
  const report = compareDelivery(received, reference);
  const details = report.inconsistent.slice(0, 3).map((key) => explainDifference(key, received, reference));
  expect({ missing: report.missing, unexpected: report.unexpected, inconsistent: report.inconsistent }, `${details.join('\n')}\notel-tail stderr:\n${stderr}`).toEqual({
    missing: [],
    unexpected: [],
    inconsistent: [],
  });
}

describe('otel-tail --file while the collector is down', () => {
  it('says once that it is unreachable, keeps its memory bounded, and delivers everything once it is back', async () => {
    const before = await receiverOn();
    const port = Number(new URL(before.url).port);
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const writer = new LogWriter({ dir, stem: STEM, seed: 301 });

    await writer.append(SAMPLE.slice(0, 100));
    const daemon = await startFollowing({ follow: dir, stateDir, endpoint: before.url, extra: ['--export-timeout', '2s'] });
    await writer.append(SAMPLE.slice(100, 300));
    const early = await backfillReference(SAMPLE.slice(0, 300));
    await waitForDelivery(daemon, () => before.spans, spansOfTraces(early, FIRST_TRACES), 30_000);

    // Down: the rest of the sample in pieces, then a flood in bulk.
    await before.close();
    await writer.append(SAMPLE.slice(300));
    await writer.append(rpcTraceLines(FLOOD), { bulk: true });
    // The reference takes a while to build for this many spans; it does not depend on the daemon.
    const reference = backfillReference(writer.written);
    reference.catch(() => undefined); // awaited below; this only keeps an early failure from also being reported as unhandled
    await daemon.waitForStderr(/collector unreachable/, 30_000);
    let peakRssKb = daemon.memoryKb('VmRSS');
    for (let i = 0; i < 40; i++) {
      await quiet(100);
      peakRssKb = Math.max(peakRssKb, daemon.memoryKb('VmRSS'));
    }
    // VmHWM: the peak resident size since start, so a spike between two samples counts too.
    const highWaterKb = daemon.memoryKb('VmHWM');

    // Up again, on the same address.
    const after = await receiverOn(port);
    await daemon.waitForStderr(/collector reachable again/, 60_000);
    const expected = await reference;
    expect(expected.length).toBe(67 + FLOOD.count);
    await waitForDelivery(daemon, () => union(before, after), expected, 90_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });

    expect([...before.errors, ...after.errors]).toEqual([]);
    expectExactly(union(before, after), expected, daemon.stderr);
    expect(daemon.countStderr(/collector unreachable/), daemon.stderr).toBe(1);
    expect(daemon.countStderr(/collector reachable again/), daemon.stderr).toBe(1);
    expect(Math.max(peakRssKb, highWaterKb), `VmRSS peak ${peakRssKb} kB, VmHWM ${highWaterKb} kB while down`).toBeLessThan(RSS_BOUND_KB);
  }, 240_000);

  it('does not cut the traces it had half read when reading pauses: paused is not quiet', async () => {
    const { port, url } = await downPort();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const writer = new LogWriter({ dir, stem: STEM, seed: 304 });
    // Long traces (31 lines each), and a queue of 80 spans: reading pauses with a trace half read.
    await writer.append(rpcTraceLines({ label: 'paused', count: 300, warnLines: 30, startMs: AFTER_SAMPLE }), { bulk: true });
    const idle = ['--idle-timeout', '3s'];
    const daemon = await startFollowing({ follow: dir, stateDir, endpoint: url, extra: [...idle, '--max-batch-spans', '10', '--export-timeout', '1s'] });
    await daemon.waitForStderr(/collector unreachable/, 30_000);
    // Down for twice the idle timeout. No line is written, but none is read either: the log is not quiet.
    await quiet(6_000);

    const receiver = await receiverOn(port);
    await daemon.waitForStderr(/collector reachable again/, 60_000);
    const reference = await backfillReference(writer.written, idle);
    expect(reference).toHaveLength(300);
    await waitForDelivery(daemon, () => receiver.spans, reference, 60_000);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });

    const report = compareDelivery(receiver.spans, reference);
    const details = [...report.inconsistent, ...report.differentFromReference].slice(0, 3).map((key) => explainDifference(key, receiver.spans, reference));
    expect(report, `${details.join('\n')}\notel-tail stderr:\n${daemon.stderr}`).toEqual({
      missing: [],
      unexpected: [],
      duplicated: [],
      inconsistent: [],
      differentFromReference: [],
    });
  }, 120_000);

  it('on SIGTERM while the collector is down, exits within 10 s and loses nothing: a restart delivers it all', async () => {
    const { port, url } = await downPort();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const writer = new LogWriter({ dir, stem: STEM, seed: 302 });
    await writer.append(SAMPLE.slice(0, 100));
    const first = await startFollowing({ follow: dir, stateDir, endpoint: url, extra: ['--export-timeout', '1s'] });
    await writer.append(SAMPLE.slice(100));
    await first.waitForStderr(/collector unreachable/, 30_000);

    first.signal('SIGTERM');
    const exit = await first.waitForExit(10_000);
    expect(exit.signal, first.stderr).toBeNull();

    const receiver = await receiverOn(port);
    const second = await startFollowing({ follow: dir, stateDir, endpoint: url });
    const reference = await backfillReference(SAMPLE);
    await waitForDelivery(second, () => receiver.spans, reference, 30_000);
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });
    expectExactly(receiver.spans, reference, `${first.stderr}\n---\n${second.stderr}`);
  }, 120_000);

  it('exits at once on a second signal while the shutdown waits for the collector, and a restart delivers it all', async () => {
    const { port, url } = await downPort();
    const dir = tempDir('follow');
    const stateDir = tempDir('state');
    const writer = new LogWriter({ dir, stem: STEM, seed: 303 });
    await writer.append(SAMPLE.slice(0, 100));
    // A long export timeout: the first signal's flush has every reason to wait.
    const first = await startFollowing({ follow: dir, stateDir, endpoint: url, extra: ['--export-timeout', '8s'] });
    await writer.append(SAMPLE.slice(100));
    await first.waitForStderr(/collector unreachable/, 60_000);

    first.signal('SIGTERM');
    await quiet(200);
    expect(first.exit, `the first signal alone ended it, so the second one was not tested:\n${first.stderr}`).toBeUndefined();
    first.signal('SIGINT');
    const exit = await first.waitForExit(3_000);
    expect(exit.signal, first.stderr).toBeNull();

    const receiver = await receiverOn(port);
    const second = await startFollowing({ follow: dir, stateDir, endpoint: url });
    const reference = await backfillReference(SAMPLE);
    await waitForDelivery(second, () => receiver.spans, reference, 30_000);
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });
    expectExactly(receiver.spans, reference, `${first.stderr}\n---\n${second.stderr}`);
  }, 120_000);
});
