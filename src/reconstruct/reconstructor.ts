import { INFRASTRUCTURE_EVENT_TYPES } from '../parsers/diagnostic-event.js';
import type { DiagnosticEvent, LogRecord } from '../parsers/types.js';
import { ATTR } from './attribute-names.js';
import { EventTraceBuilder } from './event-trace-builder.js';
import { LogTraceBuilder } from './log-trace-builder.js';
import type { FinishedTrace } from './span-record.js';
import type { TraceBuilder } from './trace-builder.js';

export interface ReconstructorOptions {
  /** How long (log time) a complete trace waits for trailing lines before it is emitted. */
  graceMs: number;
  /** A trace with no new line for this long (log time) is emitted as it is. */
  idleTimeoutMs: number;
  /** Bound on traces held at once; past it the least recently active one is emitted early (evicted). */
  maxOpenTraces: number;
  /** How many emitted trace ids are remembered, so late lines are counted instead of starting a second trace. */
  rememberEmitted: number;
}

export const DEFAULT_RECONSTRUCTOR_OPTIONS: ReconstructorOptions = {
  graceMs: 2_000,
  idleTimeoutMs: 120_000,
  maxOpenTraces: 10_000,
  rememberEmitted: 50_000,
};

export interface ReconstructorCounters {
  /** Traces emitted whole. */
  tracesComplete: number;
  /** Traces emitted with spans or their root still open (idle timeout, eviction, flush). */
  tracesIncomplete: number;
  tracesEvicted: number;
  /** Lines for a trace already emitted. */
  lateItems: number;
  /** Log records that carry no trace scope (startup, heartbeats): useful for logs, not for traces. */
  untracedRecords: number;
  /** Diagnostic infrastructure events (heartbeat, memory, ...): metrics material, never traces. */
  infrastructureEvents: number;
  /** Diagnostic events with neither a trace nor a session that leads to one. */
  untracedEvents: number;
}

type AnyBuilder = TraceBuilder<LogRecord> | TraceBuilder<DiagnosticEvent>;

/**
 * Events → finished traces, with the gateway's own times. Bounded: every
 * trace leaves through `emit` exactly once, complete (root closed, plus a
 * grace period), idle, evicted, or flushed. Time is the log's own time (a
 * watermark: the latest time seen), so a backfill of last week behaves like
 * the live run did.
 */
export class Reconstructor {
  readonly counters: ReconstructorCounters = {
    tracesComplete: 0,
    tracesIncomplete: 0,
    tracesEvicted: 0,
    lateItems: 0,
    untracedRecords: 0,
    infrastructureEvents: 0,
    untracedEvents: 0,
  };
  private readonly open = new Map<string, AnyBuilder>();
  private readonly emitted = new Set<string>();
  private readonly bySession = new Map<string, string>();
  private watermarkMs = 0;

  constructor(
    private readonly options: ReconstructorOptions,
    private readonly emit: (trace: FinishedTrace) => void,
  ) {}

  get openTraces(): number {
    return this.open.size;
  }

  get watermark(): number {
    return this.watermarkMs;
  }

  addRecord(record: LogRecord): void {
    const traceId = record.trace?.traceId;
    if (traceId === undefined) {
      this.counters.untracedRecords++;
      return;
    }
    const builder = this.builderFor(`log:${traceId}`, () => new LogTraceBuilder(traceId));
    if (builder === undefined) return;
    (builder as TraceBuilder<LogRecord>).add(record);
    this.advance(record.timeMs);
  }

  addEvent(event: DiagnosticEvent): void {
    if (INFRASTRUCTURE_EVENT_TYPES.has(event.type)) {
      this.counters.infrastructureEvents++;
      return;
    }
    const traceId = event.trace?.traceId ?? this.traceForSession(event);
    if (traceId === undefined) {
      this.counters.untracedEvents++;
      return;
    }
    const builder = this.builderFor(`event:${traceId}`, () => new EventTraceBuilder(traceId));
    if (builder === undefined) return;
    (builder as TraceBuilder<DiagnosticEvent>).add(event);
    for (const ref of builder.sessionRefs()) this.bySession.set(ref, traceId);
    this.advance(event.ts);
  }

  /** Emits what is due at the current watermark (or at `nowMs` when later, e.g. wall clock while following). */
  tick(nowMs?: number): void {
    const now = Math.max(this.watermarkMs, nowMs ?? 0);
    for (const [key, builder] of this.open) {
      const completedAt = builder.completedAtMs();
      if (completedAt !== undefined ? now >= completedAt + this.options.graceMs : now >= builder.lastMs + this.options.idleTimeoutMs) {
        this.finish(key, builder);
      }
    }
  }

  /** Emits every open trace (end of input or shutdown); those not complete are marked. */
  flush(): void {
    for (const [key, builder] of this.open) this.finish(key, builder);
  }

  private builderFor(key: string, create: () => AnyBuilder): AnyBuilder | undefined {
    const existing = this.open.get(key);
    if (existing !== undefined) return existing;
    if (this.emitted.has(key)) {
      this.counters.lateItems++;
      return undefined;
    }
    if (this.open.size >= this.options.maxOpenTraces) this.evictOldest();
    const builder = create();
    this.open.set(key, builder);
    return builder;
  }

  private traceForSession(event: DiagnosticEvent): string | undefined {
    for (const name of ['sessionId', 'sessionKey']) {
      const value = event.fields[name];
      if (typeof value === 'string') {
        const traceId = this.bySession.get(value);
        if (traceId !== undefined && this.open.has(`event:${traceId}`)) return traceId;
      }
    }
    return undefined;
  }

  private advance(timeMs: number): void {
    if (timeMs > this.watermarkMs) this.watermarkMs = timeMs;
  }

  private evictOldest(): void {
    let oldestKey: string | undefined;
    let oldest: AnyBuilder | undefined;
    for (const [key, builder] of this.open) {
      if (oldest === undefined || builder.lastMs < oldest.lastMs) {
        oldest = builder;
        oldestKey = key;
      }
    }
    if (oldestKey !== undefined && oldest !== undefined) {
      this.counters.tracesEvicted++;
      this.finish(oldestKey, oldest);
    }
  }

  private finish(key: string, builder: AnyBuilder): void {
    this.open.delete(key);
    this.remember(key);
    for (const ref of builder.sessionRefs()) if (this.bySession.get(ref) === builder.traceId) this.bySession.delete(ref);
    const trace = builder.build();
    if (builder.completedAtMs() === undefined && !trace.incomplete) {
      trace.incomplete = true;
      for (const span of trace.spans) if (span.parentSpanId === undefined) span.attributes[ATTR.openclawTraceIncomplete] = true;
    }
    if (trace.incomplete) this.counters.tracesIncomplete++;
    else this.counters.tracesComplete++;
    if (trace.spans.length > 0) this.emit(trace);
  }

  private remember(key: string): void {
    if (this.emitted.size >= this.options.rememberEmitted) {
      // Sets iterate in insertion order: the first key is the oldest.
      const first = this.emitted.values().next();
      if (first.done !== true) this.emitted.delete(first.value);
    }
    this.emitted.add(key);
  }
}
