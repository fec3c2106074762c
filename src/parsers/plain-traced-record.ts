import { FLAT, PLAIN, STRING } from './json-grammar.js';
import { parseLogTime } from './log-time.js';
import { SIGNAL_FREE_ARG as ARG, SIGNAL_FREE_TEXT as TEXT } from './signal-free-grammar.js';
import type { LogLevel, LogRecord } from '../model/records.js';
import { HEX_FLAGS, HEX_SPAN_ID, HEX_TRACE_ID, hexTraceScope } from './w3c-ids.js';

/**
 * The second pre-check of the hot path, for the traced lines that carry
 * nothing but their scope: in a turn, most records ("[trace:embedded-run]
 * prep stage", "agent harness selected", ...) have trace ids, no signal and
 * a level below warn. The reconstructor takes from such a record only its
 * time, level, trace scope, host and session fields (add-log-record.ts); this
 * reads just those, with one precompiled regex, and leaves the message empty,
 * as nothing reads it.
 *
 * The regex accepts only (a subset of the JSON grammar, so only valid JSON):
 * OpenClaw 2026.x's layout (arguments "0", "1", ..., `_meta` in tslog's key
 * order with a level name below WARN, `time`, then hostname, message,
 * agent_id, session_id, channel and the W3C ids in the file logger's order);
 * no argument or `message` a signal could be read from, no argument object
 * with an `event` key (signal-free-grammar.ts); field values without escapes;
 * ids in W3C form. Anything else returns undefined and takes the full parse
 * (whose rejection messages stay the reference), so the result equals what
 * parseLine gives in every field the reconstructor reads (a test compares them).
 */
export function plainTracedRecord(line: string): LogRecord | undefined {
  if (line.length > MAX_CHARS || line.charCodeAt(line.length - 2) !== 34 /* " */) return undefined;
  const m = PLAIN_TRACED_RECORD.exec(line);
  if (m === null) return undefined;
  const timeMs = parseLogTime(m[TIME]);
  const trace = hexTraceScope(m[TRACE_ID] as string, m[SPAN_ID], m[PARENT_SPAN_ID], m[TRACE_FLAGS]);
  if (timeMs === undefined || trace === undefined) return undefined;
  // Every field, absent ones undefined, in LogRecord's order, as parseCanonicalRecord makes its records: the
  // reconstructor's reads of a record then meet one hidden class for both instead of one per combination of
  // fields, each read a megamorphic lookup (~10 ms of a 97 MB backfill's main thread). Readers test `!== undefined`.
  return {
    timeMs,
    level: LEVELS[m[LEVEL_NAME] as string] as LogLevel,
    subsystem: undefined,
    message: '',
    meta: undefined,
    hostname: m[HOSTNAME] || m[META_HOST] || undefined,
    trace,
    sessionId: m[SESSION_ID] || undefined,
    agentId: m[AGENT_ID] || undefined,
    channel: m[CHANNEL] || undefined,
    signal: undefined,
  };
}

// Longer lines are rare and take the full parse: bounds the regex's work per line.
const MAX_CHARS = 64 * 1024;

/**
 * Whether `"traceId":"` occurs among a line's last characters, where OpenClaw's
 * file logger writes the W3C ids (its last fields): one bounded search, so the
 * hot path can send each line to the one pre-check that may take it.
 * plainTracedRecord takes no line without (its ids end the line); a line with
 * one is nearly always traced, and untracedRecordTime would refuse it anyway
 * (no `traceId` key after `time`), so skipping that pre-check for it costs
 * nothing but a full parse in the rare case the key sits elsewhere.
 */
export function idsInTail(line: string): boolean {
  return line.indexOf('"traceId":"', line.length - IDS_TAIL_CHARS) !== -1;
}

// `,"traceId":"<32>","spanId":"<16>","parentSpanId":"<16>","traceFlags":"<2>"}` is 125 characters.
const IDS_TAIL_CHARS = 160;

/** tslog's level names below WARN, as levelFrom reads them. */
const LEVELS: Readonly<Record<string, LogLevel>> = { SILLY: 'trace', TRACE: 'trace', DEBUG: 'debug', INFO: 'info' };

// A field value read as it is: no escapes, so the literal is the value.
const VALUE = `"(${PLAIN}*)"`;
const META = String.raw`\{"runtime":${STRING},"runtimeVersion":${STRING},"hostname":${VALUE},"date":${STRING},"logLevelId":\d{1,3},"logLevelName":"(SILLY|TRACE|DEBUG|INFO)","name":${STRING}(?:,"parentNames":${FLAT})?(?:,"path":${FLAT})?\}`;
const IDS = `,"traceId":"(${HEX_TRACE_ID})"(?:,"spanId":"(${HEX_SPAN_ID})")?(?:,"parentSpanId":"(${HEX_SPAN_ID})")?(?:,"traceFlags":"(${HEX_FLAGS})")?`;
const TAIL = `(?:,"hostname":${VALUE})?(?:,"message":${TEXT})?(?:,"agent_id":${VALUE})?(?:,"session_id":${VALUE})?(?:,"channel":${VALUE})?${IDS}`;
const PLAIN_TRACED_RECORD = new RegExp(String.raw`^\{"0":${ARG}(?:,"[1-9]\d*":${ARG})*,"_meta":${META},"time":"(${PLAIN}*)"${TAIL}\}$`);
// Capture groups, in the order they appear above.
const [META_HOST, LEVEL_NAME, TIME, HOSTNAME, AGENT_ID, SESSION_ID, CHANNEL, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, TRACE_FLAGS] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11] as const;
