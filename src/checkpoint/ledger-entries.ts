/** The log-time window a backfill read (`--since`/`--until`); an absent bound is unbounded. */
export interface LedgerWindow {
  sinceMs?: number;
  untilMs?: number;
}

/** One delivery: this content went to this destination over this window, every span of it accepted. */
export interface LedgerEntry extends LedgerWindow {
  /** `sha256(first 64 KiB):size` (backfill-ledger.ts `contentIdentity`). */
  identity: string;
  /** The path it was read from (for messages only). */
  path: string;
  size: number;
  /** The traces URL without credentials or query, plus the preset; null for an entry of the version-1 ledger, which did not say. */
  destination: string | null;
  exportedAt: string;
  /** Spans sent from the run that read it (the run's total: a run's files share traces). */
  spans?: number;
}

/** Whether a delivery over `entry`'s window holds everything a run over `window` would send. */
export function covers(entry: LedgerWindow, window: LedgerWindow): boolean {
  const sinceOk = entry.sinceMs === undefined || (window.sinceMs !== undefined && window.sinceMs >= entry.sinceMs);
  const untilOk = entry.untilMs === undefined || (window.untilMs !== undefined && window.untilMs <= entry.untilMs);
  return sinceOk && untilOk;
}

/** A window as messages show it: "whole file", "since T", "until T", "T to T". */
export function describeWindow(window: LedgerWindow): string {
  const at = (ms: number): string => new Date(ms).toISOString();
  if (window.sinceMs === undefined && window.untilMs === undefined) return 'whole file';
  if (window.untilMs === undefined) return `since ${at(window.sinceMs as number)}`;
  if (window.sinceMs === undefined) return `until ${at(window.untilMs)}`;
  return `${at(window.sinceMs)} to ${at(window.untilMs)}`;
}

/**
 * The deliveries of a parsed ledger file, or what is wrong with it. Version 1 (`files`: identity →
 * {path, size, exportedAt}, "exported whole") named no destination and recorded runs that sent
 * nothing: its entries are kept with destination null, shown by `status`, and never skip a file.
 */
export function migrateLedger(parsed: unknown, current: number): LedgerEntry[] | string {
  if (typeof parsed !== 'object' || parsed === null) return 'not a ledger (expected a JSON object)';
  const file = parsed as Record<string, unknown>;
  if (file['version'] === 1) {
    const files = file['files'];
    if (typeof files !== 'object' || files === null) return 'version 1 ledger without a "files" object';
    return Object.entries(files as Record<string, unknown>).flatMap(([identity, value]) => {
      const old = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
      return [{ identity, path: String(old['path'] ?? ''), size: Number(old['size'] ?? 0), destination: null, exportedAt: String(old['exportedAt'] ?? '') }];
    });
  }
  if (file['version'] !== current) return `ledger version ${JSON.stringify(file['version'])} is not supported (this otel-tail reads versions 1 and ${current})`;
  const deliveries = file['deliveries'];
  if (!Array.isArray(deliveries)) return '"deliveries" is not a list';
  const entries: LedgerEntry[] = [];
  for (const [i, value] of deliveries.entries()) {
    const problem = entryProblem(value);
    if (problem !== undefined) return `deliveries[${i}]: ${problem}`;
    entries.push(value as LedgerEntry);
  }
  return entries;
}

function entryProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'not an object';
  const entry = value as Record<string, unknown>;
  for (const key of ['identity', 'path', 'exportedAt']) if (typeof entry[key] !== 'string') return `"${key}" is ${typeName(entry[key])}, expected a string`;
  if (typeof entry['size'] !== 'number') return `"size" is ${typeName(entry['size'])}, expected a number`;
  if (entry['destination'] !== null && typeof entry['destination'] !== 'string') return `"destination" is ${typeName(entry['destination'])}, expected a string or null`;
  for (const key of ['sinceMs', 'untilMs', 'spans']) if (entry[key] !== undefined && typeof entry[key] !== 'number') return `"${key}" is ${typeName(entry[key])}, expected a number`;
  return undefined;
}

/** How a JSON value's type is named in messages. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value === undefined) return 'missing';
  return `a ${typeof value}`;
}
