import { parseCompactLine } from './console-compact-line.js';
import { parseJsonLine } from './console-json-line.js';
import { stripAnsi } from './strip-ansi.js';
import type { ParsedLine } from '../model/records.js';

/**
 * Parses one console line of the gateway (stream B, OPENCLAW.md §3), as
 * journald stores it in MESSAGE:
 * - compact (console-compact-line.ts): `<ISO time> [subsystem] message`;
 *   `[subsystem] message` before the gateway turns the time prefix on; `HH:MM:SS [subsystem] message` in
 *   the pretty style. Lines without a time take `entryTimeMs` (the journal's
 *   receive time). The subsystem is the console's short form (`gateway/ws` →
 *   `ws`, `gateway/channels/telegram` → `telegram`, at most two segments):
 *   signal recognition reads only the message, so it is unaffected.
 *   The level is only in the colour of the message (red error, yellow warn,
 *   grey debug, cyan info) when the gateway colours its output; uncoloured
 *   lines, journald's default, read as `info`. PRIORITY is no help either
 *   (6 for everything).
 * - `logging.consoleStyle: "json"` (console-json-line.ts): `{time, level,
 *   subsystem, message, ...meta}`.
 * - a diagnostic event or tslog record as JSON: exactly as parseLine reads it.
 * - anything else (raw console output, stack traces): `other`.
 * Never throws.
 */
export function parseConsoleMessage(message: string, entryTimeMs: number): ParsedLine {
  const coloured = message.includes('\u001b');
  const text = coloured ? stripAnsi(message) : message;
  let at = 0;
  while (at < text.length && isBlank(text.charCodeAt(at))) at++;
  if (at === text.length) return { kind: 'other', reason: 'empty' };
  if (text.charCodeAt(at) === 123 /* { */) return parseJsonLine(text, at, entryTimeMs);
  return parseCompactLine(message, text, at, coloured, entryTimeMs);
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13;
}
