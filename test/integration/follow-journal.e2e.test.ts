import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { consoleSampleLines } from '../support/console-sample.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { ensureJournald, snapshotJournal, uniqueIdentifier, waitForJournal, writeToJournal, type JournaldStatus } from '../support/journald.js';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * `--journal NAME` against a real systemd-journald: the sample gateway's
 * console output is written with systemd-cat (timestamps moved to now, as a
 * live gateway's are), the daemon is SIGKILLed half way and restarted on the
 * same state dir. Every model request and tool call must arrive as exactly
 * one span id: a re-read after the crash gives the same ids.
 */

let journald: JournaldStatus;
beforeAll(async () => {
  journald = await ensureJournald();
  if (!journald.available) console.warn(`follow-journal: skipping the real-journald tests: ${journald.reason}`);
});

const startReceiver = cleanUpAfterEach();

const unique = (spans: readonly ReceivedSpan[], prefix: string): Set<string> =>
  new Set(spans.filter((span) => span.name.startsWith(prefix)).map((span) => `${span.traceId}/${span.spanId}`));

describe('otel-tail --journal', () => {
  it('rebuilds one span per model request and per tool call from the console lines, across a SIGKILL', async (context) => {
    if (!journald.available) {
      context.skip();
      return;
    }
    const r = await startReceiver();
    const identifier = uniqueIdentifier();
    const stateDir = tempDir('journal-state');
    const lines = consoleSampleLines(new Date());
    const half = Math.floor(lines.length / 2);
    const args = ['--journal', identifier, '--from', 'beginning', '--state-dir', stateDir, '--endpoint', r.url];

    await writeToJournal(identifier, lines.slice(0, half));
    await waitForJournal(identifier, half);
    const first = new FollowDaemon(args);
    await first.waitForStderr(/otel-tail: following /, 15_000);
    // Killed once something was exported (and so checkpointed at least once), with runs still open.
    await first.waitUntil(() => (unique(r.spans, 'chat ').size >= 3 ? true : undefined), 30_000, 'the first model spans');
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    await first.kill9();
    // What the restart resumes from: a journald cursor, checkpointed before the kill.
    const saved = JSON.parse(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')) as { journals?: Record<string, { cursor?: unknown }> };
    expect(Object.values(saved.journals ?? {}).map((journal) => typeof journal.cursor)).toEqual(['string']);

    await writeToJournal(identifier, lines.slice(half));
    await waitForJournal(identifier, lines.length);
    const second = new FollowDaemon(args);
    await second.waitForStderr(/otel-tail: following /, 15_000);
    // The failing run never ends (8 attempts, no `run done`): its spans leave with the shutdown's flush.
    await second.waitUntil(() => (unique(r.spans, 'execute_tool ').size >= 4 && unique(r.spans, 'chat ').size >= 12 ? true : undefined), 30_000, 'the spans');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    second.signal('SIGTERM');
    expect(await second.waitForExit(10_000), second.stderr).toEqual({ code: 0, signal: null });
    // It resumed at the saved cursor: journalctl found its entry, no fallback to the saved time.
    expect(second.stderr).not.toContain('no longer valid');
    // What it read again of the runs exported before the kill is said as such, not as late lines (raise --grace).
    expect(second.stderr).not.toMatch(/raise --grace/);

    // 20 provider requests (one 429, eight 500s) and 4 tools, each exactly one span id whatever was re-read.
    expect(unique(r.spans, 'chat ').size, `${first.stderr}\n---\n${second.stderr}`).toBe(20);
    expect(unique(r.spans, 'execute_tool ').size).toBe(4);
    const statuses = [...new Map(r.spans.filter((s) => s.name.startsWith('chat ')).map((s) => [s.spanId, s.attributes['http.response.status_code']])).values()];
    expect(statuses.filter((code) => code === 500)).toHaveLength(8);
    expect(statuses.filter((code) => code === 429)).toHaveLength(1);
    expect(new Set(r.spans.filter((s) => s.name.startsWith('execute_tool ')).map((s) => s.attributes['gen_ai.tool.call.id']))).toEqual(
      new Set(['toolu_fake1', 'call_fake4', 'call_fake5', 'toolu_fake11']),
    );
  }, 120_000);

  it('backfills the same spans from a copy of the journal files (--journal-dir, --journal-file), as a run on another host would', async (context) => {
    if (!journald.available) {
      context.skip();
      return;
    }
    const r = await startReceiver();
    const identifier = uniqueIdentifier();
    const lines = consoleSampleLines(new Date());
    await writeToJournal(identifier, lines);
    await waitForJournal(identifier, lines.length);
    const copy = tempDir('journal-copy');
    const files = await snapshotJournal(copy);

    const result = await runCli(['backfill', '--journal', identifier, '--journal-dir', copy, '--endpoint', r.url]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/otel-tail backfill: 621 lines read, 0 rejected/);
    expect(unique(r.spans, 'chat ').size).toBe(20);
    expect(unique(r.spans, 'execute_tool ').size).toBe(4);
    expect(r.spans.filter((s) => s.name.startsWith('chat ')).length).toBe(20);

    // One journal file at a time (--journal-file): the one the entries just written went to gives them all.
    const byFile = await startReceiver();
    const outcomes: string[] = [];
    for (const file of files) {
      const single = await runCli(['backfill', '--journal', identifier, '--journal-file', file, '--endpoint', byFile.url]);
      outcomes.push(`${file}: exit ${String(single.code)} ${/(\d+) lines read/.exec(single.stderr)?.[0] ?? single.stderr}`);
    }
    expect(outcomes.filter((outcome) => / exit 0 621 lines read$/.test(outcome)), outcomes.join('\n')).toHaveLength(1);
    expect(unique(byFile.spans, 'chat ')).toEqual(unique(r.spans, 'chat '));
  }, 60_000);
});
