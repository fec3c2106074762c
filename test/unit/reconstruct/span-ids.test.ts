import { describe, expect, it } from 'vitest';
import { deriveSpanId, deriveTraceId } from '../../../src/reconstruct/span-ids.js';

// Derived ids must never change between versions: a backend deduplicates a re-run (or a backfill of what
// the follower already sent) by them. These were computed by the first implementation (a sha256 fed
// piece by piece) and pin every later one.
describe('derived ids', () => {
  it('are the same as they always were', () => {
    expect(deriveSpanId('4bf92f3577b34da6a3ce929d0e0e4736', 'model-fetch', '00f067aa0ba902b7', 1700000000123, 2)).toBe('75bd7efe16d2a090');
    expect(deriveSpanId('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('398acaee65c4e533');
    expect(deriveTraceId('console', 'gw-a', 'runId=é☃', 17.5)).toBe('286b00611ce85291a36de2f82a8fc0d8');
  });

  it('keep parts apart: moving a character between two parts gives another id', () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    expect(deriveSpanId(traceId, 'a', 'bc')).not.toBe(deriveSpanId(traceId, 'ab', 'c'));
    expect(deriveSpanId(traceId, 'a', 'bc')).toMatch(/^[0-9a-f]{16}$/);
  });
});
