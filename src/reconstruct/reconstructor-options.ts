import type { StreamKind } from './log-clock.js';

/** How the reconstructor bounds and times traces (reconstructor.ts). */
export interface ReconstructorOptions {
  /** How long (log time) a complete trace waits for trailing lines before it is emitted. */
  graceMs: number;
  /** A trace with no new line for this long (log time) is emitted as it is. */
  idleTimeoutMs: number;
  /**
   * A trace with a model call or tool started and not answered is held this long (log time) after
   * its last line instead of `idleTimeoutMs`, when longer: a slow model's answer arrives whole.
   * Default 10 minutes.
   */
  openCallHoldMs?: number;
  /** Bound on traces held at once; past it the least recently active one is emitted early (evicted). */
  maxOpenTraces: number;
  /** How many exported traces are remembered (their span ids), so a later line of one sends only the spans not sent yet. */
  rememberEmitted: number;
  /** Only items at or after this time (epoch ms) are used (backfill --since). */
  sinceMs?: number;
  /** Only items before this time (epoch ms) are used (backfill --until). */
  untilMs?: number;
  /**
   * The file log (or console) and the diagnostic events of one gateway are both
   * read: one trace per traceId from both (merged-trace-builder.ts), and log
   * time is the slower stream's (see `now`).
   */
  mergeStreams?: boolean;
  /** Merging: a trace complete by its log lines waits this much longer for its events. Default 2 s. */
  mergeWaitMs?: number;
  /**
   * Merging: how far the slower stream may lag the faster one before it is
   * ignored for time (a stream that stopped must not hold every trace). Default
   * unbounded (backfill reads both to their end); the follower passes the idle timeout.
   * Never applies to a stream with unread input (`hasUnread`).
   */
  maxStreamLagMs?: number;
  /**
   * Merging: whether a stream still has input not read yet (the follower: one of
   * its sources is reading, or has not finished its first read). Such a stream
   * holds log time at its watermark, however far behind (or unset) that is.
   * Default: never (a backfill interleaves the streams itself).
   */
  hasUnread?: (stream: StreamKind) => boolean;
  /** A line this far ahead of its clock's recent lines is held as a possible outlier (log-clock.ts). Default: the idle timeout (a jump that would expire a trace with lines still to come). */
  clockOutlierMs?: number;
  /** Following: a line ahead of the wall clock by more than this is a clock outlier. Unset in a backfill. */
  maxWallSkewMs?: number;
}

export const DEFAULT_RECONSTRUCTOR_OPTIONS: ReconstructorOptions = {
  graceMs: 750,
  idleTimeoutMs: 120_000,
  maxOpenTraces: 10_000,
  rememberEmitted: 50_000,
};

export interface ReconstructorCounters {
  /** Traces emitted whole. */
  tracesComplete: number;
  /** Traces emitted with spans or their root still open (idle timeout, eviction, flush). */
  tracesIncomplete: number;
  tracesEvicted: number;
  /** Parts of traces exported after the trace had been exported once (a retry, lines after an eviction or an idle timeout): their new spans only. */
  tracesReopened: number;
  /** Lines that arrived after their trace was exported and only amend spans already exported (an end, a trailing line): not sent again. */
  amendedAfterExport: number;
  /** Lines of a trace exported before a restart or reload, read again from the checkpoint: they make no span that was not sent. */
  rereadItems: number;
  /** Log records that carry no trace scope (startup, heartbeats): useful for logs, not for traces. */
  untracedRecords: number;
  /** Diagnostic infrastructure events (heartbeat, memory, ...): metrics material, never traces. */
  infrastructureEvents: number;
  /** Diagnostic events with neither a trace nor a session that leads to one. */
  untracedEvents: number;
  /** Records and events outside the --since/--until window. */
  outsideWindow: number;
  /** Lines whose time was far ahead of their source's (or the wall clock): placed by their time, but log time did not follow them. */
  clockOutliers: number;
}

/** Every counter at zero (a reconstructor's start, and a backfill's sum over its hosts). */
export function emptyReconstructorCounters(): ReconstructorCounters {
  return { tracesComplete: 0, tracesIncomplete: 0, tracesEvicted: 0, tracesReopened: 0, amendedAfterExport: 0, rereadItems: 0, untracedRecords: 0, infrastructureEvents: 0, untracedEvents: 0, outsideWindow: 0, clockOutliers: 0 };
}
