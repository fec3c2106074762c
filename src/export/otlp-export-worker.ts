/**
 * The worker side of OtlpWorkerExporter: an OtlpTraceExporter in a thread of
 * its own, so that encoding the spans and talking HTTP run beside reading and
 * reconstructing instead of in turn with them.
 *
 * Messages in: `{ kind: 'export', id, traces }` and `{ kind: 'shutdown' }`.
 * Messages out: `{ kind: 'outcome', id, status, rejected? | message, statusCode }` (the outcome as the exporter decided it), `{ kind: 'retrying' }`
 * (an attempt failed, the SDK tries again), then `{ kind: 'shut-down' }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { FinishedTrace } from '../model/span-record.js';
import { OtlpExportError, OtlpTraceExporter } from './otlp-exporter.js';
import type { OtlpTraceExporterOptions } from './otlp-exporter.js';
import type { PartialRejection } from './partial-rejection.js';
import { onRetryScheduled } from './sdk-retry-notice.js';
import { transformSteps } from './span-transform/span-transforms.js';
import type { PolicyConfig } from './span-transform/span-transforms.js';
import { TransformingExporter } from './span-transform/transforming-exporter.js';
import type { TraceExporter } from './trace-exporter.js';

/** What the worker is started with: the exporter's options, and the privacy and preset policy its spans go through first. */
export interface WorkerSetup {
  otlp: OtlpTraceExporterOptions;
  /** Resolved (salt included) by the main thread: see resolvedPolicy. */
  policy?: PolicyConfig;
}

export type WorkerRequest = { kind: 'export'; id: number; traces: FinishedTrace[] } | { kind: 'shutdown' };
export type WorkerReply =
  | { kind: 'outcome'; id: number; status: 'success'; rejected?: PartialRejection }
  | { kind: 'outcome'; id: number; status: 'retryable' | 'refused'; message: string; statusCode: number | undefined }
  | { kind: 'retrying' }
  | { kind: 'shut-down' };

const port = parentPort;
if (port !== null) {
  const setup = workerData as WorkerSetup;
  const sink = new OtlpTraceExporter(setup.otlp);
  const steps = setup.policy === undefined ? [] : transformSteps(setup.policy);
  // Each request's traces are a structured clone of the main thread's: the steps may change them in place.
  const exporter: TraceExporter = steps.length === 0 ? sink : new TransformingExporter(sink, steps, true);
  const reply = (message: WorkerReply): void => port.postMessage(message);
  // An attempt failed and the SDK will try again: the main thread says so while it waits.
  onRetryScheduled(() => reply({ kind: 'retrying' }));
  port.on('message', (request: WorkerRequest) => {
    if (request.kind === 'shutdown') {
      void exporter.shutdown().then(() => reply({ kind: 'shut-down' }));
      return;
    }
    void exporter.export(request.traces).then((outcome) => {
      if (outcome.status === 'success') {
        reply(outcome.rejected === undefined ? { kind: 'outcome', id: request.id, status: 'success' } : { kind: 'outcome', id: request.id, status: 'success', rejected: outcome.rejected });
        return;
      }
      const statusCode = outcome.error instanceof OtlpExportError ? outcome.error.statusCode : undefined;
      reply({ kind: 'outcome', id: request.id, status: outcome.status, message: outcome.error.message, statusCode });
    });
  });
}
