import { ExportResultCode } from '@opentelemetry/core';
import { cut, describe, exporterSecrets, MAX_REASON_CHARS, sendBatch, type OtlpTraceExporterOptions } from '../otlp-exporter.js';
import { createGrpcLogSender } from '../otlp-grpc-sender.js';
import { displayUrl, OtlpExportError } from '../otlp-target.js';
import { createLogSender, type TraceSender } from '../otlp-trace-sender.js';
import { watchPartialSuccess } from '../partial-success.js';
import { redactSecrets } from '../secret-fragments.js';
import type { ExportOutcome } from '../trace-exporter.js';
import { encodeLogsRequest } from './otlp-log-encoding.js';
import type { OtlpLogRecord } from './otlp-log-record.js';

/** Where and how log records go: the traces exporter's settings, with the logs URL (for gRPC, the collector's address). Protobuf over HTTP or gRPC. */
export type OtlpLogExporterOptions = Pick<OtlpTraceExporterOptions, 'url' | 'headers' | 'timeoutMillis' | 'resource' | 'compression' | 'tls'> & { grpc?: boolean };

/**
 * Log records → `<endpoint>/v1/logs`, one request per call (the caller bounds a call's records),
 * through the SDK's OTLP/HTTP transport (its retries, timeout and OTEL_EXPORTER_OTLP_LOGS_*
 * variables). Outcomes as the span exporter's: a `partial_success` is a success with `rejected`
 * (its `spans` counting log records), an error names the URL without credentials.
 */
export class OtlpLogExporter {
  readonly #sender: TraceSender;
  readonly #options: OtlpLogExporterOptions;
  readonly #secrets: readonly string[];
  readonly #safeUrl: string;

  constructor(options: OtlpLogExporterOptions) {
    this.#options = options;
    this.#safeUrl = displayUrl(options.url);
    this.#secrets = exporterSecrets(options.headers, options.url, 'LOGS');
    watchPartialSuccess();
    this.#sender = (options.grpc === true ? createGrpcLogSender : createLogSender)({
      url: options.url,
      headers: options.headers,
      ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
      ...(options.compression === undefined ? {} : { compression: options.compression }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    });
  }

  async export(records: readonly OtlpLogRecord[]): Promise<ExportOutcome> {
    try {
      const { result, partial } = await sendBatch(this.#sender, { body: encodeLogsRequest(records, this.#options.resource), spans: records.length });
      if (result.code !== ExportResultCode.SUCCESS) {
        const { reason, statusCode } = describe(result.error);
        return this.#failure(reason, statusCode);
      }
      if (partial === undefined) return { status: 'success' };
      return { status: 'success', rejected: { spans: partial.spans, message: cut(redactSecrets(partial.message, this.#secrets), MAX_REASON_CHARS) } };
    } catch (error) {
      return this.#failure(describe(error).reason, undefined);
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.#sender.shutdown();
    } catch {
      // Nothing left to flush that could still succeed.
    }
  }

  #failure(reason: string, statusCode: number | undefined): ExportOutcome {
    const message = `OTLP log export to ${this.#safeUrl} failed: ${cut(redactSecrets(reason, this.#secrets), MAX_REASON_CHARS)}`;
    return { status: 'failure', error: new OtlpExportError(message, statusCode) };
  }
}
