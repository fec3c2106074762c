import type { TraceLines } from '../reconstruct/trace-lines.js';
import type { SourcePosition } from '../sources/source-position.js';
import type { CheckpointStore, ExportedTrace } from './checkpoint-store.js';

/** A trace that left the pipeline, as the checkpoint needs to know it. */
export interface SettledTrace {
  key: string;
  lines: TraceLines;
  /** Exported, but incomplete because otel-tail was stopping: its lines are read again at the next start to rebuild it whole. */
  rebuildAfterRestart: boolean;
}

/**
 * Turns "which lines are still in flight" into checkpoints (the low-water
 * mark of docs/design.md "Delivery guarantee"). For each source:
 *
 *   checkpoint = min(end of the last complete line handed over,
 *                    first line of every trace still open, queued, in flight or to rebuild)
 *
 * Every line before that point is settled: its trace was exported, or it
 * made no span (rejected, untraced, late). It also remembers the traces
 * exported whole whose lines reach past a checkpoint, so that the lines read
 * again after a restart are skipped (counted as read again) instead of making the trace twice.
 */
export class Settlement {
  private exportedWhole: { key: string; from: Map<string, number>; until: Map<string, number> }[];
  private readonly toRebuild: TraceLines[] = [];

  constructor(private readonly store: CheckpointStore) {
    this.exportedWhole = store.exported.map((trace) => ({ key: trace.key, from: new Map(Object.entries(trace.from ?? {})), until: new Map(Object.entries(trace.until)) }));
  }

  /** Keys of the traces exported whole whose lines may be read again (after a restart: before the last stop). */
  get exportedKeys(): string[] {
    return this.exportedWhole.map((trace) => trace.key);
  }

  settled(trace: SettledTrace): void {
    if (trace.lines.size === 0) return;
    if (trace.rebuildAfterRestart) {
      this.toRebuild.push(trace.lines);
      return;
    }
    const from = new Map<string, number>();
    const until = new Map<string, number>();
    for (const [source, range] of trace.lines) {
      from.set(source, range.first);
      until.set(source, range.last);
    }
    this.exportedWhole.push({ key: trace.key, from, until });
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
    // Keep a trace exported whole only while one of its sources' checkpoints is still before its last line.
    this.exportedWhole = this.exportedWhole.filter((trace) => [...trace.until].some(([source, end]) => (marks.get(source) ?? end) < end));
    const exported = this.exportedWhole.map((trace): ExportedTrace => ({ key: trace.key, until: Object.fromEntries(trace.until), from: Object.fromEntries(trace.from) }));
    if (!sameExported(exported, this.store.exported)) this.store.setExported(exported);
    return this.store.flush();
  }
}

function sameExported(a: readonly ExportedTrace[], b: readonly ExportedTrace[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((trace, i) => trace.key === b[i]?.key && JSON.stringify(trace.until) === JSON.stringify(b[i]?.until) && JSON.stringify(trace.from) === JSON.stringify(b[i]?.from));
}
