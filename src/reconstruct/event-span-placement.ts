import type { DiagnosticEvent } from '../model/records.js';
import { readString } from './event-fields.js';
import type { SpanDraft } from './event-span-draft.js';

/**
 * Where things go when OpenClaw did not say: parents of spans without ids,
 * the span a point event or a model.usage belongs to. Ties are broken on
 * start time, then span id, never on arrival.
 */

/**
 * Spans without an OpenClaw id also came without a parent: hang model calls
 * and tools under the run with the same runId, runs under their harness run.
 */
export function inferParents(drafts: readonly SpanDraft[]): void {
  for (const draft of drafts) {
    if (!draft.derivedId || draft.parentSpanId !== undefined || draft.runId === undefined) continue;
    const parentFamily = draft.family === 'run' ? 'harness' : draft.family === 'model' || draft.family === 'tool' ? 'run' : undefined;
    if (parentFamily === undefined) continue;
    const parent = earliest(drafts.filter((d) => d.family === parentFamily && d.runId === draft.runId));
    if (parent !== undefined) draft.parentSpanId = parent.spanId;
  }
}

/** The span a point event belongs to: its own scope, its parent scope, its run, else the root. */
export function pointTarget(
  event: DiagnosticEvent,
  byId: ReadonlyMap<string, SpanDraft>,
  drafts: readonly SpanDraft[],
): SpanDraft | undefined {
  const own = event.trace?.spanId === undefined ? undefined : byId.get(event.trace.spanId);
  if (own !== undefined) return own;
  const parent = event.trace?.parentSpanId === undefined ? undefined : byId.get(event.trace.parentSpanId);
  if (parent !== undefined) return parent;
  const runId = readString(event.fields, 'runId');
  const run = runId === undefined ? undefined : earliest(drafts.filter((d) => d.family === 'run' && d.runId === runId));
  return run ?? earliest(drafts.filter((d) => d.parentSpanId === undefined)) ?? earliest(drafts);
}

/**
 * model.usage is emitted after its reply run ends, usually in the request
 * scope: it belongs to the latest run of its session that started before it.
 */
export function usageTarget(
  usage: DiagnosticEvent,
  byId: ReadonlyMap<string, SpanDraft>,
  drafts: readonly SpanDraft[],
): SpanDraft | undefined {
  const own = usage.trace?.spanId === undefined ? undefined : byId.get(usage.trace.spanId);
  if (own?.family === 'run') return own;
  const runs = drafts.filter((d) => d.family === 'run');
  const sessionId = readString(usage.fields, 'sessionId');
  const sessionKey = readString(usage.fields, 'sessionKey');
  const bySession = runs.filter(
    (d) => (sessionId !== undefined && d.sessionId === sessionId) || (sessionKey !== undefined && d.sessionKey === sessionKey),
  );
  const candidates = bySession.length > 0 ? bySession : runs;
  const before = candidates.filter((d) => d.startMs <= usage.ts);
  if (before.length === 0) return earliest(candidates);
  return before.reduce((a, b) => (b.startMs > a.startMs || (b.startMs === a.startMs && b.spanId > a.spanId) ? b : a));
}

export function earliest(drafts: readonly SpanDraft[]): SpanDraft | undefined {
  let best: SpanDraft | undefined;
  for (const draft of drafts) {
    if (best === undefined || draft.startMs < best.startMs || (draft.startMs === best.startMs && draft.spanId < best.spanId)) {
      best = draft;
    }
  }
  return best;
}
