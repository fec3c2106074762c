import type { DiagnosticEvent, LogRecord } from '../model/records.js';
import type { LineRef } from '../model/line-refs.js';
import { MERGED_CLOCK, type StreamKind } from './log-clock.js';
import { MergedTraceBuilder } from './merged-trace-builder.js';
import type { ReconstructorOptions } from './reconstructor-options.js';
import type { TraceBuilder } from './trace-builder.js';

/** An open trace's builder: one stream's, or both merged. */
export type AnyBuilder = TraceBuilder<LogRecord> | TraceBuilder<DiagnosticEvent> | MergedTraceBuilder;

const DEFAULT_MERGE_WAIT_MS = 2_000;
const DEFAULT_OPEN_CALL_HOLD_MS = 10 * 60_000;
/** The clocks of lines read without a LineRef (clockName). */
const LOG_CLOCK = 'log|';
const EVENT_CLOCK = 'event|';

/**
 * When an open trace is due, in its clock's log time: a complete one after the grace (merging, once
 * its events had time to come); an incomplete one after the idle timeout, or, while a model call or
 * tool is open, after the open-call hold (a call answered minutes later still arrives whole).
 */
export function traceDueMs(builder: AnyBuilder, options: ReconstructorOptions): number {
  const completedAt = builder.completedAtMs();
  if (completedAt === undefined) {
    const hold = builder.hasOpenCall() ? Math.max(options.idleTimeoutMs, options.openCallHoldMs ?? DEFAULT_OPEN_CALL_HOLD_MS) : options.idleTimeoutMs;
    return builder.lastMs + hold;
  }
  const wait = builder instanceof MergedTraceBuilder && builder.awaitsEvents() ? (options.mergeWaitMs ?? DEFAULT_MERGE_WAIT_MS) : 0;
  return completedAt + options.graceMs + wait;
}

/**
 * The clock a line's time counts in: per source (the followed directory, or journal); merging, the
 * slower stream's (log-clock.ts). Not per host: an untraced line read without a parse carries no
 * host, and a backfill already keeps one reconstructor per host.
 */
export function clockName(options: ReconstructorOptions, kind: StreamKind, at: LineRef | undefined): string {
  if (options.mergeStreams === true) return MERGED_CLOCK;
  // A backfill passes no LineRef: the same two names for every line, not a string built (and hashed) per line.
  if (at === undefined) return kind === 'log' ? LOG_CLOCK : EVENT_CLOCK;
  return `${kind}|${at.clock ?? at.source}`;
}
