import type { RawLine } from '../model/raw-line.js';

/**
 * Splits a byte stream into lines. Holds at most `maxLineBytes` of a line in
 * memory: past that it only counts bytes until the newline, so a 10 MB line
 * costs no more memory than a 1 MB one. A partial last line stays pending
 * until its `\n` arrives (`end()` releases it for sources that are finished).
 */
export class LineSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private overflowing = false;
  private lineStart: number;
  private offset: number;

  constructor(
    private readonly maxLineBytes: number,
    startOffset = 0,
  ) {
    this.lineStart = startOffset;
    this.offset = startOffset;
  }

  /** Offset just past the last complete line released: where reading must resume to lose nothing. */
  get consumedOffset(): number {
    return this.lineStart;
  }

  /** Bytes held for an unfinished line. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Holds no part of a line: the next byte starts one. */
  get idle(): boolean {
    return this.pendingBytes === 0 && !this.overflowing;
  }

  /** Whole lines (ending in `\n`) handled by the caller instead: only moves the offsets past them. Only when idle. */
  skip(bytes: number): void {
    if (!this.idle) throw new Error('LineSplitter.skip: a line is pending');
    this.offset += bytes;
    this.lineStart = this.offset;
  }

  push(chunk: Buffer, emit: (line: RawLine) => void): void {
    let from = 0;
    while (from < chunk.length) {
      const nl = chunk.indexOf(10, from);
      const stop = nl === -1 ? chunk.length : nl;
      this.append(chunk, from, stop);
      this.offset += stop - from;
      if (nl === -1) {
        this.own();
        return;
      }
      this.offset += 1;
      emit(this.takeLine());
      from = nl + 1;
    }
  }

  /** The source ended: a final line without `\n` is released as it is. */
  end(emit: (line: RawLine) => void): void {
    if (this.pendingBytes > 0 || this.overflowing) emit(this.takeLine());
  }

  private append(chunk: Buffer, from: number, stop: number): void {
    if (stop === from) return;
    if (this.overflowing) {
      this.pendingBytes += stop - from;
      return;
    }
    if (this.pendingBytes + (stop - from) > this.maxLineBytes) {
      // Too long: drop what is held and only count from here on.
      this.overflowing = true;
      this.pending = [];
      this.pendingBytes += stop - from;
      return;
    }
    this.pending.push(chunk.subarray(from, stop));
    this.pendingBytes += stop - from;
  }

  /**
   * The unfinished line's last piece is copied out of the chunk: a reader may reuse its buffer for
   * the next chunk (file-lines.ts readPlainChunks). One partial line per chunk at most.
   */
  private own(): void {
    const last = this.pending.length - 1;
    if (last >= 0) this.pending[last] = Buffer.from(this.pending[last] as Buffer);
  }

  private takeLine(): RawLine {
    const tooLong = this.overflowing;
    let bytes = tooLong ? EMPTY : this.pending.length === 1 ? (this.pending[0] as Buffer) : Buffer.concat(this.pending);
    if (bytes.length > 0 && bytes[bytes.length - 1] === 13) bytes = bytes.subarray(0, bytes.length - 1);
    const line: RawLine = { bytes, start: this.lineStart, end: this.offset, tooLong, length: this.pendingBytes };
    this.pending = [];
    this.pendingBytes = 0;
    this.overflowing = false;
    this.lineStart = this.offset;
    return line;
  }
}

const EMPTY = Buffer.alloc(0);
