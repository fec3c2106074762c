import { stat } from 'node:fs/promises';

/** Where one followed source is, as the follower reports it at scrape time. */
export interface SourceProgress {
  kind: 'file' | 'journal';
  /** The file's current path, or the journal source's key: the `source` label. */
  source: string;
  /** Identity of the source (a file's fingerprint key): survives renames. */
  key: string;
  /** Just past the last item handed over: bytes for files, realtime µs for the journal. */
  consumed: number;
  /** The checkpoint last saved for it, in the same unit; undefined before the first write. */
  checkpoint: number | undefined;
}

export interface SourceLagReading {
  kind: 'file' | 'journal';
  source: string;
  /** Bytes between the checkpoint and the file's end (files only). */
  bytesBehind: number | undefined;
  /**
   * Files: how long ago the oldest byte not covered by the checkpoint was read (or, when it is not
   * read yet, since reading stopped making progress). Journal: log time between the checkpoint and
   * the last entry read.
   */
  secondsBehind: number;
  /** How long a file has had bytes to read without any being read (0 when it is reading or caught up). */
  stuckMs: number;
}

interface FileHistory {
  lastConsumed: number;
  /** (wall time, consumed) each time `consumed` moved on: when each stretch of bytes was read. */
  reads: { atMs: number; consumed: number }[];
  unreadSinceMs: number | undefined;
}

/** Bounds the history at one entry per sample: 1024 samples a second apart is 17 minutes of memory. */
const MAX_READS = 1024;

/**
 * Checkpoint lag and stuck sources, from samples of the follower's progress
 * (once a second, and at each scrape) plus one `stat` per followed file: no
 * cost on the line path.
 */
export class SourceLag {
  private readonly files = new Map<string, FileHistory>();

  constructor(
    private readonly progress: () => readonly SourceProgress[],
    private readonly sizeOf: (path: string) => Promise<number | undefined> = fileSize,
    private readonly now: () => number = Date.now,
  ) {}

  async sample(): Promise<SourceLagReading[]> {
    const nowMs = this.now();
    const seen = new Set<string>();
    const readings: SourceLagReading[] = [];
    for (const item of this.progress()) {
      if (item.kind === 'journal') {
        const behindUs = item.checkpoint === undefined ? 0 : Math.max(0, item.consumed - item.checkpoint);
        readings.push({ kind: 'journal', source: item.source, bytesBehind: undefined, secondsBehind: behindUs / 1e6, stuckMs: 0 });
        continue;
      }
      seen.add(item.key);
      // A file renamed or deleted since its last scan: what was handed over is all there is to know.
      const size = (await this.sizeOf(item.source)) ?? item.consumed;
      readings.push(this.fileReading(item, size, nowMs));
    }
    for (const key of this.files.keys()) if (!seen.has(key)) this.files.delete(key);
    return readings;
  }

  private fileReading(item: SourceProgress, size: number, nowMs: number): SourceLagReading {
    let history = this.files.get(item.key);
    if (history === undefined) {
      history = { lastConsumed: item.consumed, reads: [{ atMs: nowMs, consumed: item.consumed }], unreadSinceMs: undefined };
      this.files.set(item.key, history);
    }
    const moved = item.consumed !== history.lastConsumed;
    if (moved) {
      history.lastConsumed = item.consumed;
      history.reads.push({ atMs: nowMs, consumed: item.consumed });
      if (history.reads.length > MAX_READS) history.reads.shift();
    }
    const unread = size > item.consumed;
    if (!unread || moved) history.unreadSinceMs = undefined;
    if (unread) history.unreadSinceMs ??= nowMs;
    const checkpoint = item.checkpoint ?? item.consumed;
    // The checkpoint only moves forward (a rewritten file gets a new key): reads it covers are of no more use.
    while (history.reads.length > 1 && (history.reads[1]?.consumed ?? 0) <= checkpoint) history.reads.shift();
    let behindSinceMs: number | undefined;
    if (checkpoint < item.consumed) behindSinceMs = history.reads.find((read) => read.consumed > checkpoint)?.atMs;
    behindSinceMs ??= checkpoint < size ? history.unreadSinceMs : undefined;
    return {
      kind: 'file',
      source: item.source,
      bytesBehind: Math.max(0, size - checkpoint),
      secondsBehind: behindSinceMs === undefined ? 0 : (nowMs - behindSinceMs) / 1000,
      stuckMs: history.unreadSinceMs === undefined ? 0 : nowMs - history.unreadSinceMs,
    };
  }
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}
