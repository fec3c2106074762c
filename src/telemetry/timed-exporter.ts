import type { ExportOutcome, TraceExporter } from '../export/trace-exporter.js';
import type { FinishedTrace } from '../model/span-record.js';
import { FixedHistogram } from './histogram.js';

/** Seconds; an export request takes milliseconds when the collector is healthy and up to exportTimeout when not. */
const EXPORT_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The exporter as the follower sees it, timed: latency per request, requests
 * and spans by outcome, and since when exports have been failing (for
 * /healthz). One wrapper around every request, nothing per line.
 */
export class TimedExporter implements TraceExporter {
  readonly latency = new FixedHistogram(EXPORT_SECONDS_BUCKETS);
  requestsSucceeded = 0;
  requestsFailed = 0;
  /** Spans in requests that failed: the follower retries them, so one span can be counted more than once. */
  spansFailed = 0;
  private failingSinceMs: number | undefined;
  private lastErrorMessage: string | undefined;

  constructor(
    private inner: TraceExporter,
    private readonly now: () => number = Date.now,
  ) {}

  get concurrency(): number | undefined {
    return this.inner.concurrency;
  }

  /**
   * A reload's exporter, once the previous one is shut down: the counts go on; whether exports
   * fail starts afresh (it may be another collector).
   */
  use(inner: TraceExporter): void {
    this.inner = inner;
    this.failingSinceMs = undefined;
    this.lastErrorMessage = undefined;
  }

  /** Wall time of the first failure of the current outage; undefined while exports succeed. */
  get failingSince(): number | undefined {
    return this.failingSinceMs;
  }

  get lastError(): string | undefined {
    return this.lastErrorMessage;
  }

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    const started = performance.now();
    const outcome = await this.inner.export(traces);
    this.latency.observe((performance.now() - started) / 1000);
    if (outcome.status === 'success') {
      this.requestsSucceeded++;
      this.failingSinceMs = undefined;
      if (outcome.rejected !== undefined) this.spansFailed += outcome.rejected.spans;
    } else {
      this.requestsFailed++;
      for (const trace of traces) this.spansFailed += trace.spans.length;
      this.failingSinceMs ??= this.now();
      this.lastErrorMessage = outcome.error.message;
    }
    return outcome;
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
