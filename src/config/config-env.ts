import type { ConfigField } from './config-field.js';

/** Every otel-tail variable starts with this; the rest is the key in SCREAMING_SNAKE_CASE. */
export const TAIL_ENV_PREFIX = 'OTEL_TAIL_';

/** Names the config file itself (`--config`): it is not a key, so it has no field. */
export const CONFIG_FILE_ENV = 'OTEL_TAIL_CONFIG';

/** `maxLineBytes` → `OTEL_TAIL_MAX_LINE_BYTES`. */
export function tailEnvName(key: string): string {
  return TAIL_ENV_PREFIX + key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/**
 * The variables a field is read from, highest precedence first: our own
 * `OTEL_TAIL_<KEY>` (specific to this program, so it wins), then the
 * standard OpenTelemetry ones the field lists.
 */
export function envNamesOf(field: ConfigField): string[] {
  const own = tailEnvName(field.key);
  return [own, ...(field.env ?? []).filter((name) => name !== own)];
}

/** A `paths` value from one variable: several paths are separated by `:`, as in PATH. */
export function splitEnvPaths(value: string): string[] {
  return value.split(':').filter((path) => path !== '');
}
