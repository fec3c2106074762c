import { describe, expect, it } from 'vitest';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { LogWriter, rpcTraceLines } from '../support/log-writer.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * otel_tail_file_rotations_total counts each rotation of the followed directory once: the live file
 * renamed to .1.log (not the shifts of older files), and the midnight roll to a new dated file;
 * copytruncate is counted apart, as a source restart.
 */

const startReceiver = cleanUpAfterEach();

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('otel-tail --metrics-listen, rotations', () => {
  it('counts rename rotations and day rolls once each, and copytruncate as a truncation', async () => {
    const r = await startReceiver();
    const dir = tempDir('follow');
    const writer = new LogWriter({ dir, stem: 'openclaw-2026-11-21', seed: 401 });
    let t = Date.parse('2026-11-21T16:50:00Z');
    const batch = async (label: string): Promise<void> => {
      // No padded warn line first: a new file must not start with the same first KiB as another (it would be taken for a copy).
      const lines = rpcTraceLines({ label, count: 2, warnLines: 0, startMs: t });
      t += 10_000;
      await writer.append(lines);
    };
    await batch('start');
    const daemon = new FollowDaemon(['--file', dir, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', r.url, '--metrics-listen', '127.0.0.1:0']);
    const base = (await daemon.waitForStderr(/self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/))[1] as string;
    await daemon.waitForStderr(/otel-tail: following /);
    const scrape = async (): Promise<string> => (await fetch(`${base}/metrics`)).text();
    // Each change must be seen by a scan before the next one, as a real gateway's minutes apart are.
    const settled = async (label: string): Promise<void> => {
      await batch(label);
      const traces = t;
      await daemon.waitUntil(() => (r.spans.some((span) => span.startMs >= traces - 11_000) ? true : undefined), 15_000, () => `the spans of ${label} (${traces}); got ${r.spans.map((s) => s.startMs).join(",")}`);
    };

    writer.rotateRename();
    await settled('after first rename');
    writer.rotateRename(); // .1 → .2 as well: still one rotation
    await settled('after second rename');
    writer.rollTo('openclaw-2026-11-22');
    await settled('next day');
    writer.copyTruncate();
    await settled('after copytruncate');

    const text = await scrape();
    expect(sample(text, 'otel_tail_file_rotations_total{kind="renamed"}'), text).toBe(2);
    expect(sample(text, 'otel_tail_file_rotations_total{kind="new_day"}')).toBe(1);
    expect(sample(text, 'otel_tail_source_restarts_total{kind="truncated"}')).toBe(1);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
  }, 60_000);
});
