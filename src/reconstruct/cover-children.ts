import type { SpanRecord } from '../model/span-record.js';

/**
 * A parent must cover its children: the log times of a scope's lines can end before a child's last
 * line, and two streams' times for one scope differ by a few ms. Each pass widens every parent to
 * its children as they are then, so `passes` is how many levels of nesting are carried up.
 */
export function coverChildren(spans: readonly SpanRecord[], passes: number): void {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  for (let pass = 0; pass < passes; pass++) {
    for (const span of spans) {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      if (parent === undefined) continue;
      if (span.startMs < parent.startMs) parent.startMs = span.startMs;
      if (span.endMs > parent.endMs) parent.endMs = span.endMs;
    }
  }
}
