import { describe, expect, it } from 'vitest';
import { OTLPExporterError } from '@opentelemetry/otlp-exporter-base';
import { readGrpcFailure, readHttpFailure, rejectionOf } from '../../../src/export/send-result.js';

describe('readHttpFailure: refused or retryable, decided from the HTTP status', () => {
  it('refuses the content on 400, 413 and 422, naming the status and a printable body', () => {
    for (const code of [400, 413, 422]) {
      expect(readHttpFailure(new OTLPExporterError('Bad Request', code, 'invalid wire format'))).toEqual({ reason: `HTTP ${code} Bad Request: invalid wire format`, statusCode: code, refused: true });
    }
  });

  it('takes 401, 403, 404 and 500 as retryable (the backend comes back, or the operator fixes the config), and drops a binary body', () => {
    for (const code of [401, 403, 404, 500]) expect(readHttpFailure(new OTLPExporterError('', code, '\u0000\u0001')).refused).toBe(false);
    expect(readHttpFailure(new OTLPExporterError('', 500, '\u0000\u0001')).reason).toBe('HTTP 500');
  });

  it("explains the SDK's retryable-status message and a connection error's code", () => {
    expect(readHttpFailure(new OTLPExporterError('Export failed with retryable status'))).toMatchObject({ refused: false, statusCode: undefined, reason: expect.stringContaining('429/502/503/504') as unknown });
    const refused = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
    expect(readHttpFailure(refused)).toEqual({ reason: 'ECONNREFUSED: connect failed', statusCode: undefined, refused: false });
    expect(readHttpFailure(new AggregateError([new Error('a refused'), new Error('b refused')], '')).reason).toBe('a refused; b refused');
  });
});

describe('readGrpcFailure', () => {
  it('refuses on INVALID_ARGUMENT only; UNAVAILABLE and the rest may pass later', () => {
    expect(readGrpcFailure(Object.assign(new Error('3 INVALID_ARGUMENT: bad span'), { code: 3 }))).toEqual({ reason: 'gRPC status 3 INVALID_ARGUMENT: bad span', statusCode: undefined, refused: true });
    expect(readGrpcFailure(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })).refused).toBe(false);
    expect(readGrpcFailure(Object.assign(new Error('8 RESOURCE_EXHAUSTED'), { code: 8 })).refused).toBe(false);
  });
});

describe('rejectionOf', () => {
  it('reads rejected spans or log records (int64 as a number or a string), and nothing when none was rejected', () => {
    expect(rejectionOf({ rejectedSpans: '3', errorMessage: 'too old' })).toEqual({ spans: 3, message: 'too old' });
    expect(rejectionOf({ rejectedLogRecords: 2 })).toEqual({ spans: 2, message: '' });
    expect(rejectionOf({ rejectedSpans: 0, errorMessage: 'only a warning' })).toBeUndefined();
    expect(rejectionOf(undefined)).toBeUndefined();
  });
});
