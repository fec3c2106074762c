import { CONFIG_FIELDS } from './config-fields.js';
import type { ResolvedConfig } from './resolve-config.js';
import type { ValueOrigin } from './value-origin.js';

/** What stands for a secret wherever a config is shown. */
export const HIDDEN = '<hidden>';

export interface DescribedValue {
  key: string;
  /** As the user would write it; secrets masked; `(unset)` when the key has no value. */
  value: string;
  /** `flag --grace`, `env OTEL_SERVICE_NAME`, `file /etc/otel-tail.yaml`, `default`. */
  origin: string;
}

/** Every key of the resolved config with its value (secrets masked) and where it came from. */
export function describeConfig(config: ResolvedConfig, origins: Readonly<Record<string, ValueOrigin>>): DescribedValue[] {
  const values = config as unknown as Record<string, unknown>;
  return CONFIG_FIELDS.map((field) => {
    const origin = origins[field.key];
    const raw = field.kind === 'duration' ? values[`${field.key}Ms`] : values[field.key];
    let value: string;
    if (raw === undefined) value = '(unset)';
    else if (field.kind === 'duration') value = formatDuration(raw as number);
    else if (field.kind === 'map') {
      const entries = Object.entries(raw as Record<string, string>);
      value = entries.length === 0 ? '{}' : entries.map(([k, v]) => `${k}=${field.secret === true ? HIDDEN : v}`).join(',');
    } else if (Array.isArray(raw)) value = raw.join(', ');
    else value = field.secret === true ? HIDDEN : String(raw);
    return { key: field.key, value, origin: origin === undefined || origin.from === 'default' ? 'default' : `${origin.from} ${origin.name}` };
  });
}

/** The described config as aligned columns. */
export function formatDescribedConfig(rows: readonly DescribedValue[]): string {
  const keyWidth = Math.max(3, ...rows.map((row) => row.key.length));
  const valueWidth = Math.min(60, Math.max(5, ...rows.map((row) => row.value.length)));
  const line = (a: string, b: string, c: string): string => `  ${a.padEnd(keyWidth)}  ${b.padEnd(valueWidth)}  ${c}`.trimEnd();
  return [line('key', 'value', 'from'), ...rows.map((row) => line(row.key, row.value, row.origin))].join('\n');
}

/** 750 → 750ms, 120000 → 120s, 3600000 → 60m: the forms the config accepts. */
function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms !== 0 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
