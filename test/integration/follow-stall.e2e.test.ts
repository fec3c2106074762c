import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { spanContent } from '../support/delivery-check.js';
import { FollowDaemon, pollUntil, tempDir } from '../support/follow-daemon.js';
import { consoleSampleLines } from '../support/console-sample.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import { metricsBase, waitForLinesRead } from '../support/daemon-metrics.js';
import { mergedTurn } from '../support/merged-turn.js';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * A follower that was not scheduled for a while (a loaded host, a suspended
 * VM: SIGSTOP here) wakes up with its trace timer overdue and the gateway's
 * lines written meanwhile not read yet. Node runs due timers before it looks
 * at I/O, so the wall clock alone would say the log was quiet and emit the
 * trace without those lines. The follower must look at its sources first.
 */

const receiver = cleanUpAfterEach();

async function startMonitored(args: readonly string[], env: Record<string, string> = {}): Promise<{ daemon: FollowDaemon; base: string }> {
  const daemon = new FollowDaemon([...args, '--from', 'beginning', '--grace', '4s', '--metrics-listen', '127.0.0.1:0'], env);
  const base = await metricsBase(daemon);
  await daemon.waitForStderr(/otel-tail: following /, 15_000);
  return { daemon, base };
}

/** SIGSTOP, `write`, 5 s stopped (past the 4 s grace), SIGCONT; `stillOpen` checks the trace under test had not left before. */
async function stallWhile(daemon: FollowDaemon, write: () => void, stillOpen: () => void): Promise<void> {
  daemon.signal('SIGSTOP');
  try {
    write();
    await sleep(5_000);
    stillOpen();
  } finally {
    daemon.signal('SIGCONT');
  }
}

async function backfill(input: string | readonly string[], stateDir: string, env: Record<string, string> = {}): Promise<ReceivedSpan[]> {
  const r = await receiver();
  const inputs = typeof input === 'string' ? [input] : input;
  const result = await runCli(['backfill', '--endpoint', r.url, '--state-dir', stateDir, '--force', ...inputs], env);
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
    const { daemon, base } = await startMonitored(['--file', dir, '--state-dir', stateDir, '--endpoint', live.url]);
    appendFileSync(path, turn.log.map((l) => `${l}\n`).join(''));
    await waitForLinesRead(daemon, base, turn.log.length);
    // What this test needs: the trace still open when the follower stopped (a host too loaded to poll in time would break that).
    await stallWhile(daemon, () => appendFileSync(path, `${trailer}\n`), () => expect(live.spans, 'the follower emitted the trace before it was stopped').toEqual([]));

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

  it('reads what journalctl wrote to its pipe before it emits the trace on the wall clock', async () => {
    const IDENTIFIER = 'openclaw-gateway';
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: IDENTIFIER });
    const stateDir = tempDir('state');
    // The sample's console up to a run that ends (`embedded run done`, then its lanes), while other runs are still going.
    const lines = consoleSampleLines(new Date());
    const last = lines.findIndex((l) => l.includes('embedded run done: runId=chatcmpl_8dd8d163'));
    expect(last).toBeGreaterThan(0);
    const head = lines.slice(0, last + 3);
    const lastTime = Date.parse(/^(\S+)\+00:00 /.exec(head.at(-1) ?? '')?.[1] ?? '');
    // A line of that run 100 ms after its end: inside the grace, so it is part of its trace.
    const at = new Date(lastTime + 100).toISOString().replace('Z', '+00:00');
    const trailer = `${at} [agent/embedded] embedded run failover decision: runId=chatcmpl_8dd8d163-c78a-438d-80a8-53e3c050b322 stage=assistant decision=continue_normal reason=none attempt=2 retry=0 rotations=0 from=fakeant/fake-claude profile=-`;
    journal.append(head);

    const live = await receiver();
    const { daemon, base } = await startMonitored(['--journal', IDENTIFIER, '--journalctl', FAKE_JOURNALCTL, '--state-dir', stateDir, '--endpoint', live.url], journal.env());
    await waitForLinesRead(daemon, base, head.length);
    const traceOfRun = (spans: readonly ReceivedSpan[]): string | undefined => spans.find((s) => String(s.attributes['openclaw.run.id'] ?? '').startsWith('chatcmpl_8dd8d163'))?.traceId;
    await stallWhile(daemon, () => journal.append([trailer]), () => expect(traceOfRun(live.spans), 'the follower emitted the run before it was stopped').toBeUndefined());

    const reference = await backfill(['--journal', IDENTIFIER, '--journalctl', FAKE_JOURNALCTL], stateDir, journal.env());
    const traceId = traceOfRun(reference);
    expect(traceId).toBeDefined();
    const ofRun = (spans: readonly ReceivedSpan[]): string[] => contents(spans.filter((s) => s.traceId === traceId));
    await pollUntil(() => ofRun(live.spans).length >= ofRun(reference).length, 15_000, 'the run from the follower');
    await sleep(300);
    daemon.signal('SIGTERM');
    expect((await daemon.waitForExit(10_000)).code, daemon.stderr).toBe(0);
    expect(ofRun(live.spans)).toEqual(ofRun(reference));
    // The trailer matters: its decision (attempt 2) is a span event of the run.
    const attempts = reference.flatMap((s) => s.events).filter((e) => e.name === 'openclaw.embedded_run_failover_decision' && e.attributes['runId'] === 'chatcmpl_8dd8d163-c78a-438d-80a8-53e3c050b322');
    expect(attempts.map((e) => e.attributes['attempt'])).toEqual(['1', '2']);
  }, 60_000);
});
