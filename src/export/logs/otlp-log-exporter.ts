import { exporterSecrets, exportOutcome, type ExportTarget, type OtlpTraceExporterOptions } from '../otlp-exporter.js';
import { createGrpcLogSender } from '../otlp-grpc-sender.js';
import { displayUrl } from '../otlp-target.js';
import { createLogSender, type TraceSender } from '../otlp-trace-sender.js';
import type { ExportOutcome } from '../trace-exporter.js';
import { encodeLogsRequest } from './otlp-log-encoding.js';
import type { OtlpLogRecord } from './otlp-log-record.js';

/** Where and how log records go: the traces exporter's settings, with the logs URL (for gRPC, the collector's address). Protobuf over HTTP or gRPC. */
export type OtlpLogExporterOptions = Pick<OtlpTraceExporterOptions, 'url' | 'headers' | 'timeoutMillis' | 'resource' | 'compression' | 'tls'> & { grpc?: boolean };

/**
 * Log records → `<endpoint>/v1/logs`, one request per call (the caller bounds a call's records),
 * through the SDK's OTLP/HTTP transport (its retries, timeout and OTEL_EXPORTER_OTLP_LOGS_*
 * variables), or its gRPC one to the collector's LogsService. Outcomes as the span exporter's: a `partial_success` is a success with `rejected`
 * (its `spans` counting log records), an error names the URL without credentials.
 */
export class OtlpLogExporter {
  readonly #sender: TraceSender;
  readonly #options: OtlpLogExporterOptions;
  readonly #target: ExportTarget;

  constructor(options: OtlpLogExporterOptions) {
    this.#options = options;
    this.#target = { what: 'OTLP log export', safeUrl: displayUrl(options.url), secrets: exporterSecrets(options.headers, options.url, 'LOGS') };
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
      return exportOutcome(await this.#sender.send({ body: encodeLogsRequest(records, this.#options.resource), spans: records.length }), this.#target);
    } catch (error) {
      return exportOutcome({ status: 'retryable', reason: error instanceof Error ? error.message : String(error), statusCode: undefined }, this.#target);
    }
  }

  async shutdown(): Promise<void> {
    try {
      await this.#sender.shutdown();
    } catch {
      // Nothing left to flush that could still succeed.
    }
  }
}
