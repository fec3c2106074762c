import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { decodeBatch, LINE_PLAIN_TRACED, LINE_REJECTED, LINE_TEXT, LINE_UNTRACED, type DecodedBatch } from '../../../src/parsers/decoded-batch.js';
import { readStreamDecoded } from '../../../src/pipeline/decoded-lines.js';
import type { RawLine } from '../../../src/model/raw-line.js';
import { readPlainChunks } from '../../../src/sources/file-lines.js';
import { LineSplitter } from '../../../src/sources/line-splitter.js';
import { fixtureLines } from '../../support/fixtures.js';

const MAX_LINE_BYTES = 4096;

interface Line {
  kind: 'text' | 'untraced' | 'plain-traced' | 'rejected';
  value: string | number;
  start: number;
  end: number;
}

/** A batch stream flattened to one entry per line, whatever the batches were. */
function flatten(batches: readonly DecodedBatch[]): Line[] {
  const out: Line[] = [];
  for (const batch of batches) {
    let text = 0;
    let untraced = 0;
    let plain = 0;
    let rejected = 0;
    batch.kinds.forEach((kind, i) => {
      const where = { start: batch.starts[i] as number, end: batch.ends[i] as number };
      if (kind === LINE_TEXT) out.push({ kind: 'text', value: batch.texts[text++] as string, ...where });
      else if (kind === LINE_UNTRACED) out.push({ kind: 'untraced', value: batch.times[untraced++] as number, ...where });
      else if (kind === LINE_PLAIN_TRACED) out.push({ kind: 'plain-traced', value: JSON.stringify(batch.records[plain++]), ...where });
      else if (kind === LINE_REJECTED) out.push({ kind: 'rejected', value: (batch.rejects[rejected++] as { reason: string }).reason, ...where });
    });
  }
  return out;
}

/** The reference: LineSplitter and decodeLine, one line at a time (what the follower does). */
function lineByLine(bytes: Buffer): Line[] {
  const splitter = new LineSplitter(MAX_LINE_BYTES);
  const raw: RawLine[] = [];
  splitter.push(bytes, (line) => raw.push(line));
  splitter.end((line) => raw.push(line));
  return flatten([decodeBatch(raw, MAX_LINE_BYTES)]);
}

async function chunked(bytes: Buffer, chunkBytes: number, skim = true, reuse = false): Promise<Line[]> {
  const chunks: Buffer[] = [];
  for (let at = 0; at < bytes.length; at += chunkBytes) chunks.push(bytes.subarray(at, at + chunkBytes));
  const batches: DecodedBatch[] = [];
  for await (const batch of readStreamDecoded(reuse ? oneBuffer(chunks, chunkBytes) : Readable.from(chunks), MAX_LINE_BYTES, skim)) batches.push(batch);
  return flatten(batches);
}

/** The chunks, each written over the last in one buffer (as readPlainChunks reuses its buffer): whatever kept a view of a chunk sees the next one's bytes. */
async function* oneBuffer(chunks: readonly Buffer[], chunkBytes: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.alloc(chunkBytes);
  for (const chunk of chunks) {
    buffer.fill(0x23); // '#': bytes a stale view would show
    chunk.copy(buffer);
    yield buffer.subarray(0, chunk.length);
  }
}

const SAMPLE = fixtureLines('openclaw-2026.9.6/file-log.jsonl').slice(0, 120);

describe('readStreamDecoded (whole lines decoded per chunk)', () => {
  it('gives the real sample exactly as line-by-line decoding does, whatever the chunk size', async () => {
    const bytes = Buffer.from(`${SAMPLE.join('\n')}\n`);
    const expected = lineByLine(bytes);
    expect(expected.filter((line) => line.kind === 'untraced').length).toBeGreaterThan(0);
    expect(expected.filter((line) => line.kind === 'plain-traced').length).toBeGreaterThan(0);
    expect(expected.filter((line) => line.kind === 'text').length).toBeGreaterThan(0);
    for (const size of [1, 7, 100, 999, 4096, 65_536, bytes.length]) {
      expect(await chunked(bytes, size), `chunks of ${size}`).toEqual(expected);
      expect(await chunked(bytes, size, true, true), `chunks of ${size} in one reused buffer`).toEqual(expected);
    }
  });

  it('with skim off (backfill --logs parses every line) keeps every decoded line as its text, at the same place', async () => {
    const bytes = Buffer.from(`${SAMPLE.join('\n')}\n`);
    const skimmed = lineByLine(bytes);
    for (const size of [7, 4096, bytes.length]) {
      const whole = await chunked(bytes, size, false);
      expect(whole.map((line) => line.kind)).toEqual(SAMPLE.map(() => 'text'));
      expect(whole.map((line) => line.value)).toEqual(SAMPLE);
      expect(whole.map(({ start, end }) => [start, end])).toEqual(skimmed.map(({ start, end }) => [start, end]));
    }
  });

  it('judges the lines that need it one by one, and keeps the good lines around them', async () => {
    const good = SAMPLE.slice(0, 6);
    const parts = [
      Buffer.from(`${good[0]}\n`),
      Buffer.from('bin\u0000ary\n'),
      Buffer.from(`${good[1]}\r\n`),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]),
      Buffer.from(`${good[2]}\n`),
      Buffer.from(`{"long":"${'x'.repeat(MAX_LINE_BYTES)}"}\n`),
      Buffer.from(`${good[3]}\n`),
      Buffer.from('a real replacement character \uFFFD is text\n'),
      Buffer.from('non-ASCII ⇄ … é\n'),
      Buffer.from(`${good[4]}\n\n`),
      Buffer.from(`${good[5]}`),
    ];
    const bytes = Buffer.concat(parts);
    const expected = lineByLine(bytes);
    expect(expected.filter((line) => line.kind === 'rejected').map((line) => line.value)).toEqual(['binary', 'invalid_utf8', 'too_long']);
    expect(expected.at(-1)).toMatchObject({ end: bytes.length });
    for (const size of [3, 50, 333, 1024, 5000, bytes.length]) {
      expect(await chunked(bytes, size), `chunks of ${size}`).toEqual(expected);
      expect(await chunked(bytes, size, true, true), `chunks of ${size} in one reused buffer`).toEqual(expected);
    }
  });

  it('reads a plain file through readPlainChunks (one reused buffer) exactly as line by line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-plain-chunks-'));
    try {
      // Over 1 MB: several 256 KiB chunks, lines of every length crossing their boundaries.
      const lines: string[] = [];
      for (let i = 0; lines.join('\n').length < 1_200_000; i++) lines.push(SAMPLE[i % SAMPLE.length] as string);
      const bytes = Buffer.from(`${lines.join('\n')}\n`);
      const path = join(dir, 'gateway.log');
      writeFileSync(path, bytes);
      let diskBytes = 0;
      const batches: DecodedBatch[] = [];
      for await (const batch of readStreamDecoded(readPlainChunks(path, (n) => (diskBytes += n)), MAX_LINE_BYTES)) batches.push(batch);
      expect(flatten(batches)).toEqual(lineByLine(bytes));
      expect(diskBytes).toBe(bytes.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is fine with an empty stream and with a stream without a newline', async () => {
    expect(await chunked(Buffer.alloc(0), 10)).toEqual([]);
    expect(await chunked(Buffer.from('no newline at all'), 4)).toEqual([{ kind: 'text', value: 'no newline at all', start: 0, end: 17 }]);
  });
});
