import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chooseDefaultLogDir, compareRollingLogAge, defaultLogDirs, parseRollingLogName } from '../../../src/sources/log-file-names.js';

describe('parseRollingLogName', () => {
  it('reads the date of the live file without a profile', () => {
    expect(parseRollingLogName('openclaw-2026-11-21.log')).toEqual({ profile: '', date: '2026-11-21', rotation: 0 });
  });

  it('reads the profile, including one with dashes', () => {
    expect(parseRollingLogName('openclaw-work-2026-11-21.log')).toEqual({ profile: 'work', date: '2026-11-21', rotation: 0 });
    expect(parseRollingLogName('openclaw-my-bot-2026-11-21.log')).toEqual({ profile: 'my-bot', date: '2026-11-21', rotation: 0 });
  });

  it('reads the rotation number of `.N.log`, with and without a profile', () => {
    expect(parseRollingLogName('openclaw-2026-11-21.1.log')).toEqual({ profile: '', date: '2026-11-21', rotation: 1 });
    expect(parseRollingLogName('openclaw-2026-11-21.5.log')).toEqual({ profile: '', date: '2026-11-21', rotation: 5 });
    expect(parseRollingLogName('openclaw-work-2026-11-21.12.log')).toEqual({ profile: 'work', date: '2026-11-21', rotation: 12 });
  });

  it.each([
    'openclaw.log',
    'events-2026-11-21.jsonl',
    'openclaw-2026-11-21.jsonl',
    'openclaw-2026-11-21.log.gz',
    'openclaw-2026-11-21.1.log.gz',
    'openclaw-2026-11-21.log.tmp',
    'openclaw-2026-1-21.log',
    'xopenclaw-2026-11-21.log',
    'openclaw-2026-11-21.x.log',
    'openclaw-2026-11-21..log',
    'gateway-2026-11-21.log',
    '',
  ])('does not take %j for a rolling log', (name) => {
    expect(parseRollingLogName(name)).toBeUndefined();
  });
});

describe('compareRollingLogAge', () => {
  it('orders by date, then `.5.log` before `.1.log` before the live file', () => {
    const names = [
      'openclaw-2026-11-22.log',
      'openclaw-2026-11-21.log',
      'openclaw-2026-11-21.1.log',
      'openclaw-2026-11-22.1.log',
      'openclaw-2026-11-21.5.log',
      'openclaw-2026-11-20.2.log',
      'openclaw-2026-11-21.3.log',
    ];
    expect([...names].sort(compareRollingLogAge)).toEqual([
      'openclaw-2026-11-20.2.log',
      'openclaw-2026-11-21.5.log',
      'openclaw-2026-11-21.3.log',
      'openclaw-2026-11-21.1.log',
      'openclaw-2026-11-21.log',
      'openclaw-2026-11-22.1.log',
      'openclaw-2026-11-22.log',
    ]);
  });

  it('compares rotation numbers as numbers, not text (`.10.log` is older than `.2.log`)', () => {
    expect(compareRollingLogAge('openclaw-2026-11-21.10.log', 'openclaw-2026-11-21.2.log')).toBeLessThan(0);
    expect(compareRollingLogAge('openclaw-2026-11-21.2.log', 'openclaw-2026-11-21.10.log')).toBeGreaterThan(0);
  });

  it('lets the date win over the rotation number and the profile', () => {
    expect(compareRollingLogAge('openclaw-2026-11-21.log', 'openclaw-2026-11-22.5.log')).toBeLessThan(0);
    expect(compareRollingLogAge('openclaw-zeta-2026-11-20.log', 'openclaw-alpha-2026-11-21.log')).toBeLessThan(0);
  });

  it('breaks ties by profile and calls the same name equal', () => {
    expect(compareRollingLogAge('openclaw-a-2026-11-21.log', 'openclaw-b-2026-11-21.log')).toBeLessThan(0);
    expect(compareRollingLogAge('openclaw-b-2026-11-21.log', 'openclaw-a-2026-11-21.log')).toBeGreaterThan(0);
    expect(compareRollingLogAge('openclaw-2026-11-21.1.log', 'openclaw-2026-11-21.1.log')).toBe(0);
  });

  it('falls back to plain name order when a name is not a rolling log', () => {
    expect(compareRollingLogAge('a.log', 'b.log')).toBe(-1);
    expect(compareRollingLogAge('b.log', 'a.log')).toBe(1);
    expect(compareRollingLogAge('a.log', 'a.log')).toBe(0);
    expect(compareRollingLogAge('openclaw-2026-11-21.log', 'openclaw.log')).toBe(-1);
  });
});

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
