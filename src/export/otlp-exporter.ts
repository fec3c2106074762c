import { parseKeyPairsIntoRecord } from '@opentelemetry/core';
import type { FinishedTrace } from '../model/span-record.js';
import { createGrpcTraceSender } from './otlp-grpc-sender.js';
import { createTraceSender, otlpTransformer, type OtlpProtocol, type TlsFiles, type TraceSender } from './otlp-trace-sender.js';
import { toReadableSpans } from './readable-span.js';
import { TraceRequestWriter } from './trace-request-writer.js';
import { encodeRequests, requestTraces, type EncodedTraceRequest, type RequestLimits } from './request-batches.js';
import type { ResourceOptions } from './readable-span.js';
import { displayUrl, OtlpExportError, queryValues } from './otlp-target.js';
import { addRejections, type PartialRejection } from './partial-rejection.js';
import { redactSecrets, secretFragments } from './secret-fragments.js';
import type { SendResult } from './send-result.js';
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
  /** Encoded bytes per OTLP request (protobuf, before compression); larger exports are split too. */
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
  /** Reused by every call (encodeRequests runs to its end without awaiting). */
  readonly #requests: TraceRequestWriter;
  readonly #limits: RequestLimits;
  readonly #target: ExportTarget;
  readonly #json: boolean;
  #shutDown = false;

  constructor(options: OtlpTraceExporterOptions) {
    this.#resource = options.resource;
    this.#requests = new TraceRequestWriter(options.resource);
    const max = options.maxBatchSpans ?? DEFAULT_MAX_BATCH_SPANS;
    const maxBytes = options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES;
    this.#limits = {
      maxSpans: Number.isInteger(max) && max > 0 ? max : DEFAULT_MAX_BATCH_SPANS,
      maxBytes: Number.isInteger(maxBytes) && maxBytes > 0 ? maxBytes : DEFAULT_MAX_REQUEST_BYTES,
    };
    this.#target = { what: 'OTLP export', safeUrl: displayUrl(options.url), secrets: exporterSecrets(options.headers, options.url, 'TRACES') };
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

  /** Protobuf (http/protobuf, grpc) written straight from our records; OTLP/JSON by the SDK's serializer (cut where the protobuf would be). */
  #body(traces: readonly FinishedTrace[], request: EncodedTraceRequest): Uint8Array {
    if (!this.#json) return request.body;
    const body = otlpTransformer().JsonTraceSerializer.serializeRequest(toReadableSpans(requestTraces(traces, request), this.#resource));
    if (body === undefined) throw new Error('the OTLP/JSON serializer produced nothing');
    return body;
  }

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    const target = this.#target;
    if (this.#shutDown) return exportOutcome({ status: 'retryable', reason: 'exporter is shut down', statusCode: undefined }, target);
    try {
      const requests = encodeRequests(traces, this.#requests, this.#limits);
      const batches = requests.length;
      let rejected: PartialRejection | undefined;
      for (let i = 0; i < batches; i++) {
        const request = requests[i] as EncodedTraceRequest;
        const result = await this.#sender.send({ body: this.#body(traces, request), spans: request.spans });
        if (result.status !== 'success') {
          // Stop at the first failed batch: the caller re-sends the whole call
          // anyway, so later batches would only add duplicates and latency.
          const where = batches > 1 ? ` (batch ${i + 1}/${batches})` : '';
          return exportOutcome({ ...result, reason: `${result.reason}${where}` }, target);
        }
        rejected = addRejections(rejected, result.rejected);
      }
      return exportOutcome(rejected === undefined ? { status: 'success' } : { status: 'success', rejected }, target);
    } catch (error) {
      return exportOutcome({ status: 'retryable', reason: error instanceof Error ? error.message : String(error), statusCode: undefined }, target);
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
}

/** Where an exporter sends (as messages show it) and what its messages must never hold. */
export interface ExportTarget {
  /** `OTLP export`, `OTLP log export`. */
  what: string;
  safeUrl: string;
  secrets: readonly string[];
}

/** What a request came to, as the export's outcome: the backend's words redacted and cut, an error naming the URL without credentials. */
export function exportOutcome(result: SendResult, target: ExportTarget): ExportOutcome {
  // Redacted whole, then cut: a secret cut in two would no longer match.
  const said = (text: string): string => cut(redactSecrets(text, target.secrets), MAX_REASON_CHARS);
  if (result.status === 'success') {
    return result.rejected === undefined ? { status: 'success' } : { status: 'success', rejected: { spans: result.rejected.spans, message: said(result.rejected.message) } };
  }
  return { status: result.status, error: new OtlpExportError(`${target.what} to ${target.safeUrl} failed: ${said(result.reason)}`, result.statusCode) };
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

export function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

