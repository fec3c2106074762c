/** A JSON object (not null, not an array): the only shape a record or event line can have. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
