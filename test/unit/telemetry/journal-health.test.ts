import { describe, expect, it } from 'vitest';
import { assessHealth } from '../../../src/telemetry/health.js';
import { journalProblem, worthProbing, type JournalReaderState } from '../../../src/telemetry/journal-health.js';

const NOW = 1_800_000_000_000;
const THRESHOLD = 60_000;

function state(over: Partial<JournalReaderState> = {}): JournalReaderState {
  return { source: 'journal openclaw-gateway', running: true, troubleSinceMs: undefined, exits: 0, lastExit: undefined, lastReadMs: NOW - 1_000, ...over };
}

describe('journal health', () => {
  it('is healthy while journalctl runs and reads, or exited only lately', () => {
    expect(journalProblem({ state: state(), oldestUnreadMs: undefined }, NOW, THRESHOLD)).toBeUndefined();
    expect(journalProblem({ state: state({ running: false, troubleSinceMs: NOW - 59_000, exits: 3 }), oldestUnreadMs: undefined }, NOW, THRESHOLD)).toBeUndefined();
  });

  it('is unhealthy once journalctl has kept exiting for the threshold, naming why', () => {
    const problem = journalProblem({ state: state({ running: false, troubleSinceMs: NOW - 61_000, exits: 4, lastExit: 'exit code 1: Failed to open journal' }), oldestUnreadMs: undefined }, NOW, THRESHOLD);
    expect(problem).toBe('journalctl for journal openclaw-gateway exited 4 times in 61s and has not stayed up since (not running); last: exit code 1: Failed to open journal');
  });

  it('is unhealthy when journalctl runs but an entry has waited unread for the threshold, and not for a fresh one', () => {
    const quiet = state({ lastReadMs: NOW - 120_000 });
    expect(worthProbing(quiet, NOW, THRESHOLD)).toBe(true);
    expect(worthProbing(state(), NOW, THRESHOLD)).toBe(false);
    expect(journalProblem({ state: quiet, oldestUnreadMs: NOW - 5_000 }, NOW, THRESHOLD)).toBeUndefined();
    expect(journalProblem({ state: quiet, oldestUnreadMs: undefined }, NOW, THRESHOLD)).toBeUndefined();
    expect(journalProblem({ state: quiet, oldestUnreadMs: NOW - 90_000 }, NOW, THRESHOLD)).toMatch(/^journal openclaw-gateway has had entries to read for 90s \(the oldest from .*\) without any being read$/);
  });

  it('turns /healthz unhealthy with the journal reader\'s reason', () => {
    const journals = [{ state: state({ running: false, troubleSinceMs: NOW - 70_000, exits: 2, lastExit: 'exit code 1' }), oldestUnreadMs: undefined }];
    const health = assessHealth({ nowMs: NOW, thresholdMs: THRESHOLD, exportFailingSinceMs: undefined, lastExportError: undefined, sources: [], journals });
    expect(health).toEqual({ healthy: false, reason: expect.stringMatching(/^journalctl for journal openclaw-gateway exited 2 times/) as unknown });
    expect(assessHealth({ nowMs: NOW, thresholdMs: THRESHOLD, exportFailingSinceMs: undefined, lastExportError: undefined, sources: [], journals: [] })).toEqual({ healthy: true });
  });
});
