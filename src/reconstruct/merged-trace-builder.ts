import type { DiagnosticEvent, LogRecord } from '../model/records.js';
import { EventTraceBuilder } from './event-trace-builder.js';
import { LogTraceBuilder } from './log-trace-builder.js';
import { mergeTraces } from './merge-traces.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { TraceBuilder } from './trace-builder.js';

const NONE: readonly string[] = [];

/**
 * One trace of a gateway whose file log (or console) and diagnostic events
 * are both read: each stream is folded by its own builder, and build() merges
 * the two (merge-traces.ts) when both have something.
 */
export class MergedTraceBuilder implements TraceBuilder<LogRecord | DiagnosticEvent> {
  private log: LogTraceBuilder | undefined;
  private events: EventTraceBuilder | undefined;

  constructor(readonly traceId: string) {}

  get lastMs(): number {
    return Math.max(this.log?.lastMs ?? 0, this.events?.lastMs ?? 0);
  }

  add(item: LogRecord | DiagnosticEvent): void {
    if ('timeMs' in item) (this.log ??= new LogTraceBuilder(this.traceId)).add(item);
    else (this.events ??= new EventTraceBuilder(this.traceId)).add(item);
  }

  /**
   * The events' completion when they are complete: they describe the spans,
   * and their last events (queued model-call, tool and harness ends) are what
   * a trace must not leave without. Else the log's: the events may still be
   * coming, which `awaitsEvents` tells the reconstructor.
   */
  completedAtMs(): number | undefined {
    const events = this.events?.completedAtMs();
    if (events !== undefined) return events;
    return this.log?.completedAtMs();
  }

  /** True while the events of this trace have not arrived or not completed: worth waiting a little longer for them. */
  awaitsEvents(): boolean {
    return this.events?.completedAtMs() === undefined;
  }

  hasOpenCall(): boolean {
    return this.events?.hasOpenCall() === true || this.log?.hasOpenCall() === true;
  }

  sessionRefs(): readonly string[] {
    const log = this.log?.sessionRefs() ?? NONE;
    const events = this.events?.sessionRefs() ?? NONE;
    // Asked for every line: the builders return the same arrays until their sessions change, so merge only then.
    if (log !== this.refsFrom[0] || events !== this.refsFrom[1]) {
      this.refsFrom = [log, events];
      this.refs = [...new Set([...log, ...events])].sort();
    }
    return this.refs;
  }

  private refsFrom: readonly (readonly string[])[] = [NONE, NONE];
  private refs: readonly string[] = NONE;

  build(): FinishedTrace {
    const events = this.events?.build();
    const log = this.log?.build();
    if (events !== undefined && log !== undefined) return mergeTraces(events, log);
    return events ?? log ?? { traceId: this.traceId, incomplete: true, spans: [] };
  }
}
