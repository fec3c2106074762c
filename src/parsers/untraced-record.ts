import { FLAT, objectOf, PLAIN, SCALAR, STRING } from './json-grammar.js';
import { parseLogTime } from './log-time.js';
import { SIGNAL_FREE_ARG as ARG, SIGNAL_FREE_TEXT as TEXT } from './signal-free-grammar.js';

/**
 * The pre-check of the hot path. Most lines outside a turn (heartbeats, cron,
 * sqlite, plugin loading) are tslog records without trace ids: the
 * reconstructor only takes their time (it moves the watermark, which expires
 * traces) and counts them. For those, JSON.parse and the record's
 * normalisation are most of the cost of a line, so this recognises them
 * without either, with one precompiled regex that accepts only:
 *
 * - valid JSON (the pattern is a subset of the JSON grammar: a broken line
 *   never matches, so it is parsed and counted as invalid_json as before);
 * - an object whose first key is "0" (parseObject would read a tslog record),
 *   then numeric arguments, `_meta`, and a top-level `time` string, in the
 *   order OpenClaw 2026.x writes them (any other order is parsed);
 * - no `traceId`/`spanId` at the top level, no `dropped` (queue overflow),
 *   no argument object with an `event` key (decision records), no argument or
 *   `message` that starts with a signal prefix, no ANSI escape in them;
 * - only the escapes JSON.stringify writes in text (control characters,
 *   lone surrogates): none decodes to a character of a signal prefix, so
 *   the prefix test on the raw text equals the parser's on the decoded one.
 *
 * Anything else returns undefined and takes the full parse. When it returns a
 * time, parseLine would have returned a log record with that time, no trace
 * and no signal: the line counts as a record, exactly as before.
 */
export function untracedRecordTime(line: string): number | undefined {
  // Cheap exits first: other formats, long lines. A traced line fails the regex (no `traceId` key after `time`); the
  // batch decoder does not ask for lines whose tail holds ids (idsInTail).
  if (line.length > MAX_CHARS || !line.startsWith('{"0":')) return undefined;
  const match = UNTRACED_RECORD.exec(line);
  // An unusable time is the full parser's to judge (it falls back to _meta.date, or rejects the line as bad_time).
  return match === null ? undefined : parseLogTime(match[1]);
}

// Longer lines are rare and take the full parse: bounds the regex's work (and its backtracking stack) per line.
const MAX_CHARS = 64 * 1024;

// `_meta`: scalars, plus one level of objects and arrays (`path`, `parentNames`).
const META_VALUE = `(?:${SCALAR}|${FLAT})`;
const META = objectOf(STRING, META_VALUE);

// After `time`: scalar fields (hostname, message, session_id, ...). A second `time` or `_meta`, a numeric key, or any key that
// could make the record traced or an overflow sends the line to the full parse; so does an escaped key (`\u0074raceId`).
const LATER_KEY = String.raw`"(?!(?:traceId|spanId|dropped|time|message|_meta)"|\d)${PLAIN}*"`;
const LATER = `(?:,"message":${TEXT}|,${LATER_KEY}:${SCALAR})*`;

const UNTRACED_RECORD = new RegExp(String.raw`^\{"0":${ARG}(?:,"[1-9]\d*":${ARG})*,"_meta":${META},"time":"(${PLAIN}*)"${LATER}\}$`);
