import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/fixtures.js';
import { pollUntil, removeTempDirs, tempDir } from '../support/follow-daemon.js';
import {
  FAKE_JOURNALCTL,
  type JournalEntry,
  ensureJournald,
  parseJsonLines,
  readJournal,
  runProcess,
  snapshotJournal,
  uniqueIdentifier,
  waitForJournal,
  writeToJournal,
} from '../support/journald.js';

/**
 * The journald test support against the real systemd-journald of this machine, and what the
 * real journalctl (252 here) does that the journald source depends on: field types, MESSAGE
 * round trips, --after-cursor with a valid, a vanished and a malformed cursor, and --follow's
 * ten-line default. The fake journalctl is held to the same answers at the end.
 */

const journald = await ensureJournald();
if (!journald.available) console.warn(`journald-support: skipping the real-journald tests: ${journald.reason}`);
const skip = !journald.available;

const CONSOLE = readFileSync(fixturePath('openclaw-2026.9.6/console.stdout.txt'), 'utf8').split('\n').filter((line) => line.length > 0);

afterEach(() => removeTempDirs());

function messagesOf(entries: readonly JournalEntry[]): unknown[] {
  return entries.map((entry) => entry.MESSAGE);
}

/** Lines written one systemd-cat run each, so that their __REALTIME_TIMESTAMPs differ. */
async function writeSpaced(identifier: string, lines: readonly string[]): Promise<JournalEntry[]> {
  for (const line of lines) {
    await writeToJournal(identifier, [line]);
    await sleep(3);
  }
  const entries = await waitForJournal(identifier, lines.length);
  const times = entries.map((entry) => BigInt(String(entry.__REALTIME_TIMESTAMP)));
  for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1] as bigint);
  return entries;
}

async function journalctl(args: readonly string[]): Promise<{ code: number | null; messages: unknown[]; stderr: string }> {
  const result = await runProcess('journalctl', ['-o', 'json', '--no-pager', ...args]);
  return { code: result.code, messages: messagesOf(parseJsonLines(result.stdout)), stderr: result.stderr };
}

describe('ensureJournald, writeToJournal, waitForJournal', () => {
  it.skipIf(skip)('round-trips sample console lines byte-exact, ⇄ and … included, in order', async () => {
    const lines = [CONSOLE[0], CONSOLE.find((l) => l.includes('…')), CONSOLE.find((l) => l.includes('⇄')), CONSOLE[CONSOLE.length - 1]];
    expect(lines.every((line) => line !== undefined)).toBe(true);
    const sample = lines as string[];
    const id = uniqueIdentifier();
    await writeToJournal(id, sample);
    const entries = await waitForJournal(id, sample.length);
    expect(messagesOf(entries)).toEqual(sample);
    expect(entries.map((e) => Buffer.from(String(e.MESSAGE), 'utf8').equals(Buffer.from(sample[entries.indexOf(e)] ?? '', 'utf8')))).toEqual(sample.map(() => true));
    expect(entries.every((e) => e.SYSLOG_IDENTIFIER === id && e.PRIORITY === '6' && e._TRANSPORT === 'stdout')).toBe(true);
  });

  it.skipIf(skip)('round-trips the whole console sample (546 lines) in one systemd-cat run', async () => {
    const id = uniqueIdentifier();
    await writeToJournal(id, CONSOLE);
    expect(messagesOf(await waitForJournal(id, CONSOLE.length))).toEqual(CONSOLE);
  });

  it.skipIf(skip)('keeps tests apart: an identifier sees only its own entries', async () => {
    const [a, b] = [uniqueIdentifier(), uniqueIdentifier()];
    expect(a).toMatch(/^octest-[0-9a-f]{12}$/);
    await writeToJournal(a, ['for a']);
    await writeToJournal(b, ['for b 1', 'for b 2']);
    expect(messagesOf(await waitForJournal(a, 1))).toEqual(['for a']);
    expect(messagesOf(await waitForJournal(b, 2))).toEqual(['for b 1', 'for b 2']);
    await expect(waitForJournal(a, 2, 300)).rejects.toThrow(/shows 1 of 2 entries for SYSLOG_IDENTIFIER=octest-/);
  });

  it.skipIf(skip)('ensureJournald is stable and systemd-cat failures are reported', async () => {
    expect(await ensureJournald()).toEqual({ available: true });
    await expect(writeToJournal(uniqueIdentifier(), ['a\nb'])).rejects.toThrow(/must not contain a newline/);
    await expect(writeToJournal(uniqueIdentifier(), ['x'], { priority: 9 })).rejects.toThrow(/systemd-cat exited with 1/);
  });
});

describe('what journalctl -o json prints', () => {
  it.skipIf(skip)('every value is a string, numbers included; fields are the ones a stdout stream gets', async () => {
    const id = uniqueIdentifier();
    await writeToJournal(id, ['warned'], { priority: 4 });
    const [entry] = await waitForJournal(id, 1);
    expect(entry).toBeDefined();
    for (const value of Object.values(entry as JournalEntry)) expect(typeof value).toBe('string');
    expect(entry).toMatchObject({ MESSAGE: 'warned', PRIORITY: '4', SYSLOG_IDENTIFIER: id, _TRANSPORT: 'stdout' });
    for (const field of ['__REALTIME_TIMESTAMP', '__MONOTONIC_TIMESTAMP', '_PID', '_UID', '_GID']) expect(entry?.[field]).toMatch(/^\d+$/);
    expect(entry?._BOOT_ID).toMatch(/^[0-9a-f]{32}$/);
    expect(entry?.__CURSOR).toMatch(/^s=[0-9a-f]{32};i=[0-9a-f]+;b=[0-9a-f]{32};m=[0-9a-f]+;t=[0-9a-f]+;x=[0-9a-f]+$/);
    // t= in the cursor is __REALTIME_TIMESTAMP in hex.
    expect(BigInt(`0x${/;t=([0-9a-f]+)/.exec(String(entry?.__CURSOR))?.[1]}`)).toBe(BigInt(String(entry?.__REALTIME_TIMESTAMP)));
  });

  it.skipIf(skip)('non-printable text is an array of bytes; a field of 4096 bytes or more is null without --all', async () => {
    const id = uniqueIdentifier();
    const lines = ['\u001b[31mred\u001b[0m', 'cr\rinside', 'tab\tinside', 'a'.repeat(4087), 'b'.repeat(4088)];
    await writeToJournal(id, lines);
    expect(messagesOf(await waitForJournal(id, lines.length))).toEqual([
      [...Buffer.from(lines[0] ?? '')],
      [...Buffer.from(lines[1] ?? '')],
      'tab\tinside',
      'a'.repeat(4087),
      'b'.repeat(4088),
    ]);
    const plain = await journalctl([`SYSLOG_IDENTIFIER=${id}`]);
    expect(plain.messages.slice(3)).toEqual(['a'.repeat(4087), null]); // "MESSAGE=" + 4088 bytes = 4096
  });

  it.skipIf(skip || !existsSync('/usr/bin/logger'))('a field given more than once is an array of its values', async () => {
    const id = uniqueIdentifier();
    const sent = await runProcess('/usr/bin/logger', ['--journald'], { input: `MESSAGE=multi\nSYSLOG_IDENTIFIER=${id}\nTAG=a\nTAG=b\nBIN=x\u001by\n` });
    expect(sent.code).toBe(0);
    const [entry] = await waitForJournal(id, 1);
    expect(entry).toMatchObject({ MESSAGE: 'multi', TAG: ['a', 'b'], BIN: [120, 27, 121], _TRANSPORT: 'journal' });
  });

  it.skipIf(skip)('journald strips trailing whitespace and drops empty lines; leading spaces and "<3>" stay', async () => {
    const id = uniqueIdentifier();
    await writeToJournal(id, ['trailing   ', '', '   leading', '<3>not a level']);
    const entries = await waitForJournal(id, 3);
    await sleep(200);
    expect(messagesOf(await readJournal([`SYSLOG_IDENTIFIER=${id}`]))).toEqual(['trailing', '   leading', '<3>not a level']);
    expect(entries[2]?.PRIORITY).toBe('6');
  });
});

describe('journalctl --after-cursor (the source resumes with it)', () => {
  it.skipIf(skip)('(a) a valid cursor: the entries after it, exit 0, nothing on stderr; --cursor includes the entry itself', async () => {
    const id = uniqueIdentifier();
    const entries = await writeSpaced(id, ['one', 'two', 'three']);
    const c1 = String(entries[0]?.__CURSOR);
    expect(await journalctl([`--after-cursor=${c1}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({ code: 0, messages: ['two', 'three'], stderr: '' });
    expect(await journalctl([`--cursor=${c1}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({ code: 0, messages: ['one', 'two', 'three'], stderr: '' });
    expect(await journalctl([`--after-cursor=${String(entries[2]?.__CURSOR)}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({ code: 0, messages: [], stderr: '' });
  });

  it.skipIf(skip)('(b) a well-formed cursor of an entry that is not there: exit 0, no message, and the first entry after it is skipped', async () => {
    const id = uniqueIdentifier();
    const entries = await writeSpaced(id, ['one', 'two', 'three', 'four']);
    // Another journal's entry (unknown seqnum id and boot id) from between "two" and "three".
    const t = (BigInt(String(entries[1]?.__REALTIME_TIMESTAMP)) + 1n).toString(16);
    const vanished = `s=${'1'.repeat(32)};i=1;b=${'2'.repeat(32)};m=1;t=${t};x=0`;
    expect(await journalctl([`--after-cursor=${vanished}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({ code: 0, messages: ['four'], stderr: '' });
    expect(await journalctl([`--cursor=${vanished}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({ code: 0, messages: ['three', 'four'], stderr: '' });
    // Older than every entry (vacuumed away): the oldest matching entry is the one lost.
    const ancient = `s=${'1'.repeat(32)};i=1;b=${'2'.repeat(32)};m=1;t=1;x=0`;
    expect(await journalctl([`--after-cursor=${ancient}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({ code: 0, messages: ['two', 'three', 'four'], stderr: '' });
  });

  it.skipIf(skip)('(c) a malformed cursor: "Failed to seek to cursor: Invalid argument" on stderr, exit 1', async () => {
    const id = uniqueIdentifier();
    await writeSpaced(id, ['one']);
    for (const cursor of ['garbage', '', 's=zz;i=1', 's=0123456789abcdef0123456789abcdef', 'foo=bar']) {
      expect(await journalctl([`--after-cursor=${cursor}`, `SYSLOG_IDENTIFIER=${id}`])).toEqual({
        code: 1,
        messages: [],
        stderr: 'Failed to seek to cursor: Invalid argument\n',
      });
    }
  });

  it.skipIf(skip)('--follow with a cursor and without --no-tail prints at most 10 entries until the journal changes', async () => {
    const id = uniqueIdentifier();
    const lines = Array.from({ length: 12 }, (_, i) => `entry ${i + 1}`);
    await writeToJournal(id, lines);
    const entries = await waitForJournal(id, 12);
    // A copy of the journal that nothing writes to: on the live one any entry from anywhere is a change.
    const dir = tempDir('journal-snapshot');
    expect((await snapshotJournal(dir)).length).toBeGreaterThan(0);
    const follow = async (extra: readonly string[]): Promise<unknown[]> => {
      const args = ['-o', 'json', '--no-pager', `--directory=${dir}`, '--follow', ...extra, `--after-cursor=${String(entries[0]?.__CURSOR)}`, `SYSLOG_IDENTIFIER=${id}`];
      const result = await runProcess('journalctl', args, { timeoutMs: 1000 });
      expect(result.code).toBe(null); // still following when killed
      return messagesOf(parseJsonLines(result.stdout));
    };
    expect(await follow([])).toEqual(lines.slice(1, 11));
    expect(await follow(['--no-tail'])).toEqual(lines.slice(1));
    expect(await follow(['--lines=all'])).toEqual(lines.slice(1));
  });

  it.skipIf(skip)('--follow with a cursor and without --no-tail prints the rest once the journal changes', async () => {
    const id = uniqueIdentifier();
    const lines = Array.from({ length: 12 }, (_, i) => `entry ${i + 1}`);
    await writeToJournal(id, lines);
    const entries = await waitForJournal(id, 12);
    const child = spawn('journalctl', ['-o', 'json', '--no-pager', '--follow', `--after-cursor=${String(entries[0]?.__CURSOR)}`, `SYSLOG_IDENTIFIER=${id}`], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    try {
      await pollUntil(() => parseJsonLines(out).length >= 10, 5000, '10 entries from journalctl --follow');
      await writeToJournal(id, ['entry 13']);
      await pollUntil(() => parseJsonLines(out).length >= 12, 5000, 'the rest after the journal changed');
      expect(messagesOf(parseJsonLines(out))).toEqual([...lines.slice(1), 'entry 13']);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('fake-journalctl agrees with journalctl on the same entries', () => {
  it.skipIf(skip)('cursors, --since, -n and matches give the same output, stderr and exit code', async () => {
    const id = uniqueIdentifier();
    const entries = await writeSpaced(id, ['one', 'two', 'three', 'four', 'five']);
    await writeToJournal(id, ['warn'], { priority: 4 });
    const all = await waitForJournal(id, 6);
    const dir = tempDir('fake-vs-real');
    const entriesPath = join(dir, 'journal.jsonl');
    writeFileSync(entriesPath, all.map((entry) => `${JSON.stringify(entry)}\n`).join(''));

    const cursor = (i: number): string => String(entries[i]?.__CURSOR);
    const realtime = (i: number): bigint => BigInt(String(entries[i]?.__REALTIME_TIMESTAMP));
    const seconds = (us: bigint): string => `@${us / 1_000_000n}.${String(us % 1_000_000n).padStart(6, '0')}`;
    const seqnumId = /^s=([0-9a-f]+)/.exec(cursor(0))?.[1] ?? '';
    const match = `SYSLOG_IDENTIFIER=${id}`;
    const cases: string[][] = [
      [match],
      ['-n', '2', match],
      [`--after-cursor=${cursor(1)}`, match],
      [`--cursor=${cursor(1)}`, match],
      [`--after-cursor=${cursor(1)}`, 'PRIORITY=4', match],
      [`--after-cursor=s=${'1'.repeat(32)};i=1;b=${'2'.repeat(32)};m=1;t=${(realtime(1) + 1n).toString(16)};x=0`, match],
      [`--after-cursor=s=${'1'.repeat(32)};i=1;b=${'2'.repeat(32)};m=1;t=1;x=0`, match],
      [`--after-cursor=s=${seqnumId};i=ffffffff`, match],
      ['--after-cursor=garbage', match],
      [`--since=${seconds(realtime(2))}`, match],
      [`--since=${seconds(realtime(2) + 1n)}`, '-n', '1', match],
      [`--since=${seconds(realtime(1))}`, `--until=${seconds(realtime(3))}`, match],
      ['--since=2026-11-21T16:49:45Z', match],
      ['MESSAGE=two', match, '+', 'MESSAGE=four', match],
      ['MESSAGE=two', 'MESSAGE=four', match],
      ['+', match],
      ['lowercase=x', match],
    ];
    for (const args of cases) {
      const real = await runProcess('journalctl', ['-o', 'json', '--all', '--no-pager', ...args]);
      const fake = await runProcess(process.execPath, [FAKE_JOURNALCTL, '-o', 'json', '--all', '--no-pager', ...args], { env: { FAKE_JOURNAL_ENTRIES: entriesPath } });
      const view = (r: typeof real): unknown => ({ args, code: r.code, stderr: r.stderr, messages: messagesOf(parseJsonLines(r.stdout)) });
      expect(view(fake)).toEqual(view(real));
    }
  });
});
