import { copyTopLevelIds, isObject, nonEmptyString } from './json-object.js';
import { recognizeSignal } from './log-signals.js';
import { isPlausibleTime, parseLogTime } from './log-time.js';
import { parseObject } from './parse-line.js';
import { stripAnsi } from './strip-ansi.js';
import type { LogLevel, LogRecord, ParsedLine } from '../model/records.js';
import { readTraceScope } from './w3c-ids.js';

/** The console's `logging.consoleStyle: "json"`: `{time, level, subsystem, message, ...meta}`. */
const LEVELS: Readonly<Record<string, LogLevel>> = {
  silly: 'trace', trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal',
};
/** GCP severities, which the json style also writes as `severity`. */
const SEVERITIES: Readonly<Record<string, LogLevel>> = {
  DEBUG: 'debug', INFO: 'info', NOTICE: 'info', WARNING: 'warn', ERROR: 'error', CRITICAL: 'fatal', ALERT: 'fatal', EMERGENCY: 'fatal',
};
/** Keys of the json style's own; every other key is the log call's meta. */
const ENVELOPE_KEYS = new Set(['severity', 'time', 'level', 'subsystem', 'message']);

/**
 * A console line starting with `{` (at `at`): a diagnostic event or tslog
 * record as parseLine reads it, else the json style's record.
 */
export function parseJsonLine(text: string, at: number, entryTimeMs: number): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    if (error instanceof RangeError) return { kind: 'rejected', reason: 'too_deep', detail: 'JSON nested too deeply' };
    // util.inspect output (`{ a: 1 }`) is ordinary console output; `{"` that fails is JSON cut short (journald's LineMax).
    if (text.charCodeAt(at + 1) !== 34 /* " */) return { kind: 'other', reason: 'plain_text' };
    return { kind: 'rejected', reason: 'invalid_json', detail: (error as Error).message.slice(0, 120) };
  }
  if (!isObject(value)) return { kind: 'other', reason: 'unknown_json' };
  const parsed = parseObject(value);
  if (parsed.kind !== 'other' || parsed.reason !== 'unknown_json') return parsed;
  if (typeof value['level'] !== 'string' || typeof value['message'] !== 'string') return parsed;
  return consoleJsonRecord(value, entryTimeMs);
}

function consoleJsonRecord(value: Record<string, unknown>, entryTimeMs: number): ParsedLine {
  const timeMs = parseLogTime(value['time']) ?? entryTimeMs;
  if (!isPlausibleTime(timeMs)) {
    return { kind: 'rejected', reason: 'bad_time', detail: `no usable time in the line and the entry time ${timeMs} is implausible` };
  }
  const message = stripAnsi(value['message'] as string);
  const record: LogRecord = { timeMs, level: jsonLevel(value), message };
  const subsystem = nonEmptyString(value['subsystem']);
  if (subsystem !== undefined) record.subsystem = subsystem;
  const meta = metaOf(value);
  if (meta !== undefined) record.meta = meta;
  const hostname = nonEmptyString(value['hostname']);
  if (hostname !== undefined) record.hostname = hostname;
  // The json style has no trace context of its own: ids here come from the call's meta, and bad ones are ignored.
  const trace = readTraceScope(value['traceId'], value['spanId'], value['parentSpanId'], value['traceFlags']);
  if (trace !== undefined && trace !== 'invalid') record.trace = trace;
  copyTopLevelIds(value, record);
  const signal = recognizeSignal(message, meta);
  if (signal !== undefined) record.signal = signal;
  return { kind: 'log', record };
}

function jsonLevel(value: Record<string, unknown>): LogLevel {
  const level = value['level'];
  if (typeof level === 'string') {
    const known = LEVELS[level.toLowerCase()];
    if (known !== undefined) return known;
  }
  const severity = value['severity'];
  return (typeof severity === 'string' ? SEVERITIES[severity.toUpperCase()] : undefined) ?? 'info';
}

/** Own keys other than the envelope's, `__proto__` dropped; undefined when none are left. */
function metaOf(value: Record<string, unknown>): Record<string, unknown> | undefined {
  let meta: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    if (ENVELOPE_KEYS.has(key) || key === '__proto__') continue;
    meta ??= {};
    meta[key] = value[key];
  }
  return meta;
}

