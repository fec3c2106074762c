import { Server, ServerCredentials, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { decodeLogsRequest, decodeTraceRequest, type ReceivedLogRecord, type ReceivedSpan } from './otlp-receiver.js';

/** One call the gRPC receiver answered: its metadata and what its request held. */
export interface ReceivedGrpcCall {
  metadata: Record<string, unknown>;
  spans: number;
}

export interface OtlpGrpcReceiver {
  /** `http://127.0.0.1:<port>`, as --endpoint takes it for --protocol grpc. */
  url: string;
  spans: ReceivedSpan[];
  calls: ReceivedGrpcCall[];
  /** Records of every LogsService call, and each call's metadata. */
  logs: ReceivedLogRecord[];
  logCalls: ReceivedGrpcCall[];
  errors: string[];
  close(): Promise<void>;
}

/**
 * A real OTLP/gRPC TraceService on 127.0.0.1 (@grpc/grpc-js): the Export method of
 * opentelemetry.proto.collector.trace.v1.TraceService, its request decoded with the OTLP protos
 * (test/support/otlp-trace.proto, through the HTTP receiver's decoder) and answered with an empty
 * ExportTraceServiceResponse (full success); and its LogsService, likewise.
 */
export async function startOtlpGrpcReceiver(): Promise<OtlpGrpcReceiver> {
  const spans: ReceivedSpan[] = [];
  const calls: ReceivedGrpcCall[] = [];
  const errors: string[] = [];
  const logs: ReceivedLogRecord[] = [];
  const logCalls: ReceivedGrpcCall[] = [];
  const raw = (value: Buffer): Buffer => value;
  const exportMethod = (path: string): ServiceDefinition => ({
    Export: { path, requestStream: false, responseStream: false, requestSerialize: raw, requestDeserialize: raw, responseSerialize: raw, responseDeserialize: raw },
  });
  /** Export of one service: each request decoded and kept with its call's metadata, answered with an empty response (full success). */
  const exporting = <T>(decode: (bytes: Uint8Array) => T[], items: T[], into: ReceivedGrpcCall[]): UntypedServiceImplementation => ({
    Export: (call: { request: Buffer; metadata: { getMap(): Record<string, unknown> } }, callback: (error: Error | null, response: Buffer) => void) => {
      try {
        const received = decode(call.request);
        items.push(...received);
        into.push({ metadata: call.metadata.getMap(), spans: received.length });
      } catch (error) {
        errors.push(`undecodable request: ${String(error)}`);
      }
      callback(null, Buffer.alloc(0));
    },
  });
  const server = new Server();
  server.addService(exportMethod('/opentelemetry.proto.collector.trace.v1.TraceService/Export'), exporting(decodeTraceRequest, spans, calls));
  // The LogsService of the same collector.
  server.addService(exportMethod('/opentelemetry.proto.collector.logs.v1.LogsService/Export'), exporting(decodeLogsRequest, logs, logCalls));
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) => (error === null ? resolve(bound) : reject(error)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    calls,
    logs,
    logCalls,
    errors,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
