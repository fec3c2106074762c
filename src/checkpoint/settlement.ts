import type { ExportedTraceSpans } from '../reconstruct/exported-spans.js';
import type { SpanRecord } from '../model/span-record.js';
import type { TraceLines } from '../model/line-refs.js';
import type { CheckpointStore, ExportedTrace } from './checkpoint-store.js';
import type { SourcePosition } from './source-position.js';

/** A trace that left the pipeline, as the checkpoint needs to know it. */
export interface SettledTrace {
  key: string;
  lines: TraceLines;
  /** Exported, but incomplete because otel-tail was stopping: its lines are read again at the next start to rebuild it whole. */
  rebuildAfterRestart: boolean;
  /** The spans delivered (remembered, so that a restart sends none of them again). */
  spans: readonly SpanRecord[];
}

interface ExportedEntry {
  key: string;
  from: Map<string, number>;
  until: Map<string, number>;
  spanIds: readonly string[];
  endMs: number;
}

/**
 * How long (log time) a delivered trace is remembered after its last span when no checkpoint holds
 * its lines any more: a retry of the gateway (backoff up to 30 s, up to 8 attempts) or a late
 * fragment within it, read after a restart, sends only its new spans.
 */
const REMEMBER_RECENT_MS = 15 * 60_000;
/** At most this many such recent traces in the checkpoint file (it is rewritten every second while it changes). */
const REMEMBER_RECENT_MAX = 2_000;

/**
 * Turns "which lines are still in flight" into checkpoints (the low-water
 * mark of docs/design.md "Delivery guarantee"). For each source:
 *
 *   checkpoint = min(end of the last complete line handed over,
 *                    first line of every trace still open, queued, in flight or to rebuild)
 *
 * Every line before that point is settled: its trace was exported, or it
 * made no span (rejected, untraced, amending spans already exported). It also
 * remembers the spans delivered of the traces whose lines reach past a
 * checkpoint, or that ended recently, so that after a restart the lines read
 * again, and a retry's, send none of them twice.
 */
export class Settlement {
  private exportedWhole: ExportedEntry[];
  private readonly toRebuild: TraceLines[] = [];

  constructor(private readonly store: CheckpointStore) {
    this.exportedWhole = store.exported.map((trace) => ({
      key: trace.key,
      from: new Map(Object.entries(trace.from ?? {})),
      until: new Map(Object.entries(trace.until)),
      spanIds: trace.spans === undefined || trace.spans === '' ? [] : trace.spans.split(','),
      endMs: trace.endMs ?? 0,
    }));
  }

  /** The spans delivered before the last stop that the reconstructor must not send again. */
  get exportedSpans(): ExportedTraceSpans[] {
    return this.exportedWhole.map((trace) => ({ key: trace.key, spanIds: trace.spanIds }));
  }

  settled(trace: SettledTrace): void {
    if (trace.rebuildAfterRestart) {
      if (trace.lines.size === 0) return;
      this.toRebuild.push(trace.lines);
      return;
    }
    const from = new Map<string, number>();
    const until = new Map<string, number>();
    for (const [source, range] of trace.lines) {
      from.set(source, range.first);
      until.set(source, range.last);
    }
    let endMs = 0;
    for (const span of trace.spans) if (span.endMs > endMs) endMs = span.endMs;
    this.exportedWhole.push({ key: trace.key, from, until, spanIds: trace.spans.map((span) => span.spanId), endMs });
  }

  /** Low-water mark per source key. */
  lowWater(positions: Iterable<SourcePosition>, inFlight: Iterable<Iterable<TraceLines>>): Map<string, number> {
    const marks = new Map<string, number>();
    for (const position of positions) marks.set(position.key, position.consumed);
    const hold = (lines: TraceLines): void => {
      for (const [source, range] of lines) {
        const mark = marks.get(source);
        if (mark !== undefined && range.first < mark) marks.set(source, range.first);
      }
    };
    for (const group of inFlight) for (const lines of group) hold(lines);
    for (const lines of this.toRebuild) hold(lines);
    for (const position of positions) if (position.contextual === true) this.holdStraddling(position.key, marks);
    return marks;
  }

  /**
   * SourcePosition.contextual: the mark moves back to the first line of every trace exported whole
   * that has lines on both sides of it. One step, not repeated from the new mark: a trace that
   * straddles only the new mark can lend its re-read lines to traces exported already (skipped as
   * read again), never to the open ones, which all start at or after the first mark.
   */
  private holdStraddling(source: string, marks: Map<string, number>): void {
    const mark = marks.get(source);
    if (mark === undefined) return;
    let held = mark;
    for (const trace of this.exportedWhole) {
      const first = trace.from.get(source);
      const last = trace.until.get(source);
      if (first !== undefined && last !== undefined && first < mark && last > mark && first < held) held = first;
    }
    marks.set(source, held);
  }

  /**
   * Updates the store from the current positions and writes it if anything
   * changed. `retired` are sources gone for good: their checkpoints go.
   */
  async write(positions: readonly SourcePosition[], inFlight: Iterable<Iterable<TraceLines>>, retired: readonly string[]): Promise<boolean> {
    const marks = this.lowWater(positions, inFlight);
    for (const position of positions) position.save(marks.get(position.key) ?? position.consumed, this.store);
    for (const key of retired) this.store.delete(key);
    this.exportedWhole = keep(this.exportedWhole, marks);
    const exported = this.exportedWhole.map(
      (trace): ExportedTrace => ({ key: trace.key, until: Object.fromEntries(trace.until), from: Object.fromEntries(trace.from), spans: trace.spanIds.join(','), endMs: trace.endMs }),
    );
    if (!sameExported(exported, this.store.exported)) this.store.setExported(exported);
    return this.store.flush();
  }
}

/**
 * The traces a restart must know: those with lines a checkpoint has not passed (they are read
 * again), and the most recent ones (a retry may still add to them).
 */
function keep(entries: readonly ExportedEntry[], marks: ReadonlyMap<string, number>): ExportedEntry[] {
  let newest = 0;
  for (const trace of entries) if (trace.endMs > newest) newest = trace.endMs;
  let recent = 0;
  const kept: ExportedEntry[] = [];
  // Newest first, so that the bound drops the oldest.
  for (let i = entries.length - 1; i >= 0; i--) {
    const trace = entries[i] as ExportedEntry;
    const held = [...trace.until].some(([source, end]) => (marks.get(source) ?? end) < end);
    const isRecent = trace.endMs >= newest - REMEMBER_RECENT_MS && recent < REMEMBER_RECENT_MAX;
    if (isRecent) recent++;
    if (held || isRecent) kept.push(trace);
  }
  return kept.reverse();
}

function sameExported(a: readonly ExportedTrace[], b: readonly ExportedTrace[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(
    (trace, i) =>
      trace.key === b[i]?.key && trace.spans === b[i]?.spans && JSON.stringify(trace.until) === JSON.stringify(b[i]?.until) && JSON.stringify(trace.from) === JSON.stringify(b[i]?.from),
  );
}
