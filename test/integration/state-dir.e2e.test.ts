import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon } from '../support/follow-daemon.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

/** The state dir belongs to one follower at a time, and what it says about its state is true. */

let receiver: OtlpReceiver | undefined;
const daemons: FollowDaemon[] = [];
afterEach(async () => {
  for (const daemon of daemons.splice(0)) await daemon.kill9();
  await receiver?.close();
  receiver = undefined;
});
function follow(args: readonly string[]): FollowDaemon {
  const daemon = new FollowDaemon(args);
  daemons.push(daemon);
  return daemon;
}
function setup(): { log: string; stateDir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tail-state-'));
  const log = join(dir, 'openclaw-2026-11-21.log');
  copyFileSync(SAMPLE_LOG, log);
  return { log, stateDir: join(dir, 'state') };
}

describe('state dir', () => {
  it("a second follower on the same state dir exits 2 naming the first one's PID; a stale lock of a dead one is taken over, said so", async () => {
    receiver = await startOtlpReceiver();
    const { log, stateDir } = setup();
    const args = ['--file', log, '--from', 'beginning', '--state-dir', stateDir, '--endpoint', receiver.url];
    const first = follow(args);
    await first.waitForStderr(/following /);
    const second = follow(args);
    const exit = await second.waitForExit();
    expect(exit.code).toBe(2);
    expect(second.stderr).toContain(`state dir ${stateDir} is in use by another otel-tail follower (PID ${first.pid}, since `);
    expect(second.stderr).toContain('Stop that one, or give this one another --state-dir');
    expect(first.exit).toBeUndefined();
    expect((await runCli(['status', '--state-dir', stateDir])).stdout).toContain(`follower running: PID ${first.pid}, since `);
    // Killed without a word: its lock stays behind, and the next follower takes it over.
    await first.kill9();
    expect(existsSync(join(stateDir, 'follower.lock'))).toBe(true);
    expect((await runCli(['status', '--state-dir', stateDir])).stdout).toContain(`no follower running (the lock of PID ${first.pid}, started `);
    const third = follow(args);
    await third.waitForStderr(new RegExp(`took over ${join(stateDir, 'follower.lock')} from otel-tail PID ${first.pid} \\(started [^)]+\\), which is no longer running`));
    third.signal('SIGTERM');
    expect((await third.waitForExit()).code).toBe(0);
    expect(existsSync(join(stateDir, 'follower.lock'))).toBe(false);
  });

  it('a restart with checkpoints says it resumes from them, not "without a checkpoint"', async () => {
    receiver = await startOtlpReceiver();
    const { log, stateDir } = setup();
    const args = ['--file', log, '--from', 'end', '--state-dir', stateDir, '--endpoint', receiver.url];
    const first = follow(args);
    await first.waitForStderr(/following /);
    expect(first.stderr).toContain(`(no checkpoint yet: new lines only; checkpoints in ${join(stateDir, 'checkpoints.json')})`);
    first.signal('SIGTERM');
    expect((await first.waitForExit()).code).toBe(0);
    const again = follow(args);
    await again.waitForStderr(/following /);
    expect(again.stderr).toContain(`(resuming from 1 checkpoint in ${join(stateDir, 'checkpoints.json')})`);
    expect(again.stderr).not.toContain('without a checkpoint');
  });

  it('a checkpoints.json with a wrong-typed field: the follower and status exit 2 naming the field and what it holds', async () => {
    const { log, stateDir } = setup();
    mkdirSync(stateDir, { recursive: true });
    const fingerprint = { hash: 'a'.repeat(64), length: 10, dev: 1, ino: 2 };
    writeFileSync(join(stateDir, 'checkpoints.json'), JSON.stringify({ version: 1, files: [{ fingerprint, offset: '120', path: log, updatedAt: '2026-11-21T00:00:00Z' }] }));
    const daemon = follow(['--file', log, '--state-dir', stateDir, '--exporter', 'console']);
    expect((await daemon.waitForExit()).code).toBe(2);
    expect(daemon.stderr).toContain(`${join(stateDir, 'checkpoints.json')}: files[0].offset is a string, expected a number. Fix that value, or move the file aside`);
    expect(daemon.stderr).not.toContain('is not supported');
    const status = await runCli(['status', '--state-dir', stateDir]);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('files[0].offset is a string, expected a number');
    // Nothing was written over it.
    expect(readFileSync(join(stateDir, 'checkpoints.json'), 'utf8')).toContain('"offset":"120"');
  });

  it('a followed file of foreign lines: said at warn once (not again for more of them), and status does not call it up to date', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-state-'));
    const log = join(dir, 'access.log');
    const stateDir = join(dir, 'state');
    const nginx = (n: number): string => `{"time_local":"21/Nov/2026:16:49:${String(n % 60).padStart(2, '0')} +0000","remote_addr":"10.0.0.1","request":"GET /${n} HTTP/1.1","status":200}\n`;
    writeFileSync(log, Array.from({ length: 12 }, (_, i) => nginx(i)).join(''));
    const daemon = follow(['--file', log, '--from', 'beginning', '--state-dir', stateDir, '--exporter', 'console']);
    await daemon.waitForStderr(/access\.log: 12 lines read and none is an OpenClaw record or event; it looks like JSON lines that are not OpenClaw's \(first line: .*\)\. Is this the gateway's log\? otel-tail reads what an OpenClaw gateway writes: its file log/);
    appendFileSync(log, Array.from({ length: 30 }, (_, i) => nginx(i + 12)).join(''));
    // Poll status until its checkpoint has passed every line (checkpoints are written each second).
    let text = '';
    for (const deadline = Date.now() + 10_000; !text.includes(` of ${statSync(log).size};`) || !text.includes(`byte ${statSync(log).size} of`); ) {
      if (Date.now() > deadline) throw new Error(`status never showed the whole file read:\n${text}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
      text = (await runCli(['status', '--state-dir', stateDir])).stdout;
    }
    expect(text).toContain("no OpenClaw record or event in it (it looks like JSON lines that are not OpenClaw's");
    expect(text).not.toContain('up to date');
    expect(daemon.countStderr(/none is an OpenClaw record/)).toBe(1);
  });
});
