import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DeadLetterFile } from '../checkpoint/dead-letter.js';
import { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import { Settlement } from '../checkpoint/settlement.js';
import { InputError } from '../config/config-error.js';
import type { BackendAgeLimit } from '../export/age-limit.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import { Reconstructor, type ReconstructorOptions, type StreamKind, type TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../reconstruct/span-record.js';
import type { FilePosition } from '../sources/tracked-file.js';
import type { JournalReader } from '../telemetry/journal-health.js';
import type { SourceProgress } from '../telemetry/source-lag.js';
import type { JournalEntry } from '../parsers/journal-entry.js';
import { EVENT_NAMES, LOG_NAMES } from '../sources/event-file-names.js';
import { FileSource, type FileLineSink, type StartFrom } from '../sources/file-source.js';
import { JournalSource, journalSourceKey, type JournalEntrySink } from '../sources/journal-source.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import type { LiveSource } from '../sources/live-source.js';
import type { RawLine } from '../sources/line-splitter.js';
import { PipelineStats } from '../telemetry/pipeline-stats.js';
import { JournalIntake } from './journal-intake.js';
import { LineIntake } from './line-intake.js';
import { FollowerAgeGate } from './follower-age-gate.js';
import type { FollowerCarry } from './follower-carry.js';
import { ForeignSources } from './foreign-sources.js';
import { RefusedTraces } from './refused-traces.js';
import { RetryingExportQueue, type QueuedTrace } from './retrying-export-queue.js';

export interface FollowOptions {
  /** Directories of rolling logs, or files. */
  paths: readonly string[];
  /** Directories (or files) of diagnostic-event JSONL written by our OpenClaw plugin (`events-YYYY-MM-DD[.N].jsonl`). */
  eventPaths?: readonly string[];
  journals: readonly JournalTarget[];
  /** The journalctl executable. */
  journalctl: string;
  from: StartFrom;
  stateDir: string;
  maxLineBytes: number;
  maxBatchSpans: number;
  reconstructor: ReconstructorOptions;
  exporter: TraceExporter;
  /** Where spans go, for messages (never with credentials). */
  exportTarget: string;
  /** One rare line for the operator (info unless said). */
  log: (message: string, level?: 'info' | 'warn' | 'error') => void;
  /** How long stopping may take before what is not exported is left for the next start. */
  shutdownTimeoutMs: number;
  checkpointIntervalMs?: number;
  rescanMs?: number;
  /** Sees every trace as it is emitted, before it is queued for export (GenAI metrics). Must not throw. */
  onTrace?: (trace: FinishedTrace, exit: TraceExit) => void;
  /** A reload: how long `stopForReload` waits for a request in flight to be answered (the export timeout, plus a margin). */
  inFlightWaitMs?: number;
  /** The backend rejects spans older than this (Dynatrace): such traces are skipped, settled and said (follower-age-gate.ts). */
  ageLimit?: BackendAgeLimit;
}

const READ_CHUNK_BYTES = 256 * 1024;
/** Under the default grace (750 ms), so lines whose watch event was lost are read before their trace is due. */
const RESCAN_MS = 500;
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
  private readonly sources: LiveSource[];
  private readonly files: FileSource[];
  private readonly journals: JournalSource[];
  private readonly fileTargets = new Set<string>();
  /** The sources of each stream (merging: a stream with a source still reading holds log time). */
  private readonly streams: Record<StreamKind, LiveSource[]> = { log: [], event: [] };
  private readonly intakes = new Map<string, LineIntake>();
  private readonly journalIntakes = new Map<string, JournalIntake>();
  private tickTimer: NodeJS.Timeout | undefined;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private checkpointsFailing = false;
  /** Wall time since which no source has had anything to read; undefined while one is reading or paused. */
  private quietSince: number | undefined;
  private readonly refusals: RefusedTraces;
  private readonly foreignSources: ForeignSources;
  private readonly ageGate: FollowerAgeGate | undefined;
  /** Stopping or handing over: no timer may emit a trace any more. */
  private halted = false;

  private constructor(
    private readonly options: FollowOptions,
    private readonly store: CheckpointStore,
    private readonly settlement: Settlement,
    carry: FollowerCarry | undefined,
  ) {
    this.stats = carry?.stats ?? new PipelineStats();
    this.foreignSources = new ForeignSources(store, options.log);
    this.refusals = new RefusedTraces(new DeadLetterFile(options.stateDir), options.exportTarget, this.stats, options.log, (items) => this.settle(items));
    this.queue = new RetryingExportQueue(
      options.exporter,
      { maxBatchSpans: options.maxBatchSpans, maxQueuedSpans: options.maxBatchSpans * QUEUED_BATCHES, initialBackoffMs: 500, maxBackoffMs: 30_000 },
      this.stats,
      {
        exported: (batch) => this.settle(batch),
        unreachable: (error) =>
          options.log(`collector unreachable at ${options.exportTarget}: ${error.message}; holding spans and retrying with backoff (reading pauses while the queue is full)`, 'warn'),
        reachable: () => options.log(`collector reachable again at ${options.exportTarget}; resuming`),
        refused: (items, error) => this.refusals.refused(items, error),
        partlyRejected: (items, rejected) => this.refusals.partlyRejected(items, rejected),
      },
    );
    const hasUnread = (stream: StreamKind): boolean => this.streams[stream].some((source) => source.reading);
    this.ageGate = options.ageLimit === undefined ? undefined : new FollowerAgeGate(options.ageLimit, options.log);
    this.reconstructor = new Reconstructor({ ...options.reconstructor, hasUnread, maxWallSkewMs: MAX_WALL_SKEW_MS }, (trace, exit) => {
      options.onTrace?.(trace, exit);
      // Too old for the backend: not sent, and settled like a refused trace (its lines are not read again).
      if (this.ageGate?.admit(trace) === false) this.settle([{ trace, exit }]);
      else this.queue.push({ trace, exit });
    });
    // After a restart or a reload the lines from the checkpoints on are read again: what was delivered is not sent twice.
    this.reconstructor.rememberExported(carry?.exported ?? settlement.exportedSpans);
    if (carry !== undefined) Object.assign(this.reconstructor.counters, carry.counters);
    const sink: FileLineSink & JournalEntrySink = {
      take: (file, lines) => this.take(file, lines),
      takeEntries: (source, entries) => this.takeEntries(source, entries),
    };
    const caughtUp = (): void => this.caughtUp();
    this.stats.onEventsDropped = (note) => options.log(note, 'warn');
    const fileTargets = [
      ...options.paths.map((path) => ({ path, names: LOG_NAMES, stream: 'log' as const })),
      ...(options.eventPaths ?? []).map((path) => ({ path, names: EVENT_NAMES, stream: 'event' as const })),
    ];
    const files = fileTargets.map(({ path, names, stream }) => {
      const target = `${stream}:${resolve(path)}`;
      this.fileTargets.add(target);
      // Followed before a reload: every file it had identified has a checkpoint; one without appeared since, and is read whole.
      const from = carry?.fileTargets.has(target) === true ? 'beginning' : options.from;
      const source = new FileSource(
        { path, names, from, maxLineBytes: options.maxLineBytes, rescanMs: options.rescanMs ?? RESCAN_MS, readChunkBytes: READ_CHUNK_BYTES },
        store,
        sink,
        {
          note: options.log,
          truncated: (file) => {
            this.stats.truncations++;
            options.log(`${file} shrank or was rewritten (copytruncate?): reading it again from its start`, 'warn');
          },
          caughtUp,
          rotated: (_path, kind) => this.stats.rotations[kind]++,
        },
      );
      this.streams[stream].push(source);
      return source;
    });
    const journals = options.journals.map(
      (journal) =>
        new JournalSource(
          { ...journal, from: options.from, journalctl: options.journalctl, maxLineBytes: options.maxLineBytes, startedUs: carry?.journalStarts.get(journalSourceKey(journal)) },
          store.getJournal(journalSourceKey(journal)),
          sink,
          {
            note: options.log,
            rejected: (reason, where, detail) => this.stats.lineRejected(reason, where, detail),
            caughtUp,
            restarted: () => this.stats.sourceRestarts++,
          },
        ),
    );
    this.streams.log.push(...journals);
    this.files = files;
    this.journals = journals;
    this.sources = [...files, ...journals];
  }

  /** Starts following; `carry` continues the follower of a reload (its checkpoints, counters and exported traces). */
  static async start(options: FollowOptions, carry?: FollowerCarry): Promise<Follower> {
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
    const follower = new Follower(options, store, new Settlement(store), carry);
    follower.resumedCheckpoints = store.all.length + store.allJournals.length;
    try {
      // Journals first: their start checks journalctl and may fail, while a file source starts reading at once.
      for (const source of [...follower.journals, ...follower.files]) await source.start();
    } catch (error) {
      // Nothing is checkpointed: what a started source read is read again by whoever follows next.
      for (const source of follower.sources) source.stopReading();
      follower.queue.stop();
      await withTimeout(Promise.all(follower.sources.map((source) => source.close())), 500);
      throw error;
    }
    follower.checkpointTimer = setInterval(() => void follower.writeCheckpoints(), options.checkpointIntervalMs ?? 1000).unref();
    return follower;
  }

  /** What is followed, for the start-up message. */
  get targets(): string[] {
    return this.sources.map((source) => source.target);
  }

  get checkpointPath(): string {
    return this.store.path;
  }

  /** How many source checkpoints the state dir held when this follower started (0: a first start). */
  resumedCheckpoints = 0;

  /** For /healthz: each journal source's reader (journalctl), and a probe for entries it has not read. */
  journalReaders(): JournalReader[] {
    return this.journals;
  }

  /** For self-monitoring, read at scrape time: how far each source is read and where its checkpoint is. */
  sourceProgress(): SourceProgress[] {
    return this.sources.flatMap((source) =>
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
    this.halted = true;
    for (const source of this.sources) source.stopReading();
    clearTimeout(this.tickTimer);
    clearInterval(this.checkpointTimer);
    this.reconstructor.flush();
    // What was skipped for its age since the last line about it.
    this.ageGate?.note();
    const drained = await this.queue.drain(Math.max(0, deadline - Date.now() - 500));
    this.queue.stop();
    await withTimeout(this.refusals.drain(), Math.max(100, deadline - Date.now() - 500));
    await this.writeCheckpoints();
    await withTimeout(Promise.all(this.sources.map((source) => source.close())), 500);
    await withTimeout(this.options.exporter.shutdown(), Math.max(100, deadline - Date.now()));
    return drained;
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
    this.halted = true;
    for (const source of this.sources) source.stopReading();
    clearTimeout(this.tickTimer);
    clearInterval(this.checkpointTimer);
    await untilCut(this.queue.drain(drainMs), cut);
    this.queue.stop();
    this.ageGate?.note();
    // Its answer settles it (not sent again) or not (held by the checkpoint): either is known before the write.
    await untilCut(this.queue.drain(this.options.inFlightWaitMs ?? 11_000), cut);
    await untilCut(this.refusals.drain(), cut);
    await this.writeCheckpoints();
    // Emitted but not delivered: the next follower reads their lines again (the checkpoint holds them) and must send them.
    const exported = this.reconstructor.exported;
    for (const { trace, exit } of this.queue.undelivered()) exported.forget(exit.key, trace.spans.map((span) => span.spanId));
    await withTimeout(Promise.all(this.sources.map((source) => source.close())), 500);
    await withTimeout(this.options.exporter.shutdown(), 1000);
    return {
      store: this.store,
      stats: this.stats,
      counters: { ...this.reconstructor.counters },
      exported: [...exported.entries()],
      fileTargets: this.fileTargets,
      journalStarts: new Map(this.journals.map((journal) => [journal.key, journal.startedUs])),
    };
  }

  private take(file: { key: string; path: string }, lines: RawLine[]): Promise<void> {
    let intake = this.intakes.get(file.key);
    if (intake === undefined) {
      intake = new LineIntake(file.path, this.options.maxLineBytes, this.stats, this.reconstructor, file.key, dirname(file.path));
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
      intake = new JournalIntake(source.name, this.stats, this.reconstructor, source.key);
      this.journalIntakes.set(source.key, intake);
    }
    const journalIntake = intake;
    return this.handOver(() => journalIntake.addEntries(entries));
  }

  /** What every source's hand-over does: lines are being read (the clock stops), then wait for room. */
  private handOver(add: () => void): Promise<void> {
    this.quietSince = undefined;
    add();
    this.scheduleTick();
    return this.queue.waitForRoom();
  }

  private caughtUp(): void {
    if (this.quietSince !== undefined || this.sources.some((source) => source.reading)) return;
    this.quietSince = Date.now();
    this.scheduleTick();
  }

  /**
   * What the wall clock adds to log time: how long the log has been quiet. Zero while lines are
   * being read or reading is paused for a full export queue: only lines move time then, so a
   * backlog or a collector outage cannot expire traces whose lines are still unread.
   */
  private quietMs(): number {
    return this.quietSince === undefined ? 0 : Date.now() - this.quietSince;
  }

  /** One timer, set for when the next open trace is due; none when nothing is open (an idle daemon does no work) or while reading. */
  private scheduleTick(): void {
    clearTimeout(this.tickTimer);
    if (this.halted) return;
    const dueIn = this.reconstructor.nextDueIn;
    // While lines are read, they move time themselves; caughtUp() sets the timer once the log is quiet.
    if (!Number.isFinite(dueIn) || this.quietSince === undefined) return;
    const delay = Math.min(Math.max(0, dueIn - this.quietMs()) + 1, 60_000);
    this.tickTimer = setTimeout(() => void this.tickWhenQuiet(), delay).unref();
  }

  /**
   * Emits what the wall clock made due, once the sources confirm the quiet. After
   * a stall (a loaded host, a suspended VM) Node runs a due timer before the I/O
   * that arrived meanwhile: lines already written but not read would miss their trace.
   */
  private async tickWhenQuiet(): Promise<void> {
    const since = this.quietSince;
    await Promise.all(this.sources.map((source) => source.recheck()));
    // Lines came in: they moved time themselves, and the quiet that follows set its own timer.
    if (this.halted || since === undefined || this.quietSince !== since) return;
    this.reconstructor.tick(this.quietMs());
    this.scheduleTick();
  }

  private settle(batch: readonly QueuedTrace[]): void {
    for (const { trace, exit } of batch) {
      // Exported incomplete because we are stopping: read its lines again next time and send it whole (same span ids).
      const rebuildAfterRestart = exit.closedBy === 'flushed' && trace.incomplete;
      this.settlement.settled({ key: exit.key, lines: exit.lines, rebuildAfterRestart, spans: trace.spans });
    }
  }

  private async writeCheckpoints(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
    this.writing = this.writeOnce();
    try {
      await this.writing;
    } finally {
      this.writing = undefined;
    }
  }

  private async writeOnce(): Promise<void> {
    const positions = this.sources.flatMap((source) => [...source.positions()]);
    const retired = this.sources.flatMap((source) => source.takeRetired());
    for (const key of retired) this.intakes.delete(key);
    try {
      await this.settlement.write(positions, [this.reconstructor.openLines(), this.queue.heldLines(), this.refusals.heldLines()], retired);
      if (this.checkpointsFailing) this.options.log(`checkpoints written again to ${this.store.path}`);
      this.checkpointsFailing = false;
    } catch (error) {
      // Said once per failing spell, not every second; reading goes on (a crash meanwhile re-reads more, loses nothing).
      if (!this.checkpointsFailing) this.options.log(`cannot write checkpoints to ${this.store.path}: ${(error as Error).message}; retrying every second`, 'error');
      this.checkpointsFailing = true;
    }
  }
}

/** Waits for `work`, or for `cut` if it comes first. */
async function untilCut(work: Promise<unknown>, cut: Promise<unknown>): Promise<void> {
  await Promise.race([work, cut]);
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
