import { existsSync, readFileSync } from 'node:fs';
import { parseLine } from '../../src/parsers/parse-line.js';
import type { JournalEntry } from '../../src/parsers/journal-entry.js';
import { JournalIntake } from '../../src/pipeline/journal-intake.js';
import { EventTraceBuilder } from '../../src/reconstruct/event-trace-builder.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../src/reconstruct/reconstructor.js';
import type { FinishedTrace, SpanRecord } from '../../src/model/span-record.js';
import { PipelineStats } from '../../src/telemetry/pipeline-stats.js';
import { fixturePath } from './fixtures.js';

/**
 * The same short scenario run on four real OpenClaw releases
 * (test/fixtures/openclaw-versions/README.md): each stream rebuilt by our
 * reconstructor, and what the raw output says happened, read straight from
 * the JSON lines and the fake upstream's request log, never through our parser.
 */
export const RELEASES = ['2026.3.22', '2026.4.27', '2026.5.28', '2026.8.2'] as const;
export type Release = (typeof RELEASES)[number];

export function releaseFile(release: string, name: string): string {
  return fixturePath(`openclaw-versions/${release}/${name}`);
}

function jsonLines(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

function rawText(path: string): string[] {
  return readFileSync(path, 'utf8').split('\n').filter((line) => line.length > 0);
}

// ---- what the raw output says ----

export interface UpstreamRequest {
  status: number;
  /** From the `traceparent` header the gateway sent, when it sent one. */
  traceId?: string;
  parentSpanId?: string;
}

export function upstreamRequests(release: string): UpstreamRequest[] {
  return jsonLines(releaseFile(release, 'requests.jsonl')).map((raw) => {
    const headers = (raw['headers'] ?? {}) as Record<string, string>;
    const request: UpstreamRequest = { status: raw['status'] as number };
    const parts = headers['traceparent']?.split('-');
    if (parts !== undefined && parts.length === 4) {
      request.traceId = parts[1] as string;
      request.parentSpanId = parts[2] as string;
    }
    return request;
  });
}

/** Diagnostic events as the plugin wrote them (`{event, metadata}` or bare). */
export function rawEvents(release: string): Record<string, unknown>[] {
  return jsonLines(releaseFile(release, 'events.jsonl')).map((raw) => (raw['event'] ?? raw) as Record<string, unknown>);
}

export function eventTraceId(event: Record<string, unknown>): string | undefined {
  return (event['trace'] as { traceId?: string } | undefined)?.traceId;
}

/** The file log's records, with their message text as tslog wrote it (`message`, else `"1"`). */
export function rawFileLog(release: string): { traceId?: string; spanId?: string; parentSpanId?: string; text: string }[] {
  return jsonLines(releaseFile(release, 'file-log.jsonl')).map((raw) => {
    const text = typeof raw['message'] === 'string' ? raw['message'] : typeof raw['1'] === 'string' ? raw['1'] : '';
    const out: { traceId?: string; spanId?: string; parentSpanId?: string; text: string } = { text };
    if (typeof raw['traceId'] === 'string') out.traceId = raw['traceId'];
    if (typeof raw['spanId'] === 'string') out.spanId = raw['spanId'];
    if (typeof raw['parentSpanId'] === 'string') out.parentSpanId = raw['parentSpanId'];
    return out;
  });
}

/** The console lines journald stored (MESSAGE of each entry). */
export function rawConsole(release: string): string[] {
  return jsonLines(releaseFile(release, 'journal-like.jsonl')).map((raw) => String(raw['MESSAGE'] ?? ''));
}

/** How many lines start (after any time and subsystem prefix) with `prefix`, per trace id when the lines have one. */
export function countByTrace<T>(items: readonly T[], key: (item: T) => string | undefined, match: (item: T) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const item of items) {
    if (!match(item)) continue;
    const k = key(item) ?? '';
    out.set(k, (out.get(k) ?? 0) + 1);
  }
  return out;
}

/** Lines of the file log per trace whose message starts with `marker`. */
export function fileLogCounts(release: string, marker: string): Map<string, number> {
  return countByTrace(rawFileLog(release), (line) => line.traceId, (line) => line.text.startsWith(marker));
}

/** Events of `type` per trace. */
export function eventCounts(release: string, type: string): Map<string, number> {
  return countByTrace(rawEvents(release), eventTraceId, (event) => event['type'] === type);
}

// ---- what our reconstructor makes of each stream ----

function collect(options: Partial<typeof DEFAULT_RECONSTRUCTOR_OPTIONS> & { mergeStreams?: boolean }): { traces: FinishedTrace[]; reconstructor: Reconstructor } {
  const traces: FinishedTrace[] = [];
  const reconstructor = new Reconstructor({ ...DEFAULT_RECONSTRUCTOR_OPTIONS, ...options }, (trace) => traces.push(trace));
  return { traces, reconstructor };
}

function feedLines(reconstructor: Reconstructor, lines: readonly string[]): void {
  for (const line of lines) {
    const parsed = parseLine(line);
    if (parsed.kind === 'log') reconstructor.addRecord(parsed.record);
    else if (parsed.kind === 'diagnostic') reconstructor.addEvent(parsed.event);
  }
}

export function fileLogTraces(release: string): FinishedTrace[] {
  const { traces, reconstructor } = collect({});
  feedLines(reconstructor, rawText(releaseFile(release, 'file-log.jsonl')));
  reconstructor.flush();
  return traces;
}

export function eventTraces(release: string): FinishedTrace[] {
  const { traces, reconstructor } = collect({});
  feedLines(reconstructor, rawText(releaseFile(release, 'events.jsonl')));
  reconstructor.flush();
  return traces;
}

/** One trace's events, each trace built by an EventTraceBuilder fed in the given order. */
export function eventBuilds(release: string, order: 'forward' | 'reversed'): FinishedTrace[] {
  const builders = new Map<string, EventTraceBuilder>();
  const lines = rawText(releaseFile(release, 'events.jsonl'));
  for (const line of order === 'reversed' ? lines.reverse() : lines) {
    const parsed = parseLine(line);
    const traceId = parsed.kind === 'diagnostic' ? parsed.event.trace?.traceId : undefined;
    if (parsed.kind !== 'diagnostic' || traceId === undefined) continue;
    let builder = builders.get(traceId);
    if (builder === undefined) builders.set(traceId, (builder = new EventTraceBuilder(traceId)));
    builder.add(parsed.event);
  }
  return [...builders.values()].map((builder) => builder.build());
}

/** File log and events of the run merged, interleaved by time as a backfill of both reads them. */
export function mergedTraces(release: string): FinishedTrace[] {
  const { traces, reconstructor } = collect({ mergeStreams: true });
  const timed = (lines: string[]): { at: number; line: string }[] =>
    lines.map((line) => {
      const parsed = parseLine(line);
      const at = parsed.kind === 'log' ? parsed.record.timeMs : parsed.kind === 'diagnostic' ? parsed.event.ts : 0;
      return { at, line };
    });
  const all = [...timed(rawText(releaseFile(release, 'file-log.jsonl'))), ...timed(rawText(releaseFile(release, 'events.jsonl')))];
  all.sort((a, b) => a.at - b.at);
  feedLines(reconstructor, all.map((item) => item.line));
  reconstructor.flush();
  return traces;
}

/** The console as journald holds it, through the journal intake (run scopes given to console lines). */
export function consoleTraces(release: string): FinishedTrace[] {
  const { traces, reconstructor } = collect({});
  const intake = new JournalIntake('journal', new PipelineStats(), reconstructor);
  const entries: JournalEntry[] = jsonLines(releaseFile(release, 'journal-like.jsonl')).map((raw, i) => {
    const entry: JournalEntry = { cursor: `c${i}`, realtimeUs: Number(raw['__REALTIME_TIMESTAMP']) };
    if (typeof raw['MESSAGE'] === 'string') entry.message = raw['MESSAGE'];
    return entry;
  });
  intake.addEntries(entries);
  reconstructor.flush();
  return traces;
}

export function spansNamed(trace: FinishedTrace, prefix: string): SpanRecord[] {
  return trace.spans.filter((span) => span.name.startsWith(prefix));
}

export function traceById(traces: readonly FinishedTrace[], traceId: string): FinishedTrace | undefined {
  return traces.find((trace) => trace.traceId === traceId);
}

/** How many spans per trace whose name starts with `prefix` (traces with none left out). */
export function spanCounts(traces: readonly FinishedTrace[], prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const trace of traces) {
    const n = spansNamed(trace, prefix).length;
    if (n > 0) out.set(trace.traceId, n);
  }
  return out;
}
