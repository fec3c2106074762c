import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { consoleSampleLines } from '../support/console-sample.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * /healthz for a journal source, against the stand-in journalctl (test/support/fake-journalctl.mjs)
 * behind a wrapper that breaks it on demand: a journalctl that keeps exiting, and one that runs but
 * reads nothing while the journal holds entries, turn /healthz unhealthy with the reason.
 */

const startReceiver = cleanUpAfterEach();

/** A journalctl that, while `flag` exists, fails at once (`exits`) or, when following, hangs silent (`hangs`). */
function brokenJournalctl(dir: string, flag: string, mode: 'exits' | 'hangs'): string {
  const path = join(dir, `journalctl-${mode}`);
  const broken =
    mode === 'exits'
      ? 'echo "Failed to open journal: Input/output error" >&2; exit 1'
      : 'case " $* " in *" --follow "*) exec sleep 600;; esac';
  writeFileSync(path, `#!/bin/sh\nif [ -e '${flag}' ]; then ${broken}; fi\nexec '${process.execPath}' '${FAKE_JOURNALCTL}' "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

async function healthz(base: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: await res.text() };
}

async function startDaemon(journalctl: string, journal: FakeJournal, url: string): Promise<{ daemon: FollowDaemon; base: string }> {
  const daemon = new FollowDaemon(
    ['--journal', 'openclaw-gateway', '--journalctl', journalctl, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', url, '--metrics-listen', '127.0.0.1:0', '--unhealthy-after', '2s'],
    journal.env(),
  );
  const base = (await daemon.waitForStderr(/self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/))[1] as string;
  await daemon.waitForStderr(/otel-tail: following /);
  return { daemon, base };
}

async function waitForHealth(daemon: FollowDaemon, base: string, status: number, timeoutMs: number): Promise<string> {
  let last = { status: 0, body: '' };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    last = await healthz(base);
    if (last.status === status) return last.body;
    if (Date.now() > deadline) throw new Error(`/healthz stayed ${last.status} (${last.body}) instead of ${status}; stderr:\n${daemon.stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('otel-tail --journal, /healthz', () => {
  it('turns unhealthy while journalctl keeps exiting, naming why, and healthy again once it reads', async () => {
    const r = await startReceiver();
    const dir = tempDir('journal');
    const flag = join(dir, 'broken');
    writeFileSync(flag, '');
    const journal = new FakeJournal(dir, { identifier: 'openclaw-gateway' });
    const { daemon, base } = await startDaemon(brokenJournalctl(dir, flag, 'exits'), journal, r.url);

    const reason = await waitForHealth(daemon, base, 503, 15_000);
    expect(reason).toMatch(/unhealthy: journalctl for journal openclaw-gateway exited \d+ times in \d+s and has not stayed up since \(.*\); last: exit code 1: Failed to open journal: Input\/output error/);

    rmSync(flag);
    journal.append(consoleSampleLines(new Date()).slice(0, 50));
    // The next restart (backoff 1, 2, 4, 8 s) reads the entries: journalctl is up again.
    expect(await waitForHealth(daemon, base, 200, 20_000)).toBe('ok\n');
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
  }, 60_000);

  it('turns unhealthy when journalctl runs but reads nothing while the journal holds entries', async () => {
    const r = await startReceiver();
    const dir = tempDir('journal');
    const flag = join(dir, 'hangs');
    writeFileSync(flag, '');
    const journal = new FakeJournal(dir, { identifier: 'openclaw-gateway' });
    journal.append(consoleSampleLines(new Date()).slice(0, 20));
    const { daemon, base } = await startDaemon(brokenJournalctl(dir, flag, 'hangs'), journal, r.url);

    const reason = await waitForHealth(daemon, base, 503, 20_000);
    expect(reason).toMatch(/unhealthy: journal openclaw-gateway has had entries to read for \d+s \(the oldest from .*\) without any being read/);
    expect(r.spans).toEqual([]);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
  }, 60_000);
});
