import { copyTopLevelIds, isObject, nonEmptyString } from './json-object.js';
import { recognizeSignal } from './log-signals.js';
import { parseLogTime } from './log-time.js';
import { stripAnsi } from './strip-ansi.js';
import type { LogLevel, LogRecord, ParsedLine } from '../model/records.js';
import { readTraceScope } from './w3c-ids.js';

/**
 * Normalises one tslog file-log record exactly as OpenClaw's own
 * src/logging/parse-log-line.ts does (OPENCLAW.md §2), for every argument
 * shape: bindings in "0" or not, text or structured arguments, tslog 4 key
 * order, missing top-level message/hostname/trace fields.
 */
export function parseTslogRecord(record: Record<string, unknown>): ParsedLine {
  const meta = isObject(record['_meta']) ? record['_meta'] : undefined;
  const timeMs = parseLogTime(record['time']) ?? parseLogTime(meta?.['date']);
  if (timeMs === undefined) {
    return { kind: 'rejected', reason: 'bad_time', detail: `no usable time (time=${preview(record['time'])})` };
  }
  const trace = readTraceScope(record['traceId'], record['spanId'], record['parentSpanId'], record['traceFlags']);
  if (trace === 'invalid') {
    return { kind: 'rejected', reason: 'bad_trace_id', detail: `invalid W3C ids (traceId=${preview(record['traceId'])}, spanId=${preview(record['spanId'])})` };
  }

  // Arguments start after "0" only when "0" really is the bindings string.
  const argBindings = subsystemOf(record['0']);
  const bindings = subsystemOf(meta?.['name']) ?? argBindings;
  const argsFrom = argBindings === undefined ? 0 : 1;
  const message = stripAnsi(messageOf(record, argsFrom));
  const structured = firstObjectArgument(record, argsFrom);

  const out: LogRecord = { timeMs, level: levelOf(meta), message };
  if (bindings !== undefined && bindings.subsystem !== undefined) out.subsystem = bindings.subsystem;
  if (structured !== undefined) out.meta = structured;
  const hostname = nonEmptyString(record['hostname']) ?? nonEmptyString(meta?.['hostname']);
  if (hostname !== undefined) out.hostname = hostname;
  if (trace !== undefined) out.trace = trace;
  copyTopLevelIds(record, out);

  const dropped = record['dropped'];
  if (typeof dropped === 'number' && message.includes('file log queue overflow')) {
    out.signal = { kind: 'queue.overflow', dropped };
  } else {
    const signal = recognizeSignal(message, structured);
    if (signal !== undefined) out.signal = signal;
  }
  return { kind: 'log', record: out };
}

const LEVELS: Readonly<Record<string, LogLevel>> = {
  silly: 'trace', trace: 'trace', debug: 'debug', info: 'info', warn: 'warn', error: 'error', fatal: 'fatal',
};
const LEVEL_BY_ID: readonly LogLevel[] = ['trace', 'trace', 'debug', 'info', 'warn', 'error', 'fatal'];

function levelOf(meta: Record<string, unknown> | undefined): LogLevel {
  return levelFrom(meta?.['logLevelName'], meta?.['logLevelId']);
}

/** tslog's `logLevelName`, else its `logLevelId`, else info. */
export function levelFrom(name: unknown, id: unknown): LogLevel {
  const level = typeof name === 'string' ? levelNamed(name) : undefined;
  return level ?? (typeof id === 'number' ? LEVEL_BY_ID[id] : undefined) ?? 'info';
}

/** The level a tslog level name stands for, in any case; undefined for a name tslog does not have. */
export function levelNamed(name: string): LogLevel | undefined {
  const key = name.toLowerCase();
  // Own keys only: a name such as `constructor` must not find Object.prototype's.
  return Object.hasOwn(LEVELS, key) ? LEVELS[key] : undefined;
}

export interface Bindings {
  subsystem?: string;
}

// Bindings strings repeat on almost every line: parse each distinct one once.
const bindingsCache = new Map<string, Bindings | null>();
const BINDINGS_CACHE_MAX = 2048;

/** `{"subsystem":"x"}` (or module/plugin) as a JSON string → its bindings; undefined when it is not one. */
export function subsystemOf(value: unknown): Bindings | undefined {
  if (typeof value !== 'string' || value.charCodeAt(0) !== 123 /* { */) return undefined;
  const cached = bindingsCache.get(value);
  if (cached !== undefined) return cached ?? undefined;
  let parsed: Bindings | null = null;
  try {
    const object: unknown = JSON.parse(value);
    if (isObject(object)) {
      const name = object['subsystem'] ?? object['module'] ?? object['plugin'];
      parsed = typeof name === 'string' ? { subsystem: name } : {};
    }
  } catch {
    parsed = null;
  }
  if (bindingsCache.size >= BINDINGS_CACHE_MAX) bindingsCache.clear();
  bindingsCache.set(value, parsed);
  return parsed ?? undefined;
}

function messageOf(record: Record<string, unknown>, argsFrom: number): string {
  const top = record['message'];
  if (typeof top === 'string') return top;
  const parts: string[] = [];
  for (let i = argsFrom; ; i++) {
    const arg = record[String(i)];
    if (arg === undefined) break;
    if (typeof arg === 'string') parts.push(arg);
    else if (isObject(arg) && typeof arg['message'] === 'string' && i === 0) parts.push(arg['message']);
    else parts.push(safeStringify(arg));
  }
  return parts.join(' ');
}

function firstObjectArgument(record: Record<string, unknown>, argsFrom: number): Record<string, unknown> | undefined {
  for (let i = argsFrom; ; i++) {
    const arg = record[String(i)];
    if (arg === undefined) return undefined;
    if (isObject(arg)) return arg;
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    // Deeply nested or cyclic: the message is still worth keeping without it.
    return '[unprintable]';
  }
}


function preview(value: unknown): string {
  const text = typeof value === 'string' ? value : safeStringify(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
