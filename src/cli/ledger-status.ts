import { describeWindow, type LedgerEntry } from '../checkpoint/ledger-entries.js';
import { plural } from './plural.js';

/** The ledger's deliveries of one destination, as `status` shows them. */
export interface DestinationSummary {
  destination: string;
  files: number;
  bytes: number;
  /** Deliveries over a part of the file's time (--since/--until): a run over more sends the file again. */
  partial: number;
  lastAt: string;
}

/** Per destination, newest last; entries of the version-1 ledger (destination unknown) apart. */
export function summariseLedger(entries: readonly LedgerEntry[]): { destinations: DestinationSummary[]; legacy: number } {
  const byDestination = new Map<string, DestinationSummary>();
  let legacy = 0;
  for (const entry of entries) {
    if (entry.destination === null) {
      legacy++;
      continue;
    }
    const summary = byDestination.get(entry.destination) ?? { destination: entry.destination, files: 0, bytes: 0, partial: 0, lastAt: '' };
    summary.files++;
    summary.bytes += entry.size;
    if (describeWindow(entry) !== 'whole file') summary.partial++;
    if (entry.exportedAt > summary.lastAt) summary.lastAt = entry.exportedAt;
    byDestination.set(entry.destination, summary);
  }
  return { destinations: [...byDestination.values()].sort((a, b) => a.lastAt.localeCompare(b.lastAt)), legacy };
}

/** The ledger's lines of `otel-tail status`. */
export function ledgerLines(entries: readonly LedgerEntry[], formatBytes: (bytes: number) => string): string[] {
  const { destinations, legacy } = summariseLedger(entries);
  if (destinations.length === 0 && legacy === 0) return ['backfill ledger: empty'];
  const lines = ['backfill ledger (a file is skipped only when sent to the same destination over a window holding the new one):'];
  for (const d of destinations) {
    const partial = d.partial === 0 ? '' : ` (${d.partial} over a part of their time only)`;
    lines.push(`  to ${d.destination}: ${plural(d.files, 'file')}, ${formatBytes(d.bytes)}${partial}, last on ${d.lastAt}`);
  }
  if (legacy > 0) lines.push(`  ${plural(legacy, 'file')} recorded by an older otel-tail without their destination: not used to skip anything`);
  return lines;
}
