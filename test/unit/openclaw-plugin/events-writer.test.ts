import { mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DROPPED_EVENT_TYPE, EventsWriter, eventsFileName } from '../../../openclaw-plugin/events-writer.js';

// 2026-11-21T12:00:00 local time: the writer names files by the local date, as OpenClaw's log.
const NOON = new Date(2026, 10, 21, 12).getTime();
const TODAY = 'events-2026-11-21';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tail-plugin-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const lines = (path: string): unknown[] => readFileSync(path, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown);
const event = (seq: number, pad = 0): Record<string, unknown> => ({ type: 'run.progress', ts: NOON + seq, seq, pad: 'x'.repeat(pad) });

describe('EventsWriter (openclaw-plugin)', () => {
  it('names files by the local date, with OpenClaw’s rotation numbers', () => {
    expect(eventsFileName(NOON)).toBe(`${TODAY}.jsonl`);
    expect(eventsFileName(NOON, 3)).toBe(`${TODAY}.3.jsonl`);
  });

  it('writes one JSON line per event, the listener’s metadata in an envelope, none before the flush', async () => {
    const dir = tempDir();
    const writer = new EventsWriter({ dir, now: () => NOON, flushIntervalMs: 60_000 });
    writer.push(event(1));
    writer.push(event(2), { trusted: true });
    expect(readdirSync(dir)).toEqual([]);
    await writer.close();
    expect(lines(join(dir, `${TODAY}.jsonl`))).toEqual([event(1), { event: event(2), metadata: { trusted: true } }]);
    expect(writer.stats).toMatchObject({ written: 2, dropped: 0 });
  });

  it('batches: nothing is written synchronously, a timer flushes after the interval', async () => {
    const dir = tempDir();
    const writer = new EventsWriter({ dir, now: () => NOON, flushIntervalMs: 50 });
    for (let i = 0; i < 100; i++) writer.push(event(i));
    expect(readdirSync(dir)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(lines(join(dir, `${TODAY}.jsonl`))).toHaveLength(100);
    await writer.close();
  });

  it('flushes early once flushBytes are queued', async () => {
    const dir = tempDir();
    const writer = new EventsWriter({ dir, now: () => NOON, flushIntervalMs: 60_000, flushBytes: 1000 });
    for (let i = 0; i < 20; i++) writer.push(event(i, 100));
    await new Promise((r) => setTimeout(r, 100));
    expect(lines(join(dir, `${TODAY}.jsonl`)).length).toBeGreaterThanOrEqual(8);
    await writer.close();
    expect(lines(join(dir, `${TODAY}.jsonl`))).toHaveLength(20);
  });

  it('rotates by size: .N → .N+1, the live file → .1, keeping maxFiles rotated files', async () => {
    const dir = tempDir();
    const writer = new EventsWriter({ dir, now: () => NOON, maxFileBytes: 1000, maxFiles: 2, flushIntervalMs: 60_000 });
    const line = JSON.stringify(event(0, 380)).length + 1; // ~450 bytes: two lines per file
    expect(line * 2).toBeLessThan(1000);
    expect(line * 3).toBeGreaterThan(1000);
    for (let i = 0; i < 9; i++) writer.push(event(i, 380));
    await writer.close();
    expect(readdirSync(dir).sort()).toEqual([`${TODAY}.1.jsonl`, `${TODAY}.2.jsonl`, `${TODAY}.jsonl`]);
    const seqs = (name: string): unknown[] => lines(join(dir, name)).map((e) => (e as { seq: number }).seq);
    // 9 events, two per file: [0,1] [2,3] were dropped with the oldest rotation, then [4,5] [6,7] [8].
    expect(seqs(`${TODAY}.2.jsonl`)).toEqual([4, 5]);
    expect(seqs(`${TODAY}.1.jsonl`)).toEqual([6, 7]);
    expect(seqs(`${TODAY}.jsonl`)).toEqual([8]);
    expect(writer.stats.rotations).toBe(4);
  });

  it('continues a file that exists, and rotates it counting its size', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, `${TODAY}.jsonl`), `${'y'.repeat(900)}\n`);
    const writer = new EventsWriter({ dir, now: () => NOON, maxFileBytes: 1000 });
    writer.push(event(1, 200));
    await writer.close();
    expect(readFileSync(join(dir, `${TODAY}.1.jsonl`), 'utf8')).toBe(`${'y'.repeat(900)}\n`);
    expect(lines(join(dir, `${TODAY}.jsonl`))).toEqual([event(1, 200)]);
  });

  it('a full queue drops and counts instead of blocking, and records the count in the stream', async () => {
    const dir = tempDir();
    const writer = new EventsWriter({ dir, now: () => NOON, maxQueue: 3, flushIntervalMs: 60_000 });
    for (let i = 0; i < 10; i++) writer.push(event(i));
    await writer.close();
    expect(lines(join(dir, `${TODAY}.jsonl`))).toEqual([event(0), event(1), event(2), { type: DROPPED_EVENT_TYPE, ts: NOON, dropped: 7 }]);
    expect(writer.stats.dropped).toBe(7);
    // The count restarts after it was written: the next report covers only new drops.
    for (let i = 10; i < 14; i++) writer.push(event(i));
    await writer.close();
    expect(lines(join(dir, `${TODAY}.jsonl`)).at(-1)).toEqual({ type: DROPPED_EVENT_TYPE, ts: NOON, dropped: 1 });
  });

  it('never throws: an unserialisable event is dropped and counted', async () => {
    const dir = tempDir();
    const writer = new EventsWriter({ dir, now: () => NOON });
    const cyclic: Record<string, unknown> = { type: 'x', ts: NOON };
    cyclic.self = cyclic;
    expect(() => writer.push(cyclic)).not.toThrow();
    expect(() => writer.push({ type: 'y', ts: NOON, big: 1n })).not.toThrow();
    await writer.close();
    expect(lines(join(dir, `${TODAY}.jsonl`))).toEqual([{ type: DROPPED_EVENT_TYPE, ts: NOON, dropped: 2 }]);
  });

  it('a directory it cannot write is reported once, counted, and never rejects', async () => {
    const parent = tempDir();
    const blocked = join(parent, 'file-not-dir');
    writeFileSync(blocked, '');
    chmodSync(blocked, 0o400);
    const warnings: string[] = [];
    const writer = new EventsWriter({ dir: join(blocked, 'events'), now: () => NOON, warn: (m) => warnings.push(m) });
    writer.push(event(1));
    await writer.close();
    writer.push(event(2));
    await writer.close();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/could not be written/);
    expect(writer.stats.writeErrors).toBe(2);
  });

  it('stdout mode writes the same lines to the stream and creates no file', async () => {
    const dir = tempDir();
    let out = '';
    const stream = {
      write(chunk: string, cb?: (err?: Error | null) => void): boolean {
        out += chunk;
        cb?.();
        return true;
      },
    };
    const writer = new EventsWriter({ stdout: stream, now: () => NOON, maxQueue: 1 });
    writer.push(event(1), { trusted: false });
    writer.push(event(2));
    await writer.close();
    expect(out.trim().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual([
      { event: event(1), metadata: { trusted: false } },
      { type: DROPPED_EVENT_TYPE, ts: NOON, dropped: 1 },
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
