import type { OtherReason, RejectReason } from '../parsers/types.js';

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
  exportBatchesFailed = 0;
  /** Followed files that shrank or were rewritten in place (copytruncate): read again from their start. */
  truncations = 0;
  /** Times a source's reader (journalctl) exited and was started again. */
  sourceRestarts = 0;
  /** Files that could not be read to their end (truncated gzip, I/O error), with why. */
  readonly fileErrors: string[] = [];
  /** Lines the gateway itself dropped (file log queue overflow): a gap in the input. */
  gatewayDropped = 0;

  lineRejected(reason: RejectReason, where: string, detail: string): void {
    this.rejected.set(reason, (this.rejected.get(reason) ?? 0) + 1);
    if (!this.firstRejection.has(reason)) this.firstRejection.set(reason, `${where}: ${detail}`);
  }

  lineOther(reason: OtherReason): void {
    this.other.set(reason, (this.other.get(reason) ?? 0) + 1);
  }

  get rejectedTotal(): number {
    let total = 0;
    for (const n of this.rejected.values()) total += n;
    return total;
  }
}
