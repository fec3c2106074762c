import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DeadLetterFile } from '../checkpoint/dead-letter.js';
import { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { Settlement } from '../checkpoint/settlement.js';
import { InputError } from '../model/input-errors.js';
import { Reconstructor, type StreamKind } from '../reconstruct/reconstructor.js';
import type { FilePosition } from '../sources/tracked-file.js';
import type { JournalReader } from '../telemetry/journal-health.js';
import type { SourceProgress } from '../telemetry/source-lag.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import type { RawLine } from '../model/raw-line.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { JournalIntake } from './journal-intake.js';
import { LineIntake } from './line-intake.js';
import { FollowerAgeGate } from './follower-age-gate.js';
import type { FollowerCarry } from './follower-carry.js';
import { deliveredSpans, FollowerCheckpoints } from './follower-checkpoints.js';
import { FollowerLogs } from './follower-logs.js';
import { followSources, type FollowSourceHooks, type FollowSources } from './follow-sources.js';
import { ForeignSources } from './foreign-sources.js';
import { QuietClock, SYSTEM_CLOCK, type WallClock } from './quiet-clock.js';
import { RefusedTraces } from './refused-traces.js';
import { RetryingExportQueue } from './retrying-export-queue.js';
import { withTimeout } from './bounded-wait.js';
import type { FollowOptions } from './follow-options.js';
import type { FollowerSeams } from './follower-seams.js';

export type { FollowOptions } from './follow-options.js';
export type { FollowerSeams } from './follower-seams.js';

/** A line further ahead of the wall clock than this is a clock outlier: it does not move log time (log-clock.ts). */
const MAX_WALL_SKEW_MS = 5 * 60_000;
/** Queued spans (in batches of maxBatchSpans) past which reading pauses. */
const QUEUED_BATCHES = 8;

/**
 * The live pipeline: file sources → intake → reconstructor → retrying
 * export queue, with checkpoints written from what the queue acknowledges.
 * Time is the log's own time, advanced by the wall clock while the log is
 * quiet (so a trace whose last line has been written is exported a grace
 * period later even if nothing else is written).
 */
export class Follower {
  readonly stats: PipelineStats;
  readonly reconstructor: Reconstructor;
  private readonly queue: RetryingExportQueue;
  private readonly sources: FollowSources;
  private readonly intakes = new Map<string, LineIntake>();
  private readonly journalIntakes = new Map<string, JournalIntake>();
  private readonly clock: QuietClock;
  private readonly checkpoints: FollowerCheckpoints;
  private readonly wall: WallClock;
  private checkpointTimer: unknown;
  private readonly refusals: RefusedTraces;
  private readonly foreignSources: ForeignSources;
  private readonly ageGate: FollowerAgeGate | undefined;
  /** --logs: every record as a log record, each holding its line until answered. */
  private readonly logs: FollowerLogs | undefined;

  private constructor(
    private readonly options: FollowOptions,
    private readonly store: CheckpointStore,
    carry: FollowerCarry | undefined,
    seams: FollowerSeams,
  ) {
    this.stats = carry?.stats ?? new PipelineStats();
    this.wall = seams.clock ?? SYSTEM_CLOCK;
    const settlement = seams.checkpoints ?? new Settlement(store);
    this.checkpoints = new FollowerCheckpoints(
      settlement,
      {
        positions: () => this.sources.all.flatMap((source) => [...source.positions()]),
        takeRetired: () => this.sources.all.flatMap((source) => source.takeRetired()),
        unsettled: () => [this.reconstructor.openLines(), this.queue.heldLines(), this.refusals.heldLines(), this.logs?.heldLines() ?? []],
      },
      store.path,
      options.log,
      (retired) => {
        for (const key of retired) this.intakes.delete(key);
      },
    );
    const settle = this.checkpoints.settle.bind(this.checkpoints);
    this.foreignSources = new ForeignSources(store, options.log);
    this.refusals = new RefusedTraces(new DeadLetterFile(options.stateDir), options.exportTarget, this.stats, options.log, settle);
    this.queue = new RetryingExportQueue(
      options.exporter,
      { maxBatchSpans: options.maxBatchSpans, maxQueuedSpans: options.maxBatchSpans * QUEUED_BATCHES, initialBackoffMs: 500, maxBackoffMs: 30_000 },
      this.stats,
      {
        exported: settle,
        unreachable: (error) =>
          options.log(`collector unreachable at ${options.exportTarget}: ${error.message}; holding spans and retrying with backoff (reading pauses while the queue is full)`, 'warn'),
        reachable: () => options.log(`collector reachable again at ${options.exportTarget}; resuming`),
        refused: (items, error) => this.refusals.refused(items, error),
        partlyRejected: (items, rejected) => this.refusals.partlyRejected(items, rejected),
      },
    );
    this.logs =
      options.logs === undefined
        ? undefined
        : new FollowerLogs(options.logs, { maxBatch: options.maxBatchSpans, maxQueued: options.maxBatchSpans * QUEUED_BATCHES }, this.stats, options.log, () => this.wall.now());
    const hasUnread = (stream: StreamKind): boolean => this.sources.streams[stream].some((source) => source.reading);
    this.ageGate = options.ageLimit === undefined ? undefined : new FollowerAgeGate(options.ageLimit, options.log);
    this.reconstructor = new Reconstructor({ ...options.reconstructor, hasUnread, maxWallSkewMs: MAX_WALL_SKEW_MS }, (trace, exit) => {
      options.onTrace?.(trace, exit);
      // Too old for the backend: not sent, and settled like a refused trace (its lines are not read again).
      if (this.ageGate?.admit(trace) === false) settle([{ trace, exit }]);
      else this.queue.push({ trace, exit });
    });
    // After a restart or a reload the lines from the checkpoints on are read again: what was delivered is not sent twice.
    this.reconstructor.rememberExported(carry?.exported ?? (settlement.exportedSpans));
    if (carry !== undefined) Object.assign(this.reconstructor.counters, carry.counters);
    this.clock = new QuietClock(
      {
        nextDueIn: () => this.reconstructor.nextDueIn,
        tick: (quietMs) => this.reconstructor.tick(quietMs),
        anyReading: () => this.sources.all.some((source) => source.reading),
        recheck: async () => {
          await Promise.all(this.sources.all.map((source) => source.recheck()));
        },
      },
      this.wall,
    );
    this.stats.onEventsDropped = (note) => options.log(note, 'warn');
    const hooks: FollowSourceHooks = {
      sink: { take: (file, lines) => this.take(file, lines), takeEntries: (source, entries) => this.takeEntries(source, entries) },
      caughtUp: () => this.clock.caughtUp(),
      stats: this.stats,
      log: options.log,
    };
    this.sources = (seams.sources ?? ((h) => followSources(options, store, h, carry)))(hooks);
  }

  /** Starts following; `carry` continues the follower of a reload (its checkpoints, counters and exported traces). */
  static async start(options: FollowOptions, carry?: FollowerCarry, seams: FollowerSeams = {}): Promise<Follower> {
    let store = carry?.store;
    if (store === undefined) {
      try {
        await mkdir(options.stateDir, { recursive: true, mode: 0o700 });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        throw new InputError(`--state-dir ${options.stateDir}: cannot create it (${code}). Pass a writable directory for checkpoints.`);
      }
      store = await CheckpointStore.open(options.stateDir);
    }
    const follower = new Follower(options, store, carry, seams);
    follower.resumedCheckpoints = store.all.length + store.allJournals.length;
    const { all, startOrder } = follower.sources;
    try {
      for (const source of startOrder) await source.start();
    } catch (error) {
      // Nothing is checkpointed: what a started source read is read again by whoever follows next.
      for (const source of all) source.stopReading();
      follower.queue.stop();
      follower.logs?.stop();
      await withTimeout(Promise.all(all.map((source) => source.close())), 500);
      throw error;
    }
    follower.checkpointTimer = follower.wall.repeat(() => void follower.checkpoints.write(), options.checkpointIntervalMs ?? 1000);
    return follower;
  }

  /** What is followed, for the start-up message. */
  get targets(): string[] {
    return this.sources.all.map((source) => source.target);
  }

  get checkpointPath(): string {
    return this.store.path;
  }

  /** How many source checkpoints the state dir held when this follower started (0: a first start). */
  resumedCheckpoints = 0;

  /** For /healthz: each journal source's reader (journalctl), and a probe for entries it has not read. */
  journalReaders(): JournalReader[] {
    return [...this.sources.journals];
  }

  /** For self-monitoring, read at scrape time: how far each source is read and where its checkpoint is. */
  sourceProgress(): SourceProgress[] {
    return this.sources.all.flatMap((source) =>
      [...source.positions()].map((p): SourceProgress => {
        const path = (p as Partial<FilePosition>).path;
        return path === undefined
          ? { kind: 'journal', source: p.key, key: p.key, consumed: p.consumed, checkpoint: this.store.getJournal(p.key)?.realtimeUs }
          : { kind: 'file', source: path, key: p.key, consumed: p.consumed, checkpoint: this.store.get(p.key)?.offset };
      }),
    );
  }

  /**
   * The shutdown order: stop reading → emit every open trace → export what
   * can be within the deadline → write checkpoints (never past what was not
   * exported) → release files and the exporter. Returns whether everything
   * was exported.
   */
  async stop(): Promise<boolean> {
    const deadline = Date.now() + this.options.shutdownTimeoutMs;
    this.haltReading();
    this.reconstructor.flush();
    // What was skipped for its age since the last line about it.
    this.ageGate?.note();
    const drainMs = Math.max(0, deadline - Date.now() - 500);
    const [drained, logsDrained] = await Promise.all([this.queue.drain(drainMs), this.logs?.drain(drainMs) ?? true]);
    this.queue.stop();
    this.logs?.stop();
    await withTimeout(this.refusals.drain(), Math.max(100, deadline - Date.now() - 500));
    await this.checkpoints.write();
    await withTimeout(Promise.all(this.sources.all.map((source) => source.close())), 500);
    await withTimeout(Promise.all([this.options.exporter.shutdown(), this.logs?.shutdown()]), Math.max(100, deadline - Date.now()));
    return drained && logsDrained;
  }

  /**
   * A reload's first half (docs/design.md "Reloading the config"): stop reading → export what is
   * queued (until `drainMs` passes or `cut` resolves: a SIGTERM) → wait for the answer to a request
   * in flight → write checkpoints → release the sources and the exporter. Open traces are not
   * flushed: their lines stay unsettled, so the next follower reads them again from the checkpoints
   * and builds them whole, with the same span ids. What could not be exported in time is not settled
   * either, and is rebuilt the same way.
   */
  async stopForReload(drainMs: number, cut: Promise<unknown>): Promise<FollowerCarry> {
    this.haltReading();
    await untilCut(Promise.all([this.queue.drain(drainMs), this.logs?.drain(drainMs)]), cut);
    this.queue.stop();
    this.logs?.stop();
    this.ageGate?.note();
    // Its answer settles it (not sent again) or not (held by the checkpoint): either is known before the write.
    const inFlightMs = this.options.inFlightWaitMs ?? 11_000;
    await untilCut(Promise.all([this.queue.drain(inFlightMs), this.logs?.drain(inFlightMs)]), cut);
    await untilCut(this.refusals.drain(), cut);
    await this.checkpoints.write();
    // Emitted but not delivered: the next follower reads their lines again (the checkpoint holds them) and must send them.
    const exported = deliveredSpans(this.reconstructor.exported, this.queue.undelivered());
    await withTimeout(Promise.all(this.sources.all.map((source) => source.close())), 500);
    await withTimeout(Promise.all([this.options.exporter.shutdown(), this.logs?.shutdown()]), 1000);
    return {
      store: this.store,
      stats: this.stats,
      counters: { ...this.reconstructor.counters },
      exported,
      fileTargets: this.sources.fileTargets,
      journalStarts: new Map(this.sources.journals.map((journal) => [journal.key, journal.startedUs])),
    };
  }

  /** Stopping or handing over: nothing is read any more, and no timer may emit a trace. */
  private haltReading(): void {
    this.clock.halt();
    for (const source of this.sources.all) source.stopReading();
    this.wall.clearTimer(this.checkpointTimer);
  }

  private take(file: { key: string; path: string }, lines: RawLine[]): Promise<void> {
    let intake = this.intakes.get(file.key);
    if (intake === undefined) {
      intake = new LineIntake(file.path, this.options.maxLineBytes, this.stats, this.reconstructor, file.key, dirname(file.path), this.logs?.tap);
      this.intakes.set(file.key, intake);
    }
    const lineIntake = intake;
    const room = this.handOver(() => lineIntake.addBatch(lines));
    this.foreignSources.check(file, lineIntake);
    return room;
  }

  private takeEntries(source: { key: string; name: string }, entries: JournalEntry[]): Promise<void> {
    let intake = this.journalIntakes.get(source.key);
    if (intake === undefined) {
      intake = new JournalIntake(source.name, this.stats, this.reconstructor, source.key, this.logs?.tap);
      this.journalIntakes.set(source.key, intake);
    }
    const journalIntake = intake;
    return this.handOver(() => journalIntake.addEntries(entries));
  }

  /** What every source's hand-over does: lines are being read (the clock stops), then wait for room in both queues. */
  private async handOver(add: () => void): Promise<void> {
    this.clock.reading();
    add();
    await this.queue.waitForRoom();
    await this.logs?.waitForRoom();
  }
}

/** Waits for `work`, or for `cut` if it comes first. */
async function untilCut(work: Promise<unknown>, cut: Promise<unknown>): Promise<void> {
  await Promise.race([work, cut]);
}
