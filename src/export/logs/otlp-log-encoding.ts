import { ProtoWriter } from '../proto-writer.js';
import type { ResourceOptions } from '../readable-span.js';
import { beginResourceScope, I32, I64, LEN, VARINT, writeAnyValue, writeAttributes, writeTime } from '../otlp-trace-encoding.js';
import type { OtlpLogRecord } from './otlp-log-record.js';

/**
 * Log records → one OTLP `ExportLogsServiceRequest` in protobuf, in one pass, with the bytes the
 * official serializer (otlp-transformer's ProtobufLogsSerializer) writes for the same records (a test
 * compares both): one ResourceLogs per host in the order hosts first appear, each with one ScopeLogs
 * (`otel-tail` and its version), records in the order given. Our own writer rather than the SDK's:
 * the records need no SDK LogRecord objects, the resource attributes are shared with the spans', and
 * there is no size pre-pass.
 */
export function encodeLogsRequest(records: readonly OtlpLogRecord[], resource: ResourceOptions): Uint8Array {
  const hosts = new Map<string | undefined, OtlpLogRecord[]>();
  for (const record of records) {
    let list = hosts.get(record.hostName);
    if (list === undefined) {
      list = [];
      hosts.set(record.hostName, list);
    }
    list.push(record);
  }
  const writer = new ProtoWriter(64 * 1024);
  for (const [hostName, list] of hosts) {
    const { outer, scoped } = beginResourceScope(writer, resource, hostName);
    for (const record of list) writeLogRecord(writer, record);
    writer.end(scoped);
    writer.end(outer);
  }
  return writer.finish();
}

/** Fields in number order, as the official serializer writes them, with its omissions (severity 0, empty text, flags 0, no ids). */
function writeLogRecord(writer: ProtoWriter, record: OtlpLogRecord): void {
  writer.tag(2, LEN); // ScopeLogs.log_records
  const at = writer.begin();
  writer.tag(1, I64);
  writeTime(writer, record.timeMs);
  if (record.severityNumber !== 0) {
    writer.tag(2, VARINT);
    writer.varint(record.severityNumber);
  }
  if (record.severityText !== '') {
    writer.tag(3, LEN);
    writer.string(record.severityText);
  }
  writer.tag(5, LEN); // body: an AnyValue holding the message
  const body = writer.begin();
  writeAnyValue(writer, record.body);
  writer.end(body);
  writeAttributes(writer, record.attributes, 6);
  writer.tag(7, VARINT); // dropped_attributes_count
  writer.varint(0);
  if (record.traceFlags !== 0) {
    writer.tag(8, I32);
    writer.fixed32(record.traceFlags);
  }
  if (record.traceId !== undefined) {
    writer.tag(9, LEN);
    writer.hexBytes(record.traceId);
  }
  if (record.spanId !== undefined) {
    writer.tag(10, LEN);
    writer.hexBytes(record.spanId);
  }
  writer.tag(11, I64);
  writeTime(writer, record.observedMs);
  writer.end(at);
}

