import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import { checkpointFileProblem } from './checkpoint-file-check.js';
import { fingerprintKey, type FileFingerprint } from '../model/fingerprint-key.js';

export const CHECKPOINT_VERSION = 1;

/** Where one source is settled up to. */
export interface FileCheckpoint {
  fingerprint: FileFingerprint;
  /** Byte offset just past the last line such that every line before it is settled. */
  offset: number;
  /** The path it was last seen under (for `status` and messages only; identity is the fingerprint). */
  path: string;
  updatedAt: string;
  /** Set while every line read from it was foreign (no OpenClaw record or event): what it looks like, for `status`. */
  foreign?: string;
}

/**
 * A trace exported (or a part of one) that the next start must know (settlement.ts): its lines
 * reach past the checkpoint of a source, so they are read again, or it was exported recently, so
 * a retry may still add spans to it. Its spans are then not sent a second time.
 */
export interface ExportedTrace {
  /** The reconstructor's trace key. */
  key: string;
  /** Per source key, the end of the trace's last line in it. */
  until: Record<string, number>;
  /** Per source key, the start of the trace's first line in it (SourcePosition.contextual; absent in older files). */
  from?: Record<string, number>;
  /** The ids of the spans exported, comma-separated (absent in older files: then nothing of the trace is sent again). */
  spans?: string;
  /** Log time (epoch ms) of the end of its last span: how recent it is. */
  endMs?: number;
}

/** Where a journald source is settled up to: the last settled entry. */
export interface JournalCheckpoint {
  cursor: string;
  /** The entry's __REALTIME_TIMESTAMP: where to start again when the cursor is no longer valid. */
  realtimeUs: number;
}

interface CheckpointFile {
  version: number;
  files: readonly FileCheckpoint[];
  journals?: Readonly<Record<string, JournalCheckpoint>>;
  exported?: readonly ExportedTrace[];
}

/** The checkpoint file is unreadable or of an unknown version: the message says which file and what to do. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/**
 * Checkpoints held in memory and written by `flush()` (the caller decides
 * when: at most every second, and at shutdown). A write goes to a temp file
 * that is fsynced and renamed over the old one, so a crash leaves either the
 * old state or the new, never half of either; unchanged state is not written.
 */
export class CheckpointStore {
  private readonly byKey = new Map<string, FileCheckpoint>();
  private exportedTraces: readonly ExportedTrace[] = [];
  private readonly journals = new Map<string, JournalCheckpoint>();
  private readonly foreign = new Map<string, string>();
  private dirty = false;

  private constructor(readonly path: string) {}

  static async open(stateDir: string): Promise<CheckpointStore> {
    const store = new CheckpointStore(join(stateDir, 'checkpoints.json'));
    let text: string;
    try {
      text = await readFile(store.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
      throw new CheckpointError(`${store.path}: cannot read checkpoints (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    let parsed: CheckpointFile;
    try {
      parsed = JSON.parse(text) as CheckpointFile;
    } catch {
      throw new CheckpointError(`${store.path}: not valid JSON. Move it aside to start over (files are then read per --from).`);
    }
    const version = (parsed as Partial<CheckpointFile> | null)?.version;
    if (version !== CHECKPOINT_VERSION) {
      throw new CheckpointError(`${store.path}: checkpoint version ${JSON.stringify(version)} is not supported (this otel-tail reads version ${CHECKPOINT_VERSION}). Move it aside to start over (files are then read per --from).`);
    }
    const problem = checkpointFileProblem(parsed);
    if (problem !== undefined) {
      throw new CheckpointError(`${store.path}: ${problem}. Fix that value, or move the file aside to start over (files are then read per --from).`);
    }
    for (const file of parsed.files) {
      const key = fingerprintKey(file.fingerprint);
      store.byKey.set(key, file);
      if (file.foreign !== undefined) store.foreign.set(key, file.foreign);
    }
    store.exportedTraces = parsed.exported ?? [];
    for (const [key, checkpoint] of Object.entries(parsed.journals ?? {})) store.journals.set(key, checkpoint);
    return store;
  }

  get all(): readonly FileCheckpoint[] {
    return [...this.byKey.entries()].map(([key, checkpoint]) => {
      const foreign = this.foreign.get(key);
      if (foreign === undefined) return checkpoint.foreign === undefined ? checkpoint : { fingerprint: checkpoint.fingerprint, offset: checkpoint.offset, path: checkpoint.path, updatedAt: checkpoint.updatedAt };
      return { ...checkpoint, foreign };
    });
  }

  /** Notes that the file with this key gave only foreign lines so far (`undefined`: it gave OpenClaw's). */
  setForeign(key: string, note: string | undefined): void {
    if (this.foreign.get(key) === note) return;
    if (note === undefined) this.foreign.delete(key);
    else this.foreign.set(key, note);
    this.dirty = true;
  }

  /** The checkpoint of the file with this key (`fingerprintKey`). */
  get(key: string): FileCheckpoint | undefined {
    return this.byKey.get(key);
  }

  set(fingerprint: FileFingerprint, offset: number, path: string): void {
    const key = fingerprintKey(fingerprint);
    const existing = this.byKey.get(key);
    if (existing !== undefined && existing.offset === offset && existing.path === path) return;
    this.byKey.set(key, { fingerprint, offset, path, updatedAt: new Date().toISOString() });
    this.dirty = true;
  }

  delete(key: string): void {
    this.foreign.delete(key);
    if (this.byKey.delete(key)) this.dirty = true;
  }

  /** Every journal checkpoint with its key (`journalSourceKey`). */
  get allJournals(): [string, JournalCheckpoint][] {
    return [...this.journals.entries()];
  }

  getJournal(key: string): JournalCheckpoint | undefined {
    return this.journals.get(key);
  }

  setJournal(key: string, checkpoint: JournalCheckpoint): void {
    const existing = this.journals.get(key);
    if (existing?.cursor === checkpoint.cursor) return;
    this.journals.set(key, checkpoint);
    this.dirty = true;
  }

  get exported(): readonly ExportedTrace[] {
    return this.exportedTraces;
  }

  setExported(traces: readonly ExportedTrace[]): void {
    if (traces.length === 0 && this.exportedTraces.length === 0) return;
    this.exportedTraces = traces;
    this.dirty = true;
  }

  /** Writes the state if it changed since the last write. Returns whether it wrote. */
  async flush(): Promise<boolean> {
    if (!this.dirty) return false;
    this.dirty = false;
    try {
      await this.write({ version: CHECKPOINT_VERSION, files: this.all, journals: Object.fromEntries(this.journals), exported: this.exportedTraces });
    } catch (error) {
      // Not written: the next flush must try again even if nothing changes meanwhile.
      this.dirty = true;
      throw error;
    }
    return true;
  }

  private async write(body: CheckpointFile): Promise<void> {
    await writeFileAtomically(this.path, `${JSON.stringify(body, null, 2)}\n`);
  }
}
