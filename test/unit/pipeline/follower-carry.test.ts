import { describe, expect, it } from 'vitest';
import { ReplayWindow } from '../../../src/pipeline/follower-carry.js';
import type { ReconstructorCounters } from '../../../src/reconstruct/reconstructor.js';

/** Every item is "late" (its trace was exported): what the window reads a second time must not count as such. */
function run(window: ReplayWindow, key: string, ends: number[], counters: { lateItems: number }): number[][] {
  const batches: number[][] = [];
  window.add(key, ends, (end) => end, (part) => {
    batches.push([...part]);
    counters.lateItems += part.length;
  }, counters as ReconstructorCounters);
  return batches;
}

describe('ReplayWindow', () => {
  it('keeps lines read a second time after a reload out of the late count, and only those', () => {
    const window = new ReplayWindow(new Map([['file-a', 300]]));
    const counters = { lateItems: 5 };
    expect(run(window, 'file-a', [100, 200], counters)).toEqual([[100, 200]]);
    expect(counters.lateItems).toBe(5);
    // The batch that crosses the point is cut there: after it, lines are new, and late ones count.
    expect(run(window, 'file-a', [300, 400, 500], counters)).toEqual([[300], [400, 500]]);
    expect(counters.lateItems).toBe(7);
    expect(run(window, 'file-a', [100], counters)).toEqual([[100]]);
    expect(counters.lateItems).toBe(8);
    // A source the previous follower did not read: nothing to keep apart.
    expect(run(window, 'file-b', [10], counters)).toEqual([[10]]);
    expect(counters.lateItems).toBe(9);
  });

  it('adds a batch past the point in one piece', () => {
    const window = new ReplayWindow(new Map([['journal', 1_000]]));
    const counters = { lateItems: 0 };
    expect(run(window, 'journal', [2_000, 3_000], counters)).toEqual([[2_000, 3_000]]);
    expect(counters.lateItems).toBe(2);
  });
});
