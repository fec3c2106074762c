import type { DiagnosticEvent } from '../model/records.js';
import { readString } from './event-fields.js';

/**
 * OpenClaw 2026.4 and 2026.5 emit `harness.run.started` with the *request's*
 * span id and no parent, while `harness.run.completed|error` carries the
 * harness run's own span id with the request as its parent (fixed in 2026.6.1).
 * Paired on span id, that is two halves: a harness "run" that never ends
 * (every trace incomplete) and one that never starts. The halves belong
 * together when the end's parent is the start's span id and both name the
 * same runId; the start is then rewritten to what a fixed release writes.
 */

/** A harness start that may be such a half: a span id, no parent, a runId. */
export function parentlessHarnessStart(event: DiagnosticEvent): boolean {
  return (
    event.type === 'harness.run.started' &&
    event.trace?.spanId !== undefined &&
    event.trace.parentSpanId === undefined &&
    readString(event.fields, 'runId') !== undefined
  );
}

/** Whether `end` is the harness end of the run `start` (a parentless start) opened. */
export function endsHarnessStart(end: DiagnosticEvent, start: DiagnosticEvent): boolean {
  const endScope = end.trace;
  return (
    end.type !== 'harness.run.started' &&
    endScope?.spanId !== undefined &&
    endScope.parentSpanId !== undefined &&
    endScope.parentSpanId === start.trace?.spanId &&
    endScope.spanId !== endScope.parentSpanId &&
    readString(end.fields, 'runId') === readString(start.fields, 'runId')
  );
}

/** The start as a fixed release writes it: the end's span id, the request as parent. */
export function startUnderRequest(start: DiagnosticEvent, end: DiagnosticEvent): DiagnosticEvent {
  const trace = { ...start.trace, traceId: start.trace?.traceId ?? '', spanId: end.trace?.spanId as string, parentSpanId: start.trace?.spanId as string };
  return { ...start, trace };
}

/** Key of a parentless start, to find it again from its end: the request span id and the runId. */
export function loneStartKey(spanId: string, runId: string): string {
  return `${spanId} ${runId}`;
}
