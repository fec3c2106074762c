import type { CheckpointWriter } from './follower-checkpoints.js';
import type { FollowSourceHooks, FollowSources } from './follow-sources.js';
import type { WallClock } from './quiet-clock.js';

/**
 * What a follower is built on, passed in so that its ordering and settlement rules can be tested
 * without files, journalctl or waiting (test/unit/pipeline/follower.test.ts). Each defaults to the real one.
 */
export interface FollowerSeams {
  /** Its sources, given where they hand over (follow-sources.ts builds them from the options). */
  sources?: (hooks: FollowSourceHooks) => FollowSources;
  clock?: WallClock;
  /** Where settled traces and checkpoints go (a Settlement over the state dir's store). */
  checkpoints?: CheckpointWriter;
}
