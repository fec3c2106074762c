import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseDefaultLogDir, defaultEventsDir, defaultLogDirs } from '../../../src/sources/default-dirs.js';

describe('defaultLogDirs', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('is /tmp/openclaw, then openclaw-<uid> under the temp dir', () => {
    vi.stubEnv('TMPDIR', '/var/tmp/otel-tail-test');
    const uid = process.getuid?.() ?? 0;
    expect(defaultLogDirs()).toEqual(['/tmp/openclaw', `/var/tmp/otel-tail-test/openclaw-${uid}`]);
  });
});

describe('chooseDefaultLogDir', () => {
  const roots: string[] = [];
  const root = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-names-'));
    roots.push(dir);
    return dir;
  };

  afterEach(() => {
    for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('prefers a candidate that holds rolling log files over an earlier one that merely exists', async () => {
    const base = root();
    const empty = join(base, 'empty');
    const other = join(base, 'other-files');
    const logs = join(base, 'logs');
    mkdirSync(empty);
    mkdirSync(other);
    writeFileSync(join(other, 'openclaw.log'), 'not a rolling log\n');
    writeFileSync(join(other, 'events-2026-11-21.jsonl'), '{}\n');
    mkdirSync(logs);
    writeFileSync(join(logs, 'openclaw-2026-11-21.1.log'), '{}\n');

    expect(await chooseDefaultLogDir([join(base, 'missing'), empty, other, logs])).toEqual({ dir: logs, why: 'it holds OpenClaw log files' });
  });

  it('takes the first candidate with log files when several have them', async () => {
    const base = root();
    const first = join(base, 'first');
    const second = join(base, 'second');
    mkdirSync(first);
    mkdirSync(second);
    writeFileSync(join(first, 'openclaw-work-2026-11-21.log'), '');
    writeFileSync(join(second, 'openclaw-2026-11-21.log'), '');

    expect(await chooseDefaultLogDir([second, first])).toEqual({ dir: second, why: 'it holds OpenClaw log files' });
  });

  it('falls back to the first candidate that exists when none holds log files', async () => {
    const base = root();
    const a = join(base, 'a');
    const b = join(base, 'b');
    mkdirSync(a);
    mkdirSync(b);
    writeFileSync(join(b, 'openclaw.log'), 'x\n');
    // A plain file where a directory was expected does not count as existing.
    writeFileSync(join(base, 'file'), '');

    expect(await chooseDefaultLogDir([join(base, 'missing'), join(base, 'file'), b, a])).toEqual({
      dir: b,
      why: 'it exists but holds no OpenClaw log file yet',
    });
  });

  it('falls back to the first candidate, waiting for it, when none exists', async () => {
    const base = root();
    const first = join(base, 'not-yet');
    const second = join(base, 'nor-this');

    expect(await chooseDefaultLogDir([first, second])).toEqual({
      dir: first,
      why: `none of ${first}, ${second} exists yet; waiting for it`,
    });
  });
});

describe('defaultEventsDir', () => {
  it('finds the default directory in OpenClaw’s state dir', () => {
    expect(defaultEventsDir({ OPENCLAW_STATE_DIR: '/srv/oc' }, '/home/u').dir).toBe('/srv/oc/logs/diagnostics');
    expect(defaultEventsDir({ OPENCLAW_PROFILE: 'work' }, '/home/u').dir).toBe('/home/u/.openclaw-work/logs/diagnostics');
    expect(defaultEventsDir({}, '/home/u').dir).toBe('/home/u/.openclaw/logs/diagnostics');
  });
});
