import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as GrpcBase from '@opentelemetry/otlp-grpc-exporter-base';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import type { EncodedRequest, TraceSender, TraceSenderOptions } from './otlp-trace-sender.js';
import { responseReader } from './otlp-trace-sender.js';
import { readGrpcFailure, sendThrough } from './send-result.js';

/** The TraceService's method, as @opentelemetry/exporter-trace-otlp-grpc names it. */
const SERVICE = 'TraceExportService';
const METHOD = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

/**
 * OTLP/gRPC (`protocol: grpc`): the transport of @opentelemetry/exporter-trace-otlp-grpc
 * (its otlp-grpc-exporter-base delegate: channel, deadline, retries, compression), fed the same
 * protobuf ExportTraceServiceRequest bodies we encode for OTLP/HTTP. The endpoint is used as
 * given (gRPC has no /v1/traces path; the collector's port is 4317). Headers travel as metadata.
 * Loaded with require only when asked for: gRPC costs start-up time nobody else should pay.
 */
export function createGrpcTraceSender(options: TraceSenderOptions): TraceSender {
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
    'TRACES',
  );
  const reader = responseReader('TRACES', 'protobuf');
  const delegate = grpc.createOtlpGrpcExportDelegate(config, reader.serializer, 'otlp_grpc_span_exporter', { name: 'span', countItems: (request: EncodedRequest) => request.spans }, undefined, SERVICE, METHOD);
  // A gRPC status (INVALID_ARGUMENT refuses the content) is read here, where it is known.
  return { send: (request) => sendThrough(delegate, request, reader.take, readGrpcFailure), shutdown: () => delegate.shutdown() };
}
