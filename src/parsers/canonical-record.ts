import { nonEmptyString } from './json-object.js';
import { ARG_OBJECT, FLAT, PLAIN, STRING, stringValue } from './json-grammar.js';
import { recognizeSignal } from './log-signals.js';
import { parseLogTime } from './log-time.js';
import { stripAnsi } from './strip-ansi.js';
import { levelFrom, levelNamed, subsystemOf } from './tslog-record.js';
import type { LogLevel, LogRecord, ParsedLine } from '../model/records.js';
import { HEX_FLAGS, HEX_SPAN_ID, HEX_TRACE_ID, hexTraceScope } from './w3c-ids.js';

/**
 * The fast reader of the hot path: a tslog record laid out exactly as
 * OpenClaw 2026.x writes it (arguments "0", "1", ... as text or as objects
 * of the shapes OpenClaw logs, json-grammar.ts ARG_OBJECT; `_meta` with its
 * keys in tslog's order, then `time` and scalar fields such as hostname,
 * message and the W3C ids) is read with one
 * precompiled regex instead of JSON.parse and the object walk of
 * parseTslogRecord. Only the pieces a record needs are decoded: the message,
 * the ids, the object argument (with JSON.parse of that fragment only).
 *
 * The regex is a subset of the JSON grammar, so a line it accepts is valid
 * JSON, and the result equals parseTslogRecord's on the parsed object (the
 * unit tests compare both on every line of the real sample and on variants).
 * Anything off the common layout returns undefined and takes the full parse:
 * another key order, deeper objects, a duplicated or escaped key we read, a
 * `dropped` count (queue overflow), a time that needs the `_meta.date`
 * fallback, ids (trace flags included) not in lowercase W3C hex or all zero (their rejection
 * message is the full parser's).
 */
export function parseCanonicalRecord(line: string): ParsedLine | undefined {
  if (line.length > MAX_CHARS) return undefined;
  const m = CANONICAL_RECORD.exec(line);
  if (m === null) return undefined;
  const timeMs = parseLogTime(m[TIME]);
  if (timeMs === undefined) return undefined;
  const traceId = m[TRACE_ID];
  const trace = traceId === undefined ? undefined : hexTraceScope(traceId, m[SPAN_ID], m[PARENT_SPAN_ID], m[TRACE_FLAGS]);
  if (traceId !== undefined && trace === undefined) return undefined;
  const args = [m[1] as string];
  for (let i = 2; i <= LAST_ARG && m[i] !== undefined; i++) args.push(m[i] as string);

  const arg0 = args[0] as string;
  const argBindings = isText(arg0) ? subsystemOf(cachedValue(arg0)) : undefined;
  // The logger's name is usually the bindings argument itself.
  const metaName = m[META_NAME] as string;
  const bindings = (metaName === arg0 ? argBindings : subsystemOf(cachedValue(metaName))) ?? argBindings;
  const argsFrom = argBindings === undefined ? 0 : 1;
  const top = m[MESSAGE];
  const message = top === undefined ? textArguments(args, argsFrom) : stringValue(top);
  if (message === undefined) return undefined;
  const structured = firstObject(args, argsFrom);

  const text = stripAnsi(message);
  // Every field, in LogRecord's order, as plainTracedRecord makes its records (see there).
  const out: LogRecord = {
    timeMs,
    level: levelOf(m[LEVEL_NAME] as string, m[LEVEL_ID] as string),
    subsystem: bindings?.subsystem,
    message: text,
    meta: structured,
    hostname: nonEmptyString(valueOf(m[HOSTNAME])) ?? nonEmptyString(cachedValue(m[META_HOST] as string)),
    trace,
    sessionId: nonEmptyString(valueOf(m[SESSION_ID])),
    agentId: nonEmptyString(valueOf(m[AGENT_ID])),
    channel: nonEmptyString(valueOf(m[CHANNEL])),
    signal: recognizeSignal(text, structured),
  };
  return { kind: 'log', record: out };
}

// Longer lines are rare and take the full parse: bounds the regex's work per line.
const MAX_CHARS = 64 * 1024;

const ARG = `(${STRING}|${ARG_OBJECT})`;
const S = `(${STRING})`;
// Up to three arguments ("0" to "2": no release writes more, and each slot is a copy of ARG_OBJECT the regex
// compiles on the first line), `_meta` in tslog's key order, then the fields OpenClaw's file logger adds, in its order.
const ARGS = `"0":${ARG}(?:,"1":${ARG}(?:,"2":${ARG})?)?`;
const META = String.raw`\{"runtime":${STRING},"runtimeVersion":${STRING},"hostname":${S},"date":${STRING},"logLevelId":(0|[1-9]\d{0,2}),"logLevelName":${S},"name":${S}(?:,"parentNames":${FLAT})?(?:,"path":${FLAT})?\}`;
const TAIL = `(?:,"hostname":${S})?(?:,"message":${S})?(?:,"agent_id":${S})?(?:,"session_id":${S})?(?:,"channel":${S})?(?:,"traceId":"(${HEX_TRACE_ID})"(?:,"spanId":"(${HEX_SPAN_ID})")?(?:,"parentSpanId":"(${HEX_SPAN_ID})")?(?:,"traceFlags":"(${HEX_FLAGS})")?)?`;
const CANONICAL_RECORD = new RegExp(`^\\{${ARGS},"_meta":${META},"time":"(${PLAIN}*)"${TAIL}\\}$`);
// Capture groups, in the order they appear above.
const LAST_ARG = 3;
const [META_HOST, LEVEL_ID, LEVEL_NAME, META_NAME, TIME, HOSTNAME, MESSAGE, AGENT_ID, SESSION_ID, CHANNEL, TRACE_ID, SPAN_ID, PARENT_SPAN_ID, TRACE_FLAGS] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17] as const;

function valueOf(literal: string | undefined): string | undefined {
  return literal === undefined ? undefined : stringValue(literal);
}

/** Without a top-level message: the text arguments joined (any other argument: the full parse stringifies it). */
function textArguments(args: readonly string[], argsFrom: number): string | undefined {
  const parts: string[] = [];
  for (let i = argsFrom; i < args.length; i++) {
    const arg = args[i] as string;
    if (!isText(arg)) return undefined;
    parts.push(stringValue(arg));
  }
  return parts.join(' ');
}

function firstObject(args: readonly string[], argsFrom: number): Record<string, unknown> | undefined {
  for (let i = argsFrom; i < args.length; i++) {
    const arg = args[i] as string;
    if (!isText(arg)) return JSON.parse(arg) as Record<string, unknown>;
  }
  return undefined;
}

function isText(raw: string): boolean {
  return raw.charCodeAt(0) === 34; /* " */
}

// Bindings, logger names, level names and host names repeat on almost every line: decode each distinct literal once.
const literalCache = new Map<string, string>();
const LITERAL_CACHE_MAX = 2048;

function cachedValue(literal: string): string {
  let value = literalCache.get(literal);
  if (value !== undefined) return value;
  value = stringValue(literal);
  if (literalCache.size >= LITERAL_CACHE_MAX) literalCache.clear();
  literalCache.set(literal, value);
  return value;
}

// The level a level-name literal stands for, once per distinct literal: no lower-cased copy and lookup per line.
const levelByLiteral = new Map<string, LogLevel>();
const LEVEL_CACHE_MAX = 64;

/** levelFrom of the literal's value and the id: a known name decides; an unknown one leaves it to the id. */
function levelOf(literal: string, id: string): LogLevel {
  let level = levelByLiteral.get(literal);
  if (level !== undefined) return level;
  const name = cachedValue(literal);
  level = levelNamed(name);
  if (level === undefined) return levelFrom(name, Number(id));
  if (levelByLiteral.size >= LEVEL_CACHE_MAX) levelByLiteral.clear();
  levelByLiteral.set(literal, level);
  return level;
}
