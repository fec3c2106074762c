import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import { CheckpointError } from './checkpoint-store.js';

const LEDGER_VERSION = 1;
/** How much of a file identifies it (with its size): enough to tell rotated logs and archives apart. */
const IDENTITY_BYTES = 64 * 1024;

export interface LedgerEntry {
  path: string;
  size: number;
  exportedAt: string;
}

interface LedgerFile {
  version: number;
  files: Record<string, LedgerEntry>;
}

/**
 * Which backfill inputs were fully exported, by content (sha256 of the first
 * 64 KiB plus the size), not by name: a second backfill of the same archive
 * skips them, wherever they were copied to. `<state-dir>/backfill-ledger.json`.
 */
export class BackfillLedger {
  private constructor(
    readonly path: string,
    private readonly files: Record<string, LedgerEntry>,
  ) {}

  static async open(stateDir: string): Promise<BackfillLedger> {
    const path = join(stateDir, 'backfill-ledger.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new BackfillLedger(path, {});
      throw new CheckpointError(`${path}: cannot read the backfill ledger (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    let parsed: LedgerFile;
    try {
      parsed = JSON.parse(text) as LedgerFile;
    } catch {
      throw new CheckpointError(`${path}: not valid JSON. Move it aside to import everything again.`);
    }
    if (parsed.version !== LEDGER_VERSION || typeof parsed.files !== 'object') {
      throw new CheckpointError(`${path}: ledger version ${String(parsed.version)} is not supported (expected ${LEDGER_VERSION}).`);
    }
    return new BackfillLedger(path, { ...parsed.files });
  }

  /** When the file with this identity was exported, if it was. */
  exportedAt(identity: string): string | undefined {
    return this.files[identity]?.exportedAt;
  }

  /** Every input exported whole (for `otel-tail status`). */
  get entries(): readonly LedgerEntry[] {
    return Object.values(this.files);
  }

  record(identity: string, path: string, size: number): void {
    this.files[identity] = { path, size, exportedAt: new Date().toISOString() };
  }

  async save(): Promise<void> {
    const body: LedgerFile = { version: LEDGER_VERSION, files: this.files };
    await writeFileAtomically(this.path, `${JSON.stringify(body, null, 2)}\n`);
  }
}

/** A file's identity for the ledger: `sha256(first 64 KiB):size`. */
export async function contentIdentity(path: string): Promise<{ identity: string; size: number }> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(IDENTITY_BYTES, size));
    if (head.length > 0) await handle.read(head, 0, head.length, 0);
    return { identity: `${createHash('sha256').update(head).digest('hex')}:${size}`, size };
  } finally {
    await handle.close();
  }
}
