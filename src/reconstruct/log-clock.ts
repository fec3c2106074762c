/**
 * Log time, per clock (docs/design.md "When a trace leaves"): one watermark per source and host,
 * robust to a line whose time is wrong. A line far ahead of its clock's recent lines does not move
 * the watermark at once: it waits for the lines after it. If CONFIRM_LINES of them in a row go on
 * from it (the log really moved on: a quiet gateway, a day later), the watermark follows; if one
 * comes back first, the lines that jumped were outliers (a CLI process with its own clock appending to the same file, a bad NTP step):
 * counted, and its watermark never applied. When following, a line ahead of the wall clock by more
 * than the skew allowed is an outlier at once. Either way the line itself is placed by its own time.
 */
/** Lines in a row at or past a jump that make it real: a CLI process with its own clock writes a few lines. */
const CONFIRM_LINES = 8;

export interface LogClockOptions {
  /** A line this far ahead of its clock's watermark waits for the next line to confirm it. */
  outlierMs: number;
  /** Following: a line further ahead of the wall clock than this is an outlier. Unset in a backfill. */
  maxWallSkewMs?: number;
  /** The wall clock (tests pass their own). */
  wallNow?: () => number;
  /** Merging streams: see ReconstructorOptions.maxStreamLagMs. */
  maxStreamLagMs?: number;
  /** Merging streams: see ReconstructorOptions.hasUnread. */
  hasUnread?: (stream: StreamKind) => boolean;
}

/** Which stream an item came from: the file log or console (records), or the diagnostic events. */
export type StreamKind = 'log' | 'event';

/** The clock of the traces of a merged reconstructor: the slower stream's time. */
export const MERGED_CLOCK = 'merged';

interface Clock {
  markMs: number;
  /** A jump not yet confirmed: the time it would move the watermark to, and how many lines made it. */
  pendingMs?: number;
  pendingLines: number;
}

/** What one line's time did to its clock. */
export type ClockReading = 'moved' | 'held' | 'pending' | 'outlier';

export class LogClock {
  private readonly clocks = new Map<string, Clock>();
  private maxMs = 0;
  /** Lines whose time was far ahead of their clock's and was not confirmed (`clock_outlier`). */
  outliers = 0;

  constructor(private readonly options: LogClockOptions) {}

  /** The watermark of one clock (0 when it has seen nothing). */
  mark(clock: string): number {
    return this.clocks.get(clock)?.markMs ?? 0;
  }

  /** The latest watermark of any clock. */
  get latest(): number {
    return this.maxMs;
  }

  /**
   * Log time for the traces of one clock: its watermark; for MERGED_CLOCK the slower stream's. The
   * two streams are written and read apart (the events plugin batches its writes; a backfill reads
   * one file after the other), and a trace must not leave before the slower one has reached its
   * end. A stream with unread input is always waited for; one that is caught up and lags more than
   * `maxStreamLagMs` (nothing is being written to it) is waited for only up to that lag.
   */
  now(clock: string, quiet = false): number {
    if (clock !== MERGED_CLOCK) return quiet ? this.latestRead(clock) : this.mark(clock);
    return Math.min(this.streamNow('log', quiet), this.streamNow('event', quiet));
  }

  /**
   * While following, once every source has read all there is: no line will come to confirm or refute
   * a jump, so log time is the latest line read, a jump not confirmed yet included. Else a gateway
   * quiet for longer than `outlierMs` that then writes a short trace (fewer than CONFIRM_LINES lines)
   * would hold it until the quiet had lasted as long as the gap. Such a line is no further ahead of
   * the wall clock than the skew allowed (else it was an outlier at once), and the watermark itself
   * does not move: the next lines still confirm or refute the jump.
   */
  private latestRead(clock: string): number {
    const state = this.clocks.get(clock);
    return Math.max(state?.markMs ?? 0, state?.pendingMs ?? 0);
  }

  private streamNow(stream: StreamKind, quiet: boolean): number {
    const seen = quiet ? this.latestRead(stream) : this.mark(stream);
    if (this.options.hasUnread?.(stream) === true) return seen;
    return Math.max(seen, this.maxMs - (this.options.maxStreamLagMs ?? Number.POSITIVE_INFINITY));
  }

  /** Takes one line's time into its clock. */
  observe(clock: string, timeMs: number): ClockReading {
    const { maxWallSkewMs, outlierMs } = this.options;
    if (maxWallSkewMs !== undefined && timeMs > (this.options.wallNow ?? Date.now)() + maxWallSkewMs) {
      this.outliers++;
      return 'outlier';
    }
    let state = this.clocks.get(clock);
    if (state === undefined) {
      state = { markMs: timeMs, pendingLines: 0 };
      this.clocks.set(clock, state);
      this.raise(timeMs);
      return 'moved';
    }
    const pending = state.pendingMs;
    if (pending !== undefined) {
      if (timeMs >= pending - outlierMs) {
        state.pendingMs = Math.max(pending, timeMs);
        if (++state.pendingLines < CONFIRM_LINES) return 'pending';
        // The log went on from the jump: it was real.
        const jumpMs = state.pendingMs;
        state.pendingMs = undefined;
        state.pendingLines = 0;
        return this.move(state, jumpMs);
      }
      // Back near the watermark: what jumped ahead was an outlier.
      this.outliers += state.pendingLines;
      state.pendingMs = undefined;
      state.pendingLines = 0;
    }
    if (timeMs > state.markMs + outlierMs) {
      state.pendingMs = timeMs;
      state.pendingLines = 1;
      return 'pending';
    }
    return timeMs > state.markMs ? this.move(state, timeMs) : 'held';
  }

  private move(state: Clock, timeMs: number): 'moved' {
    state.markMs = timeMs;
    this.raise(timeMs);
    return 'moved';
  }

  private raise(timeMs: number): void {
    if (timeMs > this.maxMs) this.maxMs = timeMs;
  }
}
