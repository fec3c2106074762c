import { parseNumber } from '../model/key-value-numbers.js';
import type { KeyValues } from '../model/records.js';
import type { FetchEnd, FetchFacts, LogTraceFacts, ScopeFacts } from './log-trace-facts.js';
import { ownCopyOf } from './own-string.js';

/**
 * A `[model-fetch]` line folded into the facts: a start opens a fetch, a response or an error
 * ends the oldest open one of the same scope and model. A fetch keeps only what fetchSpan reads
 * (log-call-spans.ts), as strings of their own, not the lines' key=value objects.
 */
export function applyFetch(facts: LogTraceFacts, scope: ScopeFacts, phase: 'start' | 'response' | 'error', values: KeyValues, t: number): void {
  if (phase === 'start') {
    const fetch = fetchFacts(scope.spanId, t, countFetchAt(facts, scope.spanId, t), values);
    facts.fetches.push(fetch);
    facts.openFetches.push(fetch);
    return;
  }
  // FIFO per scope and model: a harness run makes its provider requests one after another.
  const model = values['model'];
  const at = facts.openFetches.findIndex((f) => f.scope === scope.spanId && (model === undefined || f.model === model));
  const elapsed = parseNumber(values['elapsedMs']);
  let fetch: FetchFacts;
  if (at === -1) {
    const startMs = elapsed === undefined ? t : t - elapsed;
    countFetchAt(facts, scope.spanId, startMs);
    // No start line seen: what the response says stands for it.
    fetch = fetchFacts(scope.spanId, startMs, 0, values);
    facts.fetches.push(fetch);
  } else {
    fetch = facts.openFetches[at] as FetchFacts;
    facts.openFetches.splice(at, 1);
  }
  fetch.endMs = t;
  fetch.end = fetchEnd(values);
  fetch.failed = phase === 'error';
}

/** What fetchSpan reads of a fetch's start line (log-call-spans.ts), as strings of their own. */
function fetchFacts(scope: string, startMs: number, ordinal: number, values: KeyValues): FetchFacts {
  return {
    scope,
    startMs,
    ordinal,
    model: ownCopyOf(values['model']),
    provider: ownCopyOf(values['provider']),
    api: ownCopyOf(values['api']),
    method: ownCopyOf(values['method']),
    url: ownCopyOf(values['url']),
    endMs: undefined,
    end: undefined,
    failed: false,
  };
}

/** What fetchSpan reads of a fetch's response or error line. */
function fetchEnd(values: KeyValues): FetchEnd {
  return {
    model: ownCopyOf(values['model']),
    provider: ownCopyOf(values['provider']),
    api: ownCopyOf(values['api']),
    status: ownCopyOf(values['status']),
    error: ownCopyOf(values['error']),
    errorName: ownCopyOf(values['errorName']),
    code: ownCopyOf(values['code']),
  };
}

/** How many fetches of `scope` started at `startMs` before this one, counting this one in (per-scope, per-millisecond ordinals keep ids apart). */
function countFetchAt(facts: LogTraceFacts, scope: string, startMs: number): number {
  const key = `${scope}\u0000${startMs}`;
  const fetchesAt = (facts.fetchesAt ??= new Map());
  const before = fetchesAt.get(key) ?? 0;
  fetchesAt.set(key, before + 1);
  return before;
}
