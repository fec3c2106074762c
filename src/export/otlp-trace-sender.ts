import { readFileSync } from 'node:fs';
import { CompressionAlgorithm, type IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';

/** One OTLP/HTTP request body, already encoded (otlp-trace-encoding.ts), and how many spans it holds. */
export interface EncodedRequest {
  body: Uint8Array;
  spans: number;
}

export type TraceSender = IOtlpExportDelegate<EncodedRequest>;

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

/** What the OTLP response says, in the SDK's shape (its partial-success handler reads it). */
export interface ExportResponse {
  partialSuccess?: { rejectedSpans?: number; errorMessage?: string };
}

/**
 * The SDK's OTLP/HTTP transport (the same one its OTLPTraceExporter uses: the OTEL_EXPORTER_OTLP_*
 * environment, headers, timeout, retries of 429/502/503/504 with backoff, the partial-success
 * warning), fed request bodies we encoded ourselves instead of the SDK's ReadableSpans.
 */
export function createTraceSender(options: TraceSenderOptions): TraceSender {
  return createHttpSender(options, 'TRACES');
}

/**
 * The same transport for log records (`ExportLogsServiceRequest` bodies, logs/otlp-log-encoding.ts):
 * OTEL_EXPORTER_OTLP_LOGS_* instead of _TRACES_. The response has the same layout (partial_success:
 * rejected_log_records, error_message), read as the traces' is; `spans` counts log records here.
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
  const serializer = {
    serializeRequest: (request: EncodedRequest): Uint8Array => request.body,
    deserializeResponse: options.protocol === 'http/json' ? decodeJsonResponse : decodeExportResponse,
  };
  const [component, item] = signal === 'TRACES' ? (['otlp_http_span_exporter', 'span'] as const) : (['otlp_http_log_exporter', 'log'] as const);
  return createOtlpHttpExportDelegate(config, serializer, component, { name: item, countItems: (request: EncodedRequest) => request.spans }, undefined);
}

/** The files are read once, when the exporter is made; resolveConfig checked they are readable. */
function readTlsFiles(files: TlsFiles): { ca?: Buffer; cert?: Buffer; key?: Buffer } {
  const read = (path: string | undefined): Buffer | undefined => (path === undefined ? undefined : readFileSync(path));
  const [ca, cert, key] = [read(files.ca), read(files.cert), read(files.key)];
  return { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert }), ...(key === undefined ? {} : { key }) };
}

/** The OTLP/JSON ExportTraceServiceResponse (`partialSuccess.rejectedSpans` as a string or number); an empty body is success. */
function decodeJsonResponse(data: Uint8Array): ExportResponse {
  if (data.length === 0) return {};
  try {
    const parsed = JSON.parse(Buffer.from(data).toString('utf8')) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    const partial = parsed.partialSuccess;
    if (partial === undefined) return {};
    return { partialSuccess: { ...(partial.rejectedSpans === undefined ? {} : { rejectedSpans: Number(partial.rejectedSpans) }), ...(partial.errorMessage === undefined ? {} : { errorMessage: partial.errorMessage }) } };
  } catch {
    return {};
  }
}

/** ExportTraceServiceResponse: field 1 partial_success { 1 rejected_spans (int64), 2 error_message }. Unknown fields are skipped. */
export function decodeExportResponse(data: Uint8Array): ExportResponse {
  const response: ExportResponse = {};
  readFields(data, (field, reader) => {
    if (field !== 1 || reader.wireType !== 2) return false;
    const partial: NonNullable<ExportResponse['partialSuccess']> = {};
    readFields(reader.bytes(), (inner, innerReader) => {
      if (inner === 1 && innerReader.wireType === 0) partial.rejectedSpans = innerReader.varint();
      else if (inner === 2 && innerReader.wireType === 2) partial.errorMessage = Buffer.from(innerReader.bytes()).toString('utf8');
      else return false;
      return true;
    });
    response.partialSuccess = partial;
    return true;
  });
  return response;
}

class FieldReader {
  pos = 0;
  wireType = 0;

  constructor(private readonly data: Uint8Array) {}

  varint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const byte = this.data[this.pos++];
      if (byte === undefined) throw new Error('OTLP response: truncated varint');
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new Error('OTLP response: varint too long');
  }

  bytes(): Uint8Array {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.data.length) throw new Error('OTLP response: truncated field');
    const bytes = this.data.subarray(this.pos, end);
    this.pos = end;
    return bytes;
  }

  skip(): void {
    if (this.wireType === 0) this.varint();
    else if (this.wireType === 1) this.pos += 8;
    else if (this.wireType === 2) this.bytes();
    else if (this.wireType === 5) this.pos += 4;
    else throw new Error(`OTLP response: unknown wire type ${this.wireType}`);
  }

  get atEnd(): boolean {
    return this.pos >= this.data.length;
  }
}

/** Calls `take` for each field; a field it does not take (returns false) is skipped. */
function readFields(data: Uint8Array, take: (field: number, reader: FieldReader) => boolean): void {
  const reader = new FieldReader(data);
  while (!reader.atEnd) {
    const key = reader.varint();
    reader.wireType = key & 7;
    if (!take(Math.floor(key / 8), reader)) reader.skip();
  }
}
