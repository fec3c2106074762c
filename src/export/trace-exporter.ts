import type { FinishedTrace } from '../model/span-record.js';
import type { PartialRejection } from './partial-rejection.js';

/**
 * The result of one export call, per batch. A success may carry what the backend said it dropped
 * anyway (OTLP `partial_success`): those spans are not sent again, and count as failed.
 */
export type ExportOutcome =
  | { status: 'success'; rejected?: PartialRejection }
  | { status: 'failure'; error: Error };

/** A sink for finished traces: OTLP, console tree or OTLP-JSON file. */
export interface TraceExporter {
  /** Export one batch; resolves (never rejects) with the batch's outcome. */
  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome>;
  /** How many `export` calls may run at once (1 when absent: calls are made one after the other). */
  readonly concurrency?: number;
  /** Flush anything buffered and release resources. */
  shutdown(): Promise<void>;
}
