/** Earliest and latest times accepted as real log times (a bad clock must not become a span). */
const MIN_MS = Date.UTC(2000, 0, 1);
const MAX_AHEAD_MS = 366 * 24 * 3600 * 1000;

/** Parses an ISO time (with offset or Z) to epoch ms; undefined when missing or implausible. */
export function parseLogTime(value: unknown): number | undefined {
  if (typeof value !== 'string' || value.length < 10) return undefined;
  const ms = sameSecondAsLast(value) ?? parseAndRemember(value);
  return isPlausibleTime(ms) ? ms : undefined;
}

export function isPlausibleTime(ms: number): boolean {
  if (!Number.isFinite(ms) || ms < MIN_MS) return false;
  // The clock is read only for a time past the latest bound seen, not once per line (every line has a time).
  if (ms <= latestAllowedMs) return true;
  latestAllowedMs = Date.now() + MAX_AHEAD_MS;
  return ms <= latestAllowedMs;
}

let latestAllowedMs = 0;

// Consecutive log lines mostly fall in the same second: `YYYY-MM-DDTHH:MM:SS` and the zone part of the
// last time parsed are remembered, and a time that shares them only needs its three millisecond digits.
let lastSecond = '';
let lastZone = '';
let lastSecondMs = Number.NaN;

function sameSecondAsLast(value: string): number | undefined {
  if (value.length !== lastSecond.length + 4 + lastZone.length || !value.startsWith(lastSecond) || !value.endsWith(lastZone)) return undefined;
  const millis = threeDigits(value, lastSecond.length + 1);
  return millis === undefined || value.charCodeAt(lastSecond.length) !== 46 /* . */ ? undefined : lastSecondMs + millis;
}

function parseAndRemember(value: string): number {
  const ms = Date.parse(value);
  // Only the shape written with milliseconds (`...SS.mmm` then Z or ±HH:MM) is remembered.
  const millis = value.length >= 24 && value.charCodeAt(19) === 46 ? threeDigits(value, 20) : undefined;
  if (Number.isFinite(ms) && millis !== undefined && !isDigit(value.charCodeAt(23))) {
    lastSecond = value.slice(0, 19);
    lastZone = value.slice(23);
    lastSecondMs = ms - millis;
  }
  return ms;
}

function threeDigits(value: string, at: number): number | undefined {
  const a = value.charCodeAt(at) - 48;
  const b = value.charCodeAt(at + 1) - 48;
  const c = value.charCodeAt(at + 2) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 && c >= 0 && c <= 9 ? a * 100 + b * 10 + c : undefined;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
