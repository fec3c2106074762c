import { appendFileSync, copyFileSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import type * as FsPromises from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fingerprintKey, type FileFingerprint } from '../../../src/model/fingerprint-key.js';
import { fingerprintOf } from '../../../src/sources/file-fingerprint.js';
import { FileSource, type FileLineSink, type SavedOffsets, type StartFrom } from '../../../src/sources/file-source.js';
import type { RawLine } from '../../../src/model/raw-line.js';

/**
 * A seam into the source's directory listing, to land a rename at the one moment
 * a scan cannot see it atomically (after readdir, before stat). Transparent
 * unless a test arms it; it fires once.
 */
const listing = vi.hoisted(() => ({ afterReaddir: undefined as (() => void) | undefined }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  const readdir = async (...args: Parameters<typeof actual.readdir>): Promise<unknown> => {
    const names = await actual.readdir(...args);
    const hook = listing.afterReaddir;
    listing.afterReaddir = undefined;
    hook?.();
    return names;
  };
  return { ...actual, readdir };
});

interface Received {
  key: string;
  path: string;
  text: string;
  start: number;
  end: number;
}

class RecordingSink implements FileLineSink {
  readonly lines: Received[] = [];
  take(file: { key: string; path: string }, lines: RawLine[]): Promise<void> {
    // The bytes are a view into the read chunk: decode them now.
    for (const line of lines) this.lines.push({ key: file.key, path: file.path, text: line.bytes.toString('utf8'), start: line.start, end: line.end });
    return Promise.resolve();
  }
  get texts(): string[] {
    return this.lines.map((line) => line.text);
  }
}

class MemoryOffsets implements SavedOffsets {
  readonly offsets = new Map<string, number>();
  readonly all: { fingerprint: FileFingerprint; path: string }[] = [];
  get(key: string): { offset: number } | undefined {
    const offset = this.offsets.get(key);
    return offset === undefined ? undefined : { offset };
  }
  save(fingerprint: FileFingerprint, offset: number, path: string): void {
    this.offsets.set(fingerprintKey(fingerprint), offset);
    this.all.push({ fingerprint, path });
  }
}

class RecordingEvents {
  readonly notes: string[] = [];
  readonly truncated: string[] = [];
  note = (message: string): void => {
    this.notes.push(message);
  };
  truncatedFile = (path: string): void => {
    this.truncated.push(path);
  };
  readonly rotations: string[] = [];
  rotated = (path: string, kind: 'renamed' | 'new_day'): void => {
    this.rotations.push(`${kind} ${basename(path)}`);
  };
  /** Lines handed over before each caught-up signal. */
  readonly caughtUpAfter: number[] = [];
  constructor(private readonly sink?: RecordingSink) {}
  caughtUp = (): void => {
    this.caughtUpAfter.push(this.sink?.lines.length ?? -1);
  };
}

const LIVE = 'openclaw-2026-11-21.log';
const ROTATED_1 = 'openclaw-2026-11-21.1.log';
const ROTATED_2 = 'openclaw-2026-11-21.2.log';
const NEXT_DAY = 'openclaw-2026-11-22.log';

/** A log line unique to `n` (so every file starts with a different first line, as OpenClaw's timestamps make them). */
const line = (n: number, pad = 0): string => `{"seq":${n},"time":"2026-11-21T10:00:${String(n % 60).padStart(2, '0')}.000Z","msg":"hello ${n}${'.'.repeat(pad)}"}`;
const linesOf = (...ns: number[]): string => ns.map((n) => `${line(n)}\n`).join('');
const bytes = (text: string): number => Buffer.byteLength(text);

async function keyOf(path: string): Promise<string> {
  const fingerprint = await fingerprintOfPath(path);
  if (fingerprint === undefined) throw new Error(`${path} has no complete first line`);
  return fingerprintKey(fingerprint);
}

async function fingerprintOfPath(path: string): Promise<FileFingerprint | undefined> {
  const handle = await open(path, 'r');
  try {
    return await fingerprintOf(handle);
  } finally {
    await handle.close();
  }
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Long enough for several rescans (rescanMs is 50) and watch events: what has not arrived by then is not coming. */
const settle = (): Promise<unknown> => sleep(300);

describe('FileSource', () => {
  const dirs: string[] = [];
  const sources: FileSource[] = [];

  afterEach(async () => {
    for (const source of sources.splice(0)) await source.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-source-'));
    dirs.push(dir);
    return dir;
  };

  async function follow(path: string, from: StartFrom, saved = new MemoryOffsets(), maxLineBytes = 1024 * 1024) {
    const sink = new RecordingSink();
    const events = new RecordingEvents(sink);
    const source = new FileSource({ path, from, maxLineBytes, rescanMs: 50, readChunkBytes: 64 * 1024 }, saved, sink, {
      note: events.note,
      truncated: events.truncatedFile,
      caughtUp: events.caughtUp,
      rotated: events.rotated,
    });
    sources.push(source);
    await source.start();
    return { source, sink, events };
  }

  const received = (sink: RecordingSink, count: number) => waitFor(`${count} lines`, () => sink.lines.length >= count);

  it('says it has caught up only after a cycle that handed over everything there was to read', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LIVE), linesOf(1, 2));
    const { source, sink, events } = await follow(dir, 'beginning');
    await received(sink, 2);
    await waitFor('caught up', () => events.caughtUpAfter.includes(2));
    expect(source.reading).toBe(false);
    appendFileSync(join(dir, LIVE), linesOf(3, 4, 5));
    await received(sink, 5);
    await waitFor('caught up again', () => events.caughtUpAfter.includes(5));
    // Never signalled in the middle of what was appended together.
    expect(events.caughtUpAfter.filter((n) => n > 2 && n < 5)).toEqual([]);
  });

  it('counts as reading until its first cycle has ended: files not read yet are unread input, even before start()', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LIVE), linesOf(1, 2));
    const sink = new RecordingSink();
    const events = new RecordingEvents(sink);
    const source = new FileSource({ path: dir, from: 'beginning', maxLineBytes: 1024, rescanMs: 50, readChunkBytes: 64 * 1024 }, new MemoryOffsets(), sink, {
      note: events.note,
      truncated: events.truncatedFile,
      caughtUp: events.caughtUp,
    });
    sources.push(source);
    expect(source.reading).toBe(true);
    await source.start();
    await waitFor('caught up', () => events.caughtUpAfter.includes(2));
    expect(source.reading).toBe(false);
  });

  describe('where reading starts', () => {
    it("from 'end' skips the lines there at start, but reads what is appended and files that appear later from 0", async () => {
      const dir = tempDir();
      writeFileSync(join(dir, LIVE), linesOf(1, 2));
      const { sink } = await follow(dir, 'end');
      await settle();
      expect(sink.lines).toEqual([]);

      appendFileSync(join(dir, LIVE), linesOf(3));
      writeFileSync(join(dir, NEXT_DAY), linesOf(101, 102));
      await received(sink, 3);
      await settle();

      const key = await keyOf(join(dir, LIVE));
      const nextKey = await keyOf(join(dir, NEXT_DAY));
      const skipped = bytes(linesOf(1, 2));
      expect(sink.lines).toEqual([
        { key, path: join(dir, LIVE), text: line(3), start: skipped, end: skipped + bytes(linesOf(3)) },
        { key: nextKey, path: join(dir, NEXT_DAY), text: line(101), start: 0, end: bytes(linesOf(101)) },
        { key: nextKey, path: join(dir, NEXT_DAY), text: line(102), start: bytes(linesOf(101)), end: bytes(linesOf(101, 102)) },
      ]);
    });

    it("from 'end' starts at the beginning of a partial last line, so it is read whole once complete", async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, `${linesOf(1, 2)}{"seq":3,"msg":"half`);
      const { sink } = await follow(dir, 'end');
      appendFileSync(path, ' and the rest"}\n');
      await received(sink, 1);
      await settle();
      expect(sink.lines.map(({ text, start }) => ({ text, start }))).toEqual([{ text: '{"seq":3,"msg":"half and the rest"}', start: bytes(linesOf(1, 2)) }]);
    });

    it("from 'beginning' reads every file there at start, oldest first", async () => {
      const dir = tempDir();
      writeFileSync(join(dir, LIVE), linesOf(5, 6));
      writeFileSync(join(dir, ROTATED_1), linesOf(3, 4));
      writeFileSync(join(dir, ROTATED_2), linesOf(1, 2));
      writeFileSync(join(dir, 'openclaw-2026-11-20.log'), linesOf(0));
      const { sink } = await follow(dir, 'beginning');
      await received(sink, 7);
      await settle();
      expect(sink.texts).toEqual([line(0), line(1), line(2), line(3), line(4), line(5), line(6)]);
    });

    it('ignores files in the directory that are not rolling logs', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'openclaw.log'), linesOf(900));
      writeFileSync(join(dir, 'events-2026-11-21.jsonl'), linesOf(901));
      writeFileSync(join(dir, `${LIVE}.gz`), linesOf(902));
      writeFileSync(join(dir, LIVE), linesOf(1));
      const { sink } = await follow(dir, 'beginning');
      await received(sink, 1);
      appendFileSync(join(dir, 'openclaw.log'), linesOf(903));
      await settle();
      expect(sink.texts).toEqual([line(1)]);
    });

    it('follows one file given by path', async () => {
      const dir = tempDir();
      const path = join(dir, 'gateway.log');
      writeFileSync(path, linesOf(1));
      writeFileSync(join(dir, LIVE), linesOf(50));
      const { source, sink } = await follow(path, 'beginning');
      expect(source.target).toBe(path);
      await received(sink, 1);
      appendFileSync(path, linesOf(2));
      await received(sink, 2);
      await settle();
      expect(sink.texts).toEqual([line(1), line(2)]);
    });

    it('waits for a directory that does not exist yet, then reads its files from 0 even with --from end', async () => {
      const dir = join(tempDir(), 'openclaw');
      const { source, sink, events } = await follow(dir, 'end');
      expect(source.target).toBe(`${dir}/`);
      await settle();
      expect(events.notes).toEqual([`${dir}/ does not exist yet; waiting for it`]);
      mkdirSync(dir);
      writeFileSync(join(dir, LIVE), linesOf(1, 2));
      await received(sink, 2);
      await settle();
      expect(sink.texts).toEqual([line(1), line(2)]);
      expect(events.notes).toHaveLength(1);
    });
  });

  describe('partial lines', () => {
    it('does not hand over a partial last line until its newline arrives', async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1));
      const { source, sink } = await follow(dir, 'beginning');
      await received(sink, 1);

      appendFileSync(path, '{"seq":2,"msg":"ha');
      await settle();
      expect(sink.texts).toEqual([line(1)]);
      expect([...source.positions()].map((position) => position.consumed)).toEqual([bytes(linesOf(1))]);

      appendFileSync(path, 'lf"}\n');
      await received(sink, 2);
      await settle();
      expect(sink.lines.slice(1).map(({ text, start, end }) => ({ text, start, end }))).toEqual([
        { text: '{"seq":2,"msg":"half"}', start: bytes(linesOf(1)), end: bytes(linesOf(1)) + bytes('{"seq":2,"msg":"half"}\n') },
      ]);
    });

    it('does not read a file before its first line is complete (it has no identity yet)', async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, '{"seq":1,');
      const { source, sink } = await follow(dir, 'end');
      await settle();
      expect(sink.lines).toEqual([]);
      expect([...source.positions()]).toEqual([]);
      appendFileSync(path, `"msg":"first"}\n${linesOf(2)}`);
      await received(sink, 2);
      expect(sink.texts).toEqual(['{"seq":1,"msg":"first"}', line(2)]);
    });
  });

  describe('rotation', () => {
    it('hands over every line exactly once, in order, across rename rotations', async () => {
      const dir = tempDir();
      const live = join(dir, LIVE);
      writeFileSync(live, linesOf(1, 2, 3));
      const { sink, events } = await follow(dir, 'beginning');
      await received(sink, 3);
      const firstKey = await keyOf(live);

      // Lines written just before the rename are read from the renamed file.
      appendFileSync(live, linesOf(4, 5));
      renameSync(live, join(dir, ROTATED_1));
      writeFileSync(live, linesOf(6, 7));
      await received(sink, 7);
      const secondKey = await keyOf(live);
      appendFileSync(live, linesOf(8));
      await received(sink, 8);

      renameSync(join(dir, ROTATED_1), join(dir, ROTATED_2));
      renameSync(live, join(dir, ROTATED_1));
      writeFileSync(live, linesOf(9));
      await received(sink, 9);
      await settle();

      expect(sink.texts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => line(n)));
      expect(sink.lines.map((received) => received.key)).toEqual([
        ...Array<string>(5).fill(firstKey),
        ...Array<string>(3).fill(secondKey),
        await keyOf(live),
      ]);
      // Offsets continue across the rename: line 4 starts where line 3 ended.
      expect(sink.lines[3]?.start).toBe(bytes(linesOf(1, 2, 3)));
      expect(sink.lines[5]?.start).toBe(0);
      expect(events.truncated).toEqual([]);
      // Two rotations, each told once (the .1 → .2 shift is part of the second), whatever the scans saw in between.
      expect(events.rotations).toEqual([`renamed ${ROTATED_1}`, `renamed ${ROTATED_1}`]);
    });

    it('tells the midnight roll once, not the files there at start-up, nor an older day copied in', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, 'openclaw-2026-11-20.log'), linesOf(1));
      writeFileSync(join(dir, LIVE), linesOf(2));
      const { sink, events } = await follow(dir, 'beginning');
      await received(sink, 2);
      writeFileSync(join(dir, NEXT_DAY), linesOf(3));
      await received(sink, 3);
      writeFileSync(join(dir, 'openclaw-2026-11-19.log'), linesOf(4));
      await received(sink, 4);
      await settle();
      expect(events.rotations).toEqual([`new_day ${NEXT_DAY}`]);
    });
  });

  describe('rotation racing a scan', () => {
    // A file renamed between the scan's readdir and its stat must not be taken for deleted (drained, closed,
    // retired, then found again under its new name and read a second time).
    it('hands over every line once when the rename lands between listing the directory and stat()ing the file', async () => {
      const dir = tempDir();
      const live = join(dir, LIVE);
      writeFileSync(live, linesOf(1, 2, 3));
      const { source, sink } = await follow(dir, 'beginning');
      await received(sink, 3);
      await settle();
      expect(source.takeRetired()).toEqual([]);

      listing.afterReaddir = () => renameSync(live, join(dir, ROTATED_1));
      await waitFor('the next scan', () => listing.afterReaddir === undefined);
      writeFileSync(live, linesOf(4));
      await received(sink, 4);
      await settle();

      expect(sink.texts).toEqual([line(1), line(2), line(3), line(4)]);
      // The renamed file is still there: its checkpoint must not go.
      expect(source.takeRetired()).toEqual([]);
    });
  });

  describe('checkpoints', () => {
    it.each<StartFrom>(['beginning', 'end'])("resumes exactly at a saved offset (from '%s' does not matter)", async (from) => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1, 2, 3));
      const saved = new MemoryOffsets();
      const fingerprint = await fingerprintOfPath(path);
      if (fingerprint === undefined) throw new Error('no fingerprint');
      saved.save(fingerprint, bytes(linesOf(1, 2)), path);

      const { sink, events } = await follow(dir, from, saved);
      await received(sink, 1);
      appendFileSync(path, linesOf(4));
      await received(sink, 2);
      await settle();
      expect(sink.lines.map(({ text, start }) => ({ text, start }))).toEqual([
        { text: line(3), start: bytes(linesOf(1, 2)) },
        { text: line(4), start: bytes(linesOf(1, 2, 3)) },
      ]);
      expect(events.truncated).toEqual([]);
    });

    it('finds a saved offset under a new name (identity is the first line, not the path), and reads the file that appeared meanwhile whole', async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1, 2, 3));
      const saved = new MemoryOffsets();
      const fingerprint = await fingerprintOfPath(path);
      if (fingerprint === undefined) throw new Error('no fingerprint');
      saved.save(fingerprint, bytes(linesOf(1)), path);
      // Rotated while otel-tail was stopped.
      renameSync(path, join(dir, ROTATED_1));
      writeFileSync(path, linesOf(10));

      // --from end is for a first start: a restart reads what came while it was stopped.
      const { sink } = await follow(dir, 'end', saved);
      appendFileSync(path, linesOf(11));
      await received(sink, 4);
      await settle();
      expect(sink.texts).toEqual([line(2), line(3), line(10), line(11)]);
    });

    it('starts a first follow of a directory at the end, but not a restart of it, nor another directory', async () => {
      const dir = tempDir();
      const other = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1, 2));
      writeFileSync(join(other, LIVE), linesOf(30));
      const saved = new MemoryOffsets();
      const rolled = join(dir, 'openclaw-2026-11-20.log');
      writeFileSync(rolled, linesOf(5));
      const fingerprint = await fingerprintOfPath(rolled);
      if (fingerprint === undefined) throw new Error('no fingerprint');
      saved.save(fingerprint, bytes(linesOf(5)), rolled);

      // The directory has a checkpoint (yesterday's file, read to its end): today's file came while stopped.
      const restarted = await follow(dir, 'end', saved);
      await received(restarted.sink, 2);
      await settle();
      expect(restarted.sink.texts).toEqual([line(1), line(2)]);
      // Another directory, never followed: from its end, as tail -f.
      const first = await follow(other, 'end', saved);
      appendFileSync(join(other, LIVE), linesOf(31));
      await received(first.sink, 1);
      await settle();
      expect(first.sink.texts).toEqual([line(31)]);
    });

    it('reads a file from the start when it is shorter than its saved offset, and says so', async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1, 2));
      const saved = new MemoryOffsets();
      const fingerprint = await fingerprintOfPath(path);
      if (fingerprint === undefined) throw new Error('no fingerprint');
      saved.save(fingerprint, 10_000, path);

      const { sink, events } = await follow(dir, 'end', saved);
      await received(sink, 2);
      await settle();
      expect(sink.texts).toEqual([line(1), line(2)]);
      expect(events.truncated).toEqual([path]);
      expect(events.notes).toEqual([`${path} is shorter than its checkpoint (truncated while otel-tail was stopped): reading it from the start`]);
    });

    it('reports positions at the end of the last complete line handed over', async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, `${linesOf(1, 2)}{"partial":`);
      const { source, sink } = await follow(dir, 'beginning');
      await received(sink, 2);
      await settle();
      const fingerprint = await fingerprintOfPath(path);
      expect([...source.positions()].map(({ key, fingerprint: fp, path: p, consumed }) => ({ key, fingerprint: fp, path: p, consumed }))).toEqual([
        { key: await keyOf(path), fingerprint, path, consumed: bytes(linesOf(1, 2)) },
      ]);
    });

    it("reports a file skipped by --from end at its end, before any line is read", async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1, 2, 3));
      const { source } = await follow(dir, 'end');
      expect([...source.positions()].map(({ path, consumed }) => ({ path, consumed }))).toEqual([{ path, consumed: bytes(linesOf(1, 2, 3)) }]);
    });

    it('retires saved checkpoints of files of its directory that are gone, and only those', async () => {
      const dir = tempDir();
      const path = join(dir, LIVE);
      writeFileSync(path, linesOf(1));
      const present = await fingerprintOfPath(path);
      if (present === undefined) throw new Error('no fingerprint');
      const deleted: FileFingerprint = { hash: 'd'.repeat(64), length: 50, dev: 1, ino: 1 };
      const elsewhere: FileFingerprint = { hash: 'e'.repeat(64), length: 50, dev: 1, ino: 2 };
      const saved = new MemoryOffsets();
      saved.save(present, 0, path);
      saved.save(deleted, 100, join(dir, 'openclaw-2026-11-19.log'));
      saved.save(elsewhere, 100, join(tempDir(), LIVE));

      const { source } = await follow(dir, 'end', saved);
      expect(source.takeRetired()).toEqual([fingerprintKey(deleted)]);
      expect(source.takeRetired()).toEqual([]);
    });
  });

  describe('copytruncate', () => {
    it('reads the rewritten file from 0, counts the truncation, and loses nothing written before it', async () => {
      const dir = tempDir();
      const live = join(dir, LIVE);
      writeFileSync(live, linesOf(1, 2, 3));
      const { sink, events } = await follow(dir, 'beginning');
      await received(sink, 3);
      const oldKey = await keyOf(live);

      // Written, then copied and truncated (logrotate's copytruncate) before we read it.
      appendFileSync(live, linesOf(4, 5));
      copyFileSync(live, join(dir, ROTATED_1));
      truncateSync(live, 0);
      const fresh = `${line(101, 40)}\n${line(102, 40)}\n`;
      appendFileSync(live, fresh);
      expect(statSync(live).size).not.toBe(bytes(linesOf(1, 2, 3)));
      expect(statSync(live).size).not.toBe(bytes(linesOf(1, 2, 3, 4, 5)));

      await received(sink, 7);
      await settle();
      const newKey = await keyOf(live);
      const fromOld = sink.lines.filter((received) => received.key === oldKey);
      const fromNew = sink.lines.filter((received) => received.key === newKey);
      expect(fromOld.map(({ text, start }) => ({ text, start }))).toEqual([1, 2, 3, 4, 5].map((n, i) => ({ text: line(n), start: bytes(linesOf(...[1, 2, 3, 4, 5].slice(0, i))) })));
      expect(fromNew.map(({ text, start, path }) => ({ text, start, path }))).toEqual([
        { text: line(101, 40), start: 0, path: live },
        { text: line(102, 40), start: bytes(line(101, 40)) + 1, path: live },
      ]);
      expect(sink.lines).toHaveLength(7);
      expect(events.truncated).toEqual([live]);
    });

    it('reads a file truncated in place with no copy from 0', async () => {
      const dir = tempDir();
      const live = join(dir, LIVE);
      writeFileSync(live, linesOf(1, 2, 3));
      const { source, sink, events } = await follow(dir, 'beginning');
      await received(sink, 3);
      const oldKey = await keyOf(live);

      truncateSync(live, 0);
      appendFileSync(live, linesOf(20));
      await received(sink, 4);
      await settle();
      expect(sink.texts).toEqual([line(1), line(2), line(3), line(20)]);
      expect(sink.lines[3]?.start).toBe(0);
      expect(events.truncated).toEqual([live]);
      // With no copy to continue it, the old content is finished: its checkpoint can go.
      expect(source.takeRetired()).toEqual([oldKey]);
      expect([...source.positions()].map(({ key }) => key)).toEqual([await keyOf(live)]);
    });
  });

  describe('deleted files', () => {
    it('drains a deleted file to its end (including an unterminated last line), then retires it', async () => {
      const dir = tempDir();
      const live = join(dir, LIVE);
      writeFileSync(live, linesOf(1, 2));
      const { source, sink } = await follow(dir, 'beginning');
      await received(sink, 2);
      const key = await keyOf(live);

      appendFileSync(live, `${linesOf(3)}{"seq":4,"msg":"cut short"`);
      unlinkSync(live);
      await received(sink, 4);
      await waitFor('the deleted file to be closed', () => [...source.positions()].length === 0);
      await settle();

      expect(sink.lines.slice(2).map(({ text, start, key }) => ({ text, start, key }))).toEqual([
        { text: line(3), start: bytes(linesOf(1, 2)), key },
        { text: '{"seq":4,"msg":"cut short"', start: bytes(linesOf(1, 2, 3)), key },
      ]);
      expect(source.takeRetired()).toEqual([key]);
      expect(source.takeRetired()).toEqual([]);
    });
  });

  describe('stopping', () => {
    it('stopReading() stops handing lines over', async () => {
      const dir = tempDir();
      const live = join(dir, LIVE);
      writeFileSync(live, linesOf(1));
      const { source, sink } = await follow(dir, 'beginning');
      await received(sink, 1);

      source.stopReading();
      appendFileSync(live, linesOf(2, 3));
      writeFileSync(join(dir, NEXT_DAY), linesOf(4));
      await settle();
      expect(sink.texts).toEqual([line(1)]);
      expect([...source.positions()].map(({ consumed }) => consumed)).toEqual([bytes(linesOf(1))]);
    });

    it('close() releases the files and reports no positions', async () => {
      const dir = tempDir();
      writeFileSync(join(dir, LIVE), linesOf(1));
      const { source, sink } = await follow(dir, 'beginning');
      await received(sink, 1);
      await source.close();
      expect([...source.positions()]).toEqual([]);
      appendFileSync(join(dir, LIVE), linesOf(2));
      await settle();
      expect(sink.texts).toEqual([line(1)]);
    });
  });
});
