import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import type * as Transformer from '@opentelemetry/otlp-transformer';
import type { PartialRejection } from './partial-rejection.js';
import { readHttpFailure, rejectionOf, sendThrough, type SendResult } from './send-result.js';

/** One OTLP/HTTP request body, already encoded (request-batches.ts; logs: otlp-log-encoding.ts), and how many spans it holds. */
export interface EncodedRequest {
  body: Uint8Array;
  spans: number;
}

/** One OTLP transport (HTTP or gRPC) for encoded requests. */
export interface TraceSender {
  /** Sends one request (the SDK's retries included); resolves, never rejects, with what it came to. */
  send(request: EncodedRequest): Promise<SendResult>;
  shutdown(): Promise<void>;
}

export interface TraceSenderOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMillis?: number;
  compression?: 'gzip' | 'none';
  tls?: TlsFiles;
  /** http/protobuf (default) and http/json here; grpc in otlp-grpc-sender.ts. */
  protocol?: OtlpProtocol;
}

export type OtlpProtocol = 'http/protobuf' | 'http/json' | 'grpc';

/** Paths of PEM files (config keys certificate, clientCertificate, clientKey). */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

/**
 * The SDK's OTLP/HTTP transport (the same one its OTLPTraceExporter uses: the OTEL_EXPORTER_OTLP_*
 * environment, headers, timeout, retries of 429/502/503/504 with backoff), fed request bodies we
 * encoded ourselves instead of the SDK's ReadableSpans. The response's partial success is read with
 * the library's deserializer (responseReader).
 */
export function createTraceSender(options: TraceSenderOptions): TraceSender {
  return createHttpSender(options, 'TRACES');
}

/**
 * The same transport for log records (`ExportLogsServiceRequest` bodies, logs/otlp-log-encoding.ts):
 * OTEL_EXPORTER_OTLP_LOGS_* instead of _TRACES_. Its partial success counts rejected_log_records;
 * `spans` counts log records here.
 */
export function createLogSender(options: TraceSenderOptions): TraceSender {
  return createHttpSender(options, 'LOGS');
}

function createHttpSender(options: TraceSenderOptions, signal: 'TRACES' | 'LOGS'): TraceSender {
  const config = convertLegacyHttpOptions(
    {
      url: options.url,
      headers: { ...options.headers },
      ...(options.timeoutMillis === undefined ? {} : { timeoutMillis: options.timeoutMillis }),
      // Given explicitly, so the resolved config (which read the same variables) is what is used, not the SDK's own reading.
      compression: options.compression === 'gzip' ? CompressionAlgorithm.GZIP : CompressionAlgorithm.NONE,
      ...(options.tls === undefined ? {} : { httpAgentOptions: { keepAlive: true, ...readTlsFiles(options.tls) } }),
    },
    signal,
    signal === 'TRACES' ? 'v1/traces' : 'v1/logs',
    { 'Content-Type': options.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf' },
  );
  const reader = responseReader(signal, options.protocol === 'http/json' ? 'json' : 'protobuf');
  const [component, item] = signal === 'TRACES' ? (['otlp_http_span_exporter', 'span'] as const) : (['otlp_http_log_exporter', 'log'] as const);
  const delegate = createOtlpHttpExportDelegate(config, reader.serializer, component, { name: item, countItems: (request: EncodedRequest) => request.spans }, undefined);
  return {
    send: (request) => sendThrough(delegate, request, reader.take, readHttpFailure),
    shutdown: () => delegate.shutdown(),
  };
}

/**
 * The serializer handed to the SDK's delegate: our bodies as they are, and the response read with
 * the library's deserializer. What it rejected is kept for `take` (the delegate calls back in the
 * same turn) and the SDK is given an empty response, so its own handler has nothing to log.
 */
export function responseReader(
  signal: 'TRACES' | 'LOGS',
  format: 'protobuf' | 'json',
): { serializer: { serializeRequest(request: EncodedRequest): Uint8Array; deserializeResponse(data: Uint8Array): object }; take(): PartialRejection | undefined } {
  const deserialize = format === 'json' ? jsonDeserializer(signal) : protobufDeserializer(signal);
  let last: PartialRejection | undefined;
  return {
    serializer: {
      serializeRequest: (request) => request.body,
      deserializeResponse: (data) => {
        last = rejectionOf(deserialize(data).partialSuccess);
        return {};
      },
    },
    take: () => {
      const taken = last;
      last = undefined;
      return taken;
    },
  };
}

type Deserialize = (data: Uint8Array) => { partialSuccess?: Parameters<typeof rejectionOf>[0] };

/**
 * otlp-transformer's protobuf response readers, required alone: the package's index loads 192
 * modules (112 ms of CPU, measured), these 3 (0.5 ms), and the export worker of every backfill reads
 * every response with them (the index stays unloaded there: see otlpTransformer). The package has
 * no `exports` map and is pinned exactly (package.json), so the paths are stable.
 */
function protobufDeserializer(signal: 'TRACES' | 'LOGS'): Deserialize {
  const require = createRequire(import.meta.url);
  if (signal === 'TRACES') {
    return (require('@opentelemetry/otlp-transformer/build/src/trace/protobuf/response-deserializer.js') as { deserializeExportTraceServiceResponse: Deserialize }).deserializeExportTraceServiceResponse;
  }
  return (require('@opentelemetry/otlp-transformer/build/src/logs/protobuf/response-deserializer.js') as { deserializeExportLogsServiceResponse: Deserialize }).deserializeExportLogsServiceResponse;
}

function jsonDeserializer(signal: 'TRACES' | 'LOGS'): Deserialize {
  const library = otlpTransformer();
  const serializer = signal === 'TRACES' ? library.JsonTraceSerializer : library.JsonLogsSerializer;
  return (data) => serializer.deserializeResponse(data);
}

let transformer: typeof Transformer | undefined;

/**
 * The whole otlp-transformer package (its OTLP/JSON serializers), loaded with require only for
 * http/json: the export worker of every backfill would otherwise load it (tens of ms of its
 * start-up, on the core the reader needs) to send protobuf it encodes itself.
 */
export function otlpTransformer(): typeof Transformer {
  transformer ??= createRequire(import.meta.url)('@opentelemetry/otlp-transformer') as typeof Transformer;
  return transformer;
}

/** The files are read once, when the exporter is made; resolveConfig checked they are readable. */
function readTlsFiles(files: TlsFiles): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (path: string | undefined): Buffer | undefined => (path === undefined ? undefined : readFileSync(path));
  const [ca, cert, key] = [read(files.ca), read(files.cert), read(files.key)];
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}
