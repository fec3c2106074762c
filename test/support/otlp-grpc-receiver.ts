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
 * ExportTraceServiceResponse (full success).
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
  const service = exportMethod('/opentelemetry.proto.collector.trace.v1.TraceService/Export');
  // The LogsService of the same collector (an empty ExportLogsServiceResponse: full success).
  const logsImplementation: UntypedServiceImplementation = {
    Export: (call: { request: Buffer; metadata: { getMap(): Record<string, unknown> } }, callback: (error: Error | null, response: Buffer) => void) => {
      try {
        const received = decodeLogsRequest(call.request);
        logs.push(...received);
        logCalls.push({ metadata: call.metadata.getMap(), spans: received.length });
      } catch (error) {
        errors.push(`undecodable logs request: ${String(error)}`);
      }
      callback(null, Buffer.alloc(0));
    },
  };
  const implementation: UntypedServiceImplementation = {
    Export: (call: { request: Buffer; metadata: { getMap(): Record<string, unknown> } }, callback: (error: Error | null, response: Buffer) => void) => {
      try {
        const received = decodeTraceRequest(call.request);
        spans.push(...received);
        calls.push({ metadata: call.metadata.getMap(), spans: received.length });
      } catch (error) {
        errors.push(`undecodable request: ${String(error)}`);
      }
      callback(null, Buffer.alloc(0));
    },
  };
  const server = new Server();
  server.addService(service, implementation);
  server.addService(exportMethod('/opentelemetry.proto.collector.logs.v1.LogsService/Export'), logsImplementation);
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
