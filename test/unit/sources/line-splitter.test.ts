import { describe, expect, it } from 'vitest';
import type { RawLine } from '../../../src/model/raw-line.js';
import { LineSplitter } from '../../../src/sources/line-splitter.js';

function split(chunks: readonly string[], max = 1024): RawLine[] {
  const splitter = new LineSplitter(max);
  const lines: RawLine[] = [];
  for (const chunk of chunks) splitter.push(Buffer.from(chunk), (l) => lines.push(l));
  splitter.end((l) => lines.push(l));
  return lines;
}

describe('LineSplitter', () => {
  it('holds a partial line until its newline arrives, with byte offsets', () => {
    const splitter = new LineSplitter(1024);
    const lines: RawLine[] = [];
    splitter.push(Buffer.from('ab'), (l) => lines.push(l));
    expect(lines).toHaveLength(0);
    splitter.push(Buffer.from('c\nde\r\nf'), (l) => lines.push(l));
    expect(lines.map((l) => [l.bytes.toString(), l.start, l.end])).toEqual([
      ['abc', 0, 4],
      ['de', 4, 8],
    ]);
    expect(splitter.bufferedBytes).toBe(1);
  });

  it('skips an over-long line without buffering it, and keeps the lines around it', () => {
    const big = 'x'.repeat(5000);
    const splitter = new LineSplitter(100);
    const lines: RawLine[] = [];
    splitter.push(Buffer.from('before\n'), (l) => lines.push(l));
    for (let i = 0; i < 50; i++) {
      splitter.push(Buffer.from(big.slice(0, 100)), (l) => lines.push(l));
      expect(splitter.bufferedBytes).toBeLessThanOrEqual(100 + 100 * i);
    }
    splitter.push(Buffer.from('\nafter\n'), (l) => lines.push(l));
    expect(lines.map((l) => [l.tooLong, l.bytes.toString(), l.length])).toEqual([
      [false, 'before', 6],
      [true, '', 5000],
      [false, 'after', 5],
    ]);
  });

  it('releases a final unterminated line at the end', () => {
    expect(split(['a\nb']).map((l) => l.bytes.toString())).toEqual(['a', 'b']);
  });

  it('keeps multi-byte characters split across chunks intact', () => {
    const bytes = Buffer.from('é€\n');
    const splitter = new LineSplitter(64);
    const lines: RawLine[] = [];
    splitter.push(bytes.subarray(0, 1), (l) => lines.push(l));
    splitter.push(bytes.subarray(1), (l) => lines.push(l));
    expect(lines[0]?.bytes.toString('utf8')).toBe('é€');
  });
});
