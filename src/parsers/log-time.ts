/** Earliest and latest times accepted as real log times (a bad clock must not become a span). */
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** Parses an ISO time (with offset or Z) to epoch ms; undefined when missing or implausible. */
export function parseLogTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const ms = Date.parse(value);
  return isPlausibleTime(ms) ? ms : undefined;
}

export function isPlausibleTime(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_MS && ms <= Date.now() + MAX_AHEAD_MS;
}
