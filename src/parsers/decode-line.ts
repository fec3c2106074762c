import type { RawLine } from '../model/raw-line.js';
import type { RejectReason } from '../model/records.js';

export type DecodedLine =
  | { ok: true; text: string }
  | { ok: false; reason: RejectReason; detail: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes → text, refusing what cannot be a log line: over-long lines, binary
 * (NUL bytes) and invalid UTF-8. The lenient decode runs first; the strict
 * one only when it produced a replacement character, which real lines rarely
 * contain.
 */
export function decodeLine(line: RawLine, maxLineBytes: number): DecodedLine {
  if (line.tooLong) {
    return { ok: false, reason: 'too_long', detail: `line of ${line.length} bytes exceeds the ${maxLineBytes}-byte limit` };
  }
  if (line.bytes.indexOf(0) !== -1) return { ok: false, reason: 'binary', detail: 'line contains NUL bytes' };
  const text = line.bytes.toString('utf8');
  if (text.includes('\uFFFD')) {
    try {
      strictUtf8.decode(line.bytes);
    } catch {
      return { ok: false, reason: 'invalid_utf8', detail: 'line is not valid UTF-8' };
    }
  }
  return { ok: true, text };
}
