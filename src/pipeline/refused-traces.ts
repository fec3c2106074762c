import type { DeadLetterFile } from '../checkpoint/dead-letter.js';
import { partialRejectionMessage, type PartialRejection } from '../export/partial-rejection.js';
import type { TraceLines } from '../model/line-refs.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { RateLimitedNote } from './repeating-notes.js';
import type { QueuedTrace } from './retrying-export-queue.js';

/**
 * What a follower does with the traces a backend refused (HTTP 400, 413, 422) or answered 200 with
 * spans rejected (OTLP partial success, which does not say which: the batch's traces are kept whole,
 * and a replay sends the accepted spans again under the same ids). Sending them again as they are
 * cannot help, so they go to the dead-letter file, and only once they are written are their lines
 * settled: until then the checkpoint holds them (`heldLines`). A full or unwritable dead-letter file
 * loses them: counted and said at error, as the Collector's sending queue counts what it drops.
 */
export class RefusedTraces {
  private readonly writing = new Set<readonly QueuedTrace[]>();
  private readonly writes = new Set<Promise<void>>();
  private sinceNote = { traces: 0, spans: 0, lost: 0 };
  private readonly notes = new RateLimitedNote();

  constructor(
    private readonly deadLetter: Pick<DeadLetterFile, 'path' | 'add'>,
    private readonly target: string,
    private readonly stats: PipelineStats,
    private readonly log: (message: string, level?: 'info' | 'warn' | 'error') => void,
    /** Settles the traces' lines (the follower's `settle`). */
    private readonly settle: (items: readonly QueuedTrace[]) => void,
  ) {}

  refused(items: readonly QueuedTrace[], error: Error): void {
    this.keep(items, error.message);
  }

  partlyRejected(items: readonly QueuedTrace[], rejected: PartialRejection): void {
    this.keep(items, partialRejectionMessage(rejected));
  }

  /** Lines of the traces being written to the dead-letter file: the checkpoint must not pass them yet. */
  *heldLines(): Iterable<TraceLines> {
    for (const items of this.writing) for (const item of items) yield item.exit.lines;
  }

  /** Resolves when every write in progress has ended (their lines are then settled). */
  async drain(): Promise<void> {
    while (this.writes.size > 0) await Promise.all(this.writes);
  }

  private keep(items: readonly QueuedTrace[], reason: string): void {
    this.writing.add(items);
    const at = new Date().toISOString();
    const write = this.deadLetter.add(items.map(({ trace }) => ({ at, destination: this.target, reason, trace }))).then((result) => {
      this.writing.delete(items);
      this.writes.delete(write);
      const spans = items.reduce((sum, item) => sum + item.trace.spans.length, 0);
      if (result.status === 'written') {
        this.stats.deadLettered.traces += items.length;
        this.stats.deadLettered.spans += spans;
      } else {
        this.stats.deadLetterLost += spans;
        this.sinceNote.lost += spans;
        if (result.status === 'full') this.log(`${this.deadLetter.path} is full (${result.maxBytes / 1024 / 1024} MiB): ${items.length} refused trace${items.length === 1 ? '' : 's'} (${spans} span${spans === 1 ? '' : 's'}) are lost. Replay or move it aside.`, 'error');
        else this.log(`cannot write ${this.deadLetter.path}: ${result.error.message}: ${items.length} refused trace${items.length === 1 ? '' : 's'} (${spans} span${spans === 1 ? '' : 's'}) are lost`, 'error');
      }
      this.settle(items);
      this.note(items.length, spans, reason);
    });
    this.writes.add(write);
  }

  /** Said at most once a minute, with what was refused since the last time: a backend that refuses everything must not flood the log. */
  private note(traces: number, spans: number, reason: string): void {
    this.sinceNote.traces += traces;
    this.sinceNote.spans += spans;
    if (!this.notes.due) return;
    this.notes.said();
    const { traces: t, spans: s, lost } = this.sinceNote;
    this.sinceNote = { traces: 0, spans: 0, lost: 0 };
    const kept = lost === 0 ? `kept in ${this.deadLetter.path}` : `kept in ${this.deadLetter.path} but for ${lost} spans`;
    this.log(
      `${this.target} refused ${t} trace${t === 1 ? '' : 's'} (${s} spans): ${reason}. Sending them again as they are cannot help: ${kept}, counted as failed; ` +
        'the traces after them go on. Once the cause is fixed (a 413 asks for a smaller --max-request-bytes), send them again with: otel-tail dead-letter replay (same --state-dir and endpoint).',
      'error',
    );
  }
}
