import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointError, CheckpointStore } from '../../../src/checkpoint/checkpoint-store.js';
import { fingerprintKey, type FileFingerprint } from '../../../src/model/fingerprint-key.js';

const FP: FileFingerprint = { hash: 'a'.repeat(64), length: 1024, dev: 1, ino: 2 };
const stateDir = (): string => mkdtempSync(join(tmpdir(), 'otel-tail-state-'));

describe('CheckpointStore', () => {
  it('writes a versioned file atomically and reads it back after a restart', async () => {
    const dir = stateDir();
    const store = await CheckpointStore.open(dir);
    store.set(FP, 4096, '/tmp/openclaw/openclaw-2026-11-21.log');
    expect(await store.flush()).toBe(true);
    expect(readdirSync(dir)).toEqual(['checkpoints.json']);
    expect(statSync(join(dir, 'checkpoints.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(dir, 'checkpoints.json'), 'utf8'))).toMatchObject({ version: 1, files: [{ offset: 4096 }] });

    const reopened = await CheckpointStore.open(dir);
    expect(reopened.get(fingerprintKey(FP))?.offset).toBe(4096);
    expect(reopened.get(fingerprintKey({ ...FP, hash: 'b'.repeat(64) }))).toBeUndefined();
  });

  it('keeps the traces exported whole beyond a checkpoint across a restart', async () => {
    const dir = stateDir();
    const store = await CheckpointStore.open(dir);
    store.setExported([{ key: 'log:abc', until: { [fingerprintKey(FP)]: 5000 } }]);
    expect(await store.flush()).toBe(true);
    expect((await CheckpointStore.open(dir)).exported).toEqual([{ key: 'log:abc', until: { [fingerprintKey(FP)]: 5000 } }]);
  });

  it('tries again at the next flush after a failed write, even with nothing changed meanwhile', async () => {
    const dir = join(stateDir(), 'state');
    const store = await CheckpointStore.open(dir);
    store.set(FP, 10, 'a.log');
    writeFileSync(dir, 'in the way');
    await expect(store.flush()).rejects.toThrow();
    rmSync(dir);
    expect(await store.flush()).toBe(true);
    expect((await CheckpointStore.open(dir)).get(fingerprintKey(FP))?.offset).toBe(10);
  });

  it('does not rewrite unchanged state', async () => {
    const store = await CheckpointStore.open(stateDir());
    store.set(FP, 10, 'a.log');
    expect(await store.flush()).toBe(true);
    store.set(FP, 10, 'a.log');
    expect(await store.flush()).toBe(false);
    store.set(FP, 11, 'a.log');
    expect(await store.flush()).toBe(true);
  });

  it('refuses a corrupt or unknown-version file, naming it and what to do', async () => {
    const dir = stateDir();
    writeFileSync(join(dir, 'checkpoints.json'), '{"version":1,"files":[');
    await expect(CheckpointStore.open(dir)).rejects.toThrow(CheckpointError);
    await expect(CheckpointStore.open(dir)).rejects.toThrow(/checkpoints\.json: not valid JSON\. Move it aside/);
    writeFileSync(join(dir, 'checkpoints.json'), '{"version":99,"files":[]}');
    await expect(CheckpointStore.open(dir)).rejects.toThrow(/version 99 is not supported/);
  });

  it('names the field of a version-1 file that has the wrong type, and what it holds', async () => {
    const dir = stateDir();
    const good = { fingerprint: FP, offset: 10, path: '/tmp/a.log', updatedAt: '2026-11-21T00:00:00Z' };
    const cases: [unknown, string][] = [
      [{ version: 1, files: 'none' }, 'files is a string, expected a list'],
      [{ version: 1 }, 'files is missing, expected a list'],
      [{ version: 1, files: [good, { ...good, offset: '10' }] }, 'files[1].offset is a string, expected a number'],
      [{ version: 1, files: [{ ...good, fingerprint: { ...FP, ino: null } }] }, 'files[0].fingerprint.ino is null, expected a number'],
      [{ version: 1, files: [], journals: { j: { cursor: 5, realtimeUs: 1 } } }, 'journals["j"].cursor is a number, expected a string'],
      [{ version: 1, files: [], exported: [{ key: 'log:x', until: { a: 'x' } }] }, 'exported[0].until["a"] is a string, expected a number'],
      [[1], 'checkpoint version undefined is not supported'],
    ];
    for (const [body, message] of cases) {
      writeFileSync(join(dir, 'checkpoints.json'), JSON.stringify(body));
      await expect(CheckpointStore.open(dir)).rejects.toThrow(message);
    }
    writeFileSync(join(dir, 'checkpoints.json'), JSON.stringify({ version: 1, files: [good] }));
    expect((await CheckpointStore.open(dir)).all).toHaveLength(1);
  });
});
