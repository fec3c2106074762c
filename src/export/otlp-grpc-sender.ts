import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as GrpcBase from '@opentelemetry/otlp-grpc-exporter-base';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { EncodedRequest, TraceSender, TraceSenderOptions } from './otlp-trace-sender.js';
import { responseReader } from './otlp-trace-sender.js';
import { readGrpcFailure, sendThrough } from './send-result.js';

/** Each signal's service and method, as @opentelemetry/exporter-{trace,logs}-otlp-grpc name them. */
const SERVICES = {
  TRACES: { service: 'TraceExportService', method: '/opentelemetry.proto.collector.trace.v1.TraceService/Export', component: 'otlp_grpc_span_exporter', item: 'span' },
  LOGS: { service: 'LogsExportService', method: '/opentelemetry.proto.collector.logs.v1.LogsService/Export', component: 'otlp_grpc_log_exporter', item: 'log' },
} as const;

/**
 * OTLP/gRPC (`protocol: grpc`): the transport of @opentelemetry/exporter-trace-otlp-grpc
 * (its otlp-grpc-exporter-base delegate: channel, deadline, retries, compression), fed the same
 * protobuf ExportTraceServiceRequest bodies we encode for OTLP/HTTP. The endpoint is used as
 * given (gRPC has no /v1/traces path; the collector's port is 4317). Headers travel as metadata.
 * Loaded with require only when asked for: gRPC costs start-up time nobody else should pay.
 */
export function createGrpcTraceSender(options: TraceSenderOptions): TraceSender {
  return createGrpcSender(options, 'TRACES');
}

/**
 * The same transport for ExportLogsServiceRequest bodies (logs/otlp-log-encoding.ts), to the
 * LogsService of the same address. Its response's partial_success has the trace response's layout
 * (rejected count, then message), so one decoder reads both.
 */
export function createGrpcLogSender(options: TraceSenderOptions): TraceSender {
  return createGrpcSender(options, 'LOGS');
}

function createGrpcSender(options: TraceSenderOptions, signal: keyof typeof SERVICES): TraceSender {
  const { service, method, component, item } = SERVICES[signal];
  const grpc = createRequire(import.meta.url)('@opentelemetry/otlp-grpc-exporter-base') as typeof GrpcBase;
  const metadata = grpc.createEmptyMetadata();
  for (const [key, value] of Object.entries(options.headers)) metadata.set(key.toLowerCase(), value);
  const read = (path: string | undefined): Buffer | undefined => (path === undefined ? undefined : readFileSync(path));
  const tls = options.tls;
  const secure = options.url.startsWith('https:');
  const credentials = secure ? grpc.createSslCredentials(read(tls?.ca), read(tls?.key), read(tls?.cert)) : grpc.createInsecureCredentials();
  const config = grpc.convertLegacyOtlpGrpcOptions(
    {
      url: options.url,
      metadata,
      credentials,
      ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
      compression: options.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
    },
    signal,
  );
  const reader = responseReader(signal, 'protobuf');
  const delegate = grpc.createOtlpGrpcExportDelegate(config, reader.serializer, component, { name: item, countItems: (request: EncodedRequest) => request.spans }, undefined, service, method);
  // A gRPC status (INVALID_ARGUMENT refuses the content) is read here, where it is known.
  return { send: (request) => sendThrough(delegate, request, reader.take, readGrpcFailure), shutdown: () => delegate.shutdown() };
}
