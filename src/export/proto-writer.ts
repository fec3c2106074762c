/**
 * A protobuf writer into one growing buffer. A nested message is written in
 * place: `begin()` reserves one byte for its length (most messages are under
 * 128 bytes), `end()` writes the length and, for a longer message, moves its
 * bytes up to make room. So a request is written in one pass, without
 * measuring every message first.
 */
export class ProtoWriter {
  private buffer: Buffer;
  private pos = 0;

  constructor(initialBytes: number) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written (a view of the buffer, which is not written again). */
  finish(): Uint8Array {
    return this.buffer.subarray(0, this.pos);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Forgets what was written after `length` bytes (a span that did not fit), or everything (0): the buffer is kept for reuse. */
  truncate(length: number): void {
    this.pos = length;
  }

  /** Copies the bytes written into `target` at `offset`; returns the offset after them. */
  copyTo(target: Uint8Array, offset: number): number {
    target.set(this.buffer.subarray(0, this.pos), offset);
    return offset + this.pos;
  }

  tag(field: number, wireType: number): void {
    this.varint((field << 3) | wireType);
  }

  /** A non-negative integer below 2^32. */
  varint(value: number): void {
    this.room(5);
    this.pos = writeVarintAt(this.buffer, this.pos, value);
  }

  /** Any integer in int64 range, negative ones as their two's complement (ten bytes). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint(value);
      return;
    }
    this.room(10);
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = Math.floor(abs / 0x100000000) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    while (high > 0 || low > 0x7f) {
      this.buffer[this.pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    this.buffer[this.pos++] = low;
  }

  fixed32(value: number): void {
    this.room(4);
    this.pos = this.buffer.writeUInt32LE(value >>> 0, this.pos);
  }

  fixed64(low: number, high: number): void {
    this.room(8);
    this.buffer.writeUInt32LE(low >>> 0, this.pos);
    this.pos = this.buffer.writeUInt32LE(high >>> 0, this.pos + 4);
  }

  double(value: number): void {
    this.room(8);
    this.pos = this.buffer.writeDoubleLE(value, this.pos);
  }

  /** A length-delimited UTF-8 string (lone surrogates become U+FFFD, as TextEncoder writes them). */
  string(text: string): void {
    const length = text.length;
    if (length < 128) {
      // Short ASCII text (keys, names, ids): one length byte and a copy loop, no call into C++.
      this.room(1 + length);
      let at = this.pos + 1;
      let i = 0;
      for (; i < length; i++) {
        const code = text.charCodeAt(i);
        if (code > 0x7f) break;
        this.buffer[at++] = code;
      }
      if (i === length) {
        this.buffer[this.pos] = length;
        this.pos = at;
        return;
      }
    }
    const start = this.begin();
    this.room(length * 3);
    this.pos += this.buffer.write(text, this.pos, 'utf8');
    this.end(start);
  }

  /** A length-delimited bytes field from lowercase or uppercase hex (W3C ids). */
  hexBytes(hex: string): void {
    const length = hex.length >>> 1;
    const at = this.begin();
    this.room(length);
    // Ids are checked where they are read; should one not be hex, its bytes stop where Buffer's decoding stops.
    this.pos += this.buffer.write(hex, this.pos, length, 'hex');
    this.end(at);
  }

  /** Starts a length-delimited field; returns where its length goes (for end). */
  begin(): number {
    this.room(1);
    return this.pos++;
  }

  end(at: number): void {
    const length = this.pos - at - 1;
    if (length < 0x80) {
      this.buffer[at] = length;
      return;
    }
    const extra = varintLength(length) - 1;
    this.room(extra);
    this.buffer.copyWithin(at + 1 + extra, at + 1, this.pos);
    this.pos += extra;
    writeVarintAt(this.buffer, at, length);
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.pos);
    this.buffer = grown;
  }
}

/** How many bytes the varint of a non-negative integer below 2^32 takes. */
export function varintLength(value: number): number {
  return value < 0x80 ? 1 : value < 0x4000 ? 2 : value < 0x200000 ? 3 : value < 0x10000000 ? 4 : 5;
}

/** Writes the varint of a non-negative integer below 2^32 into `target` at `at`; returns the offset just past it. */
export function writeVarintAt(target: Uint8Array, at: number, value: number): number {
  let v = value >>> 0;
  while (v > 0x7f) {
    target[at++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  target[at++] = v;
  return at;
}
