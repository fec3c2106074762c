import { INFRASTRUCTURE_EVENT_TYPES, PLUGIN_DROPPED_EVENT_TYPE } from '../model/event-types.js';
import type { DiagnosticEvent, LogRecord, UntracedRecord } from '../model/records.js';
import { ATTR } from '../model/attribute-names.js';
import { EventTraceBuilder } from './event-trace-builder.js';
import { ExportedSpans, type ExportedTraceSpans } from './exported-spans.js';
import { LogClock, MERGED_CLOCK, type StreamKind } from './log-clock.js';
import { clockName, traceDueMs, type AnyBuilder } from './trace-due.js';
import { LogTraceBuilder } from './log-trace-builder.js';
import { MergedTraceBuilder } from './merged-trace-builder.js';
import { ownCopy, sameId } from './own-string.js';
import type { FinishedTrace } from '../model/span-record.js';
import { emptyReconstructorCounters, type ReconstructorCounters, type ReconstructorOptions } from './reconstructor-options.js';
import type { TraceBuilder } from './trace-builder.js';
import { addLine, type LineRef, type TraceLines } from '../model/line-refs.js';

export { DEFAULT_RECONSTRUCTOR_OPTIONS, emptyReconstructorCounters, type ReconstructorCounters, type ReconstructorOptions } from './reconstructor-options.js';

export type { StreamKind };


/** Why a trace left the reconstructor. */
export type CloseReason = 'complete' | 'idle' | 'evicted' | 'flushed';

/** What the pipeline needs to know about an emitted trace besides its spans: which lines it holds. */
export interface TraceExit {
  /** The reconstructor's key (`log:<traceId>`, `event:<traceId>`, or `trace:<traceId>` when merging): what was exported is remembered under it. */
  key: string;
  closedBy: CloseReason;
  /** The source lines the trace was built from (empty when the source passed no LineRef). */
  lines: TraceLines;
}

interface OpenTrace {
  /** Its key in `open`. */
  key: string;
  /** The stream whose builder it is (either, when merging). */
  stream: StreamKind;
  builder: AnyBuilder;
  /** Made at its first line that comes with a LineRef (a backfill passes none: 10,000 empty maps were ~2.6 MB). */
  lines?: TraceLines;
  /** Items added: counted as amending or re-read when the trace makes no span that was not exported. */
  items: number;
  /** The clock its time is judged by: that of its first line's source and host (log-clock.ts). */
  clock: string;
}

/**
 * Events → finished traces, with the gateway's own times. Bounded: every
 * open trace leaves through `emit` once, complete (root closed, plus a grace
 * period), idle, evicted, or flushed; a later line of it opens a fragment that
 * sends only the spans not exported yet (exported-spans.ts). Time is the log's
 * own time, one watermark per source, robust to outliers (log-clock.ts), so a
 * backfill of last week behaves like the live run did. Due traces are emitted before the line that makes them
 * due is added, line by line, so the result does not depend on how the
 * input was cut into batches (a live follow and a backfill of the same lines
 * give the same traces).
 */
export class Reconstructor {
  readonly counters: ReconstructorCounters = emptyReconstructorCounters();
  private readonly open = new Map<string, OpenTrace>();
  private readonly bySession = new Map<string, string>();
  private readonly clock: LogClock;
  /**
   * Per clock (`dueClocks[i]`), no open trace of it is due before `nextDueMs[i]` (a lower bound: a trace's due
   * time only moves later when it gets a line, except on completion). Arrays, not a Map: tick() reads them
   * at every line that moves log time, and iterating a Map allocated an entry and an iterator each time
   * (~8 MB per backfill of the 97 MB log). There are as many clocks as sources: a few.
   */
  private readonly dueClocks: string[] = [];
  private readonly nextDueMs: number[] = [];

  /** What was exported, per trace (exported-spans.ts): a later line of a trace sends only the spans it adds. */
  readonly exported: ExportedSpans;

  constructor(
    private readonly options: ReconstructorOptions,
    private readonly emit: (trace: FinishedTrace, exit: TraceExit) => void,
  ) {
    this.exported = new ExportedSpans(options.rememberEmitted);
    const clockOptions = {
      outlierMs: options.clockOutlierMs ?? options.idleTimeoutMs,
      maxWallSkewMs: options.maxWallSkewMs,
      maxStreamLagMs: options.maxStreamLagMs,
      hasUnread: options.hasUnread,
    };
    this.clock = new LogClock(clockOptions);
  }

  /** How much longer the log must be quiet (following, every source caught up) until the next open trace is due (Infinity when none is open). */
  get nextDueIn(): number {
    let soonest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.dueClocks.length; i++) soonest = Math.min(soonest, (this.nextDueMs[i] as number) - this.clock.now(this.dueClocks[i] as string, true));
    return soonest;
  }

  /** Every open trace's lines: what is still being reconstructed (checkpoints must not pass it). */
  *openLines(): Iterable<TraceLines> {
    for (const entry of this.open.values()) if (entry.lines !== undefined) yield entry.lines;
  }

  /**
   * Spans exported by an earlier run (the checkpoint's memory) or by the follower before a reload:
   * their lines read again make no span twice, and are counted as `rereadItems`.
   */
  rememberExported(traces: Iterable<ExportedTraceSpans>): void {
    for (const trace of traces) this.exported.remember(trace.key, trace.spanIds, true);
  }

  get openTraces(): number {
    return this.open.size;
  }

  /** The latest log time of any clock. */
  get watermark(): number {
    return this.clock.latest;
  }

  /** The latest time seen in one stream (for a reader that interleaves the two by time). */
  streamWatermark(kind: StreamKind): number {
    return this.clock.mark(kind);
  }

  /** `movesClock` false: the record's time is a guess (a journal line without a time of its own): placed by it, log time does not follow it. */
  addRecord(record: LogRecord | UntracedRecord, at?: LineRef, movesClock = true): void {
    if (this.outside(record.timeMs)) return;
    const clock = clockName(this.options, 'log', at);
    if (movesClock) this.advance(record.timeMs, 'log', clock);
    if (record.trace === undefined) {
      this.counters.untracedRecords++;
      return;
    }
    const traceId = record.trace.traceId;
    const entry = this.entryFor(traceId, 'log', clock);
    (entry.builder as TraceBuilder<LogRecord>).add(record);
    if (this.options.mergeStreams === true) for (const ref of entry.builder.sessionRefs()) this.bySession.set(ref, traceId);
    this.added(entry, at);
  }

  addEvent(event: DiagnosticEvent, at?: LineRef): void {
    if (this.outside(event.ts)) return;
    const clock = clockName(this.options, 'event', at);
    this.advance(event.ts, 'event', clock);
    // The plugin's drop marker is a gap to report (routeParsed does), never a trace.
    if (INFRASTRUCTURE_EVENT_TYPES.has(event.type) || event.type === PLUGIN_DROPPED_EVENT_TYPE) {
      this.counters.infrastructureEvents++;
      return;
    }
    const traceId = event.trace?.traceId ?? this.traceForSession(event);
    if (traceId === undefined) {
      this.counters.untracedEvents++;
      return;
    }
    const entry = this.entryFor(traceId, 'event', clock);
    (entry.builder as TraceBuilder<DiagnosticEvent>).add(event);
    for (const ref of entry.builder.sessionRefs()) this.bySession.set(ref, traceId);
    this.added(entry, at);
  }

  /**
   * Emits what is due at each clock's log time, plus `quietMs` (the wall time the log has been quiet,
   * while following: a trace whose last line was written leaves even if nothing else is written).
   */
  tick(quietMs = 0): void {
    // Quiet, no line is left to confirm or refute a jump of log time: the latest line read counts (log-clock.ts).
    const quiet = quietMs > 0;
    let due = false;
    for (let i = 0; i < this.dueClocks.length; i++) if (this.clock.now(this.dueClocks[i] as string, quiet) + quietMs >= (this.nextDueMs[i] as number)) due = true;
    if (!due) return;
    this.dueClocks.length = 0;
    this.nextDueMs.length = 0;
    for (const entry of this.open.values()) {
      const dueMs = traceDueMs(entry.builder, this.options);
      if (this.clock.now(entry.clock, quiet) + quietMs >= dueMs) this.finish(entry, entry.builder.completedAtMs() !== undefined ? 'complete' : 'idle');
      else this.dueAt(entry.clock, dueMs);
    }
  }

  /** Emits every open trace (end of input or shutdown); those not complete are marked. */
  flush(): void {
    for (const entry of this.open.values()) this.finish(entry, 'flushed');
    this.dueClocks.length = 0;
    this.nextDueMs.length = 0;
  }

  private outside(timeMs: number): boolean {
    const { sinceMs, untilMs } = this.options;
    if ((sinceMs === undefined || timeMs >= sinceMs) && (untilMs === undefined || timeMs < untilMs)) return false;
    this.counters.outsideWindow++;
    return true;
  }

  /** One key per trace when merging; else one per stream, as each stream builds its own trace. */
  private keyOf(kind: StreamKind, traceId: string): string {
    return this.options.mergeStreams === true ? `trace:${traceId}` : `${kind}:${traceId}`;
  }

  /**
   * The open trace of the last line: a trace's lines mostly come in runs, and its id read from a line is
   * compared in place rather than made into a key and hashed (own-string.ts sameId). Cleared when it leaves.
   */
  private last: OpenTrace | undefined;

  private dueAt(clock: string, dueMs: number): void {
    const at = this.dueClocks.indexOf(clock);
    if (at === -1) {
      this.dueClocks.push(clock);
      this.nextDueMs.push(dueMs);
    } else if (dueMs < (this.nextDueMs[at] as number)) this.nextDueMs[at] = dueMs;
  }

  /** The open trace of `traceId` in `stream`, made when new (no closure per line: this runs for every traced line). */
  private entryFor(traceId: string, stream: StreamKind, clock: string): OpenTrace {
    const last = this.last;
    if (last !== undefined && (last.stream === stream || this.options.mergeStreams === true) && sameId(traceId, last.builder.traceId)) return last;
    const key = this.keyOf(stream, traceId);
    const existing = this.open.get(key);
    if (existing !== undefined) return (this.last = existing);
    // A trace exported already opens again as a fragment: it is built as the whole trace would be, and finish() sends only its new spans.
    if (this.open.size >= this.options.maxOpenTraces) this.evictOldest();
    // Held until the trace leaves: copies, not views of the line they were read from (own-string.ts).
    const id = ownCopy(traceId);
    const builder = this.options.mergeStreams === true ? new MergedTraceBuilder(id) : stream === 'log' ? new LogTraceBuilder(id) : new EventTraceBuilder(id);
    const entry: OpenTrace = { key: ownCopy(key), stream, builder, items: 0, clock };
    this.open.set(entry.key, entry);
    return (this.last = entry);
  }

  private added(entry: OpenTrace, at: LineRef | undefined): void {
    entry.items++;
    if (at !== undefined) addLine((entry.lines ??= new Map()), at);
    this.dueAt(entry.clock, traceDueMs(entry.builder, this.options));
  }

  private traceForSession(event: DiagnosticEvent): string | undefined {
    for (const name of ['sessionId', 'sessionKey']) {
      const value = event.fields[name];
      if (typeof value === 'string') {
        const traceId = this.bySession.get(value);
        if (traceId !== undefined && this.open.has(this.keyOf('event', traceId))) return traceId;
      }
    }
    return undefined;
  }

  /**
   * Moves log time forward, emitting first what that makes due: a line never joins a trace that was
   * due before it. A line far ahead of its clock moves nothing until confirmed (log-clock.ts).
   */
  private advance(timeMs: number, kind: StreamKind, clock: string): void {
    const observed = clock === MERGED_CLOCK ? kind : clock;
    const before = this.clock.outliers;
    if (this.clock.observe(observed, timeMs) === 'moved') this.tick();
    this.counters.clockOutliers += this.clock.outliers - before;
  }

  /**
   * The least recently active 1 % go at once: one scan per hundred evictions instead of one per new
   * trace (a flood of traces evicted one by one cost a scan of every open trace each: 46 s for 30,000).
   * Their later lines are not lost: they open fragments (see finish).
   */
  private evictOldest(): void {
    const count = Math.max(1, Math.floor(this.options.maxOpenTraces / 100));
    const oldest = [...this.open.values()].sort((a, b) => a.builder.lastMs - b.builder.lastMs).slice(0, count);
    for (const entry of oldest) {
      this.counters.tracesEvicted++;
      this.finish(entry, 'evicted');
    }
  }

  private finish(entry: OpenTrace, closedBy: CloseReason): void {
    const { key, builder } = entry;
    this.open.delete(key);
    if (this.last === entry) this.last = undefined;
    for (const ref of builder.sessionRefs()) if (this.bySession.get(ref) === builder.traceId) this.bySession.delete(ref);
    const trace = builder.build();
    if (builder.completedAtMs() === undefined && !trace.incomplete) {
      trace.incomplete = true;
      for (const span of trace.spans) if (span.parentSpanId === undefined) span.attributes[ATTR.openclawTraceIncomplete] = true;
    }
    const reopened = this.exported.has(key);
    const reread = this.exported.beforeRestart(key);
    const spans = this.exported.takeFresh(key, trace.spans);
    if (reopened && spans.length === 0) {
      // Everything it describes left already: its lines amend exported spans (or were read again after a restart).
      if (reread) this.counters.rereadItems += entry.items;
      else this.counters.amendedAfterExport += entry.items;
      return;
    }
    if (reopened) {
      trace.spans = spans;
      this.counters.tracesReopened++;
    }
    if (trace.incomplete) this.counters.tracesIncomplete++;
    else this.counters.tracesComplete++;
    if (spans.length > 0) this.emit(trace, { key, closedBy, lines: entry.lines ?? new Map() });
  }
}
