import { describe, expect, it } from 'vitest';
import { AgeGate, backendAgeLimit, DYNATRACE_AGE_LIMIT, isDynatraceUrl } from '../../../src/export/age-limit.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';

const NOW = Date.parse('2026-11-21T20:00:00Z');
const MIN = 60_000;

function trace(id: string, ends: number[]): FinishedTrace {
  const spans: SpanRecord[] = ends.map((endMs, i) => ({
    traceId: id,
    spanId: String(i).padStart(16, '0'),
    name: 's',
    kind: 'internal',
    startMs: endMs - 1000,
    endMs,
    attributes: {},
    status: { code: 'unset' },
    events: [],
  }));
  return { traceId: id, incomplete: false, spans };
}

describe('backendAgeLimit', () => {
  it('applies to the dynatrace preset and to a Dynatrace endpoint under any preset', () => {
    expect(backendAgeLimit('dynatrace', 'http://127.0.0.1:1/v1/traces')).toBe(DYNATRACE_AGE_LIMIT);
    expect(backendAgeLimit('otlp', 'https://abc12345.live.dynatrace.com/api/v2/otlp/v1/traces')).toBe(DYNATRACE_AGE_LIMIT);
    expect(backendAgeLimit('otlp', 'https://gate.example.com:9999/e/abc/api/v2/otlp/v1/traces')).toBe(DYNATRACE_AGE_LIMIT);
    expect(backendAgeLimit('otlp', 'http://collector:4318/v1/traces')).toBeUndefined();
    expect(backendAgeLimit('langfuse', undefined)).toBeUndefined();
  });

  it('does not take a look-alike host for Dynatrace', () => {
    expect(isDynatraceUrl('https://dynatrace.com.evil.example/v1/traces')).toBe(false);
    expect(isDynatraceUrl('https://x.apps.dynatrace.com/v1/traces')).toBe(true);
    expect(isDynatraceUrl('not a url')).toBe(false);
  });
});

describe('AgeGate', () => {
  it('admits a trace whose every span ended within 59 minutes, skips and counts the others whole', () => {
    const gate = new AgeGate(DYNATRACE_AGE_LIMIT, () => NOW);
    expect(gate.admit(trace('recent', [NOW - 5 * MIN, NOW - 58 * MIN]))).toBe(true);
    expect(gate.admit(trace('edge', [NOW - 59 * MIN]))).toBe(true);
    // One span too old: the whole trace is skipped, not sent with a hole in it.
    expect(gate.admit(trace('straddles', [NOW - 10 * MIN, NOW - 61 * MIN, NOW - 30 * MIN]))).toBe(false);
    expect(gate.admit(trace('old', [NOW - 120 * MIN, NOW - 121 * MIN]))).toBe(false);
    expect(gate.skippedTraces).toBe(2);
    expect(gate.skippedSpans).toBe(5);
    expect(gate.latestSkippedEndMs).toBe(NOW - 10 * MIN);
  });

  it('judges at the moment of asking: a trace ages out while a long run goes on', () => {
    let now = NOW;
    const gate = new AgeGate(DYNATRACE_AGE_LIMIT, () => now);
    const t = trace('t', [NOW - 50 * MIN]);
    expect(gate.admit(t)).toBe(true);
    now += 10 * MIN;
    expect(gate.admit(t)).toBe(false);
  });
});
