import type { FinishedTrace } from '../model/span-record.js';
import type { PartialRejection } from './partial-rejection.js';

/**
 * The result of one export call, per batch, decided by the exporter where the transport's status is
 * known (send-result.ts). A success may carry what the backend said it dropped anyway (OTLP
 * `partial_success`): those spans are not sent again, and count as failed. `refused`: the backend
 * refused what the batch holds (sent again as it is, it would be refused again: a queue splits it
 * to find the trace at fault, then gives that up). `retryable`: anything else that failed (no
 * answer, busy, down, misconfigured): it may pass later.
 */
export type ExportOutcome =
  | { status: 'success'; rejected?: PartialRejection }
  | { status: 'retryable'; error: Error }
  | { status: 'refused'; error: Error };

/** A sink for finished traces: OTLP, console tree or OTLP-JSON file. */
export interface TraceExporter {
  /** Export one batch; resolves (never rejects) with the batch's outcome. */
  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome>;
  /** How many `export` calls may run at once (1 when absent: calls are made one after the other). */
  readonly concurrency?: number;
  /** Flush anything buffered and release resources. */
  shutdown(): Promise<void>;
}
