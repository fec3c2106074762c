/** The wall clock and its one timer, passed in so the rules below are tested without waiting. */
export interface WallClock {
  now(): number;
  /** Calls `fire` after `ms`; the timer must not keep the process alive (unref). */
  setTimer(fire: () => void, ms: number): unknown;
  /** Calls `fire` every `ms` (unref'd, like setTimer). */
  repeat(fire: () => void, ms: number): unknown;
  /** Clears a timer of either kind. */
  clearTimer(timer: unknown): void;
}

export const SYSTEM_CLOCK: WallClock = {
  now: () => Date.now(),
  setTimer: (fire, ms) => setTimeout(fire, ms).unref(),
  repeat: (fire, ms) => setInterval(fire, ms).unref(),
  // clearTimeout clears an interval too (one pool of ids, Node's Timeout objects alike).
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout | undefined),
};

/** What the quiet clock drives: the reconstructor's due time and tick, and the sources' recheck. */
export interface QuietClockTarget {
  /** Log time until the next open trace is due (Infinity when none is open). */
  nextDueIn(): number;
  /** Emits what is due at log time plus `quietMs`. */
  tick(quietMs: number): void;
  /** A source is reading (or paused for room): the log is not quiet. */
  anyReading(): boolean;
  /** Resolves once every source has read what was already written (docs/design.md "Live time"). */
  recheck(): Promise<void>;
}

/** The timer never waits longer than this, so a clock step is noticed within a minute. */
const MAX_DELAY_MS = 60_000;

/**
 * The follower's live time (docs/design.md "Live time"): the wall clock adds to log time only the
 * time the log has been quiet. Reading stops it (lines move time themselves); once every source
 * has caught up, one timer is set for the next due trace, and when it fires the sources are asked
 * to recheck first: a trace is emitted on the wall clock only if nothing was read meanwhile.
 */
export class QuietClock {
  /** Wall time since which no source has had anything to read; undefined while one is reading or paused. */
  private quietSince: number | undefined;
  private timer: unknown;
  /** Stopping or handing over: no timer may emit a trace any more. */
  private halted = false;

  constructor(
    private readonly target: QuietClockTarget,
    private readonly wall: WallClock = SYSTEM_CLOCK,
  ) {}

  /** Lines are being handed over: the clock stops until the sources catch up again. */
  reading(): void {
    this.quietSince = undefined;
    this.schedule();
  }

  /** A source has read all there is: if none is reading any more, the quiet starts now. */
  caughtUp(): void {
    if (this.quietSince !== undefined || this.target.anyReading()) return;
    this.quietSince = this.wall.now();
    this.schedule();
  }

  /** No trace may be emitted on the wall clock any more. */
  halt(): void {
    this.halted = true;
    this.wall.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** How long the log has been quiet: zero while lines are read or reading is paused. */
  quietMs(): number {
    return this.quietSince === undefined ? 0 : this.wall.now() - this.quietSince;
  }

  /** One timer, set for when the next open trace is due; none when nothing is open (an idle daemon does no work) or while reading. */
  private schedule(): void {
    this.wall.clearTimer(this.timer);
    this.timer = undefined;
    if (this.halted) return;
    const dueIn = this.target.nextDueIn();
    // While lines are read, they move time themselves; caughtUp() sets the timer once the log is quiet.
    if (!Number.isFinite(dueIn) || this.quietSince === undefined) return;
    const delay = Math.min(Math.max(0, dueIn - this.quietMs()) + 1, MAX_DELAY_MS);
    this.timer = this.wall.setTimer(() => void this.tickWhenQuiet(), delay);
  }

  /**
   * Emits what the wall clock made due, once the sources confirm the quiet. After a stall (a
   * loaded host, a suspended VM) Node runs a due timer before the I/O that arrived meanwhile:
   * lines already written but not read would miss their trace.
   */
  private async tickWhenQuiet(): Promise<void> {
    const since = this.quietSince;
    await this.target.recheck();
    // Lines came in: they moved time themselves, and the quiet that follows set its own timer.
    if (this.halted || since === undefined || this.quietSince !== since) return;
    this.target.tick(this.quietMs());
    this.schedule();
  }
}
