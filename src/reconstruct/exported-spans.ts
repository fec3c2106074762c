import type { SpanRecord } from '../model/span-record.js';

/** What was exported of one trace, as the checkpoint keeps it across a restart. */
export interface ExportedTraceSpans {
  /** The reconstructor's trace key (`log:<traceId>`, `event:<traceId>`, `trace:<traceId>`). */
  key: string;
  spanIds: readonly string[];
}

interface Entry {
  spans: Set<string>;
  /** Exported by an earlier run (or the follower before a reload): its lines read again are re-reads. */
  beforeRestart: boolean;
}

/**
 * The one memory of what left the reconstructor (docs/design.md "When a trace leaves"): per trace,
 * the ids of the spans exported. Spans, not traces, are final: a line that arrives for a trace
 * already exported starts a fragment of it, built as the whole trace would have been (ids are
 * OpenClaw's or derived from content), and only the spans this memory does not hold leave again.
 * Bounded by traces, the least recently exported forgotten first; a forgotten trace's later lines
 * send its request span again (same id, as a placeholder), never lose a span.
 */
export class ExportedSpans {
  private readonly byKey = new Map<string, Entry>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** True when what is known of the trace was exported before a restart or reload. */
  beforeRestart(key: string): boolean {
    return this.byKey.get(key)?.beforeRestart === true;
  }

  /** Remembers spans as exported (at emission, or restored from the checkpoint with `beforeRestart`). */
  remember(key: string, spanIds: Iterable<string>, beforeRestart = false): void {
    let entry = this.byKey.get(key);
    if (entry === undefined) {
      entry = { spans: new Set(), beforeRestart };
      if (this.byKey.size >= this.limit) this.forgetOldest();
    } else {
      // Map order is recency: the trace moves to the end.
      this.byKey.delete(key);
      if (!beforeRestart) entry.beforeRestart = false;
    }
    for (const id of spanIds) entry.spans.add(id);
    this.byKey.set(key, entry);
  }

  /** The spans of `spans` not exported yet, now remembered as exported. */
  takeFresh(key: string, spans: readonly SpanRecord[]): SpanRecord[] {
    const known = this.byKey.get(key)?.spans;
    const fresh = known === undefined ? [...spans] : spans.filter((span) => !known.has(span.spanId));
    if (fresh.length > 0) this.remember(key, fresh.map((span) => span.spanId));
    return fresh;
  }

  /** Spans that were emitted but not delivered (a reload cut their export short): the next reader sends them again. */
  forget(key: string, spanIds: Iterable<string>): void {
    const entry = this.byKey.get(key);
    if (entry === undefined) return;
    for (const id of spanIds) entry.spans.delete(id);
    if (entry.spans.size === 0) this.byKey.delete(key);
  }

  /** Every trace remembered, oldest first. */
  *entries(): Iterable<ExportedTraceSpans> {
    for (const [key, entry] of this.byKey) yield { key, spanIds: [...entry.spans] };
  }

  private forgetOldest(): void {
    const first = this.byKey.keys().next();
    if (first.done !== true) this.byKey.delete(first.value);
  }
}
