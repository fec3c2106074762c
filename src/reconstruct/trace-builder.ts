import type { FinishedTrace } from '../model/span-record.js';

/**
 * Accumulates the facts of one trace until the reconstructor lets go of it.
 * One implementation per stream: log-trace-builder.ts (stream A/B records)
 * and event-trace-builder.ts (stream C diagnostic events).
 */
export interface TraceBuilder<T> {
  readonly traceId: string;
  /** Add one item. Must not throw: an item that cannot be used is ignored. */
  add(item: T): void;
  /** Log time (epoch ms) of the latest item added. */
  readonly lastMs: number;
  /**
   * Log time at which the trace became complete (its root closed and nothing
   * left open), or undefined while it is not. The reconstructor emits it a
   * grace period later so that trailing lines still land in it.
   */
  completedAtMs(): number | undefined;
  /**
   * True while a model call or tool has started and not ended: its answer may come later than the
   * idle timeout (a slow model), so the trace is held open longer (ReconstructorOptions.openCallHoldMs).
   */
  hasOpenCall(): boolean;
  /** Session ids/keys seen, so that events without a trace scope can find their trace. */
  sessionRefs(): readonly string[];
  /**
   * The finished trace. Spans still open are closed at `lastMs` and carry
   * `openclaw.span.incomplete=true`; the trace then has `incomplete: true`.
   */
  build(): FinishedTrace;
}
