import { JournalLedger } from '../checkpoint/journal-ledger.js';
import { resolve } from 'node:path';
import type { CheckpointStore } from '../checkpoint/checkpoint-store.js';
import type { StreamKind } from '../reconstruct/reconstructor.js';
import { EVENT_NAMES, LOG_NAMES } from '../sources/rolling-names.js';
import { FileSource, type FileLineSink } from '../sources/file-source.js';
import { JournalSource, journalSourceKey, type JournalEntrySink } from '../sources/journal-source.js';
import type { LiveSource } from '../sources/live-source.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import type { FollowerCarry } from './follower-carry.js';
import type { FollowOptions } from './follow-options.js';

const READ_CHUNK_BYTES = 256 * 1024;
/** Under the default grace (750 ms), so lines whose watch event was lost are read before their trace is due. */
const RESCAN_MS = 500;

/** What a follower reads: its sources, by kind and by stream. */
export interface FollowSources {
  readonly all: readonly LiveSource[];
  /** The same, journals first: their start checks journalctl and may fail, while a file source starts reading at once. */
  readonly startOrder: readonly LiveSource[];
  /** The journal sources, for /healthz (their reader and probe). */
  readonly journals: readonly JournalSource[];
  /** The sources of each stream (merging: a stream with a source still reading holds log time). */
  readonly streams: Readonly<Record<StreamKind, readonly LiveSource[]>>;
  /** `stream:absolute path` of every file source (a reload reads them from the checkpoints). */
  readonly fileTargets: ReadonlySet<string>;
}

/** Where the sources hand over what they read, and what they report. */
export interface FollowSourceHooks {
  sink: FileLineSink & JournalEntrySink;
  caughtUp(): void;
  stats: PipelineStats;
  log: FollowOptions['log'];
}

/** Builds the follower's file and journal sources from its options; `carry` continues those of a reload. */
export function followSources(options: FollowOptions, store: CheckpointStore, hooks: FollowSourceHooks, carry: FollowerCarry | undefined): FollowSources {
  const { sink, caughtUp, stats, log } = hooks;
  const fileTargets = new Set<string>();
  const streams: Record<StreamKind, LiveSource[]> = { log: [], event: [] };
  const targets = [
    ...options.paths.map((path) => ({ path, names: LOG_NAMES, stream: 'log' as const })),
    ...(options.eventPaths ?? []).map((path) => ({ path, names: EVENT_NAMES, stream: 'event' as const })),
  ];
  const files = targets.map(({ path, names, stream }) => {
    const target = `${stream}:${resolve(path)}`;
    fileTargets.add(target);
    // Followed before a reload: every file it had identified has a checkpoint; one without appeared since, and is read whole.
    const from = carry?.fileTargets.has(target) === true ? 'beginning' : options.from;
    const source = new FileSource(
      { path, names, from, maxLineBytes: options.maxLineBytes, rescanMs: options.rescanMs ?? RESCAN_MS, readChunkBytes: READ_CHUNK_BYTES },
      store,
      sink,
      {
        note: log,
        truncated: (file) => {
          stats.truncations++;
          log(`${file} shrank or was rewritten (copytruncate?): reading it again from its start`, 'warn');
        },
        caughtUp,
        rotated: (_path, kind) => stats.rotations[kind]++,
      },
    );
    streams[stream].push(source);
    return source;
  });
  const journals = options.journals.map(
    (journal) =>
      new JournalSource(
        { ...journal, from: options.from, journalctl: options.journalctl, maxLineBytes: options.maxLineBytes, startedUs: carry?.journalStarts.get(journalSourceKey(journal)) },
        store.getJournal(journalSourceKey(journal)),
        sink,
        {
          note: log,
          rejected: (reason, where, detail) => stats.lineRejected(reason, where, detail),
          caughtUp,
          restarted: () => stats.sourceRestarts++,
        },
        new JournalLedger(),
      ),
  );
  streams.log.push(...journals);
  return { all: [...files, ...journals], startOrder: [...journals, ...files], journals, streams, fileTargets };
}
