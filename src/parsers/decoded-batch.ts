import { isUtf8 } from 'node:buffer';
import type { RawLine } from '../model/raw-line.js';
import { decodeLine } from './decode-line.js';
import { idsInTail, plainTracedRecord } from './plain-traced-record.js';
import type { LogRecord, RejectReason } from '../model/records.js';
import { untracedRecordTime } from './untraced-record.js';

/** What a line was made into, in `DecodedBatch.kinds`. */
export const LINE_TEXT = 0;
export const LINE_UNTRACED = 1;
export const LINE_REJECTED = 2;
export const LINE_PLAIN_TRACED = 3;

/**
 * Lines after the work that needs no parser: bytes decoded (or refused),
 * untraced records recognised by their time alone (untraced-record.ts), and
 * traced records without a signal read for their scope alone
 * (plain-traced-record.ts).
 */
export interface DecodedBatch {
  /**
   * Per line, in order: LINE_TEXT (the next of `texts`), LINE_UNTRACED (the next of `times`),
   * LINE_PLAIN_TRACED (the next of `records`) or LINE_REJECTED (the next of `rejects`).
   */
  kinds: Uint8Array;
  /** Lines to parse. */
  texts: string[];
  /** Epoch ms of each untraced record. */
  times: number[];
  /** The traced records without a signal, as far as the reconstructor reads them (message left empty). */
  records: LogRecord[];
  rejects: { reason: RejectReason; detail: string }[];
  /** Byte offset of each line's start, and just past its newline, in the (decompressed) source. */
  starts: number[];
  ends: number[];
}

/**
 * Raw lines (LineSplitter's) → a batch, each line decoded on its own. `skim` false keeps every
 * decoded line as text (LINE_TEXT), for a reader that parses every line anyway (backfill --logs).
 */
export function decodeBatch(lines: readonly RawLine[], maxLineBytes: number, skim = true): DecodedBatch {
  const batch = new BatchBuilder(skim);
  for (const raw of lines) {
    const decoded = decodeLine(raw, maxLineBytes);
    if (decoded.ok) batch.text(decoded.text, raw.start, raw.end);
    else batch.rejected(decoded.reason, decoded.detail, raw.start, raw.end);
  }
  return batch.build();
}

/**
 * Whole lines (`region` ends with `\n`, its first byte at `offset` in the
 * source) → a batch: one NUL check and one UTF-8 validation for all of them,
 * then each line decoded straight from the region (no per-line buffer).
 * Undefined when a line needs decodeLine's judgement (a NUL byte, invalid
 * UTF-8, a line over `maxLineBytes`): the caller splits and decodes that
 * region line by line.
 */
export function decodeWholeLines(region: Buffer, offset: number, maxLineBytes: number, skim = true): DecodedBatch | undefined {
  if (region.indexOf(0) !== -1 || !isUtf8(region)) return undefined;
  const batch = new BatchBuilder(skim);
  let from = 0;
  while (from < region.length) {
    const nl = region.indexOf(10, from);
    if (nl - from > maxLineBytes) return undefined;
    const end = nl > from && region[nl - 1] === 13 ? nl - 1 : nl;
    // Its own string, not a slice of a larger one: what the parsers keep of it must not hold the chunk in memory.
    batch.text(region.toString('utf8', from, end), offset + from, offset + nl + 1);
    from = nl + 1;
  }
  return batch.build();
}

class BatchBuilder {
  private readonly kinds: number[] = [];
  private readonly texts: string[] = [];
  private readonly times: number[] = [];
  private readonly records: LogRecord[] = [];
  private readonly rejects: DecodedBatch['rejects'] = [];
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];

  constructor(private readonly skim: boolean) {}

  text(text: string, start: number, end: number): void {
    this.starts.push(start);
    this.ends.push(end);
    if (this.skim && this.skimmed(text)) return;
    this.kinds.push(LINE_TEXT);
    this.texts.push(text);
  }

  /** A line one of the pre-checks takes without a parse; each only sees the lines it may take: one failed regex per line at most, not two. */
  private skimmed(text: string): boolean {
    if (idsInTail(text)) {
      const record = plainTracedRecord(text);
      if (record === undefined) return false;
      this.kinds.push(LINE_PLAIN_TRACED);
      this.records.push(record);
      return true;
    }
    const untracedAt = untracedRecordTime(text);
    if (untracedAt === undefined) return false;
    this.kinds.push(LINE_UNTRACED);
    this.times.push(untracedAt);
    return true;
  }

  rejected(reason: RejectReason, detail: string, start: number, end: number): void {
    this.starts.push(start);
    this.ends.push(end);
    this.kinds.push(LINE_REJECTED);
    this.rejects.push({ reason, detail });
  }

  build(): DecodedBatch {
    return { kinds: Uint8Array.from(this.kinds), texts: this.texts, times: this.times, records: this.records, rejects: this.rejects, starts: this.starts, ends: this.ends };
  }
}
