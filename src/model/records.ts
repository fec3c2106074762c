/**
 * What a parser makes of one line. Parsers never throw: every line becomes
 * exactly one ParsedLine, and only `log` and `diagnostic` lines feed the
 * reconstructor.
 */

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** W3C trace scope as the gateway wrote it; ids already validated (lower-case hex, not all zeros). */
export interface TraceScope {
  traceId: string;
  spanId?: string;
  parentSpanId?: string;
  traceFlags?: string;
  /** Ids derived by otel-tail (console lines carry none): a parent never seen is expected, not a sign of missing lines. */
  synthetic?: boolean;
}

/** Why a line was rejected. Rejected lines are counted by reason and never become spans. */
export type RejectReason =
  | 'invalid_json'
  | 'invalid_utf8'
  | 'binary'
  | 'too_long'
  | 'too_deep'
  | 'bad_time'
  | 'bad_trace_id'
  | 'bad_event'
  | 'bad_journal_entry';

/** Why a well-formed line is of no use to the reconstructor (counted, not an error). */
export type OtherReason = 'plain_text' | 'unknown_json' | 'unknown_event_type' | 'empty';

/**
 * Typed lifecycle facts recognised in a log message (OPENCLAW.md §2.1). The
 * `values` are the message's key=value pairs with `unknown` already removed.
 */
export type LogSignal =
  | { kind: 'message.received'; values: KeyValues }
  | { kind: 'message.queued'; values: KeyValues }
  | { kind: 'message.dispatch.started'; values: KeyValues }
  | { kind: 'message.dispatch.completed'; values: KeyValues }
  | { kind: 'message.processed'; values: KeyValues }
  | { kind: 'session.turn.created'; values: KeyValues }
  | { kind: 'session.state'; values: KeyValues }
  | { kind: 'lane.enqueue' | 'lane.dequeue' | 'lane.done' | 'lane.error' | 'lane.wait_exceeded'; values: KeyValues }
  | { kind: 'session.attention'; state: string; values: KeyValues }
  | { kind: 'tool.loop'; values: KeyValues }
  | { kind: 'webhook'; phase: 'received' | 'processed' | 'error'; values: KeyValues }
  | { kind: 'run.start' | 'run.prompt.start' | 'run.prompt.end' | 'run.agent.start' | 'run.agent.end' | 'run.done'; values: KeyValues }
  | { kind: 'run.tool.start' | 'run.tool.end'; values: KeyValues }
  | { kind: 'model.fetch'; phase: 'start' | 'response' | 'error'; values: KeyValues }
  | { kind: 'retry'; attempt?: number; maxAttempts?: number; values: KeyValues }
  | { kind: 'decision'; event: string; values: Record<string, unknown> }
  | { kind: 'tool.failed'; tool: string; error: string }
  | { kind: 'rpc.response'; method: string; ok: boolean; durationMs?: number; values: KeyValues }
  /** A gateway client's device paired (logged in a trace of its own, before 2026.6 at least). */
  | { kind: 'device.pairing'; values: KeyValues }
  | { kind: 'queue.overflow'; dropped: number };

export type KeyValues = Readonly<Record<string, string>>;

/** A file-log (tslog) or console record, normalised as OpenClaw's parse-log-line.ts does. */
export interface LogRecord {
  /** Epoch milliseconds. */
  timeMs: number;
  level: LogLevel;
  subsystem?: string;
  /** ANSI colour codes stripped. */
  message: string;
  /** The first plain-object argument (structured meta), if any. */
  meta?: Record<string, unknown>;
  hostname?: string;
  trace?: TraceScope;
  sessionId?: string;
  agentId?: string;
  channel?: string;
  signal?: LogSignal;
}

/**
 * A log record read only as far as the hot path's pre-check reads one without trace ids
 * (untraced-record.ts): its time. That is all the reconstructor takes from a record without a
 * trace (it moves the watermark and counts it); nothing else is known, so nothing else is here.
 */
export interface UntracedRecord {
  timeMs: number;
  trace?: undefined;
}

/** Stream C: one diagnostic event. Unknown fields pass through in `fields`. */
export interface DiagnosticEvent {
  type: string;
  /** Epoch milliseconds at emit. */
  ts: number;
  seq?: number;
  trace?: TraceScope;
  /** The whole event object (including type/ts/seq/trace), own keys only, `__proto__` dropped. */
  fields: Readonly<Record<string, unknown>>;
  /** `metadata` of an `{event, metadata}` envelope, when the line had one. */
  metadata?: Readonly<Record<string, unknown>>;
}

export type ParsedLine =
  | { kind: 'log'; record: LogRecord }
  | { kind: 'diagnostic'; event: DiagnosticEvent }
  | { kind: 'other'; reason: OtherReason }
  | { kind: 'rejected'; reason: RejectReason; detail: string };
