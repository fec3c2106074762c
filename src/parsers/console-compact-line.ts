import { parseKeyValues } from './key-values.js';
import { recognizeSignal } from './log-signals.js';
import { isPlausibleTime, parseLogTime } from './log-time.js';
import type { LogLevel, LogRecord, LogSignal, ParsedLine } from '../model/records.js';

/**
 * The console's compact style (OPENCLAW.md §3), from `at` (its first
 * non-blank character) of `text`, which is `message` with ANSI codes stripped
 * when `coloured`: `<ISO time> [subsystem] message`, `[subsystem] message`,
 * `HH:MM:SS [subsystem] message`. The colour codes of `message` give the
 * level. See parseConsoleMessage (console-line.ts).
 */
export function parseCompactLine(message: string, text: string, at: number, coloured: boolean, entryTimeMs: number): ParsedLine {
  let timeMs: number | undefined;
  const stamped = timePrefixEnd(text, at);
  if (stamped !== -1) {
    timeMs = parseLogTime(text.slice(at, stamped));
    if (timeMs !== undefined) at = stamped + 1;
  } else if (isClockPrefix(text, at)) {
    // Pretty style: a UTC wall clock without the date; the journal's own time is as good and has the date.
    at += 9;
  }
  if (at >= text.length) return { kind: 'other', reason: 'empty' };
  const subsystemEnd = subsystemTokenEnd(text, at);
  if (subsystemEnd === -1 && timeMs === undefined) return { kind: 'other', reason: 'plain_text' };
  if (timeMs === undefined) {
    if (!isPlausibleTime(entryTimeMs)) {
      return { kind: 'rejected', reason: 'bad_time', detail: `no time in the line and the entry time ${entryTimeMs} is implausible` };
    }
    timeMs = entryTimeMs;
  }

  const record: LogRecord = { timeMs, level: coloured ? levelFromColour(message, at, subsystemEnd) : 'info', message: '' };
  if (subsystemEnd === -1) {
    // A console.* call captured after the time prefix was set: no subsystem, like the file log's plain records.
    record.message = text.slice(at);
    const signal = consoleSignal(record.message);
    if (signal !== undefined) record.signal = signal;
    return { kind: 'log', record };
  }
  const rest = text.slice(Math.min(subsystemEnd + 2, text.length));
  let signal = consoleSignal(rest);
  if (signal === undefined) {
    // `[tools] read failed: …` is a plain console.error in the file log (no subsystem, the tag in the text):
    // the console cannot tell a tag from a subsystem, so a tag that makes a signal is read as the file log has it.
    const whole = text.slice(at);
    signal = recognizeSignal(whole, undefined);
    if (signal !== undefined) {
      record.message = whole;
      record.signal = signal;
      return { kind: 'log', record };
    }
  }
  record.subsystem = text.slice(at + 1, subsystemEnd);
  record.message = rest;
  if (signal !== undefined) record.signal = signal;
  return { kind: 'log', record };
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** End (the space) of an ISO time such as `2026-11-21T16:49:45.388+00:00` or `…Z` at `at`; -1 when there is none. */
function timePrefixEnd(text: string, at: number): number {
  if (!(isDigit(text.charCodeAt(at)) && isDigit(text.charCodeAt(at + 3)) && text.charCodeAt(at + 4) === 45 /* - */ && text.charCodeAt(at + 10) === 84 /* T */)) {
    return -1;
  }
  const end = text.indexOf(' ', at + 11);
  return end === -1 || end - at > 40 ? -1 : end;
}

/** `HH:MM:SS ` */
function isClockPrefix(text: string, at: number): boolean {
  return (
    text.charCodeAt(at + 2) === 58 &&
    text.charCodeAt(at + 5) === 58 &&
    text.charCodeAt(at + 8) === 32 &&
    isDigit(text.charCodeAt(at)) &&
    isDigit(text.charCodeAt(at + 7))
  );
}

/** Index of the `]` closing a `[subsystem]` token at `at` (followed by a space or the end); -1 when there is none. */
function subsystemTokenEnd(text: string, at: number): number {
  if (text.charCodeAt(at) !== 91 /* [ */) return -1;
  const limit = Math.min(text.length, at + 120);
  for (let i = at + 1; i < limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 93 /* ] */) {
      if (i === at + 1) return -1;
      return i + 1 === text.length || text.charCodeAt(i + 1) === 32 ? i : -1;
    }
    if (!isSubsystemChar(c)) return -1;
  }
  return -1;
}

/** Letters, digits and `/ - _ . : @`: what OpenClaw's subsystem names (and tags such as `[trace:embedded-run]`) are made of. */
function isSubsystemChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || isDigit(c) || c === 47 || c === 45 || c === 95 || c === 46 || c === 58 || c === 64
  );
}

/**
 * The message colour, which is the only trace of the level in a compact line
 * (formatConsoleLine in OpenClaw's src/logging/subsystem.ts). The subsystem
 * tag has a colour of its own (hashed from its name), so the colour read is
 * the one set right where the message starts. Runs only on coloured lines.
 */
function levelFromColour(raw: string, plainAt: number, subsystemEnd: number): LogLevel {
  const messageAt = subsystemEnd === -1 ? plainAt : subsystemEnd + 2;
  const code = sgrCodeAt(raw, messageAt);
  switch (code) {
    case 31:
    case 91:
      return 'error';
    case 33:
    case 93:
      return 'warn';
    case 90:
      return 'debug';
    default:
      return 'info';
  }
}

// eslint-disable-next-line no-control-regex -- matching the ESC control character is the point
const ESCAPE = /\u001b\[([0-9;?]*)[ -/]*([@-~])/y;

/** The last SGR colour code that `raw` sets right before the character at `plainOffset` of its ANSI-stripped text. */
function sgrCodeAt(raw: string, plainOffset: number): number | undefined {
  let plain = 0;
  let code: number | undefined;
  for (let i = 0; i < raw.length; ) {
    if (raw.charCodeAt(i) === 27) {
      ESCAPE.lastIndex = i;
      const match = ESCAPE.exec(raw);
      if (match !== null) {
        if (match[2] === 'm') {
          const params = match[1] ?? '';
          code = Number(params.slice(params.lastIndexOf(';') + 1));
        }
        i = ESCAPE.lastIndex;
        continue;
      }
    }
    if (plain === plainOffset) return code;
    plain++;
    i++;
    code = undefined;
  }
  return undefined;
}

/**
 * Console renderings of structured records (their `consoleMessage`) that the
 * file log writes as `{event, …}` meta: the same decision signal, from the
 * key=value text.
 */
const CONSOLE_DECISIONS: readonly (readonly [string, string])[] = [
  ['embedded run failover decision: ', 'embedded_run_failover_decision'],
  ['model fallback decision: ', 'model_fallback_decision'],
];
const AGENT_END = 'embedded run agent end: ';

/** recognizeSignal, plus what only the console needs: the decision lines above, and unquoted error texts. */
function consoleSignal(message: string): LogSignal | undefined {
  const signal = recognizeSignal(message, undefined);
  if (signal !== undefined) {
    if (signal.kind === 'run.agent.end' && signal.values['isError'] === 'true' && message.startsWith(AGENT_END)) {
      return { kind: 'run.agent.end', values: consoleValues(message, AGENT_END.length) };
    }
    return signal;
  }
  const first = message.charCodeAt(0);
  if (first !== 101 /* e */ && first !== 109 /* m */) return undefined;
  for (const [prefix, event] of CONSOLE_DECISIONS) {
    if (message.startsWith(prefix)) return recognizeSignal(message, { event, ...consoleValues(message, prefix.length) });
  }
  return undefined;
}

/** Keys whose values OpenClaw interpolates unquoted into console text: each runs on to the next of them, or to the end. */
const RUN_ON_KEYS = [' error=', ' rawError=', ' detail='] as const;

/**
 * The key=value pairs of a console message, with the run-on values whole
 * (`error=⚠️ Rate limit reached …; Retry-After: 1 seconds rawError=429 …`).
 * The text inside them is not read for pairs: it is provider output.
 */
function consoleValues(message: string, from: number): Record<string, string> {
  const starts: number[] = [];
  for (const key of RUN_ON_KEYS) {
    const at = message.indexOf(key, from - 1);
    if (at !== -1 && message.charCodeAt(at + key.length) !== 34 /* " */) starts.push(at);
  }
  if (starts.length === 0) return { ...parseKeyValues(message, from) };
  starts.sort((a, b) => a - b);
  const values: Record<string, string> = { ...parseKeyValues(message.slice(0, starts[0]), from) };
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i] as number;
    const eq = message.indexOf('=', at);
    values[message.slice(at + 1, eq)] = message.slice(eq + 1, starts[i + 1] ?? message.length);
  }
  return values;
}
