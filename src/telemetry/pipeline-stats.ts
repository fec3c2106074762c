import { UnmarkedCallFailures } from '../parsers/release-support.js';
import type { OtherReason, RejectReason } from '../model/records.js';

/**
 * Counters of one run of the pipeline. Nothing is logged per line: a
 * rejected line bumps a counter, and only the first line of each reason is
 * described once (see `firstRejection`), so an operator can find it.
 */
export class PipelineStats {
  linesRead = 0;
  bytesRead = 0;
  records = 0;
  events = 0;
  readonly rejected = new Map<RejectReason, number>();
  readonly other = new Map<OtherReason, number>();
  /** Where the first line of each reject reason was, and why. */
  readonly firstRejection = new Map<RejectReason, string>();
  traces = 0;
  spansExported = 0;
  spansFailed = 0;
  /** With --logs: log records the backend took, and those it did not (failed, or rejected in a partial success). */
  logsOn = false;
  logRecordsExported = 0;
  logRecordsFailed = 0;
  /** Refused traces written to the dead-letter file (refused-traces.ts). */
  readonly deadLettered = { traces: 0, spans: 0 };
  /** Spans of refused traces the dead-letter file could not take (full, or a write error): lost. */
  deadLetterLost = 0;
  exportBatchesFailed = 0;
  /** Followed files that shrank or were rewritten in place (copytruncate): read again from their start. */
  truncations = 0;
  /** Times a source's reader (journalctl) exited and was started again. */
  sourceRestarts = 0;
  /** Followed directories that rotated: the live file renamed away (`.log` → `.1.log`), or a new day's file appeared. */
  readonly rotations = { renamed: 0, new_day: 0 };
  /** Files that could not be read to their end (truncated gzip, I/O error), with why. */
  readonly fileErrors: string[] = [];
  /** Lines the gateway itself dropped (file log queue overflow): a gap in the input. */
  gatewayDropped = 0;
  /** Diagnostic events our OpenClaw plugin reported dropping (its queue was full), summed. */
  eventsDropped = 0;
  /** One line per drop report of the plugin, to warn about each gap once (the first 20 are kept). */
  readonly eventDrops: string[] = [];
  /** Failed runs whose model calls the events reported completed (releases before 2026.9.1). */
  readonly unmarkedFailures = new UnmarkedCallFailures();
  /** Told each drop report as it is read (the follower logs it at once). */
  onEventsDropped: ((note: string) => void) | undefined;

  /** The plugin's `otel-tail.events.dropped` line: `dropped` events are missing around `atMs`. */
  eventsDroppedAt(dropped: number, atMs: number, where: string): void {
    this.eventsDropped += dropped;
    const note = `the OpenClaw plugin dropped ${dropped} diagnostic events before ${new Date(atMs).toISOString()} (${where}): traces around then may lack spans`;
    if (this.eventDrops.length < 20) this.eventDrops.push(note);
    this.onEventsDropped?.(note);
  }

  lineRejected(reason: RejectReason, where: string, detail: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    if (!this.firstRejection.has(reason)) this.firstRejection.set(reason, `${where}: ${detail}`);
  }

  lineOther(reason: OtherReason): void {
    this.other.set(reason, (this.other.get(reason) ?? 0) + 1);
  }

  get rejectedTotal(): number {
    return sumOf(this.rejected);
  }

  /** Lines that were neither a record nor an event. */
  get otherTotal(): number {
    return sumOf(this.other);
  }
}

function sumOf(counts: ReadonlyMap<unknown, number>): number {
  let total = 0;
  for (const n of counts.values()) total += n;
  return total;
}
