import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CheckpointStore } from '../../../src/checkpoint/checkpoint-store.js';
import type { ExportedTrace } from '../../../src/checkpoint/checkpoint-store.js';
import { Settlement, type SettledTrace } from '../../../src/checkpoint/settlement.js';
import type { SpanRecord } from '../../../src/model/span-record.js';
import type { TraceLines } from '../../../src/model/line-refs.js';
import { fingerprintKey, type FileFingerprint } from '../../../src/model/fingerprint-key.js';
import type { SourcePosition } from '../../../src/checkpoint/source-position.js';
import { filePosition, type FilePosition } from '../../../src/sources/tracked-file.js';

const FP_A: FileFingerprint = { hash: 'a'.repeat(64), length: 40, dev: 1, ino: 10 };
const FP_B: FileFingerprint = { hash: 'b'.repeat(64), length: 41, dev: 1, ino: 11 };
const FP_C: FileFingerprint = { hash: 'c'.repeat(64), length: 42, dev: 1, ino: 12 };
const A = fingerprintKey(FP_A);
const B = fingerprintKey(FP_B);
const C = fingerprintKey(FP_C);

const position = (fingerprint: FileFingerprint, consumed: number, path = `/logs/${fingerprint.ino}.log`): FilePosition =>
  filePosition(fingerprint, path, consumed);

/** Spans of a trace that ended long before RECENT's: kept only while a checkpoint is before its lines. */
const OLD: SpanRecord[] = [span('0000000000000001', 0)];
/** A trace without lines exported 30 minutes later: the newest, kept for its recency alone. */
const RECENT: SettledTrace = { key: 'event:recent', lines: new Map(), rebuildAfterRestart: false, spans: [span('0000000000000002', 30 * 60_000)] };

function span(spanId: string, endMs: number): SpanRecord {
  return { traceId: 'f'.repeat(32), spanId, name: 's', kind: 'internal', startMs: endMs, endMs, attributes: {}, status: { code: 'unset' }, events: [] };
}

/** The traces exported whole that the store keeps for their lines (RECENT left out), as the older tests saw them. */
const heldForLines = (list: readonly ExportedTrace[]): unknown[] => list.filter((t) => t.key !== RECENT.key).map(({ key, until, from }) => ({ key, until, from }));

const lines = (...ranges: [source: string, first: number, last: number][]): TraceLines =>
  new Map(ranges.map(([source, first, last]) => [source, { first, last }]));

describe('Settlement', () => {
  const dirs: string[] = [];
  const openStore = async (dir?: string): Promise<CheckpointStore> => {
    const stateDir = dir ?? mkdtempSync(join(tmpdir(), 'otel-tail-settle-'));
    if (dir === undefined) dirs.push(stateDir);
    return CheckpointStore.open(stateDir);
  };
  const saved = (store: CheckpointStore): unknown => JSON.parse(readFileSync(store.path, 'utf8'));

  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  describe('lowWater', () => {
    it('is the consumed offset of each source when nothing is in flight', async () => {
      const settlement = new Settlement(await openStore());
      expect(settlement.lowWater([position(FP_A, 500), position(FP_B, 70)], [])).toEqual(
        new Map([
          [A, 500],
          [B, 70],
        ]),
      );
    });

    it('is held at the first line of the oldest trace still in flight, per source', async () => {
      const settlement = new Settlement(await openStore());
      const open = [lines([A, 200, 260]), lines([A, 120, 400], [B, 30, 50])];
      const queued = [lines([A, 300, 320])];
      expect(settlement.lowWater([position(FP_A, 500), position(FP_B, 70)], [open, queued])).toEqual(
        new Map([
          [A, 120],
          [B, 30],
        ]),
      );
    });

    it('ignores in-flight lines of sources it has no position for, and lines past the consumed offset', async () => {
      const settlement = new Settlement(await openStore());
      // C is not followed (no position); A's trace starts at the consumed offset, so it holds nothing back.
      const marks = settlement.lowWater([position(FP_A, 500)], [[lines([C, 0, 10]), lines([A, 500, 600])]]);
      expect(marks).toEqual(new Map([[A, 500]]));
    });

    it('takes every group of in-flight lines into account (reconstructor and export queue)', async () => {
      const settlement = new Settlement(await openStore());
      const marks = settlement.lowWater([position(FP_A, 900)], [[lines([A, 700, 710])], [], [lines([A, 650, 660])]]);
      expect(marks.get(A)).toBe(650);
    });

    it('keeps holding the first line of traces to rebuild after a restart, even once they left the pipeline', async () => {
      const settlement = new Settlement(await openStore());
      settlement.settled({ key: 'log:rebuild', lines: lines([A, 40, 90], [B, 5, 8]), rebuildAfterRestart: true, spans: OLD });
      expect(settlement.lowWater([position(FP_A, 500), position(FP_B, 70)], [])).toEqual(
        new Map([
          [A, 40],
          [B, 5],
        ]),
      );
      // Still held later, with nothing in flight, and it is not one of the traces exported whole.
      expect(settlement.lowWater([position(FP_A, 800)], [])).toEqual(new Map([[A, 40]]));
      expect(settlement.exportedSpans.map((t) => t.key)).toEqual([]);
    });

    it('does not hold anything for a trace exported whole', async () => {
      const settlement = new Settlement(await openStore());
      settlement.settled({ key: 'log:whole', lines: lines([A, 40, 90]), rebuildAfterRestart: false, spans: OLD });
      expect(settlement.lowWater([position(FP_A, 500)], [])).toEqual(new Map([[A, 500]]));
      expect(settlement.exportedSpans.map((t) => t.key)).toEqual(['log:whole']);
    });

    it('holds a contextual source at the first line of a trace exported whole that straddles its mark, one step only', async () => {
      const settlement = new Settlement(await openStore());
      const journal = (consumed: number, contextual: boolean): SourcePosition => ({ key: 'journal:gw', consumed, contextual, save: () => undefined });
      const J = 'journal:gw';
      // Open: a trace from 200. Exported whole: one across 200 (from 100), one across 100 only (from 50), one before 100, one after 200.
      settlement.settled({ key: 'across-200', lines: lines([J, 100, 260]), rebuildAfterRestart: false, spans: OLD });
      settlement.settled({ key: 'across-100', lines: lines([J, 50, 150]), rebuildAfterRestart: false, spans: OLD });
      settlement.settled({ key: 'before', lines: lines([J, 10, 40]), rebuildAfterRestart: false, spans: OLD });
      settlement.settled({ key: 'after', lines: lines([J, 210, 250]), rebuildAfterRestart: false, spans: OLD });
      const open = [[lines([J, 200, 300])]];
      expect(settlement.lowWater([journal(400, true)], open)).toEqual(new Map([[J, 100]]));
      // A source whose lines carry their own trace ids is not held.
      expect(settlement.lowWater([journal(400, false)], open)).toEqual(new Map([[J, 200]]));
      // Nothing open: every line read is settled, nothing straddles the end.
      expect(settlement.lowWater([journal(400, true)], [])).toEqual(new Map([[J, 400]]));
    });

    it('holds nothing for a settled trace without lines, and remembers its spans (not those to rebuild) for a retry to come', async () => {
      const settlement = new Settlement(await openStore());
      settlement.settled({ key: 'event:none', lines: new Map(), rebuildAfterRestart: false, spans: OLD });
      settlement.settled({ key: 'event:none-rebuild', lines: new Map(), rebuildAfterRestart: true, spans: OLD });
      expect(settlement.exportedSpans).toEqual([{ key: 'event:none', spanIds: ['0000000000000001'] }]);
      expect(settlement.lowWater([position(FP_A, 5)], [])).toEqual(new Map([[A, 5]]));
    });
  });

  describe('write', () => {
    it('writes each source at its low-water mark, under its last path', async () => {
      const store = await openStore();
      const settlement = new Settlement(store);
      const wrote = await settlement.write(
        [position(FP_A, 500, '/logs/openclaw-2026-11-21.1.log'), position(FP_B, 70)],
        [[lines([A, 120, 400])]],
        [],
      );
      expect(wrote).toBe(true);
      expect(store.get(A)).toMatchObject({ offset: 120, path: '/logs/openclaw-2026-11-21.1.log', fingerprint: FP_A });
      expect(store.get(B)).toMatchObject({ offset: 70 });
      expect(saved(store)).toMatchObject({ version: 1, files: [{ offset: 120 }, { offset: 70 }], exported: [] });
    });

    it('does not rewrite the file when nothing changed', async () => {
      const store = await openStore();
      const settlement = new Settlement(store);
      expect(await settlement.write([position(FP_A, 500)], [], [])).toBe(true);
      expect(await settlement.write([position(FP_A, 500)], [], [])).toBe(false);
      expect(await settlement.write([position(FP_A, 501)], [], [])).toBe(true);
    });

    it('deletes the checkpoints of retired sources', async () => {
      const store = await openStore();
      const settlement = new Settlement(store);
      await settlement.write([position(FP_A, 500), position(FP_B, 70)], [], []);
      expect(await settlement.write([position(FP_A, 500)], [], [B])).toBe(true);
      expect(store.get(B)).toBeUndefined();
      expect(store.get(A)?.offset).toBe(500);
      expect((await openStore(join(store.path, '..'))).all.map((file) => fingerprintKey(file.fingerprint))).toEqual([A]);
    });

    it('keeps a trace exported whole only while a checkpoint is before its last line, and prunes it once passed', async () => {
      const store = await openStore();
      const settlement = new Settlement(store);
      settlement.settled(RECENT);
      settlement.settled({ key: 'log:t1', lines: lines([A, 100, 300], [B, 10, 20]), rebuildAfterRestart: false, spans: OLD });

      // An older trace still open holds A at 50: the lines of t1 would be read again after a restart.
      await settlement.write([position(FP_A, 400), position(FP_B, 30)], [[lines([A, 50, 60])]], []);
      expect(heldForLines(store.exported)).toEqual([{ key: 'log:t1', until: { [A]: 300, [B]: 20 }, from: { [A]: 100, [B]: 10 } }]);
      expect(saved(store)).toMatchObject({ exported: [{ key: 'event:recent' }, { key: 'log:t1', until: { [A]: 300, [B]: 20 }, from: { [A]: 100, [B]: 10 }, spans: '0000000000000001', endMs: 0 }] });
      expect(settlement.exportedSpans.map((t) => t.key)).toEqual(['event:recent', 'log:t1']);

      // A at 299 is still before t1's last line in A.
      await settlement.write([position(FP_A, 400), position(FP_B, 30)], [[lines([A, 299, 310])]], []);
      expect(heldForLines(store.exported)).toEqual([{ key: 'log:t1', until: { [A]: 300, [B]: 20 }, from: { [A]: 100, [B]: 10 } }]);

      // Both checkpoints at or past its last lines: nothing of t1 is read again, so it is forgotten.
      expect(await settlement.write([position(FP_A, 300), position(FP_B, 30)], [[lines([A, 300, 310])]], [])).toBe(true);
      expect(heldForLines(store.exported)).toEqual([]);
      expect(settlement.exportedSpans.map((t) => t.key)).toEqual(['event:recent']);
      expect(saved(store)).toMatchObject({ exported: [{ key: 'event:recent', spans: '0000000000000002' }] });
    });

    it('keeps a trace exported whole while any one of its sources is behind', async () => {
      const store = await openStore();
      const settlement = new Settlement(store);
      settlement.settled({ key: 'log:t2', lines: lines([A, 100, 300], [B, 10, 20]), rebuildAfterRestart: false, spans: OLD });
      await settlement.write([position(FP_A, 400), position(FP_B, 30)], [[lines([B, 15, 16])]], []);
      expect(heldForLines(store.exported)).toEqual([{ key: 'log:t2', until: { [A]: 300, [B]: 20 }, from: { [A]: 100, [B]: 10 } }]);
    });

    it('forgets a trace exported whole whose source was retired', async () => {
      const store = await openStore();
      const settlement = new Settlement(store);
      settlement.settled(RECENT);
      settlement.settled({ key: 'log:t3', lines: lines([B, 10, 20]), rebuildAfterRestart: false, spans: OLD });
      await settlement.write([position(FP_A, 400), position(FP_B, 30)], [[lines([B, 5, 6])]], []);
      expect(heldForLines(store.exported)).toEqual([{ key: 'log:t3', until: { [B]: 20 }, from: { [B]: 10 } }]);
      await settlement.write([position(FP_A, 400)], [], [B]);
      expect(heldForLines(store.exported)).toEqual([]);
    });

    it('hands the traces exported whole to the next run through the reopened store', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'otel-tail-settle-'));
      dirs.push(dir);
      const settlement = new Settlement(await openStore(dir));
      settlement.settled(RECENT);
      settlement.settled({ key: 'log:kept', lines: lines([A, 100, 300]), rebuildAfterRestart: false, spans: OLD });
      settlement.settled({ key: 'log:passed', lines: lines([A, 10, 40]), rebuildAfterRestart: false, spans: OLD });
      settlement.settled({ key: 'log:rebuild', lines: lines([A, 200, 250]), rebuildAfterRestart: true, spans: OLD });
      await settlement.write([position(FP_A, 500)], [[lines([A, 90, 95])]], []);

      const reopened = await openStore(dir);
      expect(reopened.get(A)?.offset).toBe(90);
      const next = new Settlement(reopened);
      expect(next.exportedSpans.map((t) => t.key)).toEqual(['event:recent', 'log:kept']);
      // The restarted run keeps it until its checkpoint passes the trace's last line.
      await next.write([position(FP_A, 250)], [], []);
      expect(heldForLines(reopened.exported)).toEqual([{ key: 'log:kept', until: { [A]: 300 }, from: { [A]: 100 } }]);
      await next.write([position(FP_A, 300)], [], []);
      expect(next.exportedSpans.map((t) => t.key).filter((k) => k !== RECENT.key)).toEqual([]);
      expect(heldForLines((await openStore(dir)).exported)).toEqual([]);
    });
  });
});

describe('Settlement remembers recent traces for retries', () => {
  it('keeps the spans of traces that ended within 15 minutes of the newest, whatever the checkpoints, and drops older ones', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-settle-'));
    try {
      const store = await CheckpointStore.open(dir);
      const settlement = new Settlement(store);
      settlement.settled({ key: 'log:old', lines: lines([A, 0, 10]), rebuildAfterRestart: false, spans: [span('00000000000000a1', 0)] });
      settlement.settled({ key: 'log:mid', lines: lines([A, 10, 20]), rebuildAfterRestart: false, spans: [span('00000000000000b1', 20 * 60_000)] });
      settlement.settled({ key: 'log:new', lines: lines([A, 20, 30]), rebuildAfterRestart: false, spans: [span('00000000000000c1', 30 * 60_000), span('00000000000000c2', 1)] });
      // The checkpoint passed every line: only recency keeps them.
      await settlement.write([position(FP_A, 100)], [], []);
      const next = new Settlement(await CheckpointStore.open(dir));
      expect(next.exportedSpans).toEqual([
        { key: 'log:mid', spanIds: ['00000000000000b1'] },
        { key: 'log:new', spanIds: ['00000000000000c1', '00000000000000c2'] },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
