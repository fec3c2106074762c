/**
 * The numbers in a record's key=value strings (model/records.ts `KeyValues`): the parsers keep the
 * values as text, the reconstructor and the config read numbers and durations from them.
 */

/** `123ms`, `45s`, `2m`, or a bare number of milliseconds → milliseconds. */
export function parseDurationMs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = DURATION.exec(value);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 'ms';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return amount * factor;
}

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;

export function parseNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}
