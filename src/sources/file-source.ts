import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fingerprintKey, type FileFingerprint } from '../checkpoint/fingerprint-key.js';
import { fingerprintOf, stillMatches } from './file-fingerprint.js';
import { LineSplitter, type RawLine } from './line-splitter.js';
import type { LiveSource } from './live-source.js';
import { PathWatcher } from './path-watcher.js';
import { isRenameRotation, LOG_NAMES, NewestDate, type RollingNames } from './rolling-names.js';
import { endOfLastLine, filePosition, TrackedFile, type FileIdentity, type FilePosition } from './tracked-file.js';

export type StartFrom = 'beginning' | 'end';


export interface FileSourceOptions {
  /** A directory of OpenClaw rolling logs, or one file. */
  path: string;
  /**
   * Where a file with no checkpoint that exists at the first start is read from. Files that appear
   * later, and every file once the source has checkpoints (a restart), are read from 0.
   */
  from: StartFrom;
  maxLineBytes: number;
  /** Safety net for missed watch events (network file systems, a directory that does not exist yet). */
  rescanMs: number;
  readChunkBytes: number;
  /** Which names in the directory are followed, and their age order. Default: OpenClaw's rolling file log. */
  names?: RollingNames;
}

/** Saved checkpoints, as far as a source needs them. */
export interface SavedOffsets {
  get(key: string): { offset: number } | undefined;
  readonly all: readonly { fingerprint: FileFingerprint; path: string }[];
}

export interface FileLineSink {
  /** Complete lines of one file, in order. Resolves when the pipeline has room for more (backpressure). */
  take(file: { key: string; path: string }, lines: RawLine[]): Promise<void>;
}

export interface FileSourceEvents {
  /** A rare message for the operator (each distinct text is passed once); `warn` when something failed. */
  note(message: string, level?: 'warn'): void;
  /** A followed file shrank or got new first bytes (copytruncate). */
  truncated(path: string): void;
  /** A read cycle ended with nothing left to read: from now on, silence is the log being quiet. */
  caughtUp(): void;
  /**
   * The directory rotated (directory mode only): the live file was renamed away (`.log` → `.1.log`),
   * or a file of a later date appeared (the midnight roll). Once per rotation; `path` is the
   * renamed file's new path, or the new day's file.
   */
  rotated?(path: string, kind: 'renamed' | 'new_day'): void;
}

/**
 * Follows one directory of rolling logs (or one file) by byte offset. See
 * docs/design.md "Following files" for the cycle; in short: discover by
 * name, identify by first line (never by path), read each file from its
 * offset oldest first, hand complete lines over, and drain files that were
 * deleted or renamed away before closing them.
 */
export class FileSource implements LiveSource {
  private readonly files = new Map<string, TrackedFile>();
  /** Identities whose file was truncated: a copy of it (copytruncate's `.1.log`) continues where it stopped. */
  private readonly orphans = new Map<string, { identity: FileIdentity; path: string; cyclesLeft: number }>();
  private retired: string[] = [];
  private readonly noted = new Set<string>();
  private readonly path: string;
  private dirMode = true;
  private watcher: PathWatcher | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private requested = false;
  private stopping = false;
  /** A read cycle has ended: what was there at start-up has been read. */
  private caughtUpOnce = false;
  /** This source was followed before: `--from end` does not apply (see start). */
  private resumed = false;
  private readonly newestDate = new NewestDate();

  constructor(
    private readonly options: FileSourceOptions,
    private readonly saved: SavedOffsets,
    private readonly sink: FileLineSink,
    private readonly events: FileSourceEvents,
  ) {
    this.path = resolve(options.path);
  }

  get target(): string {
    return this.dirMode ? `${this.path}/` : this.path;
  }

  /** Discovers and identifies what is there now (so `--from end` means now), then starts reading and watching. */
  async start(): Promise<void> {
    this.dirMode = await looksLikeDirectory(this.path);
    // Followed before (a checkpoint of one of its files): a file without one appeared while otel-tail was down (a rotation, a day roll) and is read whole.
    this.resumed = this.saved.all.some((entry) => this.isOurs(entry.path));
    await this.scan(true);
    if (this.dirMode) this.retireMissing();
    this.watcher = await PathWatcher.start(
      this.path,
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
    for (const file of this.files.values()) await file.handle.close();
    this.files.clear();
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
  *positions(): Iterable<FilePosition> {
    for (const file of this.files.values()) {
      const position = file.position();
      if (position !== undefined) yield position;
    }
    for (const { identity, path } of this.orphans.values()) {
      yield filePosition(identity.fingerprint, path, identity.splitter.consumedOffset);
    }
  }

  /** Keys of files that are gone for good (drained and closed, or deleted while we were down): their checkpoints can go. */
  takeRetired(): string[] {
    const retired = this.retired;
    this.retired = [];
    return retired;
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
    await this.scan(false);
    const ordered = [...this.files.values()].sort(
      (a, b) => Number(b.gone) - Number(a.gone) || this.names.compareAge(basename(a.path), basename(b.path)),
    );
    for (const file of ordered) {
      if (this.stopping) return;
      await this.readFile(file);
    }
    for (const [key, orphan] of this.orphans) {
      // No copy appeared within two cycles: the old content is finished.
      if (--orphan.cyclesLeft > 0) continue;
      this.orphans.delete(key);
      this.retired.push(key);
    }
  }

  /** Step 1 of the cycle: match what is on disk to tracked files by inode; new inodes are opened, vanished ones marked gone. */
  private async scan(initial: boolean): Promise<void> {
    const seen = new Set<string>();
    const paths = await this.listPaths();
    for (const path of paths) {
      const info = await stat(path).catch(() => undefined);
      if (info === undefined || !info.isFile()) continue;
      const known = this.files.get(`${info.dev}:${info.ino}`);
      if (known !== undefined) {
        this.moved(known, path);
        seen.add(known.inode);
        continue;
      }
      const file = await this.openFile(path, initial);
      if (file === undefined) continue;
      seen.add(file.inode);
      if (initial) {
        await this.identify(file);
        file.startAtEnd = false;
      }
    }
    for (const file of this.files.values()) {
      file.unseenScans = seen.has(file.inode) ? 0 : file.unseenScans + 1;
      file.gone = file.unseenScans >= 2;
    }
    if (!this.dirMode) return;
    const newDay = this.newestDate.observe(paths.map((path) => basename(path)));
    if (newDay !== undefined) this.events.rotated?.(join(this.path, newDay), 'new_day');
  }

  /** A tracked file found under `path`: renamed if that is not where it was (a rotation, when the live file became `.1`). */
  private moved(file: TrackedFile, path: string): void {
    if (file.path !== path && this.dirMode && isRenameRotation(basename(file.path), basename(path))) this.events.rotated?.(path, 'renamed');
    file.path = path;
  }

  private async listPaths(): Promise<string[]> {
    if (!this.dirMode) return [this.path];
    try {
      const names = await readdir(this.path);
      return names.filter((name) => this.names.matches(name)).map((name) => join(this.path, name));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') this.note(`${this.target} does not exist yet; waiting for it`);
      else this.note(`cannot list ${this.target} (${code ?? (error as Error).message})`, 'warn');
      return [];
    }
  }

  private async openFile(path: string, initial: boolean): Promise<TrackedFile | undefined> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      this.note(`cannot open ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is skipped until it can be`, 'warn');
      return undefined;
    }
    // The inode of what was opened, not of what was stat()ed: a rename in between must not mix them up.
    const info = await handle.stat();
    const inode = `${info.dev}:${info.ino}`;
    const known = this.files.get(inode);
    if (known !== undefined) {
      await handle.close();
      this.moved(known, path);
      return known;
    }
    const file = new TrackedFile(handle, path, inode, initial && this.options.from === 'end' && !this.resumed);
    this.files.set(inode, file);
    return file;
  }

  /** Gives a file its identity once its first line is complete, and decides where reading starts. */
  private async identify(file: TrackedFile): Promise<FileIdentity | undefined> {
    const fingerprint = await fingerprintOf(file.handle);
    if (fingerprint === undefined) return undefined;
    const key = fingerprintKey(fingerprint);
    for (const other of this.files.values()) {
      // Same first line, other inode, original still there: a copy (copytruncate's). It is read only if the original is truncated.
      if (other !== file && !other.gone && other.identity?.key === key) return undefined;
    }
    const orphan = this.orphans.get(key);
    if (orphan !== undefined) {
      this.orphans.delete(key);
      file.identity = orphan.identity;
      return file.identity;
    }
    const { size } = await file.handle.stat();
    const saved = this.saved.get(key)?.offset;
    let start = 0;
    if (saved !== undefined && saved <= size) start = saved;
    else if (saved !== undefined) this.truncatedWhileDown(file.path);
    else if (file.startAtEnd) start = await endOfLastLine(file.handle, size);
    file.identity = { key, fingerprint, readOffset: start, splitter: new LineSplitter(this.options.maxLineBytes, start) };
    return file.identity;
  }

  /** Step 2: read one file from its offset to its current end, handing complete lines over chunk by chunk. */
  private async readFile(file: TrackedFile): Promise<void> {
    let id = file.identity ?? (await this.identify(file));
    if (id === undefined) return this.closeIfDone(file);
    let { size } = await file.handle.stat();
    if (size < id.readOffset || (size > id.readOffset && !(await stillMatches(file.handle, id.fingerprint)))) {
      this.events.truncated(file.path);
      file.identity = undefined;
      // The old content's unread tail is older than the new content: read it (from the copy) first.
      const copy = await this.findCopy(id.key, file);
      if (copy === undefined) {
        // No copy yet: keep the identity for a copy that appears by the next cycles, and read the new content then.
        this.orphans.set(id.key, { identity: id, path: file.path, cyclesLeft: 2 });
        this.requested = true;
        return;
      }
      copy.identity = id;
      await this.readFile(copy);
      id = await this.identify(file);
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

  /** A followed file not read so far because it starts like `original` did: copytruncate's copy. */
  private async findCopy(key: string, original: TrackedFile): Promise<TrackedFile | undefined> {
    for (const other of this.files.values()) {
      if (other === original || other.identity !== undefined) continue;
      const fingerprint = await fingerprintOf(other.handle);
      if (fingerprint !== undefined && fingerprintKey(fingerprint) === key) return other;
    }
    return undefined;
  }

  /** A gone file read to its end is finished: its unterminated last line (if any) is released, the handle closed. */
  private async closeIfDone(file: TrackedFile): Promise<void> {
    if (!file.gone || this.stopping) return;
    const id = file.identity;
    if (id !== undefined) {
      const lines: RawLine[] = [];
      id.splitter.end((line) => lines.push(line));
      if (lines.length > 0) await this.sink.take({ key: id.key, path: file.path }, lines);
      this.retired.push(id.key);
    }
    this.files.delete(file.inode);
    await file.handle.close();
  }

  private truncatedWhileDown(path: string): void {
    this.events.truncated(path);
    this.note(`${path} is shorter than its checkpoint (truncated while otel-tail was stopped): reading it from the start`, 'warn');
  }

  /** Checkpoints of files in this directory that are no longer there (OpenClaw deletes day-old files). */
  private retireMissing(): void {
    const present = new Set<string>();
    for (const position of this.positions()) present.add(position.key);
    for (const entry of this.saved.all) {
      const key = fingerprintKey(entry.fingerprint);
      // Only files of this source's kind: the file log and the events may share a directory.
      if (this.isOurs(entry.path) && !present.has(key)) this.retired.push(key);
    }
  }

  /** A file of this source: in its directory with its kind's name, or (following one file) that file or one of its rotated names. */
  private isOurs(path: string): boolean {
    if (this.dirMode) return dirname(path) === this.path && this.names.matches(basename(path));
    return path === this.path || (dirname(path) === dirname(this.path) && this.names.matches(basename(path)));
  }

  private get names(): RollingNames {
    return this.options.names ?? LOG_NAMES;
  }

  private note(message: string, level?: 'warn'): void {
    if (this.noted.has(message)) return;
    this.noted.add(message);
    this.events.note(message, level);
  }
}

/** A path that does not exist yet is a directory unless its name has an extension (a log file to come). */
async function looksLikeDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return !basename(path).includes('.');
  }
}
