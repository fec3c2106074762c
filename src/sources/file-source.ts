import { stillMatches } from './file-fingerprint.js';
import { FileTracker, type FileTrackerEvents, type FileTrackerOptions, type SavedOffsets } from './file-tracker.js';
import type { RawLine } from '../model/raw-line.js';
import type { LiveSource } from './live-source.js';
import { PathWatcher } from './path-watcher.js';
import type { FilePosition, TrackedFile } from './tracked-file.js';

export type { SavedOffsets, StartFrom } from './file-tracker.js';

export interface FileSourceOptions extends FileTrackerOptions {
  /** Safety net for missed watch events (network file systems, a directory that does not exist yet). */
  rescanMs: number;
  readChunkBytes: number;
}

export interface FileLineSink {
  /** Complete lines of one file, in order. Resolves when the pipeline has room for more (backpressure). */
  take(file: { key: string; path: string }, lines: RawLine[]): Promise<void>;
}

export interface FileSourceEvents extends FileTrackerEvents {
  /** A rare message for the operator (each distinct text is passed once); `warn` when something failed. */
  note(message: string, level?: 'warn'): void;
  /** A read cycle ended with nothing left to read: from now on, silence is the log being quiet. */
  caughtUp(): void;
}

/**
 * Follows one directory of rolling logs (or one file) by byte offset. See
 * docs/design.md "Following files" for the cycle; in short: discover by
 * name, identify by first line, never by path (file-tracker.ts), read each
 * file from its offset oldest first, hand complete lines over, and drain
 * files that were deleted or renamed away before closing them. This is the
 * read loop: when a cycle runs, and reading each file.
 */
export class FileSource implements LiveSource {
  private readonly tracker: FileTracker;
  private readonly noted = new Set<string>();
  private watcher: PathWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private requested = false;
  private stopping = false;
  /** A read cycle has ended: what was there at start-up has been read. */
  private caughtUpOnce = false;

  constructor(
    private readonly options: FileSourceOptions,
    saved: SavedOffsets,
    private readonly sink: FileLineSink,
    private readonly events: FileSourceEvents,
  ) {
    this.tracker = new FileTracker(options, saved, {
      note: (message, level) => this.note(message, level),
      truncated: (path) => this.events.truncated(path),
      rotated: (path, kind) => this.events.rotated?.(path, kind),
    });
  }

  get target(): string {
    return this.tracker.target;
  }

  /** Discovers and identifies what is there now (so `--from end` means now), then starts reading and watching. */
  async start(): Promise<void> {
    await this.tracker.start();
    this.watcher = await PathWatcher.start(
      this.tracker.path,
      () => this.request(),
      (error) => this.note(`watching ${this.target} failed (${error.message}); rescanning every ${this.options.rescanMs} ms instead`, 'warn'),
    );
    // Deliberately not unref()ed: this timer is what keeps a daemon alive while it waits for its directory to appear.
    this.rescanTimer = setInterval(() => this.request(), this.options.rescanMs);
    this.request();
  }

  /** Stops handing lines over (the line being handed over finishes); `close()` releases the files. */
  stopReading(): void {
    this.stopping = true;
    clearInterval(this.rescanTimer);
  }

  async close(): Promise<void> {
    this.stopReading();
    await this.watcher?.close();
    await this.loop;
    await this.tracker.closeAll();
  }

  /**
   * A read cycle is running (reading, or waiting for room in the pipeline), or
   * none has ended yet: until then what the files hold is unread, even before
   * the first cycle starts (sources start one after the other).
   */
  get reading(): boolean {
    return this.loop !== undefined || !this.caughtUpOnce;
  }

  /** One more read cycle, however the watcher is doing: a stat of each file tells what is new. */
  async recheck(): Promise<void> {
    this.request();
    await this.loop;
  }

  /** Where every identified file is: the checkpoint writer turns these into low-water marks. */
  positions(): Iterable<FilePosition> {
    return this.tracker.positions();
  }

  /** Keys of files that are gone for good (drained and closed, or deleted while we were down): their checkpoints can go. */
  takeRetired(): string[] {
    return this.tracker.takeRetired();
  }

  private request(): void {
    if (this.stopping) return;
    this.requested = true;
    this.loop ??= this.runCycles();
  }

  private async runCycles(): Promise<void> {
    try {
      while (this.requested && !this.stopping) {
        this.requested = false;
        await this.cycle();
      }
    } catch (error) {
      // An I/O error ends this cycle only; the next watch event or rescan tries again.
      this.note(`reading ${this.target} failed: ${(error as Error).message}; retrying`, 'warn');
    } finally {
      this.loop = undefined;
      if (!this.stopping) {
        this.caughtUpOnce = true;
        this.events.caughtUp();
      }
    }
  }

  private async cycle(): Promise<void> {
    await this.tracker.scan(false);
    for (const file of this.tracker.readOrder()) {
      if (this.stopping) return;
      await this.readFile(file);
    }
    this.tracker.ageOrphans();
  }

  /** Step 2: read one file from its offset to its current end, handing complete lines over chunk by chunk. */
  private async readFile(file: TrackedFile): Promise<void> {
    let id = file.identity ?? (await this.tracker.identify(file));
    if (id === undefined) return this.closeIfDone(file);
    let { size } = await file.handle.stat();
    if (size < id.readOffset || (size > id.readOffset && !(await stillMatches(file.handle, id.fingerprint)))) {
      // The old content's unread tail is older than the new content: read it (from the copy) first.
      const copy = await this.tracker.truncated(file, id);
      if (copy === undefined) {
        // No copy yet: read the new content once one appeared, or the next cycles show none will.
        this.requested = true;
        return;
      }
      await this.readFile(copy);
      id = await this.tracker.identify(file);
      if (id === undefined) return;
      ({ size } = await file.handle.stat());
    }
    while (id.readOffset < size) {
      const length = Math.min(this.options.readChunkBytes, size - id.readOffset);
      const chunk = Buffer.allocUnsafe(length);
      const { bytesRead } = await file.handle.read(chunk, 0, length, id.readOffset);
      if (bytesRead === 0 || this.stopping) return;
      const lines: RawLine[] = [];
      id.splitter.push(chunk.subarray(0, bytesRead), (line) => lines.push(line));
      id.readOffset += bytesRead;
      if (lines.length > 0) await this.sink.take({ key: id.key, path: file.path }, lines);
      if (this.stopping) return;
    }
    await this.closeIfDone(file);
  }

  /** A gone file read to its end is finished: its unterminated last line (if any) is released, the handle closed. */
  private async closeIfDone(file: TrackedFile): Promise<void> {
    if (!file.gone || this.stopping) return;
    const id = file.identity;
    if (id !== undefined) {
      const lines: RawLine[] = [];
      id.splitter.end((line) => lines.push(line));
      if (lines.length > 0) await this.sink.take({ key: id.key, path: file.path }, lines);
    }
    await this.tracker.finished(file);
  }

  private note(message: string, level?: 'warn'): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    this.events.note(message, level);
  }
}
