import type { LogLevel, LogRecord } from '../../model/records.js';
import type { LogScrub } from './log-scrub.js';
import { isReplyContent, replyBody } from './reply-content.js';

/** One gateway line as an OTLP log record, before encoding. Times in epoch ms (fractions kept to the microsecond). */
export interface OtlpLogRecord {
  /** The line's own time. */
  timeMs: number;
  /** When otel-tail read the line. */
  observedMs: number;
  severityNumber: number;
  severityText: string;
  body: string;
  attributes: Record<string, string | number>;
  /** Goes to the resource (`host.name`), as for spans. */
  hostName?: string;
  /** The span the line belongs to; absent on lines of no trace. */
  traceId?: string;
  spanId?: string;
  /** W3C trace flags (0 = not written). */
  traceFlags: number;
}

/**
 * Where a line came from: a file and its 1-based line number, or a journal entry's cursor. A follower
 * that resumed reading a file at a checkpoint does not know the numbers of its lines: none is given.
 */
export type LogPosition = { kind: 'file'; path: string; line?: number } | { kind: 'journal'; cursor: string };

/** Attribute names: OpenTelemetry's `log.file.*` conventions, and ours for what they lack. */
export const LOG_ATTRIBUTES = {
  subsystem: 'openclaw.subsystem',
  filePath: 'log.file.path',
  /** Not in the conventions: the 1-based line of `log.file.path` the record was read from. */
  fileLine: 'log.file.line',
  journalCursor: 'log.journald.cursor',
} as const;

/**
 * tslog / console levels → the log data model's SeverityNumber (the first of each range: TRACE 1,
 * DEBUG 5, INFO 9, WARN 13, ERROR 17, FATAL 21) and its short name as severity text.
 */
const SEVERITY: Readonly<Record<LogLevel, { number: number; text: string }>> = {
  trace: { number: 1, text: 'TRACE' },
  debug: { number: 5, text: 'DEBUG' },
  info: { number: 9, text: 'INFO' },
  warn: { number: 13, text: 'WARN' },
  error: { number: 17, text: 'ERROR' },
  fatal: { number: 21, text: 'FATAL' },
};

const identity: LogScrub = (text: string): string => text;

/**
 * A parsed file-log or console record → its log record. `scrub` is the export policy for text (ids
 * hashed or omitted, `--redact`), applied to the body and every string attribute: the messages hold
 * `sessionKey=…` and `chatId=…`. The trace ids are the record's own (OpenClaw's in the file log,
 * derived ones on console lines), so the line sits under the span it was written in. A record whose
 * text is a reply (reply-content.ts) follows `scrub.content` (--capture-content).
 */
export function toOtlpLogRecord(record: LogRecord, position: LogPosition, observedMs: number, scrub: LogScrub = identity): OtlpLogRecord {
  const severity = SEVERITY[record.level];
  const attributes: Record<string, string | number> = {};
  if (record.subsystem !== undefined && record.subsystem !== '') attributes[LOG_ATTRIBUTES.subsystem] = scrub(record.subsystem);
  if (position.kind === 'file') {
    attributes[LOG_ATTRIBUTES.filePath] = scrub(position.path);
    if (position.line !== undefined) attributes[LOG_ATTRIBUTES.fileLine] = position.line;
  } else {
    attributes[LOG_ATTRIBUTES.journalCursor] = position.cursor;
  }
  const out: OtlpLogRecord = {
    timeMs: record.timeMs,
    observedMs,
    severityNumber: severity.number,
    severityText: severity.text,
    body: scrub.content !== undefined && isReplyContent(record) ? replyBody(scrub(record.message), scrub.content) : scrub(record.message),
    attributes,
    traceFlags: 0,
  };
  if (record.hostname !== undefined && record.hostname !== '') out.hostName = scrub(record.hostname);
  const trace = record.trace;
  if (trace !== undefined) {
    out.traceId = trace.traceId;
    if (trace.spanId !== undefined) out.spanId = trace.spanId;
    // OpenClaw writes "01"; derived ids carry none and are sampled like every span we send.
    out.traceFlags = trace.traceFlags === undefined ? 1 : Number.parseInt(trace.traceFlags, 16) || 0;
  }
  return out;
}
