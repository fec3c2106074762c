import { fstatSync } from 'node:fs';
import { tailEnvName } from '../config/config-env.js';

export type LogLevel = 'info' | 'warn' | 'error';
/** The config's `logFormat`. */
export type LogFormat = 'auto' | 'text' | 'json';

const LOG_FORMAT_ENV = tailEnvName('logFormat');

/** Where our lines go: standard error (a test passes its own). */
export interface LogSink {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

let sink: LogSink = process.stderr;
let format: LogFormat | undefined;
let daemon = false;

/**
 * The format of our own lines from now on (the config's `logFormat`). Until it is set (the config
 * is not read yet, or is invalid), `OTEL_TAIL_LOG_FORMAT` when valid, else `auto`.
 */
export function setLogFormat(value: LogFormat | undefined): void {
  format = value;
}

/**
 * This process is the follower (a daemon), not a one-shot command: only then may `auto` pick JSON.
 * Set before the config is read, so that its errors come in the same format.
 */
export function setDaemonLog(value: boolean): void {
  daemon = value;
}

/**
 * `text` or `json`. `auto` is text, except for the follower running under journald, whose lines
 * are JSON there (`journalctl -o cat | jq`). One-shot commands (backfill, validate, status) and
 * anything on a terminal are text: Vector's and the Collector's own logs default to text too.
 */
export function effectiveLogFormat(): 'text' | 'json' {
  const chosen = format ?? formatFromEnv();
  if (chosen === 'text' || chosen === 'json') return chosen;
  return daemon && underJournald() ? 'json' : 'text';
}

/**
 * systemd sets JOURNAL_STREAM to the device:inode of the stderr it connected to the journal; a
 * child that inherited the variable but writes elsewhere (a pipe, a terminal) is not under journald.
 */
function underJournald(): boolean {
  const stream = process.env['JOURNAL_STREAM'];
  if (stream === undefined || stream === '' || sink.isTTY === true) return false;
  if (sink !== process.stderr) return true;
  try {
    const { dev, ino } = fstatSync(2);
    return stream === `${dev}:${ino}`;
  } catch {
    return false;
  }
}

/**
 * One line of ours: `otel-tail: message` as text; as JSON, one object per line with `time`,
 * `level`, `msg` and the given fields (which never hold secrets: callers pass counts and names).
 */
export function ownLog(level: LogLevel, message: string, fields?: Readonly<Record<string, unknown>>): void {
  writeLine(level, `otel-tail: ${message}`, message, fields);
}

/** A line whose text form is `text` as it is (a summary, `otel-tail validate: ...`); as JSON, `text` is its `msg`. */
export function ownLogRaw(level: LogLevel, text: string, fields?: Readonly<Record<string, unknown>>): void {
  writeLine(level, text, text, fields);
}

/** The usual `log` callback: one line, at level info unless said. */
export const say = (message: string, level: LogLevel = 'info'): void => ownLog(level, message);

/** For tests: send lines to `to` (the format's `auto` then follows its `isTTY`). Returns the previous sink. */
export function setLogSink(to: LogSink): LogSink {
  const previous = sink;
  sink = to;
  return previous;
}

/**
 * sd-daemon(3)'s level prefixes: journald takes `<4>` off the line and files it at that priority
 * (SyslogLevelPrefix=, on by default), so `journalctl -p warning` shows our warnings and errors.
 */
const SYSLOG_PREFIX: Readonly<Record<LogLevel, string>> = { error: '<3>', warn: '<4>', info: '<6>' };

function writeLine(level: LogLevel, text: string, message: string, fields: Readonly<Record<string, unknown>> | undefined): void {
  // Our lines are rare (never one per record): asking each time whether stderr is the journal costs nothing.
  const prefix = underJournald() ? SYSLOG_PREFIX[level] : '';
  if (effectiveLogFormat() === 'text') {
    sink.write(`${prefix}${text}\n`);
    return;
  }
  // time, level and msg first, and never overwritten by a field of the same name.
  const line: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
  for (const [key, value] of Object.entries(fields ?? {})) if (key !== '__proto__' && !Object.hasOwn(line, key)) line[key] = value;
  sink.write(`${prefix}${JSON.stringify(line)}\n`);
}

function formatFromEnv(): LogFormat | undefined {
  const value = process.env[LOG_FORMAT_ENV];
  return value === 'auto' || value === 'text' || value === 'json' ? value : undefined;
}
