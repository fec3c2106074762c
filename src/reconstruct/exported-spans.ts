import { ownCopy } from './own-string.js';
import type { SpanRecord } from '../model/span-record.js';

/** What was exported of one trace, as the checkpoint keeps it across a restart. */
export interface ExportedTraceSpans {
  /** The reconstructor's trace key (`log:<traceId>`, `event:<traceId>`, `trace:<traceId>`). */
  key: string;
  spanIds: readonly string[];
}

/**
 * The span ids of one trace: W3C span ids (16 hex characters: OpenClaw's, and those span-ids.ts
 * derives) packed end to end in one string while there are at most PACKED_MAX of them, else a Set.
 * A trace of a few spans costs ~50 bytes instead of a Set's ~250: the memory holds up to
 * `rememberEmitted` (50,000) traces, most of them small.
 */
type SpanIds = string | Set<string>;

const ID_CHARS = 16;
/** Past this many ids a lookup in the packed string (a scan) costs more than a Set's memory saves. */
const PACKED_MAX = 32;

/**
 * The one memory of what left the reconstructor (docs/design.md "When a trace leaves"): per trace,
 * the ids of the spans exported. Spans, not traces, are final: a line that arrives for a trace
 * already exported starts a fragment of it, built as the whole trace would have been (ids are
 * OpenClaw's or derived from content), and only the spans this memory does not hold leave again.
 * Bounded by traces, the least recently exported forgotten first; a forgotten trace's later lines
 * send its request span again (same id, as a placeholder), never lose a span.
 *
 * It outlives the lines by far, so it keeps strings of its own (own-string.ts): an id a regex read
 * is a slice of its whole line, and 50,000 remembered traces held ~25 MB of lines that way.
 */
export class ExportedSpans {
  private readonly byKey = new Map<string, SpanIds>();
  /** Traces all of whose remembered spans were exported before a restart or reload: their lines read again are re-reads. */
  private readonly restored = new Set<string>();

  constructor(private readonly limit: number) {}

  get size(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** True when what is known of the trace was exported before a restart or reload. */
  beforeRestart(key: string): boolean {
    return this.restored.has(key);
  }

  /** Remembers spans as exported (at emission, or restored from the checkpoint with `beforeRestart`). */
  remember(key: string, spanIds: readonly string[], beforeRestart = false): void {
    let ids = this.byKey.get(key);
    if (ids === undefined) {
      if (this.byKey.size >= this.limit) this.forgetOldest();
      key = ownCopy(key);
      if (beforeRestart) this.restored.add(key);
      // A trace seen for the first time (nearly every one): its ids packed at once, not one concatenation each.
      ids = packedIds(spanIds);
      if (ids !== undefined) {
        this.byKey.set(key, ids);
        return;
      }
    } else {
      // Map order is recency: the trace moves to the end.
      this.byKey.delete(key);
      if (!beforeRestart) this.restored.delete(key);
    }
    for (const id of spanIds) ids = withId(ids, id);
    this.byKey.set(key, ids ?? '');
  }

  /** The spans of `spans` not exported yet, now remembered as exported. */
  takeFresh(key: string, spans: readonly SpanRecord[]): SpanRecord[] {
    const known = this.byKey.get(key);
    const fresh = known === undefined ? [...spans] : spans.filter((span) => !hasId(known, span.spanId));
    if (fresh.length > 0) this.remember(key, fresh.map((span) => span.spanId));
    return fresh;
  }

  /** Spans that were emitted but not delivered (a reload cut their export short): the next reader sends them again. */
  forget(key: string, spanIds: Iterable<string>): void {
    const ids = this.byKey.get(key);
    if (ids === undefined) return;
    const gone = new Set(spanIds);
    let kept: SpanIds | undefined;
    for (const id of idsOf(ids)) if (!gone.has(id)) kept = withId(kept, id);
    if (kept !== undefined) {
      this.byKey.set(key, kept);
      return;
    }
    this.byKey.delete(key);
    this.restored.delete(key);
  }

  /** Every trace remembered, oldest first. */
  *entries(): Iterable<ExportedTraceSpans> {
    for (const [key, ids] of this.byKey) yield { key, spanIds: idsOf(ids) };
  }

  private forgetOldest(): void {
    const first = this.byKey.keys().next();
    if (first.done === true) return;
    this.byKey.delete(first.value);
    this.restored.delete(first.value);
  }
}

function hasId(ids: SpanIds, id: string): boolean {
  if (typeof ids !== 'string') return ids.has(id);
  if (id.length !== ID_CHARS) return false;
  // A match must start on an id's boundary: one id's tail and the next one's head are not an id.
  for (let at = ids.indexOf(id); at !== -1; at = ids.indexOf(id, at + 1)) if (at % ID_CHARS === 0) return true;
  return false;
}

/** `ids` with `id` added (a new value when packed: strings are immutable). */
function withId(ids: SpanIds | undefined, id: string): SpanIds {
  if (ids === undefined) return id.length === ID_CHARS ? ownCopy(id) : new Set([ownCopy(id)]);
  if (hasId(ids, id)) return ids;
  if (typeof ids !== 'string') return ids.add(ownCopy(id));
  if (id.length === ID_CHARS && ids.length < PACKED_MAX * ID_CHARS) return ownCopy(ids, id);
  return new Set([...idsOf(ids), ownCopy(id)]);
}

/** `spanIds` packed as withId would pack them one by one; undefined when it would not (none, a duplicate, an id not of 16 characters, more than PACKED_MAX). */
function packedIds(spanIds: readonly string[]): string | undefined {
  if (spanIds.length === 0 || spanIds.length > PACKED_MAX) return undefined;
  for (let i = 0; i < spanIds.length; i++) {
    const id = spanIds[i] as string;
    if (id.length !== ID_CHARS || spanIds.indexOf(id) !== i) return undefined;
  }
  return ownCopy(spanIds.join(''));
}

function idsOf(ids: SpanIds): string[] {
  if (typeof ids !== 'string') return [...ids];
  const out: string[] = [];
  for (let at = 0; at < ids.length; at += ID_CHARS) out.push(ids.slice(at, at + ID_CHARS));
  return out;
}
