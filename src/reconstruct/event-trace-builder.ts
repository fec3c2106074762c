import type { DiagnosticEvent } from '../model/records.js';
import { INFRASTRUCTURE_EVENT_TYPES } from '../model/event-types.js';
import type { FinishedTrace, SpanRecord } from '../model/span-record.js';
import type { TraceBuilder } from './trace-builder.js';
import { ATTR } from '../model/attribute-names.js';
import { commonAttributes, pointEventAttributes, usageAttributes } from './event-span-attributes.js';
import { readNumber, readObject, readString } from './event-fields.js';
import type { SpanFamily } from './event-lifecycle.js';
import { compareEvents, lifecycleRole, pairKey } from './event-lifecycle.js';
import type { SpanDraft } from './event-span-draft.js';
import { draftFromEvents, extent, requestPlaceholder } from './event-span-draft.js';
import { deriveSpanId } from './span-ids.js';
import { inferParents, pointTarget, usageTarget } from './event-span-placement.js';
import { endsHarnessStart, loneStartKey, parentlessHarnessStart, startUnderRequest } from './harness-start-pairing.js';

interface Slot {
  family: SpanFamily;
  events: DiagnosticEvent[];
  /** Latest emit time of an end event; undefined while the span is open. */
  endTs?: number;
}

const ROOT_FAMILIES: ReadonlySet<SpanFamily> = new Set<SpanFamily>(['dispatch', 'harness', 'run']);
/** Spans that wait on something outside the gateway (a provider, a tool): see hasOpenCall. */
const CALL_FAMILIES: ReadonlySet<SpanFamily> = new Set<SpanFamily>(['model', 'tool']);

/**
 * Rebuilds one trace from stream-C diagnostic events (OPENCLAW.md §4). Events
 * are only collected on add(); spans are computed in build() from the whole
 * set, so the result is the same whatever order the events arrived in (some
 * types are delivered a tick late and out of `seq` order).
 */
export class EventTraceBuilder implements TraceBuilder<DiagnosticEvent> {
  readonly traceId: string;
  private readonly slots = new Map<string, Slot>();
  private readonly points: DiagnosticEvent[] = [];
  private readonly usages: DiagnosticEvent[] = [];
  private readonly sessions = new Set<string>();
  /** Parentless harness starts (2026.4–2026.5) not yet joined to their end, by request span id and runId. */
  private readonly loneHarnessStarts = new Map<string, DiagnosticEvent>();
  private latestMs: number | undefined;
  /**
   * Kept as slots open and close (completedAtMs and hasOpenCall are asked for every event of the trace, so a
   * scan of every slot would make each event cost as much as the trace's spans so far): slots without their
   * end, those of them that are calls, closed root slots, and the latest end.
   */
  private openSlots = 0;
  private openCalls = 0;
  private closedRoots = 0;
  private latestEndTs: number | undefined;

  constructor(traceId: string) {
    this.traceId = traceId;
  }

  get lastMs(): number {
    return this.latestMs ?? 0;
  }

  add(event: DiagnosticEvent): void {
    if (INFRASTRUCTURE_EVENT_TYPES.has(event.type) || !Number.isFinite(event.ts)) return;
    // Events without a trace reach us through sessionRefs(); one from another
    // trace would be a routing bug and must not be merged in.
    if (event.trace !== undefined && event.trace.traceId !== this.traceId) return;
    this.latestMs = this.latestMs === undefined ? event.ts : Math.max(this.latestMs, event.ts);
    for (const key of ['sessionId', 'sessionKey']) {
      const ref = readString(event.fields, key);
      if (ref !== undefined) this.sessions.add(ref);
    }
    const role = lifecycleRole(event.type);
    const placed = role?.family === 'harness' ? this.placeHarnessStart(event) : event;
    const key = role === undefined ? undefined : pairKey(placed, role.family);
    if (role !== undefined && key !== undefined) {
      let slot = this.slots.get(key);
      if (slot === undefined) {
        slot = { family: role.family, events: [] };
        this.slots.set(key, slot);
        this.countSlot(slot, 1);
      }
      slot.events.push(placed);
      if (role.phase === 'end') this.closeSlot(slot, event.ts);
      if (role.family === 'harness' && role.phase === 'end') this.joinLoneStart(event, slot);
    } else if (event.type === 'model.usage') {
      this.usages.push(event);
    } else {
      // Point events, and lifecycle events too bare to pair, become span events.
      this.points.push(event);
    }
  }

  /**
   * A parentless harness start (harness-start-pairing.ts) whose end is already
   * here becomes the start of that end's span; otherwise it waits for its end.
   */
  private placeHarnessStart(event: DiagnosticEvent): DiagnosticEvent {
    if (!parentlessHarnessStart(event)) return event;
    for (const slot of this.slots.values()) {
      const end = slot.family === 'harness' ? slot.events.find((other) => endsHarnessStart(other, event)) : undefined;
      if (end !== undefined) return startUnderRequest(event, end);
    }
    this.loneHarnessStarts.set(loneStartKey(event.trace?.spanId ?? '', readString(event.fields, 'runId') ?? ''), event);
    return event;
  }

  /** The end of a run whose parentless start came first: the start leaves the request's slot for the end's. */
  private joinLoneStart(end: DiagnosticEvent, endSlot: Slot): void {
    const parent = end.trace?.parentSpanId;
    const runId = readString(end.fields, 'runId');
    if (parent === undefined || runId === undefined) return;
    const key = loneStartKey(parent, runId);
    const start = this.loneHarnessStarts.get(key);
    if (start === undefined || !endsHarnessStart(end, start)) return;
    this.loneHarnessStarts.delete(key);
    const startSlot = this.slots.get(parent);
    if (startSlot !== undefined) {
      startSlot.events = startSlot.events.filter((other) => other !== start);
      if (startSlot.events.length === 0) {
        this.slots.delete(parent);
        this.countSlot(startSlot, -1);
      }
    }
    endSlot.events.push(startUnderRequest(start, end));
  }

  /** Every slot closed and at least one of them a root: the latest end. */
  completedAtMs(): number | undefined {
    return this.openSlots === 0 && this.closedRoots > 0 ? this.latestEndTs : undefined;
  }

  hasOpenCall(): boolean {
    return this.openCalls > 0;
  }

  /** A slot added (+1) or removed (-1), in the counts completedAtMs and hasOpenCall read. */
  private countSlot(slot: Slot, sign: 1 | -1): void {
    if (slot.endTs === undefined) {
      this.openSlots += sign;
      if (CALL_FAMILIES.has(slot.family)) this.openCalls += sign;
      return;
    }
    if (ROOT_FAMILIES.has(slot.family)) this.closedRoots += sign;
    // A closed slot removed (never so far: only a lone harness start's slot is, before any end): its end may have been the latest.
    if (sign < 0) this.latestEndTs = latestEnd(this.slots.values());
  }

  private closeSlot(slot: Slot, ts: number): void {
    if (slot.endTs === undefined) {
      this.countSlot(slot, -1);
      slot.endTs = ts;
      this.countSlot(slot, 1);
    } else {
      slot.endTs = Math.max(slot.endTs, ts);
    }
    this.latestEndTs = this.latestEndTs === undefined ? slot.endTs : Math.max(this.latestEndTs, slot.endTs);
  }

  sessionRefs(): readonly string[] {
    // Asked for every event: sorted again only when a session was added.
    if (this.sortedRefs.length !== this.sessions.size) this.sortedRefs = [...this.sessions].sort();
    return this.sortedRefs;
  }

  private sortedRefs: readonly string[] = [];

  build(): FinishedTrace {
    const lastMs = this.lastMs;
    const drafts: SpanDraft[] = [];
    for (const key of [...this.slots.keys()].sort()) {
      const slot = this.slots.get(key);
      const draft = slot === undefined ? undefined : draftFromEvents(this.traceId, key, slot.events, lastMs);
      if (draft !== undefined) drafts.push(draft);
    }
    const byId = new Map(drafts.map((draft) => [draft.spanId, draft]));
    inferParents(drafts);

    const points = [...this.points].sort(compareEventsFully);
    const usages = [...this.usages].sort(compareEventsFully);
    const loose = [...points, ...usages];
    const placeholders: SpanDraft[] = [];
    const [startMs, endMs] = extent(drafts, loose);
    for (const id of this.rootScopes(drafts, byId, loose)) {
      const placeholder = requestPlaceholder(id, startMs, endMs);
      placeholders.push(placeholder);
      byId.set(id, placeholder);
    }
    drafts.push(...placeholders);

    const attached = new Map<SpanDraft, DiagnosticEvent[]>();
    for (const event of points) {
      const target = pointTarget(event, byId, drafts);
      if (target === undefined) continue;
      target.events.push({ name: event.type, timeMs: event.ts, attributes: pointEventAttributes(event) });
      const list = attached.get(target);
      if (list === undefined) attached.set(target, [event]);
      else list.push(event);
    }
    for (const usage of usages) {
      const target = usageTarget(usage, byId, drafts) ?? pointTarget(usage, byId, drafts);
      const totals = readObject(usage.fields, 'usage');
      if (target === undefined) continue;
      if (totals !== undefined) usageAttributes(totals, target.look.attributes);
      const cost = readNumber(usage.fields, 'costUsd');
      if (cost !== undefined) target.look.attributes[ATTR.openclawCostUsd] = cost;
    }
    for (const placeholder of placeholders) {
      const fields = (attached.get(placeholder) ?? []).map((event) => event.fields);
      Object.assign(placeholder.look.attributes, commonAttributes(fields));
    }

    const spans = drafts.map((draft) => this.toRecord(draft));
    spans.sort((a, b) => a.startMs - b.startMs || compareStrings(a.spanId, b.spanId));
    return { traceId: this.traceId, incomplete: drafts.some((draft) => draft.open), spans };
  }

  /**
   * Span ids that some event points at but no lifecycle pair owns: the
   * request/turn scope (OPENCLAW.md §2.2) when it has no dispatch events,
   * e.g. a cron or heartbeat turn, or a dispatch whose events were dropped.
   */
  private rootScopes(
    drafts: readonly SpanDraft[],
    byId: ReadonlyMap<string, SpanDraft>,
    events: readonly DiagnosticEvent[],
  ): string[] {
    const scopes = new Set<string>();
    for (const draft of drafts) {
      if (draft.parentSpanId !== undefined && !byId.has(draft.parentSpanId)) scopes.add(draft.parentSpanId);
    }
    for (const event of events) {
      const { spanId, parentSpanId } = event.trace ?? {};
      if (spanId === undefined || byId.has(spanId)) continue;
      if (parentSpanId === undefined) scopes.add(spanId);
      else if (!byId.has(parentSpanId)) scopes.add(parentSpanId);
    }
    if (scopes.size === 0 && drafts.length === 0 && events.length > 0) {
      scopes.add(deriveSpanId(this.traceId, 'openclaw.request'));
    }
    return [...scopes].sort();
  }

  private toRecord(draft: SpanDraft): SpanRecord {
    const attributes = { ...draft.look.attributes };
    if (draft.open) attributes[ATTR.openclawSpanIncomplete] = true;
    const record: SpanRecord = {
      traceId: this.traceId,
      spanId: draft.spanId,
      name: draft.look.name,
      kind: draft.look.kind,
      startMs: draft.startMs,
      endMs: draft.endMs,
      attributes,
      status: draft.look.status,
      // Already in compareEventsFully order: points are attached in that order.
      events: draft.events,
    };
    if (draft.parentSpanId !== undefined) record.parentSpanId = draft.parentSpanId;
    return record;
  }
}

/** compareEvents, with full ties broken on content so that arrival order never shows in the output. */
function compareEventsFully(a: DiagnosticEvent, b: DiagnosticEvent): number {
  return compareEvents(a, b) || compareStrings(JSON.stringify(a.fields), JSON.stringify(b.fields));
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function latestEnd(slots: Iterable<Slot>): number | undefined {
  let latest: number | undefined;
  for (const slot of slots) if (slot.endTs !== undefined) latest = latest === undefined ? slot.endTs : Math.max(latest, slot.endTs);
  return latest;
}
