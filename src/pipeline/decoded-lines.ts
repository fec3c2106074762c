import { decodeBatch, decodeWholeLines, type DecodedBatch } from '../parsers/decoded-batch.js';
import type { RawLine } from '../model/raw-line.js';
import { LineSplitter } from '../sources/line-splitter.js';

/**
 * Lines of a byte stream, decoded (decoded-batch.ts), for reading a whole
 * input fast (backfill). The whole lines inside a chunk are decoded in one
 * go; the line a chunk's start completes, the partial line at its end, and
 * any region with a line that needs judging (NUL bytes, invalid UTF-8, too
 * long) go through LineSplitter and decodeLine one line at a time, exactly as
 * the follower's lines do. `skim` false: every line as text (decoded-batch.ts `decodeBatch`).
 */
export async function* readStreamDecoded(stream: AsyncIterable<Buffer>, maxLineBytes: number, skim = true): AsyncGenerator<DecodedBatch> {
  const splitter = new LineSplitter(maxLineBytes);
  let raw: RawLine[] = [];
  const collect = (line: RawLine): void => {
    raw.push(line);
  };
  const takeRaw = (): DecodedBatch | undefined => {
    if (raw.length === 0) return undefined;
    const batch = decodeBatch(raw, maxLineBytes, skim);
    raw = [];
    return batch;
  };
  // Each chunk is done with before the next is asked for (readPlainChunks reuses its buffers): the lines are decoded
  // into strings of their own, and the splitter copies the partial line it keeps.
  for await (const chunk of stream) {
    const last = chunk.lastIndexOf(10);
    if (last === -1) {
      splitter.push(chunk, collect);
    } else {
      // The line the previous chunk left unfinished ends at the first newline.
      const from = splitter.idle ? 0 : chunk.indexOf(10) + 1;
      if (from > 0) splitter.push(chunk.subarray(0, from), collect);
      const head = takeRaw();
      if (head !== undefined) yield head;
      if (from <= last) {
        const region = chunk.subarray(from, last + 1);
        const whole = decodeWholeLines(region, splitter.consumedOffset, maxLineBytes, skim);
        if (whole === undefined) splitter.push(region, collect);
        else {
          splitter.skip(region.length);
          yield whole;
        }
      }
      splitter.push(chunk.subarray(last + 1), collect);
    }
    const rest = takeRaw();
    if (rest !== undefined) yield rest;
  }
  splitter.end(collect);
  const final = takeRaw();
  if (final !== undefined) yield final;
}
