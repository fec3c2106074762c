import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../src/checkpoint/checkpoint-store.js';
import { fixtureLines, SAMPLE_LOG } from '../support/fixtures.js';
import { pollUntil, startFollowing, tempDir } from '../support/follow-daemon.js';
import { FAKE_JOURNALCTL, FakeJournal } from '../support/journald.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl');

interface StatusJson {
  files: { status: 'found' | 'gone'; path?: string; size?: number; bytesBehind?: number; checkpoint: { offset: number; path: string } }[];
  journals: { name: string; secondsBehind?: number; problem?: string }[];
  ledger: { files: number };
}

const startReceiver = cleanUpAfterEach();

describe('otel-tail status', () => {
  it("shows a followed file's checkpoint and bytes behind while the follower runs, finds it after a rename, says when it is gone", async () => {
    const r = await startReceiver();
    const dir = tempDir('status-logs');
    const stateDir = tempDir('status-state');
    const log = join(dir, 'openclaw-2026-11-21.log');
    // Lines 0..300: three traces are still open at the end, so the checkpoint stays behind the end.
    writeFileSync(log, `${SAMPLE.slice(0, 300).join('\n')}\n`);
    const daemon = await startFollowing({ follow: dir, stateDir, endpoint: r.url });
    const checkpoints = join(stateDir, 'checkpoints.json');
    await pollUntil(() => (statSync(checkpoints, { throwIfNoEntry: false })?.size ?? 0) > 0, 10_000, 'a checkpoint write');

    const running = await runCli(['status', '--state-dir', stateDir, '--json']);
    expect(running.code).toBe(0);
    const status = JSON.parse(running.stdout) as StatusJson;
    expect(status.files).toHaveLength(1);
    const file = status.files[0];
    expect(file?.status).toBe('found');
    expect(file?.path).toBe(log);
    expect(file?.size).toBe(statSync(log).size);
    expect(file?.checkpoint.offset).toBeGreaterThan(0);
    expect(file?.bytesBehind).toBe(statSync(log).size - (file?.checkpoint.offset ?? 0));
    expect(file?.bytesBehind).toBeGreaterThan(0);

    const text = await runCli(['status', '--state-dir', stateDir]);
    expect(text.code).toBe(0);
    // The checkpoint may move between the two runs (exports being acknowledged): any offset, same size.
    expect(text.stdout).toMatch(new RegExp(`^  ${log}: [\\d.]+ (B|KiB) behind: byte \\d+ of ${statSync(log).size};`, 'm'));
    expect(text.stdout).toContain('backfill ledger: empty');

    daemon.signal('SIGTERM');
    await daemon.waitForExit();
    const rotated = join(dir, 'openclaw-2026-11-21.1.log');
    renameSync(log, rotated);
    const afterRename = await runCli(['status', '--state-dir', stateDir]);
    expect(afterRename.stdout).toContain(`  ${rotated} (was ${log}): `);

    rmSync(rotated);
    const afterDelete = await runCli(['status', '--state-dir', stateDir]);
    expect(afterDelete.stdout).toContain(`  ${log}: gone (no file starts with its first line any more)`);
  });

  it('summarises the backfill ledger', async () => {
    const r = await startReceiver();
    const stateDir = tempDir('status-ledger');
    const backfill = await runCli(['backfill', '--endpoint', r.url, '--state-dir', stateDir, SAMPLE_LOG]);
    expect(backfill.code).toBe(0);
    const text = await runCli(['status', '--state-dir', stateDir]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`  to ${r.url}/v1/traces: 1 file, [\\d.]+ KiB, last on \\d{4}-`));
    expect(text.stdout).toContain('no source has a checkpoint yet');
  });

  it("shows a journal checkpoint's time and how many seconds it is behind the stream's newest entry", async () => {
    const stateDir = tempDir('status-journal');
    const journal = new FakeJournal(tempDir('status-fake-journal'), { identifier: 'openclaw-gateway' });
    const [first] = journal.append(['gateway started']);
    const firstUs = Number(first?.['__REALTIME_TIMESTAMP']);
    journal.append(['a later line'], { __REALTIME_TIMESTAMP: String(firstUs + 42_500_000) });
    const store = await CheckpointStore.open(stateDir);
    store.setJournal('journal:live:openclaw-gateway', { cursor: String(first?.['__CURSOR']), realtimeUs: firstUs });
    await store.flush();

    const text = await runCli(['status', '--state-dir', stateDir, '--journalctl', FAKE_JOURNALCTL], journal.env());
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  openclaw-gateway (live journal): 42.5 s behind the newest entry (${new Date((firstUs + 42_500_000) / 1000).toISOString()}): entry of ${new Date(firstUs / 1000).toISOString()}, cursor ${String(first?.['__CURSOR'])}`);

    const missing = await runCli(['status', '--state-dir', stateDir, '--journalctl', join(stateDir, 'no-journalctl')]);
    expect(missing.code).toBe(0);
    expect(missing.stdout).toContain('openclaw-gateway (live journal): newest entry unknown (');
  });

  it('says so when the state dir does not exist', async () => {
    const result = await runCli(['status', '--state-dir', '/nonexistent/otel-tail-state']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--state-dir /nonexistent/otel-tail-state: no such directory');
  });
});
