import { createHash } from 'node:crypto';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';
import { CheckpointError } from './checkpoint-store.js';
import { covers, migrateLedger, type LedgerEntry, type LedgerWindow } from './ledger-entries.js';

export type { LedgerEntry, LedgerWindow } from './ledger-entries.js';

const LEDGER_VERSION = 2;
/** How much of a file identifies it (with its size): enough to tell rotated logs and archives apart. */
const IDENTITY_BYTES = 64 * 1024;

interface LedgerFile {
  version: number;
  deliveries: LedgerEntry[];
}

/**
 * What each backfill delivered, by content (sha256 of the first 64 KiB plus the size), not by
 * name: per destination (the traces URL without credentials, and the preset) and per time window
 * (`--since`/`--until`, unbounded when absent). A later run skips a file only when the same content
 * went to the same destination over a window that holds the one asked for; anything else is sent
 * (span ids are deterministic, so a backend can deduplicate what it already holds).
 * `<state-dir>/backfill-ledger.json`.
 */
export class BackfillLedger {
  /** What this run recorded: replayed onto the file as it is when saving, so backfills beside each other lose nothing. */
  private readonly added: LedgerEntry[] = [];

  private constructor(
    readonly path: string,
    private deliveries: LedgerEntry[],
    /** Entries of an older ledger, which recorded neither destination nor window: shown, never used to skip. */
    readonly legacy: number,
  ) {}

  static async open(stateDir: string): Promise<BackfillLedger> {
    const path = join(stateDir, 'backfill-ledger.json');
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new BackfillLedger(path, [], 0);
      throw new CheckpointError(`${path}: cannot read the backfill ledger (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new CheckpointError(`${path}: not valid JSON. Move it aside to import everything again.`);
    }
    const read = migrateLedger(parsed, LEDGER_VERSION);
    if (typeof read === 'string') throw new CheckpointError(`${path}: ${read}. Move it aside to import everything again.`);
    return new BackfillLedger(path, read, read.filter((entry) => entry.destination === null).length);
  }

  /** The delivery that makes sending this content to `destination` over `window` needless, if there is one. */
  delivered(identity: string, destination: string, window: LedgerWindow): LedgerEntry | undefined {
    return this.deliveries.find((entry) => entry.identity === identity && entry.destination === destination && covers(entry, window));
  }

  /** Deliveries of this content to `destination` over other windows (to say why a file is sent again). */
  partly(identity: string, destination: string): LedgerEntry[] {
    return this.deliveries.filter((entry) => entry.identity === identity && entry.destination === destination);
  }

  /** Every delivery recorded (for `otel-tail status`). */
  get entries(): readonly LedgerEntry[] {
    return this.deliveries;
  }

  record(entry: Omit<LedgerEntry, 'exportedAt'>): void {
    const added: LedgerEntry = { ...entry, exportedAt: new Date().toISOString() };
    this.added.push(added);
    this.deliveries = withDelivery(this.deliveries, added);
  }

  /** Writes the ledger as it is on disk now plus what this run recorded (another backfill may have saved meanwhile). */
  async save(): Promise<void> {
    const current = await BackfillLedger.open(dirname(this.path));
    let deliveries = current.deliveries;
    for (const added of this.added) deliveries = withDelivery(deliveries, added);
    const body: LedgerFile = { version: LEDGER_VERSION, deliveries };
    await writeFileAtomically(this.path, `${JSON.stringify(body, null, 2)}\n`);
  }
}

/** A delivery over a window that holds an older one's replaces it: the ledger grows with content and destinations, not runs. */
function withDelivery(deliveries: readonly LedgerEntry[], added: LedgerEntry): LedgerEntry[] {
  return [...deliveries.filter((old) => !(old.identity === added.identity && old.destination === added.destination && covers(added, old))), added];
}

/** A file's identity for the ledger: `sha256(first 64 KiB):size`. */
export async function contentIdentity(path: string): Promise<{ identity: string; size: number; mtimeMs: number }> {
  const handle = await open(path, 'r');
  try {
    const { size, mtimeMs } = await handle.stat();
    const head = Buffer.alloc(Math.min(IDENTITY_BYTES, size));
    if (head.length > 0) await handle.read(head, 0, head.length, 0);
    return { identity: `${createHash('sha256').update(head).digest('hex')}:${size}`, size, mtimeMs };
  } finally {
    await handle.close();
  }
}
