import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { ReconstructorCounters } from '../reconstruct/reconstructor.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * What a follower hands to the next one at a reload (docs/design.md "Reloading the config"): the
 * checkpoints as they are in memory, the counters (they go on), and what it has exported.
 */
export interface FollowerCarry {
  store: CheckpointStore;
  stats: PipelineStats;
  counters: ReconstructorCounters;
  /** Keys of the traces exported (oldest first, bounded): a line of theirs read again, or a late one, is late, not a second trace. */
  exported: readonly string[];
  /** `stream:absolute path` of every file source: the next follower reads their files from the checkpoints, whatever `from` says. */
  fileTargets: ReadonlySet<string>;
  /** Start time (µs) of each journal source, by key: with `from: end`, a journal nothing was read from yet goes on from then. */
  journalStarts: ReadonlyMap<string, number>;
  /** Per source key, the end of what was read: what the next follower reads again up to there is a re-read, not late lines. */
  consumed: ReadonlyMap<string, number>;
}

/**
 * After a reload the lines from the checkpoints up to where the previous follower had read are
 * read a second time: that is how the traces open at the reload are rebuilt whole. Those of traces
 * already exported are dropped as late lines are, but they are not late (a count that tells the
 * operator to raise --grace): this keeps them out of it. Costs a comparison per batch until each
 * source has passed the point.
 */
export class ReplayWindow {
  private readonly until: Map<string, number>;

  constructor(consumed: ReadonlyMap<string, number> | undefined) {
    this.until = new Map(consumed);
  }

  /** Hands `items` (in order, `endOf` their position) to `add`: the part read before is added apart. */
  add<T>(key: string, items: readonly T[], endOf: (item: T) => number, add: (items: readonly T[]) => void, counters: ReconstructorCounters): void {
    const until = this.until.get(key);
    if (until === undefined) return add(items);
    let split = 0;
    while (split < items.length && endOf(items[split] as T) <= until) split++;
    if (split < items.length) this.until.delete(key);
    if (split > 0) {
      const late = counters.lateItems;
      add(split === items.length ? items : items.slice(0, split));
      counters.lateItems = late;
    }
    if (split < items.length) add(split === 0 ? items : items.slice(split));
  }
}
