/**
 * Typed reads from a diagnostic event's `fields`. Events are additive and
 * untrusted, so every read checks the type and treats anything else as absent.
 */
export type EventFields = Readonly<Record<string, unknown>>;

export function readString(fields: EventFields | undefined, key: string): string | undefined {
  const value = fields?.[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Finite numbers only: NaN or Infinity would poison sums and span times. */
export function readNumber(fields: EventFields | undefined, key: string): number | undefined {
  const value = fields?.[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export function readObject(fields: EventFields | undefined, key: string): EventFields | undefined {
  const value = fields?.[key];
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as EventFields)
    : undefined;
}

/** The first source that has a string under `key` (sources in order of preference). */
export function firstString(sources: readonly (EventFields | undefined)[], key: string): string | undefined {
  for (const source of sources) {
    const value = readString(source, key);
    if (value !== undefined) return value;
  }
  return undefined;
}
