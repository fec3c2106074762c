import type { SpanEventRecord } from '../model/span-record.js';

/**
 * What one stream-A trace has learned so far, as plain data: the scopes the
 * gateway logged under, the calls seen inside them, the session ids, and the
 * markers that end a trace. add-log-record.ts folds records in;
 * log-trace-spans.ts turns the result into spans.
 *
 * Only what the spans read is kept, as strings of their own (own-string.ts): an open trace lives
 * across many young collections, and a value read from a line (a regex capture, a key=value of its
 * message) is a view that keeps the whole line, which was then promoted with it (~31 MB per
 * backfill of the 97 MB bench log before).
 */

/** One W3C scope the gateway logged under: the request (root) or a harness run. */
export interface ScopeFacts {
  spanId: string;
  parentSpanId?: string;
  /** Derived ids (console lines): its parent is synthesised by design. */
  synthetic?: boolean;
  /** A run scope otel-tail made for a release that logs none (log-run-scopes.ts): its id is derived. */
  derived?: boolean;
  firstMs: number;
  lastMs: number;
  events: SpanEventRecord[];
  run?: HarnessFacts;
  error?: string;
}

export interface HarnessFacts {
  runId?: string;
  sessionId?: string;
  provider?: string;
  model?: string;
  api?: string;
  startMs: number;
  agentError?: { error?: string; reason?: string };
  doneMs?: number;
  aborted?: boolean;
}

/** One `[model-fetch]` call: what its start line said, then its response (or error) line. */
export interface FetchFacts {
  scope: string;
  startMs: number;
  /** How many fetches of this scope started at the same millisecond before this one (keeps ids apart). */
  ordinal: number;
  /** Of the start line (of the response line when no start was seen). */
  model: string | undefined;
  provider: string | undefined;
  api: string | undefined;
  method: string | undefined;
  url: string | undefined;
  endMs: number | undefined;
  /** Of the response or error line. */
  end: FetchEnd | undefined;
  failed: boolean;
}

/** What a fetch's response or error line said. */
export interface FetchEnd {
  model: string | undefined;
  provider: string | undefined;
  api: string | undefined;
  status: string | undefined;
  error: string | undefined;
  errorName: string | undefined;
  code: string | undefined;
}

export interface ToolFacts {
  scope: string;
  runId: string;
  toolCallId: string;
  tool: string;
  startMs: number;
  endMs?: number;
  error?: string;
}

export interface LaneWaitFacts {
  scope: string;
  lane: string;
  dequeueMs: number;
  waitMs: number;
}

/** What the trace as a whole learned: the ids that tie it to a session. */
export interface SessionFacts {
  runIds: string[];
  sessionId?: string;
  sessionKey?: string;
  agentId?: string;
  channel?: string;
  messageId?: string;
  outcome?: string;
  error?: string;
}

export interface TerminalFacts {
  messageReceived: boolean;
  processedMs?: number;
  processedDurationMs?: number;
  runDoneMs?: number;
  /** When the session lane's task finished (done or error): the end of a turn that never logs `embedded run done`. */
  sessionLaneSettledMs?: number;
  rpc?: { method: string; atMs: number; durationMs?: number; ok: boolean };
  /** `device pairing auto-approved`: the pairing request this trace is. */
  pairing?: { atMs: number; role?: string };
}

export interface LogTraceFacts {
  traceId: string;
  hostName?: string;
  firstMs: number;
  lastMs: number;
  scopes: Map<string, ScopeFacts>;
  fetches: FetchFacts[];
  /** Of `fetches`, those without an end, in start order: what a response pairs with, and whether the trace is complete. */
  openFetches: FetchFacts[];
  /** How many of `fetches` each `scope\u0000startMs` has: a fetch's ordinal. Made at the first fetch (see emptyFacts). */
  fetchesAt?: Map<string, number>;
  /** Made at the first tool (see emptyFacts). */
  tools?: Map<string, ToolFacts>;
  /** How many of `tools` have no end. */
  openTools: number;
  laneWaits: LaneWaitFacts[];
  session: SessionFacts;
  terminal: TerminalFacts;
  /** Request scope id → the run scope made for it and still open (log-run-scopes.ts; releases before 2026.6.1). */
  openRuns?: Map<string, string>;
  /** The scope of the last record with a span id: a trace's lines come in runs of one scope, found again without hashing the line's id. */
  lastScope: ScopeFacts | undefined;
}

/**
 * The facts of a trace with no record folded in yet. Up to maxOpenTraces (10,000) of these are held
 * at once, most of them with no tool or model call yet: the maps those need are made when first
 * used (an empty Map costs ~260 bytes).
 */
export function emptyFacts(traceId: string, firstMs: number): LogTraceFacts {
  return {
    traceId,
    firstMs,
    lastMs: firstMs,
    scopes: new Map(),
    fetches: [],
    openFetches: [],
    openTools: 0,
    laneWaits: [],
    session: { runIds: [] },
    terminal: { messageReceived: false },
    lastScope: undefined,
  };
}

export function rootScopeId(facts: LogTraceFacts): string | undefined {
  for (const scope of facts.scopes.values()) if (scope.parentSpanId === undefined) return scope.spanId;
  return undefined;
}
