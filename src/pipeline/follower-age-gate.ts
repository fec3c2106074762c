import { AgeGate, type BackendAgeLimit } from '../export/age-limit.js';
import type { FinishedTrace } from '../model/span-record.js';
import { RateLimitedNote } from './repeating-notes.js';

/**
 * A backend's age limit for a follower (age-limit.ts). A follower sees old
 * traces after a stop or an outage, when it reads its backlog from the
 * checkpoints: the backend would reject them, so they are skipped whole (and
 * settled: not read again), and said at once, then at most once a minute with
 * what was skipped since.
 */
export class FollowerAgeGate {
  private readonly gate: AgeGate;
  private noted = { traces: 0, spans: 0 };
  private readonly notes: RateLimitedNote;

  constructor(
    limit: BackendAgeLimit,
    private readonly log: (message: string, level: 'warn') => void,
    private readonly now: () => number = Date.now,
  ) {
    this.gate = new AgeGate(limit, now);
    this.notes = new RateLimitedNote(now);
  }

  admit(trace: FinishedTrace): boolean {
    if (this.gate.admit(trace)) return true;
    if (this.notes.due) this.note();
    return false;
  }

  /** Says what was skipped since the last line, if anything (also when the follower stops). */
  note(): void {
    const traces = this.gate.skippedTraces - this.noted.traces;
    const spans = this.gate.skippedSpans - this.noted.spans;
    if (traces === 0) return;
    this.noted = { traces: this.gate.skippedTraces, spans: this.gate.skippedSpans };
    this.notes.said();
    const { backend, admitAgeMs, maxAgeMs } = this.gate.limit;
    const latest = this.gate.latestSkippedEndMs === undefined ? '' : ` (the latest ended at ${new Date(this.gate.latestSkippedEndMs).toISOString()})`;
    this.log(
      `skipped ${traces} trace${traces === 1 ? '' : 's'} (${spans} span${spans === 1 ? '' : 's'}) that ended more than ${admitAgeMs / 60_000} minutes ago${latest}: ` +
        `${backend} rejects spans that ended more than ${maxAgeMs / 60_000} minutes ago. They are not sent; newer traces go on. ` +
        'To keep them, backfill these logs to a backend that accepts history (otel-tail backfill --endpoint URL FILES).',
      'warn',
    );
  }
}
