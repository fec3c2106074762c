import { appendFileSync, mkdtempSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeadLetterFile, readDeadLetters, spansOf, type DeadLetterEntry } from '../../../src/checkpoint/dead-letter.js';

const entry = (traceId: string, spans = 2): DeadLetterEntry => ({
  at: '2026-11-21T16:50:00.000Z',
  destination: 'http://127.0.0.1:4318/v1/traces',
  reason: 'HTTP 413',
  trace: {
    traceId,
    incomplete: false,
    spans: Array.from({ length: spans }, (_, i) => ({ traceId, spanId: `${i}`.padStart(16, '0'), name: 'x', kind: 'internal', startMs: 1, endMs: 2, attributes: { a: 'b' }, status: { code: 'unset' }, events: [] })),
  },
});

describe('DeadLetterFile', () => {
  it('appends entries (mode 0600) and reads them back whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-dead-'));
    const file = new DeadLetterFile(dir);
    expect(await file.add([entry('a'), entry('b', 3)])).toEqual({ status: 'written' });
    expect(await file.add([entry('c')])).toEqual({ status: 'written' });
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    const read = await readDeadLetters(file.path);
    expect(read?.entries.map((e) => e.trace.traceId)).toEqual(['a', 'b', 'c']);
    expect(spansOf(read?.entries ?? [])).toBe(7);
    expect(read?.unreadable).toBe(0);
  });

  it('is bounded: a write that would pass the bound writes nothing and says full; a smaller one still fits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-dead-'));
    const one = Buffer.byteLength(`${JSON.stringify(entry('a'))}\n`);
    const file = new DeadLetterFile(dir, one * 2 + 10);
    expect((await file.add([entry('a')])).status).toBe('written');
    expect(await file.add([entry('b'), entry('c')])).toEqual({ status: 'full', maxBytes: one * 2 + 10 });
    expect((await file.add([entry('d')])).status).toBe('written');
    expect((await readDeadLetters(file.path))?.entries.map((e) => e.trace.traceId)).toEqual(['a', 'd']);
  });

  it('starts a new file when the old one was taken away (a replay renamed it), and counts a line cut short', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-dead-'));
    const file = new DeadLetterFile(dir, 1000);
    writeFileSync(file.path, 'x'.repeat(990));
    expect((await file.add([entry('a')])).status).toBe('full');
    renameSync(file.path, join(dir, 'dead-letter.replaying-1.jsonl'));
    expect((await file.add([entry('a')])).status).toBe('written');
    appendFileSync(file.path, '{"at":"2026-11-21T');
    const read = await readDeadLetters(file.path);
    expect(read?.entries).toHaveLength(1);
    expect(read?.unreadable).toBe(1);
    expect(await readDeadLetters(join(dir, 'none.jsonl'))).toBeUndefined();
  });
});
