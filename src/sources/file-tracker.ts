import { open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fingerprintKey, type FileFingerprint } from '../model/fingerprint-key.js';
import { fingerprintOf } from './file-fingerprint.js';
import { LineSplitter } from './line-splitter.js';
import { isRenameRotation, LOG_NAMES, NewestDate, type RollingNames } from './rolling-names.js';
import { endOfLastLine, filePosition, TrackedFile, type FileIdentity, type FilePosition } from './tracked-file.js';

export type StartFrom = 'beginning' | 'end';

/** Saved checkpoints, as far as a source needs them. */
export interface SavedOffsets {
  get(key: string): { offset: number } | undefined;
  readonly all: readonly { fingerprint: FileFingerprint; path: string }[];
}

export interface FileTrackerOptions {
  /** A directory of OpenClaw rolling logs, or one file. */
  path: string;
  /**
   * Where a file with no checkpoint that exists at the first start is read from. Files that appear
   * later, and every file once the source has checkpoints (a restart), are read from 0.
   */
  from: StartFrom;
  maxLineBytes: number;
  /** Which names in the directory are followed, and their age order. Default: OpenClaw's rolling file log. */
  names?: RollingNames;
}

export interface FileTrackerEvents {
  /** A rare message for the operator; `warn` when something failed. */
  note(message: string, level?: 'warn'): void;
  /** A followed file shrank or got new first bytes (copytruncate). */
  truncated(path: string): void;
  /**
   * The directory rotated (directory mode only): the live file was renamed away (`.log` → `.1.log`),
   * or a file of a later date appeared (the midnight roll). Once per rotation; `path` is the
   * renamed file's new path, or the new day's file.
   */
  rotated?(path: string, kind: 'renamed' | 'new_day'): void;
}

/**
 * Which files a source follows, and what each one is (the Collector's
 * fileconsumer tracker): discovered by name, matched to what is open by
 * inode, identified by their first line (never by path), told apart from
 * copies, and given the offset reading starts at (a checkpoint, `--from`, or
 * what a truncated file's copy continues). It reads no lines: file-source.ts
 * does, in the order `readOrder()` gives.
 */
export class FileTracker {
  private readonly files = new Map<string, TrackedFile>();
  /** Identities whose file was truncated: a copy of it (copytruncate's `.1.log`) continues where it stopped. */
  private readonly orphans = new Map<string, { identity: FileIdentity; path: string; cyclesLeft: number }>();
  private retired: string[] = [];
  readonly path: string;
  private dirMode = true;
  /** This source was followed before: `--from end` does not apply (see start). */
  private resumed = false;
  private readonly newestDate = new NewestDate();

  constructor(
    private readonly options: FileTrackerOptions,
    private readonly saved: SavedOffsets,
    private readonly events: FileTrackerEvents,
  ) {
    this.path = resolve(options.path);
  }

  get target(): string {
    return this.dirMode ? `${this.path}/` : this.path;
  }

  /** Discovers and identifies what is there now (so `--from end` means now). */
  async start(): Promise<void> {
    this.dirMode = await looksLikeDirectory(this.path);
    // Followed before (a checkpoint of one of its files): a file without one appeared while otel-tail was down (a rotation, a day roll) and is read whole.
    this.resumed = this.saved.all.some((entry) => this.isOurs(entry.path));
    await this.scan(true);
    if (this.dirMode) this.retireMissing();
  }

  /** Step 1 of the cycle: match what is on disk to tracked files by inode; new inodes are opened, vanished ones marked gone. */
  async scan(initial: boolean): Promise<void> {
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

  /** The files to read, gone ones first (they are drained and closed), then oldest first. */
  readOrder(): TrackedFile[] {
    return [...this.files.values()].sort(
      (a, b) => Number(b.gone) - Number(a.gone) || this.names.compareAge(basename(a.path), basename(b.path)),
    );
  }

  /** The end of a read cycle: a truncated file's identity that no copy took within two cycles is finished. */
  ageOrphans(): void {
    for (const [key, orphan] of this.orphans) {
      if (--orphan.cyclesLeft > 0) continue;
      this.orphans.delete(key);
      this.retired.push(key);
    }
  }

  /** Gives a file its identity once its first line is complete, and decides where reading starts. */
  async identify(file: TrackedFile): Promise<FileIdentity | undefined> {
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

  /**
   * `file` shrank or got new first bytes while it held `identity`: it loses it, and the old
   * content's unread tail, which is older than the new content, is to be read from its copy
   * (copytruncate's), returned with the identity. Without a copy yet, the identity waits for one
   * that appears by the next cycles (undefined).
   */
  async truncated(file: TrackedFile, identity: FileIdentity): Promise<TrackedFile | undefined> {
    this.events.truncated(file.path);
    file.identity = undefined;
    const copy = await this.findCopy(identity.key, file);
    if (copy === undefined) {
      this.orphans.set(identity.key, { identity, path: file.path, cyclesLeft: 2 });
      return undefined;
    }
    copy.identity = identity;
    return copy;
  }

  /** A gone file was read to its end: it is forgotten, its checkpoint can go, its handle is closed. */
  async finished(file: TrackedFile): Promise<void> {
    if (file.identity !== undefined) this.retired.push(file.identity.key);
    this.files.delete(file.inode);
    await file.handle.close();
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

  async closeAll(): Promise<void> {
    for (const file of this.files.values()) await file.handle.close();
    this.files.clear();
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
      if (code === 'ENOENT') this.events.note(`${this.target} does not exist yet; waiting for it`);
      else this.events.note(`cannot list ${this.target} (${code ?? (error as Error).message})`, 'warn');
      return [];
    }
  }

  private async openFile(path: string, initial: boolean): Promise<TrackedFile | undefined> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      this.events.note(`cannot open ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is skipped until it can be`, 'warn');
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

  /** A followed file not read so far because it starts like `original` did: copytruncate's copy. */
  private async findCopy(key: string, original: TrackedFile): Promise<TrackedFile | undefined> {
    for (const other of this.files.values()) {
      if (other === original || other.identity !== undefined) continue;
      const fingerprint = await fingerprintOf(other.handle);
      if (fingerprint !== undefined && fingerprintKey(fingerprint) === key) return other;
    }
    return undefined;
  }

  private truncatedWhileDown(path: string): void {
    this.events.truncated(path);
    this.events.note(`${path} is shorter than its checkpoint (truncated while otel-tail was stopped): reading it from the start`, 'warn');
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
}

/** A path that does not exist yet is a directory unless its name has an extension (a log file to come). */
async function looksLikeDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return !basename(path).includes('.');
  }
}
