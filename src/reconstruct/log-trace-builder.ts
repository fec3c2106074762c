import type { LogRecord } from '../model/records.js';
import { ATTR } from '../model/attribute-names.js';
import { addRecord } from './add-log-record.js';
import { emptyFacts, type LogTraceFacts } from './log-trace-facts.js';
import { buildLogTraceSpans } from './log-trace-spans.js';
import type { FinishedTrace } from '../model/span-record.js';
import type { TraceBuilder } from './trace-builder.js';

const NO_SESSION: readonly (string | undefined)[] = Object.freeze([undefined, undefined]);
const NO_REFS: readonly string[] = Object.freeze([]);

/** One stream-A (file log) trace: the records that share a W3C traceId. */
export class LogTraceBuilder implements TraceBuilder<LogRecord> {
  private facts: LogTraceFacts | undefined;

  constructor(readonly traceId: string) {}

  get lastMs(): number {
    return this.facts?.lastMs ?? 0;
  }

  add(record: LogRecord): void {
    this.facts ??= emptyFacts(this.traceId, record.timeMs);
    addRecord(this.facts, record);
  }

  completedAtMs(): number | undefined {
    const facts = this.facts;
    if (facts === undefined) return undefined;
    // Kept as counts while records are added: this runs for every line of the trace.
    if (facts.openFetches.length > 0 || facts.openTools > 0) return undefined;
    const { terminal } = facts;
    // A channel message ends with `message processed`; an HTTP or CLI run with `embedded run done`, or,
    // when it failed, with its session lane's task error; a trace that is only an RPC with its `⇄ res` line.
    if (terminal.messageReceived) return terminal.processedMs;
    if (terminal.runDoneMs !== undefined) return terminal.runDoneMs;
    if (terminal.sessionLaneSettledMs !== undefined) return terminal.sessionLaneSettledMs;
    if (terminal.rpc !== undefined && facts.session.runIds.length === 0) return terminal.rpc.atMs;
    if (terminal.pairing !== undefined && facts.session.runIds.length === 0) return terminal.pairing.atMs;
    return undefined;
  }

  hasOpenCall(): boolean {
    const facts = this.facts;
    // Asked for every line of the trace (the reconstructor's due time): the counts add-log-record.ts keeps, not a scan
    // of every fetch and tool so far (a long trace's lines each cost as much as its calls).
    return facts !== undefined && (facts.openFetches.length > 0 || facts.openTools > 0);
  }

  sessionRefs(): readonly string[] {
    const s = this.facts?.session;
    // Asked for every line when streams are merged: the same array until the ids change.
    if (s?.sessionId !== this.refsOf[0] || s?.sessionKey !== this.refsOf[1]) {
      this.refsOf = [s?.sessionId, s?.sessionKey];
      this.refs = this.refsOf.filter((v): v is string => v !== undefined);
    }
    return this.refs;
  }

  // Shared until the trace learns a session: one open trace's arrays, times maxOpenTraces.
  private refsOf: readonly (string | undefined)[] = NO_SESSION;
  private refs: readonly string[] = NO_REFS;

  build(): FinishedTrace {
    if (this.facts === undefined) return { traceId: this.traceId, incomplete: true, spans: [] };
    const { spans, incomplete } = buildLogTraceSpans(this.facts);
    if (incomplete) for (const span of spans) if (span.parentSpanId === undefined) span.attributes[ATTR.openclawTraceIncomplete] = true;
    const trace: FinishedTrace = { traceId: this.traceId, incomplete, spans };
    if (this.facts.hostName !== undefined) trace.hostName = this.facts.hostName;
    return trace;
  }
}
