import { Worker } from 'node:worker_threads';
import type { FinishedTrace } from '../model/span-record.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './otlp-export-worker.js';
import { OtlpExportError } from './otlp-target.js';
import type { OtlpTraceExporterOptions } from './otlp-exporter.js';
import type { PolicyConfig } from './span-transform/span-transforms.js';
import type { ExportOutcome, TraceExporter } from './trace-exporter.js';

/**
 * The OTLP exporter run in a worker thread (src/export/otlp-export-worker.ts).
 * Backfill uses it: the span transforms, protobuf encoding and HTTP take about
 * a fifth of the work per line, and on a second core they overlap with reading
 * and reconstructing.
 * The traces cross the thread boundary by structured clone (plain data); the
 * outcome comes back per call, exactly as OtlpTraceExporter reports it.
 */
export class OtlpWorkerExporter implements TraceExporter {
  readonly concurrency = 4;
  readonly #setup: WorkerSetup;
  #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #restarts = 0;
  /** Set once the worker is gone for good: every later call fails with it. */
  #gone: string | undefined;
  #shutDown: Promise<void> | undefined;
  #onShutDown: (() => void) | undefined;

  /** `policy`: the span transforms (privacy, presets, redaction) to run in the worker before encoding. */
  constructor(
    options: OtlpTraceExporterOptions,
    policy?: PolicyConfig,
    /** Told when an attempt failed and the SDK retries it (the collector is down or busy), before the export's outcome. */
    private readonly onRetry?: () => void,
  ) {
    this.#setup = policy === undefined ? { otlp: options } : { otlp: options, policy };
    this.#worker = this.#start();
  }

  /** Restarts so far (a worker that died: out of memory, or a bug). */
  get restarts(): number {
    return this.#restarts;
  }

  #start(): Worker {
    // A worker's V8 heap grows to its own limits, on top of the main thread's: bound it so a
    // backfill stays under 200 MiB (the young generation is most of it). 64 MiB of old space holds
    // the batches in flight (concurrency × maxBatchSpans spans, content cut to maxContentBytes).
    const worker = new Worker(new URL('./otlp-export-worker.js', import.meta.url), {
      workerData: this.#setup,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    });
    worker.on('message', (reply: WorkerReply) => this.#receive(reply));
    worker.on('error', (error) => this.#lose(worker, `the export worker failed: ${error.message}`));
    worker.on('exit', (code) => this.#lose(worker, `the export worker exited (code ${code})`));
    return worker;
  }

  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    if (this.#gone !== undefined || this.#shutDown !== undefined) {
      return Promise.resolve(failure(this.#gone ?? 'exporter is shut down'));
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, { resolve, traces, retried: false });
      this.#post({ kind: 'export', id, traces: traces as FinishedTrace[] });
    });
  }

  shutdown(): Promise<void> {
    this.#shutDown ??= new Promise<void>((resolve) => {
      if (this.#gone !== undefined) {
        resolve();
        return;
      }
      this.#onShutDown = resolve;
      this.#post({ kind: 'shutdown' });
    }).then(() => this.#worker.terminate().then(() => undefined));
    return this.#shutDown;
  }

  #post(request: WorkerRequest): void {
    this.#worker.postMessage(request);
  }

  #receive(reply: WorkerReply): void {
    if (reply.kind === 'shut-down') {
      this.#onShutDown?.();
      return;
    }
    if (reply.kind === 'retrying') {
      this.onRetry?.();
      return;
    }
    const resolve = this.#pending.get(reply.id)?.resolve;
    if (resolve === undefined) return;
    this.#pending.delete(reply.id);
    // The worker's exporter decided the outcome where the status was known; it crosses as it is.
    if (reply.status !== 'success') resolve({ status: reply.status, error: new OtlpExportError(reply.message, reply.statusCode) });
    else resolve(reply.rejected === undefined ? { status: 'success' } : { status: 'success', rejected: reply.rejected });
  }

  /**
   * The worker died (out of memory, or a bug). While running, a new one is started and the
   * requests it held are sent to it once more; a request held by two workers that died is failed
   * with an ExportWorkerError (sending it again would kill the next one too). Stopping, or after
   * MAX_RESTARTS, what it held fails, and everything after.
   */
  #lose(worker: Worker, why: string): void {
    if (worker !== this.#worker || this.#gone !== undefined) return;
    if (this.#shutDown !== undefined || this.#restarts >= MAX_RESTARTS) {
      this.#gone = why;
      for (const { resolve } of this.#pending.values()) resolve(failure(why));
      this.#pending.clear();
      this.#onShutDown?.();
      return;
    }
    this.#restarts++;
    this.#worker = this.#start();
    for (const [id, pending] of this.#pending) {
      if (pending.retried) {
        this.#pending.delete(id);
        pending.resolve({ status: 'retryable', error: new ExportWorkerError(`${why}, twice on the same batch of ${spanCount(pending.traces)} spans`) });
        continue;
      }
      pending.retried = true;
      this.#post({ kind: 'export', id, traces: pending.traces as FinishedTrace[] });
    }
  }
}

/** Workers started again at most this often in one run. */
const MAX_RESTARTS = 5;

interface Pending {
  resolve: (outcome: ExportOutcome) => void;
  traces: readonly FinishedTrace[];
  /** Already sent to a worker that died. */
  retried: boolean;
}

/**
 * A batch that killed the export worker twice: running the same command again would fail the same
 * way, so the advice is to report it, not to retry.
 */
export class ExportWorkerError extends Error {
  override readonly name = 'ExportWorkerError';
}

function spanCount(traces: readonly FinishedTrace[]): number {
  let spans = 0;
  for (const trace of traces) spans += trace.spans.length;
  return spans;
}

/** The worker is gone or stopping: nothing was answered, so nothing was refused. */
function failure(message: string): ExportOutcome {
  return { status: 'retryable', error: new OtlpExportError(message, undefined) };
}
