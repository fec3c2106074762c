import { describe, expect, it } from 'vitest';
import { DYNATRACE_AGE_LIMIT } from '../../../src/export/age-limit.js';
import { FollowerAgeGate } from '../../../src/pipeline/follower-age-gate.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';

const START = Date.parse('2026-11-21T20:00:00Z');
const MIN = 60_000;

function trace(endMs: number, spans = 2): FinishedTrace {
  return {
    traceId: 'a'.repeat(32),
    incomplete: false,
    spans: Array.from({ length: spans }, (_, i) => ({ traceId: 'a'.repeat(32), spanId: String(i).padStart(16, '0'), name: 's', kind: 'internal', startMs: endMs - 1000, endMs, attributes: {}, status: { code: 'unset' }, events: [] })),
  };
}

describe('FollowerAgeGate', () => {
  it('admits recent traces; says the first skip at once, then at most once a minute with what was skipped since', () => {
    let now = START;
    const lines: string[] = [];
    const gate = new FollowerAgeGate(DYNATRACE_AGE_LIMIT, (message) => lines.push(message), () => now);
    expect(gate.admit(trace(now - 10 * MIN))).toBe(true);
    expect(gate.admit(trace(now - 120 * MIN, 3))).toBe(false);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`skipped 1 trace (3 spans) that ended more than 59 minutes ago (the latest ended at ${new Date(START - 120 * MIN).toISOString()}): Dynatrace rejects spans that ended more than 60 minutes ago`);
    now += 30_000;
    expect(gate.admit(trace(now - 90 * MIN))).toBe(false);
    expect(gate.admit(trace(now - 61 * MIN))).toBe(false);
    expect(lines).toHaveLength(1);
    now += 30_000;
    expect(gate.admit(trace(now - 70 * MIN))).toBe(false);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^skipped 3 traces \(6 spans\)/);
  });

  it('says what is left at the stop, and nothing when nothing is', () => {
    let now = START;
    const lines: string[] = [];
    const gate = new FollowerAgeGate(DYNATRACE_AGE_LIMIT, (message) => lines.push(message), () => now);
    gate.note();
    expect(lines).toEqual([]);
    gate.admit(trace(now - 120 * MIN));
    now += 1000;
    gate.admit(trace(now - 120 * MIN));
    gate.note();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^skipped 1 trace \(2 spans\)/);
    gate.note();
    expect(lines).toHaveLength(2);
  });
});
