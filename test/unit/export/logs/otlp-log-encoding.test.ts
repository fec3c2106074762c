import { readFileSync } from 'node:fs';
import type { HrTime } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ProtobufLogsSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeLogsRequest } from '../../../../src/export/logs/otlp-log-encoding.js';
import { logTextScrub } from '../../../../src/export/logs/log-scrub.js';
import { toOtlpLogRecord, type OtlpLogRecord } from '../../../../src/export/logs/otlp-log-record.js';
import { msToHrTime, OTEL_TAIL_VERSION, resourceAttributes } from '../../../../src/export/readable-span.js';
import { parseLine } from '../../../../src/parsers/parse-line.js';
import { fixturePath } from '../../../support/fixtures.js';

const RESOURCE = { serviceName: 'openclaw-gateway', attributes: { 'deployment.environment.name': 'prod' } };
const SAMPLE = fixturePath('openclaw-2026.9.6/file-log.jsonl');
const OBSERVED = 1_764_000_000_123.456;

type SdkRecords = Parameters<typeof ProtobufLogsSerializer.serializeRequest>[0];

/** The same records as the SDK's ReadableLogRecords: one Resource object per host and one scope object (the serializer groups by identity). */
function sdkBytes(records: readonly OtlpLogRecord[]): Buffer {
  const resources = new Map<string | undefined, ReturnType<typeof resourceFromAttributes>>();
  const scope = { name: 'otel-tail', version: OTEL_TAIL_VERSION };
  const sdk: SdkRecords = records.map((record) => {
    let resource = resources.get(record.hostName);
    if (resource === undefined) {
      resource = resourceFromAttributes(resourceAttributes(RESOURCE, record.hostName));
      resources.set(record.hostName, resource);
    }
    const hr = (ms: number): HrTime => msToHrTime(ms);
    return {
      hrTime: hr(record.timeMs),
      hrTimeObserved: hr(record.observedMs),
      severityNumber: record.severityNumber,
      severityText: record.severityText,
      body: record.body,
      attributes: record.attributes,
      droppedAttributesCount: 0,
      resource,
      instrumentationScope: scope,
      ...(record.traceId === undefined ? {} : { spanContext: { traceId: record.traceId, spanId: record.spanId ?? '', traceFlags: record.traceFlags } }),
    };
  });
  return Buffer.from(ProtobufLogsSerializer.serializeRequest(sdk) ?? new Uint8Array());
}

function sampleRecords(scrub?: (text: string) => string): OtlpLogRecord[] {
  const out: OtlpLogRecord[] = [];
  readFileSync(SAMPLE, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const parsed = parseLine(line);
      if (parsed.kind === 'log') out.push(toOtlpLogRecord(parsed.record, { kind: 'file', path: SAMPLE, line: index + 1 }, OBSERVED, scrub));
    });
  return out;
}

describe('OTLP logs encoding', () => {
  it('writes the bytes of the official serializer for every record of the real sample, one by one and all in one request', () => {
    const records = sampleRecords(logTextScrub({ sessionIds: 'hash', chatIds: 'hash', idSalt: 'salt' }));
    expect(records.length).toBeGreaterThan(700);
    expect(records.some((record) => record.traceId !== undefined)).toBe(true);
    expect(records.some((record) => record.traceId === undefined)).toBe(true);
    for (const record of records) expect(Buffer.from(encodeLogsRequest([record], RESOURCE)).equals(sdkBytes([record])), record.body).toBe(true);
    const all = Buffer.from(encodeLogsRequest(records, RESOURCE));
    expect(all.length).toBeGreaterThan(64 * 1024);
    expect(all.equals(sdkBytes(records))).toBe(true);
  });

  it('writes the bytes of the official serializer for what the sample lacks: several hosts, no severity text, zero flags, a span-less trace, unicode and long bodies', () => {
    const base: OtlpLogRecord = { timeMs: 1_763_744_979_192.5, observedMs: 1_763_744_980_000, severityNumber: 9, severityText: 'INFO', body: 'x', attributes: {}, traceFlags: 0 };
    const records: OtlpLogRecord[] = [
      { ...base, hostName: 'a', body: 'héllo ⇄ 日本 🙂 a\ud800b' },
      { ...base, hostName: 'b', body: 'é'.repeat(20_000), severityNumber: 0, severityText: '' },
      { ...base, hostName: 'a', traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 0, attributes: { 'log.file.line': 2 ** 40 } },
      { ...base, traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, body: '' },
    ];
    expect(Buffer.from(encodeLogsRequest(records, RESOURCE)).equals(sdkBytes(records))).toBe(true);
  });
});
