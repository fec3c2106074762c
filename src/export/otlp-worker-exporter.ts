import { Worker } from 'node:worker_threads';
import type { FinishedTrace } from '../reconstruct/span-record.js';
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
  readonly #worker: Worker;
  readonly #pending = new Map<number, (outcome: ExportOutcome) => void>();
  #nextId = 1;
  /** Set once the worker is gone: every later call fails with it. */
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
    const setup: WorkerSetup = policy === undefined ? { otlp: options } : { otlp: options, policy };
    // A worker's V8 heap grows to its own limits, on top of the main thread's: bound it so a
    // backfill stays under 200 MiB (the young generation is most of it). 64 MiB of old space holds
    // the batches in flight (concurrency × maxBatchSpans spans, content cut to maxContentBytes).
    this.#worker = new Worker(new URL('./otlp-export-worker.js', import.meta.url), {
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 8 },
    });
    this.#worker.on('message', (reply: WorkerReply) => this.#receive(reply));
    this.#worker.on('error', (error) => this.#lose(`the export worker failed: ${error.message}`));
    this.#worker.on('exit', (code) => this.#lose(`the export worker exited (code ${code})`));
  }

  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    if (this.#gone !== undefined || this.#shutDown !== undefined) {
      return Promise.resolve(failure(this.#gone ?? 'exporter is shut down', undefined));
    }
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
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
    const resolve = this.#pending.get(reply.id);
    if (resolve === undefined) return;
    this.#pending.delete(reply.id);
    if (!reply.ok) resolve(failure(reply.message, reply.statusCode));
    else resolve(reply.rejected === undefined ? { status: 'success' } : { status: 'success', rejected: reply.rejected });
  }

  /** The worker died (a bug, or out of memory): fail what it held, and everything after. */
  #lose(why: string): void {
    this.#gone ??= why;
    for (const resolve of this.#pending.values()) resolve(failure(why, undefined));
    this.#pending.clear();
    this.#onShutDown?.();
  }
}

/** OtlpTraceExporter's own messages already name the endpoint and hide secrets. */
function failure(message: string, statusCode: number | undefined): ExportOutcome {
  return { status: 'failure', error: new OtlpExportError(message, statusCode) };
}
