/** Notes about a trouble that goes on: how often they are said again (RateLimitedNote, TroubleSpell). */

/** At most one line a minute about a recurring trouble: a backlog or a refusing backend must not flood the log. */
const NOTE_EVERY_MS = 60_000;

/**
 * When a recurring note may be said again: at once the first time, then at most once per
 * `everyMs`, the caller saying what gathered since. One rule for every such note (skipped old
 * traces, refused traces), so they all read alike.
 */
export class RateLimitedNote {
  private saidAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly everyMs: number = NOTE_EVERY_MS,
  ) {}

  /** Whether the next note is due. */
  get due(): boolean {
    return this.now() - this.saidAt >= this.everyMs;
  }

  /** A note was said now (also one said out of turn, e.g. when stopping): the next waits its turn. */
  said(): void {
    this.saidAt = this.now();
  }
}

/**
 * A trouble said once when it starts and once when it ends, not at every failed attempt between
 * (an unreachable collector, checkpoints that cannot be written).
 */
export class TroubleSpell {
  private on = false;

  get active(): boolean {
    return this.on;
  }

  /** The trouble goes on: `say` runs only when it starts. */
  failed(say: () => void): void {
    if (this.on) return;
    this.on = true;
    say();
  }

  /** It is over: `say` runs only if it was on. */
  ended(say: () => void): void {
    if (!this.on) return;
    this.on = false;
    say();
  }
}
