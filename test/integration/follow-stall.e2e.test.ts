import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { spanContent } from '../support/delivery-check.js';
import { FollowDaemon, killLeftoverDaemons, pollUntil, removeTempDirs, tempDir } from '../support/follow-daemon.js';
import { mergedTurn } from '../support/merged-turn.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

/**
 * A follower that was not scheduled for a while (a loaded host, a suspended
 * VM: SIGSTOP here) wakes up with its trace timer overdue and the gateway's
 * lines written meanwhile not read yet. Node runs due timers before it looks
 * at I/O, so the wall clock alone would say the log was quiet and emit the
 * trace without those lines. The follower must look at its sources first.
 */

const receivers: OtlpReceiver[] = [];
afterEach(async () => {
  await killLeftoverDaemons();
  for (const receiver of receivers.splice(0)) await receiver.close();
  removeTempDirs();
});

async function receiver(): Promise<OtlpReceiver> {
  const r = await startOtlpReceiver();
  receivers.push(r);
  return r;
}

async function linesRead(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('otel_tail_lines_read_total '));
  return Number(line?.split(' ')[1] ?? 0);
}

async function backfill(path: string, stateDir: string): Promise<ReceivedSpan[]> {
  const r = await receiver();
  const result = await runCli(['backfill', '--endpoint', r.url, '--state-dir', stateDir, '--force', path]);
  expect(result.code, result.stderr).toBe(0);
  return [...r.spans];
}

const contents = (spans: readonly ReceivedSpan[]): string[] => spans.map(spanContent).sort();

describe('a follower that was stopped while the gateway wrote', () => {
  it('reads what was written before it emits the trace on the wall clock', async () => {
    const dir = tempDir('stall');
    const stateDir = tempDir('state');
    const path = join(dir, 'openclaw-2026-11-21.log');
    const turn = mergedTurn({ label: 'stall', startMs: Date.parse('2026-11-21T09:00:00Z') });
    // A WARN the gateway logs 100 ms after the turn's last line: inside the grace, so part of the trace.
    const warn = JSON.parse(turn.log.find((l) => l.includes('slow SQLite')) ?? '') as Record<string, unknown> & { _meta: Record<string, unknown> };
    const at = new Date(turn.endMs + 100).toISOString();
    const trailer = JSON.stringify({ ...warn, _meta: { ...warn._meta, date: at }, time: at.replace('Z', '+00:00') });
    writeFileSync(path, '');

    const live = await receiver();
    const daemon = new FollowDaemon([
      '--file', dir, '--from', 'beginning', '--state-dir', stateDir, '--endpoint', live.url,
      '--grace', '4s', '--metrics-listen', '127.0.0.1:0',
    ]);
    const base = (await daemon.waitForStderr(/self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/))[1] as string;
    await daemon.waitForStderr(/otel-tail: following /);
    appendFileSync(path, turn.log.map((l) => `${l}\n`).join(''));
    const deadline = Date.now() + 10_000;
    while ((await linesRead(base)) < turn.log.length) {
      if (Date.now() > deadline) throw new Error(`the follower did not read the turn's ${turn.log.length} lines:\n${daemon.stderr}`);
      await sleep(20);
    }

    // Stopped with the turn read and quiet; the trailer is written; it wakes past the grace.
    daemon.signal('SIGSTOP');
    try {
      appendFileSync(path, `${trailer}\n`);
      await sleep(5_000);
      // What this test needs: the trace still open when the follower stopped (a host too loaded to poll in time would break that).
      expect(live.spans, 'the follower emitted the trace before it was stopped').toEqual([]);
    } finally {
      daemon.signal('SIGCONT');
    }

    const reference = await backfill(path, stateDir);
    await pollUntil(() => live.spans.length >= reference.length, 15_000, `${reference.length} spans from the follower`);
    await sleep(300);
    daemon.signal('SIGTERM');
    expect((await daemon.waitForExit(10_000)).code, daemon.stderr).toBe(0);
    expect(contents(live.spans)).toEqual(contents(reference));

    // The trailer matters: without it the same turn gives other spans.
    const without = join(tempDir('without'), 'openclaw-2026-11-21.log');
    writeFileSync(without, turn.log.map((l) => `${l}\n`).join(''));
    expect(contents(await backfill(without, tempDir('state')))).not.toEqual(contents(reference));
  }, 60_000);
});
