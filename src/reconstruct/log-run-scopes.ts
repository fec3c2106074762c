import type { LogSignal } from '../model/records.js';
import type { LogTraceFacts, ScopeFacts } from './log-trace-facts.js';
import { deriveSpanId } from './span-ids.js';

/**
 * File logs before OpenClaw 2026.6.1 write no `parentSpanId`: every line of a
 * turn, the run's included, carries the request's span id, so there is no
 * harness scope to hang `invoke_agent`, model requests and tools under. When
 * `embedded run start` is logged in a root scope (a fixed release logs it in
 * the harness scope, which has a parent), the run gets a scope of its own
 * under the request: its id derived from (request scope, runId, start time),
 * open until `embedded run done` or the session lane settles (a failed run
 * logs no `done`). The run's lines in between go to it; lane lines stay with
 * the request, whose they are.
 */
export function placeInRun(facts: LogTraceFacts, scope: ScopeFacts, signal: LogSignal | undefined, t: number): ScopeFacts {
  if (scope.parentSpanId !== undefined || scope.synthetic === true) return scope;
  if (signal?.kind === 'run.start') {
    const runId = signal.values['runId'];
    if (runId === undefined) return scope;
    const spanId = deriveSpanId(facts.traceId, 'run', scope.spanId, runId, t);
    const run: ScopeFacts = { spanId, parentSpanId: scope.spanId, derived: true, firstMs: t, lastMs: t, events: [] };
    facts.scopes.set(spanId, run);
    (facts.openRuns ??= new Map()).set(scope.spanId, spanId);
    return run;
  }
  const openId = facts.openRuns?.get(scope.spanId);
  const run = openId === undefined ? undefined : facts.scopes.get(openId);
  if (run === undefined) return scope;
  if (signal !== undefined && signal.kind.startsWith('lane.')) {
    if ((signal.kind === 'lane.done' || signal.kind === 'lane.error') && 'values' in signal && signal.values['lane']?.startsWith('session:') === true) {
      facts.openRuns?.delete(scope.spanId);
    }
    return scope;
  }
  if (t < run.firstMs) run.firstMs = t;
  if (t > run.lastMs) run.lastMs = t;
  if (signal?.kind === 'run.done') facts.openRuns?.delete(scope.spanId);
  return run;
}
