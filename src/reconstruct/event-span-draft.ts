import { ATTR } from '../model/attribute-names.js';
import type { DiagnosticEvent } from '../model/records.js';
import type { SpanEventRecord } from '../model/span-record.js';
import type { SpanLook } from './event-span-attributes.js';
import { describeLifecycleSpan } from './event-span-attributes.js';
import { readNumber, readString } from './event-fields.js';
import type { SpanFamily } from './event-lifecycle.js';
import { compareEvents, eventTimeMs, lifecycleRole } from './event-lifecycle.js';
import { deriveSpanId } from './span-ids.js';

/**
 * One span being rebuilt from diagnostic events: the lifecycle events that
 * share a pair key (OpenClaw's span id, or a content key) and what they say.
 */
export interface SpanDraft {
  spanId: string;
  parentSpanId?: string;
  /** Undefined for an `openclaw.request` placeholder. */
  family?: SpanFamily;
  startMs: number;
  endMs: number;
  /** Started but never ended: closed at the trace's last time, marked incomplete. */
  open: boolean;
  /** OpenClaw gave no span id: the id is derived and the parent may be inferred. */
  derivedId: boolean;
  look: SpanLook;
  runId?: string;
  sessionId?: string;
  sessionKey?: string;
  events: SpanEventRecord[];
}

/**
 * Turns the events collected under one pair key into a draft. Every choice
 * (which start, which end, which parent) goes through a sort by
 * compareEvents, so arrival order never changes the result.
 */
export function draftFromEvents(
  traceId: string,
  key: string,
  collected: readonly DiagnosticEvent[],
  lastMs: number,
): SpanDraft | undefined {
  const sorted = [...collected].sort(compareEvents);
  const first = sorted[0];
  if (first === undefined) return undefined;
  const family = lifecycleRole(first.type)?.family;
  if (family === undefined) return undefined;
  // A span id reused across families would be a gateway bug: keep the family
  // of the earliest event and ignore the rest rather than mix them.
  const own = sorted.filter((event) => lifecycleRole(event.type)?.family === family);
  const start = own.find((event) => lifecycleRole(event.type)?.phase === 'start');
  const ends = own.filter((event) => lifecycleRole(event.type)?.phase === 'end');

  const endMs = ends.length === 0 ? undefined : Math.max(...ends.map((end) => eventTimeMs(end, family)));
  let startMs: number;
  if (start !== undefined) {
    startMs = eventTimeMs(start, family);
  } else {
    // The start was lost (async queue dropped it) or is not emitted at all:
    // the end's duration says when the work began.
    startMs = Math.min(
      ...ends.map((end) => eventTimeMs(end, family) - Math.max(0, readNumber(end.fields, 'durationMs') ?? 0)),
    );
  }
  const open = endMs === undefined;
  const closedAt = Math.max(startMs, endMs ?? lastMs);

  const openclawSpanId = own.find((event) => event.trace?.spanId !== undefined)?.trace?.spanId;
  const parent = own.find((event) => event.trace?.parentSpanId !== undefined)?.trace?.parentSpanId;
  const spanId = openclawSpanId ?? deriveSpanId(traceId, key);
  const look = describeLifecycleSpan(start === undefined ? { family, ends } : { family, start, ends });

  const draft: SpanDraft = {
    spanId,
    family,
    startMs,
    endMs: closedAt,
    open,
    derivedId: openclawSpanId === undefined,
    look,
    events: [],
  };
  if (parent !== undefined && parent !== spanId) draft.parentSpanId = parent;
  const fields = own.map((event) => event.fields);
  setIfString(draft, 'runId', fields);
  setIfString(draft, 'sessionId', fields);
  setIfString(draft, 'sessionKey', fields);
  return draft;
}

function setIfString(
  draft: SpanDraft,
  key: 'runId' | 'sessionId' | 'sessionKey',
  sources: readonly Readonly<Record<string, unknown>>[],
): void {
  for (const source of sources) {
    const value = readString(source, key);
    if (value !== undefined) {
      draft[key] = value;
      return;
    }
  }
}

/** A stand-in for a request scope with no span of its own: it spans every event of the trace. */
export function requestPlaceholder(spanId: string, startMs: number, endMs: number): SpanDraft {
  const attributes = { [ATTR.openclawSynthesized]: true };
  return {
    spanId,
    startMs,
    endMs,
    open: false,
    derivedId: false,
    look: { name: 'openclaw.request', kind: 'server', attributes, status: { code: 'unset' } },
    events: [],
  };
}

/** Earliest and latest time of anything in the trace (a loop: spreading thousands of values into Math.min overflows). */
export function extent(drafts: readonly SpanDraft[], events: readonly DiagnosticEvent[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const draft of drafts) {
    min = Math.min(min, draft.startMs);
    max = Math.max(max, draft.endMs);
  }
  for (const event of events) {
    min = Math.min(min, event.ts);
    max = Math.max(max, event.ts);
  }
  return min <= max ? [min, max] : [0, 0];
}
