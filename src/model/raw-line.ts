/**
 * One complete line as bytes, with where it sits in the source: what a source
 * hands over to be decoded and parsed (sources/line-splitter.ts makes them).
 * `bytes` may be a view into the read chunk: keeping it keeps the whole chunk
 * in memory, so decode it and let it go.
 */
export interface RawLine {
  /** The line without its `\n` (and without a trailing `\r`); empty when `tooLong`. */
  bytes: Buffer;
  /** Byte offset of the line's first byte in the (decompressed) source. */
  start: number;
  /** Byte offset just past the line's `\n`. */
  end: number;
  /** The line exceeded maxLineBytes: its bytes were skipped, never buffered. */
  tooLong: boolean;
  /** Length of the whole line in bytes (also when tooLong). */
  length: number;
}
