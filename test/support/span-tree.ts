/**
 * Indexing helpers for asserting on span trees. Structural, so they work on
 * ReceivedSpan (what reached the receiver) and SpanRecord (what the
 * reconstructor emitted) alike.
 */
export interface TreeSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string | undefined;
  startMs: number;
}

const byStart = (a: TreeSpan, b: TreeSpan): number => a.startMs - b.startMs;

/** Direct children of `spanId` (within its trace), ordered by start time. */
export function childrenOf<T extends TreeSpan>(spans: readonly T[], spanId: string): T[] {
  const parent = spans.find((s) => s.spanId === spanId);
  return spans
    .filter((s) => s.parentSpanId === spanId && (parent === undefined || s.traceId === parent.traceId))
    .sort(byStart);
}

/** Spans whose parent is unset or not among `spans` of the same trace, ordered by start time. */
export function rootsOf<T extends TreeSpan>(spans: readonly T[]): T[] {
  const present = new Set(spans.map((s) => `${s.traceId}/${s.spanId}`));
  return spans
    .filter((s) => s.parentSpanId === undefined || !present.has(`${s.traceId}/${s.parentSpanId}`))
    .sort(byStart);
}

/** Spans grouped by trace id, in first-seen order. */
export function byTrace<T extends TreeSpan>(spans: readonly T[]): Map<string, T[]> {
  const traces = new Map<string, T[]>();
  for (const span of spans) {
    const group = traces.get(span.traceId);
    if (group === undefined) traces.set(span.traceId, [span]);
    else group.push(span);
  }
  return traces;
}
