import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * Complete traces taken from a real file log, to be written again as fresh copies: same
 * record shapes, same line spacing, new W3C ids and run ids, times set when written.
 */
export interface TraceTemplate {
  /** What kind of trace it is (`rpc sessions.list`, `message webchat`). */
  readonly name: string;
  /** The trace's own lines, raw, in file order, with their time relative to its first line. */
  readonly lines: readonly { offsetMs: number; text: string }[];
  /** Strings to make unique per copy: the trace id, span ids, run and message ids. */
  readonly ids: readonly string[];
}

export interface TraceCopy {
  readonly traceId: string;
  readonly template: string;
  readonly lines: readonly { offsetMs: number; record: Record<string, unknown> }[];
}

interface RawLine {
  text: string;
  traceId?: string;
  spanId?: string;
  parentSpanId?: string;
  message: string;
  timeMs: number;
}

/**
 * The two simplest complete trace shapes of a real log: the lone RPC response (one line, one
 * span, complete at its `⇄ res`), and the shortest channel message (`message received` …
 * `message processed`).
 */
export function loadTemplates(logFile: string): TraceTemplate[] {
  const byTrace = new Map<string, RawLine[]>();
  for (const text of readFileSync(logFile, 'utf8').split('\n')) {
    if (text.length === 0) continue;
    const record = JSON.parse(text) as Partial<RawLine> & { time?: string };
    if (typeof record.traceId !== 'string') continue;
    const line: RawLine = { text, message: record.message ?? '', timeMs: Date.parse(record.time ?? '') };
    line.traceId = record.traceId;
    if (typeof record.spanId === 'string') line.spanId = record.spanId;
    if (typeof record.parentSpanId === 'string') line.parentSpanId = record.parentSpanId;
    byTrace.set(record.traceId, [...(byTrace.get(record.traceId) ?? []), line]);
  }
  const traces = [...byTrace.values()];
  const rpc = traces.find((lines) => lines.length === 1 && lines[0]?.message.startsWith('⇄ res ') === true);
  const message = traces
    .filter((lines) => lines.some((l) => l.message.startsWith('message received:')) && lines.some((l) => l.message.startsWith('message processed:')))
    .sort((a, b) => a.length - b.length)[0];
  if (rpc === undefined || message === undefined) throw new Error(`${logFile}: no lone RPC response or no complete channel message trace`);
  return [
    template(`rpc ${/^⇄ res \S+ (\S+)/.exec(rpc[0]?.message ?? '')?.[1] ?? '?'}`, rpc),
    template(`message ${/channel=(\S+)/.exec(message.find((l) => l.message.startsWith('message received:'))?.message ?? '')?.[1] ?? '?'}`, message),
  ];
}

function template(name: string, lines: RawLine[]): TraceTemplate {
  const ids = new Set<string>();
  for (const line of lines) {
    for (const id of [line.traceId, line.spanId, line.parentSpanId]) if (id !== undefined) ids.add(id);
    for (const match of line.message.matchAll(/\b(?:runId|messageId)=([\w-]+)/g)) if (match[1] !== undefined && match[1] !== 'unknown') ids.add(match[1]);
  }
  const startMs = lines[0]?.timeMs ?? 0;
  return { name, lines: lines.map((line) => ({ offsetMs: line.timeMs - startMs, text: line.text })), ids: [...ids] };
}

/** A fresh copy: W3C ids random (same lengths), run and message ids suffixed with `seq`. */
export function copyTrace(template: TraceTemplate, seq: number): TraceCopy {
  const replacements = template.ids.map((id) => {
    const fresh = /^[0-9a-f]{32}$/.test(id) ? randomHex(16) : /^[0-9a-f]{16}$/.test(id) ? randomHex(8) : `${id}-bench${seq}`;
    return [id, fresh] as const;
  });
  let traceId = '';
  const lines = template.lines.map(({ offsetMs, text }) => {
    let copied = text;
    for (const [from, to] of replacements) copied = copied.replaceAll(from, to);
    const record = JSON.parse(copied) as Record<string, unknown>;
    traceId = typeof record['traceId'] === 'string' ? record['traceId'] : traceId;
    return { offsetMs, record };
  });
  return { traceId, template: template.name, lines };
}

/** The record as a log line written at `atMs`: both places tslog keeps the time (`time` wins, `_meta.date` is the fallback). */
export function stampLine(record: Record<string, unknown>, atMs: number): string {
  const iso = new Date(atMs).toISOString();
  const meta = record['_meta'];
  const stamped: Record<string, unknown> = { ...record, time: iso.replace('Z', '+00:00') };
  if (typeof meta === 'object' && meta !== null) stamped['_meta'] = { ...meta, date: iso };
  return `${JSON.stringify(stamped)}\n`;
}

function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
