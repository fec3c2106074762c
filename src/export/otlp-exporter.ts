import { ExportResultCode, parseKeyPairsIntoRecord } from '@opentelemetry/core';
import type { ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { FinishedTrace } from '../model/span-record.js';
import { encodeTraceRequest } from './otlp-trace-encoding.js';
import { createGrpcTraceSender } from './otlp-grpc-sender.js';
import { createTraceSender, type EncodedRequest, type OtlpProtocol, type TlsFiles, type TraceSender } from './otlp-trace-sender.js';
import { toReadableSpans } from './readable-span.js';
import { splitIntoRequests, type RequestLimits } from './request-batches.js';
import type { ResourceOptions } from './readable-span.js';
import { displayUrl, OtlpExportError, queryValues } from './otlp-target.js';
import { addRejections, type PartialRejection } from './partial-rejection.js';
import { takePartialRejection, watchPartialSuccess } from './partial-success.js';
import { redactSecrets, secretFragments } from './secret-fragments.js';
import type { ExportOutcome, TraceExporter } from './trace-exporter.js';

export { OtlpExportError, resolveTracesUrl } from './otlp-target.js';

export interface OtlpTraceExporterOptions {
  /** Full traces URL, e.g. `http://127.0.0.1:4318/v1/traces` (see resolveTracesUrl). */
  url: string;
  /** Sent with every request (auth tokens); never written to errors or logs. */
  headers: Record<string, string>;
  /**
   * Deadline per batch, retries included (the SDK's default is 10 000 ms).
   * The SDK retries 429/502/503/504 and refused/reset connections with a
   * ~1 s, ×1.5 backoff, but only while the next attempt fits in this deadline.
   */
  timeoutMillis?: number;
  resource: ResourceOptions;
  /** Spans per OTLP request; larger exports are split into sequential requests. */
  maxBatchSpans?: number;
  /** Encoded bytes per OTLP request (estimated from above); larger exports are split too. */
  maxRequestBytes?: number;
  /** Request body compression (none when absent). */
  compression?: 'gzip' | 'none';
  /** PEM files for https: trusted authorities, and a client certificate and key for mutual TLS. */
  tls?: TlsFiles;
  /** http/protobuf when absent. */
  protocol?: OtlpProtocol;
}

const DEFAULT_MAX_BATCH_SPANS = 512;
/** The Collector refuses OTLP/gRPC messages over 4 MiB by default, and some backends take less. */
const DEFAULT_MAX_REQUEST_BYTES = 4 * 1024 * 1024;
/** An error reason (the status, the SDK's message and the collector's answer) is cut to this many characters. */
export const MAX_REASON_CHARS = 300;

/** OTLP/HTTP protobuf exporter: reconstructed spans encoded in bounded requests, sent by the SDK's transport (otlp-trace-sender.ts). */
export class OtlpTraceExporter implements TraceExporter {
  /** Requests in flight at once: encoding and reading go on while earlier batches are on the wire. */
  readonly concurrency = 4;
  readonly #sender: TraceSender;
  readonly #resource: ResourceOptions;
  readonly #limits: RequestLimits;
  readonly #safeUrl: string;
  readonly #secrets: readonly string[];
  readonly #json: boolean;
  #shutDown = false;

  constructor(options: OtlpTraceExporterOptions) {
    this.#resource = options.resource;
    const max = options.maxBatchSpans ?? DEFAULT_MAX_BATCH_SPANS;
    const maxBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.#limits = {
      maxSpans: Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_BATCH_SPANS,
      maxBytes: Number.isInteger(maxBytes) && maxBytes > 0 ? maxBytes : DEFAULT_MAX_REQUEST_BYTES,
    };
    this.#safeUrl = displayUrl(options.url);
    this.#secrets = exporterSecrets(options.headers, options.url, 'TRACES');
    watchPartialSuccess();
    this.#json = options.protocol === 'http/json';
    this.#sender = (options.protocol === 'grpc' ? createGrpcTraceSender : createTraceSender)({
      url: options.url,
      ...(options.protocol === undefined ? {} : { protocol: options.protocol }),
      headers: options.headers,
      ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
      ...(options.compression === undefined ? {} : { compression: options.compression }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  }

  /** Protobuf (http/protobuf, grpc) written straight from our records; OTLP/JSON by the SDK's serializer. */
  #encode(traces: readonly FinishedTrace[]): Uint8Array {
    if (!this.#json) return encodeTraceRequest(traces, this.#resource);
    const body = JsonTraceSerializer.serializeRequest(toReadableSpans(traces, this.#resource));
    if (body === undefined) throw new Error('the OTLP/JSON serializer produced nothing');
    return body;
  }

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    if (this.#shutDown) return this.#failure('exporter is shut down', undefined);
    try {
      const requests = splitIntoRequests(traces, this.#resource, this.#limits);
      const batches = requests.length;
      let rejected: PartialRejection | undefined;
      for (let i = 0; i < batches; i++) {
        const traces = requests[i] ?? [];
        const request: EncodedRequest = { body: this.#encode(traces), spans: countSpans(traces) };
        const { result, partial } = await sendBatch(this.#sender, request);
        rejected = addRejections(rejected, partial);
        if (result.code !== ExportResultCode.SUCCESS) {
          // Stop at the first failed batch: the caller re-sends the whole call
          // anyway, so later batches would only add duplicates and latency.
          const where = batches > 1 ? ` (batch ${i + 1}/${batches})` : '';
          const { reason, statusCode } = describe(result.error);
          return this.#failure(`${reason}${where}`, statusCode);
        }
      }
      if (rejected === undefined) return { status: 'success' };
      return { status: 'success', rejected: { spans: rejected.spans, message: cut(redactSecrets(rejected.message, this.#secrets), MAX_REASON_CHARS) } };
    } catch (error) {
      return this.#failure(describe(error).reason, undefined);
    }
  }

  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    try {
      await this.#sender.shutdown();
    } catch {
      // Nothing left to flush that could still succeed; shutdown must go on.
    }
  }

  #failure(reason: string, statusCode: number | undefined): ExportOutcome {
    // Redacted whole, then cut: a secret cut in two would no longer match.
    const message = `OTLP export to ${this.#safeUrl} failed: ${cut(redactSecrets(reason, this.#secrets), MAX_REASON_CHARS)}`;
    return { status: 'failure', error: new OtlpExportError(message, statusCode) };
  }
}

/** What must never appear in an error: header values and the URL's query values, ours and the SDK's (it also sends OTEL_EXPORTER_OTLP_(signal_)HEADERS). */
export function exporterSecrets(headers: Record<string, string>, url: string, signal: 'TRACES' | 'LOGS'): string[] {
  return secretFragments([
    ...Object.values(headers),
    ...queryValues(url),
    ...Object.values(parseKeyPairsIntoRecord(process.env['OTEL_EXPORTER_OTLP_HEADERS'])),
    ...Object.values(parseKeyPairsIntoRecord(process.env[`OTEL_EXPORTER_OTLP_${signal}_HEADERS`])),
  ]);
}

/** One request; `partial` is what the backend's 200 said it rejected, read in the SDK's own callback (see partial-success.ts). */
export function sendBatch(sender: TraceSender, request: EncodedRequest): Promise<{ result: ExportResult; partial: PartialRejection | undefined }> {
  return new Promise((resolve) => {
    try {
      sender.export(request, (result) => resolve({ result, partial: takePartialRejection() }));
    } catch (error) {
      // The transport is called synchronously inside export(); keep the promise contract.
      resolve({ result: { code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) }, partial: undefined });
    }
  });
}

/**
 * Turns what the SDK reports into one readable reason. The SDK gives the HTTP
 * status only for non-retryable answers (OTLPExporterError.code); for
 * 429/502/503/504 it says just "Export failed with retryable status".
 */
export function describe(error: unknown): { reason: string; statusCode: number | undefined } {
  if (!(error instanceof Error)) return { reason: String(error), statusCode: undefined };
  const fields = error as Error & { code?: unknown; data?: unknown };
  if (typeof fields.code === 'number') {
    const body = printableBody(fields.data);
    const text = error.message === '' ? '' : ` ${error.message}`;
    return {
      reason: `HTTP ${fields.code}${text}${body === undefined ? '' : `: ${body}`}`,
      statusCode: fields.code,
    };
  }
  if (error.message === 'Export failed with retryable status') {
    return {
      reason: 'server answered a retryable status (429/502/503/504) to every attempt within the timeout',
      statusCode: undefined,
    };
  }
  // Node's happy-eyeballs connect (e.g. to "localhost") fails with an
  // AggregateError whose own message is empty; the per-address errors say why.
  const message =
    error instanceof AggregateError && error.message === ''
      ? error.errors.map((inner) => (inner instanceof Error ? inner.message : String(inner))).join('; ')
      : error.message;
  const code = typeof fields.code === 'string' && !message.includes(fields.code) ? `${fields.code}: ` : '';
  return { reason: `${code}${message}`, statusCode: undefined };
}

/** A collector's error body helps (e.g. "invalid wire format"); binary protobuf bodies do not. */
function printableBody(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  const text = data.trim();
  if (text === '' || !/^[\x20-\x7e\t\r\n]*$/.test(text)) return undefined;
  return text.replace(/\s+/g, ' ');
}

function countSpans(traces: readonly FinishedTrace[]): number {
  let spans = 0;
  for (const trace of traces) spans += trace.spans.length;
  return spans;
}

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

