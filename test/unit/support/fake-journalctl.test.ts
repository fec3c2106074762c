import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { appendFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil, removeTempDirs, tempDir } from '../../support/follow-daemon.js';
import { FAKE_JOURNALCTL, FakeJournal, type JournalEntry, type ProcessResult, parseJsonLines, runProcess } from '../../support/journald.js';

/**
 * The fake journalctl the journald source is tested against: what it prints for each option,
 * and that it behaves as journalctl 252 does where the source could get it wrong (cursors,
 * --follow's ten-line default, matches). The same cases run against the real journalctl in
 * test/integration/journald-support.test.ts.
 */

function fake(journal: FakeJournal, args: readonly string[], env: Record<string, string> = {}): Promise<ProcessResult> {
  return runProcess(process.execPath, [FAKE_JOURNALCTL, ...args], { env: journal.env(env) });
}

function messages(stdout: string): string[] {
  return parseJsonLines(stdout).map((entry) => String(entry.MESSAGE));
}

/** `fake-journalctl --follow`, its stdout collected as entries. */
class Following {
  readonly child: ChildProcess;
  private out = '';
  stderr = '';
  exitCode: number | null | undefined;

  constructor(journal: FakeJournal, args: readonly string[], env: Record<string, string> = {}) {
    const withReady = { FAKE_JOURNALCTL_READY: READY, ...env };
    this.child = spawn(process.execPath, [FAKE_JOURNALCTL, ...args], { env: { ...process.env, ...journal.env(withReady) }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.setEncoding('utf8').on('data', (d: string) => (this.out += d));
    this.child.stderr?.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.child.on('exit', (code) => (this.exitCode = code));
    following.add(this);
  }

  get messages(): string[] {
    return messages(this.out.slice(0, this.out.lastIndexOf('\n') + 1));
  }

  async waitForMessages(count: number, timeoutMs = 5000): Promise<string[]> {
    await pollUntil(() => this.messages.length >= count, timeoutMs, `${count} entries (have ${this.messages.length}: ${this.messages.join(', ')})`);
    return this.messages;
  }

  /** Waits until its start position is fixed (a fixed sleep lost the race on a loaded machine). */
  async started(timeoutMs = 5000): Promise<void> {
    await pollUntil(() => this.stderr.includes(READY), timeoutMs, 'fake-journalctl to start');
  }

  async waitForExit(timeoutMs = 5000): Promise<number | null> {
    await pollUntil(() => this.exitCode !== undefined, timeoutMs, 'fake-journalctl to exit');
    return this.exitCode ?? null;
  }
}

const READY = 'fake-journalctl: ready';
const following = new Set<Following>();
let journal: FakeJournal;

afterEach(() => {
  for (const f of following) if (f.exitCode === undefined) f.child.kill('SIGKILL');
  following.clear();
  removeTempDirs();
});

function newJournal(count = 5): FakeJournal {
  journal = new FakeJournal(tempDir('fake-journalctl'), { identifier: 'openclaw' });
  if (count > 0) journal.append(Array.from({ length: count }, (_, i) => `line ${i + 1}`));
  return journal;
}

describe('fake-journalctl output and argv log', () => {
  it('prints every entry as one JSON line, exactly as stored, and logs the argv of each run', async () => {
    newJournal(3);
    const result = await fake(journal, ['--output=json', '--no-pager']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(parseJsonLines(result.stdout)).toEqual(journal.entries);
    expect(result.stdout.endsWith('}\n')).toBe(true);
    await fake(journal, ['-o', 'json', 'SYSLOG_IDENTIFIER=openclaw']);
    expect(journal.invocations()).toEqual([['--output=json', '--no-pager'], ['-o', 'json', 'SYSLOG_IDENTIFIER=openclaw']]);
  });

  it('is an executable script that runs without naming node', async () => {
    newJournal(1);
    expect(statSync(FAKE_JOURNALCTL).mode & 0o111).not.toBe(0);
    const result = await runProcess(FAKE_JOURNALCTL, ['-ojson'], { env: journal.env() });
    expect(messages(result.stdout)).toEqual(['line 1']);
  });

  it('insists on --output=json and rejects what journalctl rejects', async () => {
    newJournal(1);
    const cases: [string[], RegExp][] = [
      [[], /^fake-journalctl: --output=json is required/],
      [['--output=cat'], /^fake-journalctl: only --output=json is implemented, not 'cat'\n$/],
      [['--output=xml'], /^Unknown output format 'xml'\.\n$/],
      [['-o', 'json', '--bogus'], /^journalctl: unrecognized option '--bogus'\n$/],
      [['-o', 'json', '-Z'], /^journalctl: invalid option -- 'Z'\n$/],
      [['-o', 'json', '--after-cursor'], /^journalctl: option '--after-cursor' requires an argument\n$/],
      [['-o', 'json', '-u', 'openclaw.service'], /^fake-journalctl: -u is a journalctl option this fake does not implement\n$/],
      [['-o', 'json', '--lines=-3'], /^Failed to parse lines '-3'\n$/],
      [['-o', 'json', '--cursor=x', '--since=@1'], /^Please specify only one of --since=, --cursor=, and --after-cursor=\.\n$/],
    ];
    for (const [args, stderr] of cases) {
      const result = await fake(journal, args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(result.stderr).toMatch(stderr);
    }
  });

  it('prints a field of 4096 bytes or more (NAME=value) as null unless --all', async () => {
    newJournal(0);
    journal.append(['a'.repeat(4087), 'b'.repeat(4088)]);
    const plain = parseJsonLines((await fake(journal, ['-o', 'json'])).stdout);
    expect(plain.map((e) => e.MESSAGE)).toEqual(['a'.repeat(4087), null]);
    const all = parseJsonLines((await fake(journal, ['-o', 'json', '--all'])).stdout);
    expect(all.map((e) => e.MESSAGE)).toEqual(['a'.repeat(4087), 'b'.repeat(4088)]);
  });

  it('needs an existing --directory or --file, as journalctl does, and not both', async () => {
    newJournal(2);
    const dir = tempDir('fake-journal-dir');
    const file = join(dir, 'system.journal');
    writeFileSync(file, '');
    expect(messages((await fake(journal, ['-o', 'json', `--directory=${dir}`])).stdout)).toEqual(['line 1', 'line 2']);
    expect(messages((await fake(journal, ['-o', 'json', `--file=${file}`])).stdout)).toEqual(['line 1', 'line 2']);
    expect(await fake(journal, ['-o', 'json', '--directory=/nonexistent'])).toEqual({ code: 1, stdout: '', stderr: 'Failed to open /nonexistent: No such file or directory\n' });
    expect(await fake(journal, ['-o', 'json', '--file=/nonexistent.journal'])).toEqual({ code: 1, stdout: '', stderr: 'Failed to open files: No such file or directory\n' });
    expect((await fake(journal, ['-o', 'json', `--directory=${dir}`, `--file=${file}`])).stderr).toBe(
      'Please specify at most one of -D/--directory=, --file=, -M/--machine=, --root=, --image=.\n',
    );
  });
});

describe('fake-journalctl cursors', () => {
  it('--after-cursor starts after the entry with that cursor; --cursor starts at it', async () => {
    newJournal(5);
    const c2 = String(journal.entries[1]?.__CURSOR);
    expect(messages((await fake(journal, ['-o', 'json', `--after-cursor=${c2}`])).stdout)).toEqual(['line 3', 'line 4', 'line 5']);
    expect(messages((await fake(journal, ['-o', 'json', `--cursor=${c2}`])).stdout)).toEqual(['line 2', 'line 3', 'line 4', 'line 5']);
    const last = String(journal.entries[4]?.__CURSOR);
    expect(await fake(journal, ['-o', 'json', `--after-cursor=${last}`])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('resumes from a cursor that is not in journald format when an entry has exactly that cursor', async () => {
    newJournal(0);
    journal.appendEntries(['c1', 'c2', 'c3'].map((c): JournalEntry => ({ __CURSOR: c, __REALTIME_TIMESTAMP: '1', MESSAGE: `at ${c}` })));
    expect(messages((await fake(journal, ['-o', 'json', '--after-cursor=c1'])).stdout)).toEqual(['at c2', 'at c3']);
  });

  it('a malformed cursor: "Failed to seek to cursor: Invalid argument", exit 1', async () => {
    newJournal(3);
    for (const cursor of ['garbage', '', 's=zz;i=1', 'foo=bar', 'x=1', 's=0123456789abcdef0123456789abcdef']) {
      expect(await fake(journal, ['-o', 'json', `--after-cursor=${cursor}`])).toEqual({ code: 1, stdout: '', stderr: 'Failed to seek to cursor: Invalid argument\n' });
    }
  });

  it('a well-formed cursor of a vanished entry: exit 0, and --after-cursor loses the first entry after it, as journalctl 252 does', async () => {
    newJournal(5);
    const gone = journal.vanishedCursor(journal.entries[1]); // between line 2 and line 3
    expect(await fake(journal, ['-o', 'json', `--after-cursor=${gone}`])).toMatchObject({ code: 0, stderr: '' });
    expect(messages((await fake(journal, ['-o', 'json', `--after-cursor=${gone}`])).stdout)).toEqual(['line 4', 'line 5']);
    expect(messages((await fake(journal, ['-o', 'json', `--cursor=${gone}`])).stdout)).toEqual(['line 3', 'line 4', 'line 5']);
    // Older than everything (vacuumed): the oldest entry is the one lost.
    expect(messages((await fake(journal, ['-o', 'json', `--after-cursor=${journal.vanishedCursor()}`])).stdout)).toEqual(['line 2', 'line 3', 'line 4', 'line 5']);
    // Same journal (seqnum id), seqnum beyond the last: nothing, not everything.
    const beyond = `s=${journal.seqnumId};i=ffff`;
    expect(await fake(journal, ['-o', 'json', `--after-cursor=${beyond}`])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('with matches, --after-cursor skips the first matching entry at or after the cursor', async () => {
    newJournal(0);
    journal.append(['a1'], { SYSLOG_IDENTIFIER: 'a' });
    journal.append(['b1'], { SYSLOG_IDENTIFIER: 'b' });
    journal.append(['a2', 'a3'], { SYSLOG_IDENTIFIER: 'a' });
    const a1 = String(journal.entries[0]?.__CURSOR);
    const b1 = String(journal.entries[1]?.__CURSOR);
    expect(messages((await fake(journal, ['-o', 'json', `--after-cursor=${a1}`, 'SYSLOG_IDENTIFIER=a'])).stdout)).toEqual(['a2', 'a3']);
    // A cursor of an entry the matches exclude: journalctl lands on a2 and skips it.
    expect(messages((await fake(journal, ['-o', 'json', `--after-cursor=${b1}`, 'SYSLOG_IDENTIFIER=a'])).stdout)).toEqual(['a3']);
  });
});

describe('fake-journalctl --since, --until, --lines', () => {
  it('--since=@seconds.micro is inclusive; "YYYY-MM-DD HH:MM:SS[.frac] UTC" works; ISO with T or Z is rejected as 252 does', async () => {
    const start = Date.UTC(2026, 10, 21, 16, 49, 45) * 1000; // µs
    journal = new FakeJournal(tempDir('fake-journalctl'), { startRealtimeUs: start });
    journal.append(['first', 'second', 'third']); // at start + 1 ms, + 2 ms, + 3 ms
    const second = String(journal.entries[1]?.__REALTIME_TIMESTAMP);
    const since = `@${second.slice(0, -6)}.${second.slice(-6)}`;
    expect(messages((await fake(journal, ['-o', 'json', `--since=${since}`])).stdout)).toEqual(['second', 'third']);
    expect(messages((await fake(journal, ['-o', 'json', '--since', '2026-11-21 16:49:45.002 UTC'])).stdout)).toEqual(['second', 'third']);
    expect(messages((await fake(journal, ['-o', 'json', '-S', '2026-11-21 16:49:45.0025 UTC'])).stdout)).toEqual(['third']);
    expect(messages((await fake(journal, ['-o', 'json', '--since=2026-11-21'])).stdout)).toHaveLength(3);
    expect(messages((await fake(journal, ['-o', 'json', `--since=${since}`, '--until=@1795279785.002'])).stdout)).toEqual(['second']);
    expect(messages((await fake(journal, ['-o', 'json', '--since=@1795279785.0031'])).stdout)).toEqual([]);
    for (const iso of ['2026-11-21T16:49:45Z', '2026-11-21T16:49:45.002', '2026-11-21 16:49:45 +0100', '1795279785']) {
      expect(await fake(journal, ['-o', 'json', `--since=${iso}`])).toEqual({ code: 1, stdout: '', stderr: `Failed to parse timestamp: ${iso}\n` });
    }
  });

  it('-n N shows the last N; with --since or a cursor, the first N', async () => {
    newJournal(5);
    expect(messages((await fake(journal, ['-o', 'json', '-n', '2'])).stdout)).toEqual(['line 4', 'line 5']);
    expect(messages((await fake(journal, ['-o', 'json', '--lines=2'])).stdout)).toEqual(['line 4', 'line 5']);
    expect(messages((await fake(journal, ['-o', 'json', '-n2'])).stdout)).toEqual(['line 4', 'line 5']);
    expect(messages((await fake(journal, ['-o', 'json', '-n', '0'])).stdout)).toEqual([]);
    expect(messages((await fake(journal, ['-o', 'json', '-n', 'all'])).stdout)).toHaveLength(5);
    expect(messages((await fake(journal, ['-o', 'json', '-n', '9'])).stdout)).toHaveLength(5);
    const c1 = String(journal.entries[0]?.__CURSOR);
    expect(messages((await fake(journal, ['-o', 'json', '-n', '2', `--after-cursor=${c1}`])).stdout)).toEqual(['line 2', 'line 3']);
    expect(messages((await fake(journal, ['-o', 'json', '-n', '2', '--since=@0'])).stdout)).toEqual(['line 1', 'line 2']);
    // "-n" takes the next argument only when it is a count: here it is a match.
    expect(messages((await fake(journal, ['-o', 'json', '-n', 'MESSAGE=line 1'])).stdout)).toEqual(['line 1']);
  });
});

describe('fake-journalctl matches', () => {
  it('ORs terms separated by "+", ANDs fields within a term and ORs values of one field', async () => {
    newJournal(0);
    journal.append(['gw 1', 'gw 2'], { _SYSTEMD_USER_UNIT: 'openclaw-gateway.service', SYSLOG_IDENTIFIER: 'openclaw' });
    journal.append(['other'], { _SYSTEMD_USER_UNIT: 'other.service', SYSLOG_IDENTIFIER: 'other' });
    journal.append(['tagged'], { SYSLOG_IDENTIFIER: 'openclaw' });
    journal.append(['warn'], { SYSLOG_IDENTIFIER: 'openclaw', PRIORITY: '4' });
    const run = async (...matches: string[]): Promise<string[]> => messages((await fake(journal, ['-o', 'json', ...matches])).stdout);
    expect(await run('_SYSTEMD_USER_UNIT=openclaw-gateway.service')).toEqual(['gw 1', 'gw 2']);
    expect(await run('_SYSTEMD_USER_UNIT=openclaw-gateway.service', '+', 'SYSLOG_IDENTIFIER=other')).toEqual(['gw 1', 'gw 2', 'other']);
    expect(await run('SYSLOG_IDENTIFIER=openclaw', 'PRIORITY=4')).toEqual(['warn']);
    expect(await run('SYSLOG_IDENTIFIER=openclaw', 'SYSLOG_IDENTIFIER=other')).toEqual(['gw 1', 'gw 2', 'other', 'tagged', 'warn']);
    expect(await run('MESSAGE=gw 2', '+', 'PRIORITY=4', 'SYSLOG_IDENTIFIER=openclaw')).toEqual(['gw 2', 'warn']);
    expect(await run('SYSLOG_IDENTIFIER=nobody')).toEqual([]);
  });

  it('matches a field given more than once and a binary field by their bytes', async () => {
    newJournal(0);
    journal.appendEntries([
      { __CURSOR: 'c1', MESSAGE: 'multi', TAG: ['x', 'y'] },
      { __CURSOR: 'c2', MESSAGE: [27, 91, 49, 109], TAG: 'z' },
    ]);
    expect(messages((await fake(journal, ['-o', 'json', 'TAG=y'])).stdout)).toEqual(['multi']);
    expect(parseJsonLines((await fake(journal, ['-o', 'json', 'MESSAGE=\u001b[1m'])).stdout).map((e) => e.TAG)).toEqual(['z']);
  });

  it('rejects what journalctl rejects', async () => {
    newJournal(1);
    expect(await fake(journal, ['-o', 'json', 'foo=bar'])).toEqual({ code: 1, stdout: '', stderr: "Failed to add match 'foo=bar': Invalid argument\n" });
    expect(await fake(journal, ['-o', 'json', 'openclaw'])).toEqual({ code: 1, stdout: '', stderr: "Failed to add match 'openclaw': Invalid argument\n" });
    for (const matches of [['+', 'A=1'], ['A=1', '+'], ['A=1', '+', '+', 'B=2']]) {
      expect(await fake(journal, ['-o', 'json', ...matches])).toEqual({ code: 1, stdout: '', stderr: '"+" can only be used between terms\n' });
    }
  });
});

describe('fake-journalctl --follow', () => {
  it('prints what is there, then entries as they are appended (a line written in two pieces once whole), and keeps running', async () => {
    newJournal(2);
    const f = new Following(journal, ['-o', 'json', '--follow', '--no-tail']);
    expect(await f.waitForMessages(2)).toEqual(['line 1', 'line 2']);
    journal.append(['line 3']);
    expect(await f.waitForMessages(3)).toEqual(['line 1', 'line 2', 'line 3']);
    const [entry] = journal.makeEntries(['line 4']);
    const text = `${JSON.stringify(entry)}\n`;
    appendFileSync(journal.entriesPath, text.slice(0, 20));
    await sleep(200);
    expect(f.messages).toHaveLength(3);
    appendFileSync(journal.entriesPath, text.slice(20));
    expect(await f.waitForMessages(4)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    expect(f.exitCode).toBeUndefined();
  });

  it('waits for a journal file that does not exist yet', async () => {
    journal = new FakeJournal(tempDir('fake-journalctl'));
    const f = new Following(journal, ['-o', 'json', '-f']);
    await f.started();
    journal.append(['late']);
    expect(await f.waitForMessages(1)).toEqual(['late']);
  });

  it('without --since, --no-tail or -n, shows only the last 10, as journalctl does', async () => {
    newJournal(12);
    const f = new Following(journal, ['-o', 'json', '-f']);
    expect(await f.waitForMessages(10)).toEqual(journal.entries.slice(2).map((e) => e.MESSAGE));
    const g = new Following(journal, ['-o', 'json', '-f', '--since=@0']);
    expect(await g.waitForMessages(12)).toHaveLength(12);
  });

  it('with a cursor and no --no-tail, prints 10 entries after it and the rest only when the journal changes', async () => {
    newJournal(14);
    const c1 = String(journal.entries[0]?.__CURSOR);
    const f = new Following(journal, ['-o', 'json', '-f', `--after-cursor=${c1}`]);
    expect(await f.waitForMessages(10)).toEqual(journal.entries.slice(1, 11).map((e) => e.MESSAGE));
    await sleep(300);
    expect(f.messages).toHaveLength(10);
    journal.append(['line 15']);
    expect(await f.waitForMessages(14)).toEqual(journal.entries.slice(1).map((e) => e.MESSAGE));

    const all = new Following(journal, ['-o', 'json', '-f', '--no-tail', `--after-cursor=${c1}`]);
    expect(await all.waitForMessages(14)).toEqual(journal.entries.slice(1).map((e) => e.MESSAGE));
  });

  it('--lines=0 prints only entries appended after it started', async () => {
    newJournal(3);
    const f = new Following(journal, ['-o', 'json', '-f', '--lines=0']);
    await f.started();
    expect(f.messages).toEqual([]);
    journal.append(['line 4']);
    expect(await f.waitForMessages(1)).toEqual(['line 4']);
  });

  it('after a cursor at the end, prints only new entries', async () => {
    newJournal(3);
    const f = new Following(journal, ['-o', 'json', '-f', '--no-tail', `--after-cursor=${String(journal.entries[2]?.__CURSOR)}`]);
    await f.started();
    journal.append(['line 4']);
    expect(await f.waitForMessages(1)).toEqual(['line 4']);
  });

  it('applies matches to appended entries', async () => {
    newJournal(0);
    const f = new Following(journal, ['-o', 'json', '-f', 'SYSLOG_IDENTIFIER=a']);
    journal.append(['a1'], { SYSLOG_IDENTIFIER: 'a' });
    journal.append(['b1'], { SYSLOG_IDENTIFIER: 'b' });
    journal.append(['a2'], { SYSLOG_IDENTIFIER: 'a' });
    expect(await f.waitForMessages(2)).toEqual(['a1', 'a2']);
  });
});

describe('FAKE_JOURNALCTL_EXIT_AFTER', () => {
  it('exits 1 after printing N entries, without --follow', async () => {
    newJournal(5);
    const result = await fake(journal, ['-o', 'json'], { FAKE_JOURNALCTL_EXIT_AFTER: '2' });
    expect(result.code).toBe(1);
    expect(messages(result.stdout)).toEqual(['line 1', 'line 2']);
    expect(result.stderr).toMatch(/exiting after 2 entries/);
  });

  it('exits 1 after printing N entries in this run, counting appended ones under --follow', async () => {
    newJournal(2);
    const f = new Following(journal, ['-o', 'json', '-f', '--no-tail'], { FAKE_JOURNALCTL_EXIT_AFTER: '3' });
    await f.waitForMessages(2);
    expect(f.exitCode).toBeUndefined();
    journal.append(['line 3', 'line 4']);
    expect(await f.waitForExit()).toBe(1);
    expect(f.messages).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('0 exits before printing anything; fewer entries than N ends normally without --follow', async () => {
    newJournal(2);
    expect(await fake(journal, ['-o', 'json'], { FAKE_JOURNALCTL_EXIT_AFTER: '0' })).toMatchObject({ code: 1, stdout: '' });
    expect(await fake(journal, ['-o', 'json'], { FAKE_JOURNALCTL_EXIT_AFTER: '5' })).toMatchObject({ code: 0, stderr: '' });
  });

  it('a restarted run resumes after the last cursor the previous run printed', async () => {
    newJournal(6);
    const first = await fake(journal, ['-o', 'json'], { FAKE_JOURNALCTL_EXIT_AFTER: '4' });
    const seen = parseJsonLines(first.stdout);
    const cursor = String(seen.at(-1)?.__CURSOR);
    const second = await fake(journal, ['-o', 'json', `--after-cursor=${cursor}`]);
    expect([...seen.map((e) => e.MESSAGE), ...messages(second.stdout)]).toEqual(journal.entries.map((e) => e.MESSAGE));
    expect(journal.invocations()).toEqual([['-o', 'json'], ['-o', 'json', `--after-cursor=${cursor}`]]);
  });
});

it('fails clearly without FAKE_JOURNAL_ENTRIES', async () => {
  const result = await runProcess(process.execPath, [FAKE_JOURNALCTL, '-o', 'json'], { env: { FAKE_JOURNAL_ENTRIES: '' } });
  expect(result).toEqual({ code: 1, stdout: '', stderr: 'fake-journalctl: FAKE_JOURNAL_ENTRIES is not set\n' });
});
