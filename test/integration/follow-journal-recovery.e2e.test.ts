import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleSampleLines } from '../support/console-sample.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import type { ReceivedSpan } from '../support/otlp-receiver.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';
import { runCli } from '../support/run-cli.js';

/**
 * The journald source's recovery paths, against a stand-in journalctl
 * (test/support/fake-journalctl.mjs) that behaves like journalctl 252 for
 * cursors, --since and --follow: a journalctl that exits is restarted at the
 * last entry read, and a saved cursor whose entry is gone falls back to its
 * time, skipping what was already read, and says so once.
 */

const startReceiver = cleanUpAfterEach();

const IDENTIFIER = 'openclaw-gateway';
const unique = (spans: readonly ReceivedSpan[], prefix: string): number =>
  new Set(spans.filter((span) => span.name.startsWith(prefix)).map((span) => `${span.traceId}/${span.spanId}`)).size;

function daemon(journal: FakeJournal, stateDir: string, url: string, env: Record<string, string> = {}): FollowDaemon {
  return new FollowDaemon(
    ['--journal', IDENTIFIER, '--journalctl', FAKE_JOURNALCTL, '--from', 'beginning', '--state-dir', stateDir, '--endpoint', url],
    journal.env(env),
  );
}

/** Waits for the runs that end to arrive and for arrivals to stop, then stops the daemon (its flush sends the failing run). */
async function deliverAll(d: FollowDaemon, spans: () => readonly ReceivedSpan[]): Promise<void> {
  await d.waitUntil(() => (unique(spans(), 'execute_tool ') >= 4 && unique(spans(), 'chat ') >= 12 ? true : undefined), 30_000, 'the spans');
  // Longer than journalctl's restart backoff (1 s, then 2 s): a quiet spell means everything was read.
  for (let seen = -1; seen !== spans().length; ) {
    seen = spans().length;
    await new Promise((resolve) => setTimeout(resolve, 3_500));
  }
  d.signal('SIGTERM');
  expect(await d.waitForExit(10_000), d.stderr).toEqual({ code: 0, signal: null });
}

describe('otel-tail --journal recovers', () => {
  it('restarts a journalctl that exits at the last entry it read, losing and repeating nothing', async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: IDENTIFIER });
    journal.append(consoleSampleLines(new Date()));
    const d = daemon(journal, tempDir('state'), r.url, { FAKE_JOURNALCTL_EXIT_AFTER: '250' });
    await d.waitForStderr(/otel-tail: following /, 15_000);
    await deliverAll(d, () => r.spans);
    // Stopped with the daemon: no journalctl is left following.
    expect(journal.livePids()).toEqual([]);

    expect(unique(r.spans, 'chat '), d.stderr).toBe(20);
    expect(unique(r.spans, 'execute_tool ')).toBe(4);
    expect(d.countStderr(/journalctl exited \(exit code 1: fake-journalctl: exiting after 250 entries/)).toBe(1);
    // Each restart resumes at the last entry read (inclusive, checked and dropped).
    const follows = journal.invocations().filter((argv) => argv.includes('--follow'));
    expect(follows.length).toBeGreaterThanOrEqual(3);
    expect(follows[1]).toContain(`--cursor=${String(journal.entries[249]?.__CURSOR)}`);
    expect(follows[2]).toContain(`--cursor=${String(journal.entries[498]?.__CURSOR)}`);
  }, 90_000);

  it('falls back to the saved time when the saved cursor is gone, and sends nothing twice that was settled', async () => {
    const r = await startReceiver();
    const dir = tempDir('fake-journal');
    const stateDir = tempDir('state');
    const lines = consoleSampleLines(new Date());
    const half = Math.floor(lines.length / 2);
    const before = new FakeJournal(dir, { identifier: IDENTIFIER });
    before.append(lines.slice(0, half));
    const first = daemon(before, stateDir, r.url);
    await first.waitForStderr(/otel-tail: following /, 15_000);
    await first.waitUntil(() => (unique(r.spans, 'chat ') >= 3 ? true : undefined), 30_000, 'the first spans');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    first.signal('SIGTERM');
    expect(await first.waitForExit(10_000), first.stderr).toEqual({ code: 0, signal: null });
    // Traces exported whole before the stop are settled; one still open was sent marked incomplete and is sent again whole.
    const settled = new Set(r.spans.filter((s) => s.parentSpanId === undefined && s.attributes['openclaw.trace.incomplete'] !== true).map((s) => s.traceId));
    expect(settled.size).toBeGreaterThan(0);

    // The journal was vacuumed and rewritten: same messages and times, new cursors (another journal file).
    rmSync(before.entriesPath);
    const after = new FakeJournal(dir, { identifier: IDENTIFIER, startRealtimeUs: Number(before.entries[0]?.__REALTIME_TIMESTAMP) - 1000 });
    after.append(lines);
    const second = daemon(after, stateDir, r.url);
    await second.waitForStderr(/otel-tail: following /, 15_000);
    await deliverAll(second, () => r.spans);

    expect(second.countStderr(/journal cursor to resume from is no longer valid/)).toBe(1);
    expect(after.invocations().filter((argv) => argv.includes('--follow')).slice(-2).map((argv) => argv.find((a) => a.startsWith('--cursor') || a.startsWith('--since'))?.split('=')[0])).toEqual([
      '--cursor',
      '--since',
    ]);
    expect(unique(r.spans, 'chat '), `${first.stderr}\n---\n${second.stderr}`).toBe(20);
    expect(unique(r.spans, 'execute_tool ')).toBe(4);
    // What was settled before the stop was skipped, not sent again.
    const settledSpans = r.spans.filter((s) => settled.has(s.traceId));
    expect(settledSpans.length).toBe(new Set(settledSpans.map((s) => s.spanId)).size);
  }, 90_000);

  it('says which matches it tried when nothing in the journal matches yet, and keeps waiting', async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: 'someone-else' });
    journal.append(['2026-11-21T16:49:45.388+00:00 [gateway] not ours']);
    const d = daemon(journal, tempDir('state'), r.url);
    await d.waitForStderr(
      /no journal entries for openclaw-gateway yet \(matches tried: _SYSTEMD_USER_UNIT=openclaw-gateway\.service \+ _SYSTEMD_UNIT=openclaw-gateway\.service \+ SYSLOG_IDENTIFIER=openclaw-gateway\); waiting for them/,
      15_000,
    );
    await d.waitForStderr(/otel-tail: following /, 15_000);
    d.signal('SIGTERM');
    expect(await d.waitForExit(10_000), d.stderr).toEqual({ code: 0, signal: null });
  }, 30_000);

  it("says what journalctl says while it runs, and when the user cannot see every journal, says what to do", async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: IDENTIFIER });
    journal.append(consoleSampleLines(new Date()).slice(0, 20));
    const warning = 'Journal file /var/log/journal/x/system@0.journal~ is truncated, ignoring file.';
    const d = daemon(journal, tempDir('state'), r.url, { FAKE_JOURNALCTL_WARN: warning });
    await d.waitForStderr(/otel-tail: following /, 15_000);
    // journalctl is still running (following): its stderr reached our log without waiting for it to exit.
    await d.waitForStderr(new RegExp(`otel-tail: journalctl: ${warning.replace(/[.~/]/g, '\\$&')}`), 15_000);
    expect(d.stderr).not.toContain('journalctl exited');
    d.signal('SIGTERM');
    expect(await d.waitForExit(10_000), d.stderr).toEqual({ code: 0, signal: null });

    const hidden = new FakeJournal(tempDir('fake-journal'), { identifier: 'someone-else' });
    const limited = daemon(hidden, tempDir('state'), r.url, {
      FAKE_JOURNALCTL_WARN: "Hint: You are currently not seeing messages from other users and the system.\n      Users in groups 'adm', 'systemd-journal' can see all messages.",
    });
    await limited.waitForStderr(/otel-tail: following /, 15_000);
    expect(limited.stderr).toContain('journalctl cannot read every journal as this user (Hint: You are currently not seeing messages from other users and the system.). Add the user to the systemd-journal group');
    expect(limited.stderr).toContain('no journal entries for openclaw-gateway visible to this user yet');
    // Explained once, not repeated as journalctl's own line.
    expect(limited.countStderr(/not seeing messages/)).toBe(1);
    limited.signal('SIGTERM');
    expect(await limited.waitForExit(10_000), limited.stderr).toEqual({ code: 0, signal: null });
  }, 40_000);

  it('backfill of a journal where nothing matches fails, naming the matches tried', async () => {
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: 'someone-else' });
    journal.append(['2026-11-21T16:49:45.388+00:00 [gateway] not ours']);
    const result = await runCli(['backfill', '--journal', IDENTIFIER, '--journalctl', FAKE_JOURNALCTL, '--exporter', 'console'], journal.env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'journal openclaw-gateway: no journal entries match (matches tried: _SYSTEMD_USER_UNIT=openclaw-gateway.service + _SYSTEMD_UNIT=openclaw-gateway.service + SYSLOG_IDENTIFIER=openclaw-gateway)',
    );
  }, 30_000);

  it('stops cleanly on a SIGTERM that arrives while it is still starting', async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: 'someone-else' });
    const d = daemon(journal, tempDir('state'), r.url);
    // Printed by the journal source's start-up probe, before the follower has started.
    await d.waitForStderr(/no journal entries for openclaw-gateway yet/, 15_000);
    d.signal('SIGTERM');
    expect(await d.waitForExit(10_000), d.stderr).toEqual({ code: 0, signal: null });
    expect(d.stderr).toMatch(/SIGTERM: stopping/);
    expect(d.stderr).toMatch(/otel-tail stopped/);
  }, 30_000);

  it('refuses to start without journalctl, saying what to install', async () => {
    const d = new FollowDaemon(['--journal', IDENTIFIER, '--journalctl', '/nonexistent/journalctl', '--state-dir', tempDir('state'), '--exporter', 'console']);
    expect(await d.waitForExit(10_000)).toEqual({ code: 2, signal: null });
    expect(d.stderr).toContain("/nonexistent/journalctl: not found. Install systemd's journalctl (apt install systemd), or follow the file log with --file.");
  }, 30_000);

  it('falls back to the saved time when journalctl cannot seek to the saved cursor at all', async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: IDENTIFIER });
    const written = journal.append(consoleSampleLines(new Date()));
    const stateDir = tempDir('state');
    // A checkpoint whose cursor journalctl rejects outright ("Failed to seek to cursor"), before the first entry's time.
    const checkpoint = { cursor: 'not-a-cursor', realtimeUs: Number(written[0]?.__REALTIME_TIMESTAMP) - 1 };
    writeFileSync(join(stateDir, 'checkpoints.json'), JSON.stringify({ version: 1, files: [], journals: { [`journal:live:${IDENTIFIER}`]: checkpoint } }));
    const d = daemon(journal, stateDir, r.url);
    await d.waitForStderr(/otel-tail: following /, 15_000);
    await deliverAll(d, () => r.spans);
    expect(d.countStderr(/journal cursor to resume from is no longer valid \(exit code 1: Failed to seek to cursor/)).toBe(1);
    expect(unique(r.spans, 'chat '), d.stderr).toBe(20);
    expect(unique(r.spans, 'execute_tool ')).toBe(4);
  }, 60_000);
});

describe('otel-tail --journal after a restart between concurrent runs', () => {
  /** Console lines of two runs on the same model, A's request made while B had started: which run a `[model-fetch]` line goes to depends on what was read before it. */
  function concurrentRuns(base: number): { first: string[]; rest: string[] } {
    const at = (seconds: number, text: string): string => `${new Date(base + seconds * 1000).toISOString().replace('Z', '+00:00')} ${text}`;
    const fetch = (seconds: number, phase: string): string =>
      at(seconds, `[provider-transport-fetch] [model-fetch] ${phase} provider=fakeoai api=openai-completions model=fake-model ${phase === 'start' ? 'method=POST' : 'status=200 elapsedMs=500'}`);
    return {
      first: [
        at(0, '[agent/embedded] embedded run start: runId=A sessionId=sa provider=fakeoai model=fake-model'),
        at(0.1, '[agent/embedded] embedded run prompt start: runId=A sessionId=sa provider=fakeoai api=openai-completions'),
        at(1, '[agent/embedded] embedded run start: runId=B sessionId=sb provider=fakeoai model=fake-model'),
        at(1.1, '[agent/embedded] embedded run prompt start: runId=B sessionId=sb provider=fakeoai api=openai-completions'),
        fetch(2, 'start'),
        fetch(2.5, 'response'),
        at(3, '[agent/embedded] embedded run done: runId=A sessionId=sa durationMs=3000 aborted=false'),
      ],
      rest: [fetch(4, 'start'), fetch(4.5, 'response'), at(5, '[agent/embedded] embedded run done: runId=B sessionId=sb durationMs=4000 aborted=false')],
    };
  }

  it('gives each run its own model request again: the checkpoint goes back to the start of a run exported whole across it', async () => {
    const r = await startReceiver();
    const journal = new FakeJournal(tempDir('fake-journal'), { identifier: IDENTIFIER });
    const stateDir = tempDir('state');
    const { first, rest } = concurrentRuns(Date.now() - 10_000);
    journal.append(first);
    const before = daemon(journal, stateDir, r.url);
    await before.waitForStderr(/otel-tail: following /, 15_000);
    // A is done and exported whole; B is still open, so the checkpoint holds before B's first line (or earlier).
    await before.waitUntil(() => (unique(r.spans, 'chat ') >= 1 ? true : undefined), 30_000, "run A's model request");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await before.kill9();
    expect(unique(r.spans, 'chat ')).toBe(1);

    journal.append(rest);
    const after = daemon(journal, stateDir, r.url);
    await after.waitUntil(() => (unique(r.spans, 'chat ') >= 2 ? true : undefined), 30_000, "run B's model request");
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    after.signal('SIGTERM');
    expect(await after.waitForExit(10_000), after.stderr).toEqual({ code: 0, signal: null });

    // Run A's lines were read again (whole): said as such, not as late lines that ask for a longer grace.
    expect(after.stderr).toMatch(/\d+ lines? of traces exported before the last stop were read again from the checkpoint and skipped/);
    expect(after.stderr).not.toMatch(/raise --grace/);

    // One request per run, each in its own run's trace, under one id each.
    const chats = r.spans.filter((span) => span.name.startsWith('chat '));
    expect(unique(r.spans, 'chat '), after.stderr).toBe(2);
    expect(new Set(chats.map((span) => span.traceId)).size).toBe(2);
  }, 90_000);
});
