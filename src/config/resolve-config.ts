import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parseDurationMs } from '../parsers/key-values.js';
import { ConfigError } from './config-error.js';
import { CONFIG_FIELDS, type ConfigField } from './config-fields.js';

export type ExporterName = 'otlp' | 'console' | 'file';

/** The validated settings of one run. */
export interface ResolvedConfig {
  file?: string[];
  from: 'beginning' | 'end';
  journal?: string;
  journalDir?: string;
  journalFile?: string;
  journalctl: string;
  stateDir?: string;
  endpoint?: string;
  tracesEndpoint?: string;
  headers: Record<string, string>;
  exporter: ExporterName;
  output: string;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  maxLineBytes: number;
  graceMs: number;
  idleTimeoutMs: number;
  maxOpenTraces: number;
  maxBatchSpans: number;
  exportTimeoutMs: number;
}

type Raw = Record<string, unknown>;

/**
 * Precedence: flags > environment > config file > defaults. Every value is
 * validated here, at start-up, with a message that names the key.
 */
export function resolveConfig(flags: Raw, env: NodeJS.ProcessEnv, configFile?: string): ResolvedConfig {
  const file = configFile === undefined ? {} : readConfigFile(configFile);
  const values: Raw = {};
  for (const field of CONFIG_FIELDS) {
    const fromFlag = flags[field.key];
    const fromEnv = field.env?.map((name) => env[name]).find((v) => v !== undefined && v !== '');
    const [value, origin] =
      fromFlag !== undefined ? [fromFlag, `--${kebab(field.key)}`]
      : fromEnv !== undefined ? [fromEnv, field.env?.find((name) => env[name] === fromEnv) ?? field.key]
      : file[field.key] !== undefined ? [file[field.key], `${field.key} in ${configFile ?? ''}`]
      : [field.default, field.key];
    // Durations are held in milliseconds under `<key>Ms`, so the unit is in every name that uses them.
    if (value !== undefined) values[field.kind === 'duration' ? `${field.key}Ms` : field.key] = convert(field, value, origin);
  }
  const exporter = (values['exporter'] as ExporterName | undefined) ?? (values['endpoint'] !== undefined || values['tracesEndpoint'] !== undefined ? 'otlp' : 'console');
  if (exporter === 'otlp' && values['endpoint'] === undefined && values['tracesEndpoint'] === undefined) {
    throw new ConfigError('exporter: "otlp" needs an endpoint: pass --endpoint http://host:4318 or set OTEL_EXPORTER_OTLP_ENDPOINT.');
  }
  if (values['journal'] === undefined && (values['journalDir'] !== undefined || values['journalFile'] !== undefined)) {
    throw new ConfigError('journalDir/journalFile: say which stream to read in them with --journal NAME (e.g. --journal openclaw-gateway).');
  }
  if (values['journalDir'] !== undefined && values['journalFile'] !== undefined) {
    throw new ConfigError('journalDir and journalFile: give one of them, not both.');
  }
  return { ...(values as Omit<ResolvedConfig, 'exporter'>), exporter };
}

function readConfigFile(path: string): Raw {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`--config ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`--config ${path}: not valid YAML: ${(error as Error).message}`);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError(`--config ${path}: expected a mapping of settings at the top level.`);
  const known = new Set(CONFIG_FIELDS.map((f) => f.key));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) throw new ConfigError(`--config ${path}: unknown key "${key}"; known keys: ${[...known].join(', ')}.`);
  }
  return parsed as Raw;
}

function convert(field: ConfigField, value: unknown, origin: string): unknown {
  const shown = field.secret === true ? '<hidden>' : JSON.stringify(value);
  const fail = (allowed: string): never => {
    throw new ConfigError(`${origin}: invalid value ${shown}; expected ${allowed}.`);
  };
  switch (field.kind) {
    case 'string':
      return typeof value === 'string' && value.length > 0 ? value : fail('a non-empty string');
    case 'url':
      return typeof value === 'string' && /^https?:\/\/[^\s/]+/.test(value) ? value : fail('an http:// or https:// URL');
    case 'enum':
      return typeof value === 'string' && field.choices?.includes(value) === true ? value : fail(`one of ${field.choices?.join(', ') ?? ''}`);
    case 'count':
    case 'bytes': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
      return Number.isSafeInteger(n) && n > 0 ? n : fail('a whole number greater than 0');
    }
    case 'duration': {
      const ms = typeof value === 'number' ? value : typeof value === 'string' ? parseDurationMs(value) : undefined;
      return ms !== undefined && ms >= 0 ? ms : fail('a duration such as 500ms, 2s, 5m');
    }
    case 'map':
      return parseMap(value, fail);
    case 'paths': {
      const list = Array.isArray(value) ? value : [value];
      return list.length > 0 && list.every((item) => typeof item === 'string' && item.length > 0) ? list : fail('a path or a list of paths');
    }
  }
}

/** `k=v,k2=v2` (values percent-decoded, as the OTel environment variables specify) or a YAML mapping. */
function parseMap(value: unknown, fail: (allowed: string) => never): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') fail('a mapping of names to plain values');
      out[k] = String(v);
    }
    return out;
  }
  if (typeof value !== 'string') return fail('k=v pairs separated by commas');
  for (const pair of value.split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) fail('k=v pairs separated by commas');
    try {
      out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
    } catch {
      fail('k=v pairs with valid percent-encoding');
    }
  }
  return out;
}

function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
