import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon } from '../support/follow-daemon.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';

/** A backfill whose collector is down says so while it waits, not only at the end. */

let receiver: OtlpReceiver | undefined;
let run: FollowDaemon | undefined;
afterEach(async () => {
  await run?.kill9();
  await receiver?.close();
  receiver = undefined;
  run = undefined;
});

describe('backfill during a collector outage', () => {
  it('says "collector unreachable, retrying" on its progress line and at warn while it waits, then sends everything once the collector is back', async () => {
    // A port that was just free: nothing listens on it until the receiver starts again there.
    const probe = await startOtlpReceiver();
    const port = Number(new URL(probe.url).port);
    await probe.close();
    const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-outage-'));
    run = new FollowDaemon(['backfill', '--state-dir', stateDir, '--export-timeout', '30s', '--endpoint', `http://127.0.0.1:${port}`, SAMPLE_LOG]);
    const startedMs = Date.now();
    await run.waitForStderr(/otel-tail: collector unreachable at http:\/\/127\.0\.0\.1:\d+\/v1\/traces: retrying each batch for up to 30 s \(--export-timeout\)/, 8000);
    // Well before the export timeout: the word comes while it waits.
    expect(Date.now() - startedMs).toBeLessThan(8000);
    await run.waitForStderr(/otel-tail backfill: .*0 spans sent · collector unreachable, retrying/, 2000);
    expect(run.exit).toBeUndefined();
    receiver = await startOtlpReceiver({ port });
    const exit = await run.waitForExit(30_000);
    expect(exit.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('67 spans exported, 0 failed');
    expect(receiver.spans).toHaveLength(67);
    expect(run.countStderr(/collector unreachable at/)).toBe(1);
  }, 45_000);
});
