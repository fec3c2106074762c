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
 * again after a restart are counted late instead of making the trace twice.
 */
export class Settlement {
  private exportedWhole: { key: string; until: Map<string, number> }[];
  private readonly toRebuild: TraceLines[] = [];

  constructor(private readonly store: CheckpointStore) {
    this.exportedWhole = store.exported.map((trace) => ({ key: trace.key, until: new Map(Object.entries(trace.until)) }));
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
    const until = new Map<string, number>();
    for (const [source, range] of trace.lines) until.set(source, range.last);
    this.exportedWhole.push({ key: trace.key, until });
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
    return marks;
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
    const exported = this.exportedWhole.map((trace): ExportedTrace => ({ key: trace.key, until: Object.fromEntries(trace.until) }));
    if (!sameExported(exported, this.store.exported)) this.store.setExported(exported);
    return this.store.flush();
  }
}

function sameExported(a: readonly ExportedTrace[], b: readonly ExportedTrace[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((trace, i) => trace.key === b[i]?.key && JSON.stringify(trace.until) === JSON.stringify(b[i]?.until));
}
