import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { ExportedTraceSpans } from '../reconstruct/exported-spans.js';
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
  /**
   * The spans delivered, per trace (the reconstructor's memory, less what was emitted but not
   * delivered): the lines read again from the checkpoints make none of them twice, and count as
   * read again, not as amending lines.
   */
  exported: readonly ExportedTraceSpans[];
  /** `stream:absolute path` of every file source: the next follower reads their files from the checkpoints, whatever `from` says. */
  fileTargets: ReadonlySet<string>;
  /** Start time (µs) of each journal source, by key: with `from: end`, a journal nothing was read from yet goes on from then. */
  journalStarts: ReadonlyMap<string, number>;
}
