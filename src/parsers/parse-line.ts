import { parseCanonicalRecord } from './canonical-record.js';
import { parseDiagnosticEvent } from './diagnostic-event.js';
import { isObject } from './json-object.js';
import { parseTslogRecord } from './tslog-record.js';
import type { ParsedLine } from '../model/records.js';

/**
 * One line → one ParsedLine, choosing the format per line: a tslog file-log
 * record, a diagnostic event (bare or `{event, metadata}`), or anything else
 * as a counted "other". Never throws. JSON.parse runs at most once per line
 * (canonical-record.ts reads OpenClaw's usual layout without it).
 */
export function parseLine(line: string): ParsedLine {
  const first = firstNonSpace(line);
  if (first === -1) return { kind: 'other', reason: 'empty' };
  if (first !== 123 /* { */) return { kind: 'other', reason: 'plain_text' };
  // OpenClaw's own layout is read without JSON.parse of the whole line; anything else takes the general path.
  const canonical = line.startsWith('{"0":') ? parseCanonicalRecord(line) : undefined;
  if (canonical !== undefined) return canonical;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    if (error instanceof RangeError) return { kind: 'rejected', reason: 'too_deep', detail: 'JSON nested too deeply' };
    return { kind: 'rejected', reason: 'invalid_json', detail: (error as Error).message.slice(0, 120) };
  }
  if (!isObject(value)) return { kind: 'other', reason: 'unknown_json' };
  return parseObject(value);
}

export function parseObject(value: Record<string, unknown>): ParsedLine {
  if (isObject(value['_meta']) || Object.hasOwn(value, '0')) return parseTslogRecord(value);
  if (typeof value['type'] === 'string' && Object.hasOwn(value, 'ts')) return parseDiagnosticEvent(value);
  if (isObject(value['event']) && typeof value['event']['type'] === 'string') return parseDiagnosticEvent(value);
  return { kind: 'other', reason: 'unknown_json' };
}

function firstNonSpace(line: string): number {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return c;
  }
  return -1;
}
