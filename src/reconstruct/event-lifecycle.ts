import type { DiagnosticEvent } from '../model/records.js';
import { readNumber, readString } from './event-fields.js';

/**
 * Which diagnostic events open or close a span (OPENCLAW.md §4): start/end
 * pairs share `trace.spanId`, whatever order they are delivered in.
 */
export type SpanFamily = 'dispatch' | 'harness' | 'run' | 'model' | 'tool';

export interface LifecycleRole {
  family: SpanFamily;
  phase: 'start' | 'end';
}

const ROLES: ReadonlyMap<string, LifecycleRole> = new Map<string, LifecycleRole>([
  ['message.dispatch.started', { family: 'dispatch', phase: 'start' }],
  ['message.dispatch.completed', { family: 'dispatch', phase: 'end' }],
  // message.processed closes the same message scope, and is the only end an
  // older gateway (no dispatch events) writes.
  ['message.processed', { family: 'dispatch', phase: 'end' }],
  ['harness.run.started', { family: 'harness', phase: 'start' }],
  ['harness.run.completed', { family: 'harness', phase: 'end' }],
  ['harness.run.error', { family: 'harness', phase: 'end' }],
  ['run.started', { family: 'run', phase: 'start' }],
  ['run.completed', { family: 'run', phase: 'end' }],
  ['model.call.started', { family: 'model', phase: 'start' }],
  ['model.call.completed', { family: 'model', phase: 'end' }],
  ['model.call.error', { family: 'model', phase: 'end' }],
  ['tool.execution.started', { family: 'tool', phase: 'start' }],
  ['tool.execution.completed', { family: 'tool', phase: 'end' }],
  ['tool.execution.error', { family: 'tool', phase: 'end' }],
  ['tool.execution.blocked', { family: 'tool', phase: 'end' }],
]);

export function lifecycleRole(type: string): LifecycleRole | undefined {
  return ROLES.get(type);
}

/**
 * What pairs a start with its end: OpenClaw's span id when the event has one,
 * else a key made of the event's own ids (never its position in the input),
 * or undefined when the event carries too little to be paired safely.
 */
export function pairKey(event: DiagnosticEvent, family: SpanFamily): string | undefined {
  const spanId = event.trace?.spanId;
  if (spanId !== undefined) return spanId;
  const f = event.fields;
  // Content keys contain a space, so they can never collide with a hex span id.
  switch (family) {
    case 'model': {
      const callId = readString(f, 'callId');
      return callId === undefined ? undefined : `model.call ${callId}`;
    }
    case 'tool': {
      const toolCallId = readString(f, 'toolCallId');
      return toolCallId === undefined ? undefined : `tool.execution ${readString(f, 'runId') ?? ''} ${toolCallId}`;
    }
    case 'run': {
      const runId = readString(f, 'runId');
      return runId === undefined ? undefined : `run ${runId}`;
    }
    case 'harness': {
      const runId = readString(f, 'runId');
      return runId === undefined ? undefined : `harness.run ${runId} ${readString(f, 'harnessId') ?? ''}`;
    }
    case 'dispatch': {
      const session = readString(f, 'sessionKey') ?? readString(f, 'sessionId');
      return session === undefined ? undefined : `message.dispatch ${session}`;
    }
  }
}

// A source timestamp further than this from the emit time is taken to be in
// other units or from a skewed clock, and ignored.
const MAX_SOURCE_SKEW_MS = 24 * 60 * 60 * 1000;

/**
 * When the thing an event reports happened. Tool events are delivered on a
 * later tick, so their `sourceTimestampMs` is closer to the truth than `ts`.
 */
export function eventTimeMs(event: DiagnosticEvent, family: SpanFamily | undefined): number {
  if (family === 'tool') {
    const source = readNumber(event.fields, 'sourceTimestampMs');
    if (source !== undefined && Math.abs(source - event.ts) <= MAX_SOURCE_SKEW_MS) return source;
  }
  return event.ts;
}

/**
 * A total order on events that does not depend on arrival: time, then the
 * gateway's `seq`, then type. Sorting with it makes every choice between
 * duplicates (two starts for one span, two usage events) deterministic.
 */
export function compareEvents(a: DiagnosticEvent, b: DiagnosticEvent): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  const seqA = a.seq ?? -1;
  const seqB = b.seq ?? -1;
  if (seqA !== seqB) return seqA - seqB;
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}
