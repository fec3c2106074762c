import type { FinishedTrace } from '../../model/span-record.js';
import type { ExportOutcome, TraceExporter } from '../trace-exporter.js';
import { copyTrace, type SpanTransform } from './span-transform.js';

/**
 * Wraps any exporter: each trace is copied and run through the steps before it
 * is handed on. The steps are pure functions of the trace, so a batch sent
 * again (after a restart, or by a retry) is byte-identical. `owned` skips the
 * copy where the traces are already this exporter's own (the export worker's,
 * fresh from a structured clone for each call).
 */
export class TransformingExporter implements TraceExporter {
  readonly concurrency: number | undefined;

  constructor(
    private readonly inner: TraceExporter,
    private readonly steps: readonly SpanTransform[],
    private readonly owned = false,
  ) {
    this.concurrency = inner.concurrency;
  }

  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    let transformed: FinishedTrace[];
    try {
      transformed = traces.map((trace) => {
        const copy = this.owned ? trace : copyTrace(trace);
        for (const step of this.steps) step(copy);
        return copy;
      });
    } catch (error) {
      // Exporters resolve, never reject: a step that throws fails the batch like any failed export (retryable, as before outcomes were typed).
      return Promise.resolve({ status: 'retryable', error: error instanceof Error ? error : new Error(String(error)) });
    }
    return this.inner.export(transformed);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
