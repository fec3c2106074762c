import { existsSync, readFileSync, renameSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { compareDelivery, explainDifference, spanKey, waitForDelivery } from '../support/delivery-check.js';
import { pollUntil, quiet, startFollowing, tempDir } from '../support/follow-daemon.js';
import { LogWriter } from '../support/log-writer.js';
import { mergedTurn, type MergedTurn } from '../support/merged-turn.js';
import { type ReceivedSpan, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * The file log and the plugin's diagnostic events of one gateway, followed
 * together: one trace per turn built from both (the events' spans with
 * OpenClaw's ids, usage and cost; the log's warnings and decisions as span
 * events), across a rename rotation of the events file and a SIGKILL, and the
 * same spans as a backfill of the same files.
 */

const T0 = Date.parse('2026-11-21T16:45:35Z');
const EVENTS = 'events-2026-11-21';

/** Appends event lines the way the plugin does: batches that can end mid-line, short pauses; rename rotation. */
class EventsWriter {
  private pending = '';
  private piece = 0;
  constructor(private readonly dir: string) {}

  get path(): string {
    return join(this.dir, `${EVENTS}.jsonl`);
  }

  async append(lines: readonly string[], stopMidLine = false): Promise<void> {
    let data = this.pending + lines.map((line) => `${line}\n`).join('');
    this.pending = '';
    if (stopMidLine) {
      const cut = data.length - Math.floor((lines.at(-1)?.length ?? 2) / 2);
      this.pending = data.slice(cut);
      data = data.slice(0, cut);
    }
    for (let at = 0; at < data.length; ) {
      const size = 200 + ((this.piece++ * 7919) % 1500);
      await appendFile(this.path, data.slice(at, at + size));
      at += size;
      await sleep(this.piece % 3);
    }
  }

  rotate(): void {
    if (this.pending !== '') throw new Error('the plugin rotates between whole lines');
    renameSync(this.path, join(this.dir, `${EVENTS}.1.jsonl`));
  }
}

const startReceiver = cleanUpAfterEach();

async function backfillBoth(paths: readonly string[], flags: readonly string[] = []): Promise<{ spans: ReceivedSpan[]; stderr: string }> {
  const r = await startOtlpReceiver();
  try {
    const result = await runCli(['backfill', '--endpoint', r.url, ...flags, ...paths]);
    expect(result.code, result.stderr).toBe(0);
    return { spans: [...r.spans], stderr: result.stderr };
  } finally {
    await r.close();
  }
}

const turnSpans = (spans: readonly ReceivedSpan[], turn: MergedTurn): ReceivedSpan[] => spans.filter((s) => s.traceId === turn.traceId);

describe('otel-tail --file LOGDIR --events EVENTSDIR', () => {
  it('delivers one trace per turn from both streams, across an events rotation and a SIGKILL, as a backfill of the same files does', async () => {
    const r = await startReceiver();
    const logDir = tempDir('log');
    const eventsDir = tempDir('events');
    const stateDir = tempDir('state');
    const log = new LogWriter({ dir: logDir, stem: 'openclaw-2026-11-21', seed: 501 });
    const events = new EventsWriter(eventsDir);
    const turns = [0, 1, 2, 3].map((n) => mergedTurn({ label: `t${n}`, startMs: T0 + n * 3_000 }));
    const run = { follow: logDir, stateDir, endpoint: r.url, extra: ['--events', eventsDir] };
    const write = async (turn: MergedTurn): Promise<void> => {
      await Promise.all([log.append(turn.log), events.append(turn.events)]);
    };

    // 1. Two turns, then the events file is renamed away (.1.jsonl) and a new one started.
    await write(turns[0] as MergedTurn);
    const first = await startFollowing(run);
    expect(first.stderr).toMatch(new RegExp(`following .*${eventsDir}/`));
    await write(turns[1] as MergedTurn);
    events.rotate();
    // 2. Turn 2: the log whole, its events cut mid-line; then the daemon dies before the turn is complete.
    await log.append((turns[2] as MergedTurn).log);
    const t2 = turns[2] as MergedTurn;
    await events.append(t2.events.slice(0, 8), true);
    await pollUntil(() => turnSpans(r.spans, turns[1] as MergedTurn).length >= 6, 30_000, 'turn 1 to be delivered');
    const checkpoints = join(stateDir, 'checkpoints.json');
    await pollUntil(() => existsSync(checkpoints) && readFileSync(checkpoints, 'utf8').includes(`${EVENTS}.1.jsonl`), 10_000, 'a checkpoint naming the rotated events file');
    await quiet(1_500);
    expect(turnSpans(r.spans, t2)).toEqual([]);
    await first.kill9();

    // 3. Restart on the same state: the rest of turn 2, and turn 3.
    const second = await startFollowing(run);
    await events.append(t2.events.slice(8));
    await write(turns[3] as MergedTurn);

    const files = [join(logDir, 'openclaw-2026-11-21.log'), join(eventsDir, `${EVENTS}.1.jsonl`), events.path];
    // The follower's state directory: whatever it keeps that shapes spans (e.g. the salt of hashed ids) is shared.
    const reference = await backfillBoth(files, ['--state-dir', stateDir, '--force']);
    expect(reference.spans).toHaveLength(4 * 6);
    await waitForDelivery(second, () => r.spans, reference.spans, 30_000);
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });

    // One trace per turn, each with OpenClaw's six span ids and nothing else.
    for (const turn of turns) {
      const ids = new Set(turnSpans(r.spans, turn).map((s) => s.spanId));
      expect([...ids].sort(), turn.traceId).toEqual(Object.values(turn.ids).sort());
    }
    expect(new Set(r.spans.map((s) => s.traceId)).size).toBe(4);
    // At least once: a span may be sent again after the kill, but only identical to its first copy and to the backfill's.
    const report = compareDelivery(r.spans, reference.spans);
    const details = [...report.inconsistent, ...report.differentFromReference].slice(0, 3).map((key) => explainDifference(key, r.spans, reference.spans));
    expect({ missing: report.missing, unexpected: report.unexpected, inconsistent: report.inconsistent, differentFromReference: report.differentFromReference }, `${details.join('\n')}\n${first.stderr}\n---\n${second.stderr}`).toEqual({
      missing: [],
      unexpected: [],
      inconsistent: [],
      differentFromReference: [],
    });

    // What the merge is for: usage and cost from the events, the log's warnings and HTTP status carried over.
    const t0 = turns[0] as MergedTurn;
    const call1 = r.spans.find((s) => s.spanId === t0.ids.call1);
    expect(call1?.attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 1200, 'openclaw.cost.usd': 0.0021, 'http.response.status_code': 200 });
    expect(call1?.kind).toBe(3);
    const harness = r.spans.find((s) => s.spanId === t0.ids.harness);
    expect(harness?.events.map((e) => e.name)).toEqual(['log', 'openclaw.retry', 'openclaw.embedded_run_failover_decision']);
    expect(r.spans.filter((s) => s.spanId === t0.ids.harness).every((s) => s.name === 'openclaw.harness.run openclaw')).toBe(true);
    expect(new Set(r.spans.map(spanKey)).size).toBe(24);
  }, 120_000);

  it('backfill of the events and the log of one gateway gives one trace per turn; either alone gives its own', async () => {
    const dir = tempDir('backfill');
    const turns = [0, 1].map((n) => mergedTurn({ label: `b${n}`, startMs: T0 + n * 2_000 }));
    const logPath = join(dir, 'openclaw-2026-11-21.log');
    const eventsPath = join(dir, `${EVENTS}.jsonl`);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(logPath, turns.flatMap((t) => t.log).map((l) => `${l}\n`).join(''));
    writeFileSync(eventsPath, [...turns.flatMap((t) => t.events), JSON.stringify({ type: 'otel-tail.events.dropped', ts: T0 + 5_000, dropped: 3 })].map((l) => `${l}\n`).join(''));

    const both = await backfillBoth([logPath, eventsPath]);
    expect(both.spans).toHaveLength(12);
    expect(new Set(both.spans.map(spanKey)).size).toBe(12);
    for (const turn of turns) expect(turnSpans(both.spans, turn).map((s) => s.spanId).sort()).toEqual(Object.values(turn.ids).sort());
    // The plugin's drop report: counted and said once, never a span or an unknown type.
    expect(both.stderr).toMatch(/the OpenClaw plugin dropped 3 diagnostic events before 2026-11-21T16:45:40\.000Z/);
    expect(both.stderr.match(/plugin dropped/g)).toHaveLength(1);

    // --events names the events for a backfill too.
    const r = await startOtlpReceiver();
    try {
      const result = await runCli(['backfill', '--endpoint', r.url, '--events', eventsPath, logPath]);
      expect(result.code, result.stderr).toBe(0);
      expect(r.spans.map(spanKey).sort()).toEqual(both.spans.map(spanKey).sort());
    } finally {
      await r.close();
    }

    const logOnly = await backfillBoth([logPath]);
    expect(logOnly.spans.filter((s) => s.parentSpanId === undefined).map((s) => s.name)).toEqual(['openclaw.message webchat', 'openclaw.message webchat']);
  }, 60_000);
});
