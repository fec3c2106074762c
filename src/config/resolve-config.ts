import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';
import { parseDurationMs } from '../model/key-value-numbers.js';
import { parseListenAddress } from './listen-address.js';
import { ConfigError } from '../model/input-errors.js';
import { CONFIG_FILE_ENV, envNamesOf, splitEnvPaths, tailEnvName, TAIL_ENV_PREFIX } from './config-env.js';
import type { ConfigField } from './config-field.js';
import { CONFIG_FIELDS } from './config-fields.js';
import { didYouMean } from './did-you-mean.js';
import { applyPreset } from './apply-preset.js';
import { checkGenAiMetrics } from './check-genai-metrics.js';
import { checkRedactPatterns } from './check-redact.js';
import { applyOtlpSettings } from './otlp-settings.js';
import type { PresetName } from './presets.js';
import type { ValueOrigin } from './value-origin.js';

export type ExporterName = 'otlp' | 'console' | 'file';

/** The validated settings of one run. */
export interface ResolvedConfig {
  file?: string[];
  events?: string[];
  from: 'beginning' | 'end';
  journal?: string;
  journalDir?: string;
  journalFile?: string;
  journalctl: string;
  stateDir?: string;
  endpoint?: string;
  tracesEndpoint?: string;
  headers: Record<string, string>;
  protocol: 'http/protobuf' | 'http/json' | 'grpc';
  compression: 'auto' | 'gzip' | 'none';
  certificate?: string;
  clientCertificate?: string;
  clientKey?: string;
  exporter: ExporterName;
  output: string;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  maxLineBytes: number;
  graceMs: number;
  idleTimeoutMs: number;
  maxOpenTraces: number;
  maxBatchSpans: number;
  maxRequestBytes: number;
  exportTimeoutMs: number;
  preset: PresetName;
  semconv: 'genai' | 'openclaw';
  sessionIds: IdMode;
  chatIds: IdMode;
  idSalt?: string;
  captureContent: boolean;
  maxContentBytes: number;
  logs: boolean;
  redact?: string[];
}

/** How personal ids are exported: as they are, as a salted hash, or not at all. */
export type IdMode = 'raw' | 'hash' | 'omit';

type Raw = Record<string, unknown>;

export interface ResolvedWithOrigins {
  config: ResolvedConfig;
  /** Per config key that has a value. */
  origins: Record<string, ValueOrigin>;
}

/**
 * Precedence: flags > environment (`OTEL_TAIL_<KEY>`, then the standard
 * `OTEL_*` variables) > config file > defaults. Every value is validated
 * here, at start-up; all problems are reported at once, each naming the key,
 * the value and what is allowed.
 */
export function resolveConfig(flags: Raw, env: NodeJS.ProcessEnv, configFile?: string, options: ResolveOptions = {}): ResolvedConfig {
  return resolveConfigWithOrigins(flags, env, configFile, options).config;
}

export interface ResolveOptions {
  /**
   * An `OTEL_TAIL_*` variable that names no key is a problem (`validate`), not just a warning
   * (a run: a stray variable in a service's environment must not stop it).
   */
  strictEnv?: boolean;
  /**
   * The run sends nothing (`backfill --dry-run`): a preset's endpoint and secrets are not needed,
   * and are not asked for.
   */
  sendsNothing?: boolean;
}

export function resolveConfigWithOrigins(flags: Raw, env: NodeJS.ProcessEnv, configFile?: string, options: ResolveOptions = {}): ResolvedWithOrigins {
  const strictEnv = options.strictEnv === true;
  const problems: string[] = [];
  const file = configFile === undefined ? {} : readConfigFile(configFile, problems);
  if (strictEnv) problems.push(...unknownTailVariables(env));
  const values: Raw = {};
  const origins: Record<string, ValueOrigin> = {};
  for (const field of CONFIG_FIELDS) {
    const envName = envNamesOf(field).find((name) => env[name] !== undefined && env[name] !== '');
    const fromEnv = envName === undefined ? undefined : env[envName];
    const [value, origin]: [unknown, ValueOrigin] =
      flags[field.key] !== undefined ? [flags[field.key], { from: 'flag', name: flagName(field) }]
      : envName !== undefined && fromEnv !== undefined ? [field.kind === 'paths' ? splitEnvPaths(fromEnv) : fromEnv, { from: 'env', name: envName }]
      : file[field.key] !== undefined ? [file[field.key], { from: 'file', name: configFile ?? '' }]
      : [field.default, { from: 'default', name: 'default' }];
    if (value === undefined) continue;
    const where = origin.from === 'flag' || origin.from === 'env' ? origin.name : origin.from === 'file' ? `${field.key} in ${origin.name}` : field.key;
    try {
      // Durations are held in milliseconds under `<key>Ms`, so the unit is in every name that uses them.
      // The standard OTEL_* variables give durations as bare milliseconds (the specification says so); ours need a unit.
      const bareMs = origin.from === 'env' && !origin.name.startsWith(TAIL_ENV_PREFIX);
      values[field.kind === 'duration' ? `${field.key}Ms` : field.key] = convert(field, value, where, bareMs);
      origins[field.key] = origin;
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(error.message);
    }
  }
  applyPreset(values, env, problems, { origins, sendsNothing: options.sendsNothing === true });
  checkRedactPatterns(values, problems);
  const exporter = (values['exporter'] as ExporterName | undefined) ?? (values['endpoint'] !== undefined || values['tracesEndpoint'] !== undefined ? 'otlp' : 'console');
  if (origins['exporter'] === undefined) origins['exporter'] = { from: 'default', name: 'default' };
  if (exporter === 'otlp' && values['endpoint'] === undefined && values['tracesEndpoint'] === undefined && options.sendsNothing !== true) {
    problems.push('exporter: "otlp" needs an endpoint: pass --endpoint http://host:4318 or set OTEL_EXPORTER_OTLP_ENDPOINT.');
  }
  if (values['journal'] === undefined && (values['journalDir'] !== undefined || values['journalFile'] !== undefined)) {
    problems.push('journalDir/journalFile: say which stream to read in them with --journal NAME (e.g. --journal openclaw-gateway).');
  }
  if (values['journalDir'] !== undefined && values['journalFile'] !== undefined) {
    problems.push('journalDir and journalFile: give one of them, not both.');
  }
  applyOtlpSettings(values, origins, env, problems, exporter === 'otlp' && options.sendsNothing !== true);
  checkGenAiMetrics(values, problems);
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), problems);
  return { config: { ...(values as Omit<ResolvedConfig, 'exporter'>), exporter }, origins };
}

function readConfigFile(path: string, problems: string[]): Raw {
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
  const known = CONFIG_FIELDS.map((f) => f.key);
  for (const key of Object.keys(parsed)) {
    if (known.includes(key)) continue;
    const guess = didYouMean(key, known);
    problems.push(`--config ${path}: unknown key "${key}"${guess === undefined ? '' : ` (did you mean "${guess}"?)`}; known keys: ${known.join(', ')}.`);
  }
  return parsed as Raw;
}

/** An `OTEL_TAIL_*` variable that names no key is a typo that would otherwise be ignored in silence. */
export function unknownTailVariables(env: NodeJS.ProcessEnv): string[] {
  const known = [...CONFIG_FIELDS.map((field) => tailEnvName(field.key)), CONFIG_FILE_ENV];
  return Object.keys(env)
    .filter((name) => name.startsWith(TAIL_ENV_PREFIX) && !known.includes(name))
    .map((name) => {
      const guess = didYouMean(name, known);
      return `${name}: unknown variable${guess === undefined ? '' : ` (did you mean ${guess}?)`}; otel-tail reads OTEL_TAIL_<KEY> for each key of config.example.yaml (e.g. OTEL_TAIL_JOURNAL).`;
    });
}

function flagName(field: ConfigField): string {
  return field.flag.split(' ')[0] ?? `--${field.key}`;
}

function convert(field: ConfigField, value: unknown, origin: string, bareMs = false): unknown {
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
      // As the OpenTelemetry Collector (Go's time.ParseDuration): a duration other than 0 needs its unit,
      // so `--grace 2` is refused rather than read as 2 ms. The standard OTEL_* variables are milliseconds.
      const text = typeof value === 'number' ? String(value) : value;
      if (typeof text === 'string' && /^\d+(\.\d+)?$/.test(text) && Number(text) !== 0 && !bareMs) {
        return fail(`a duration with its unit: ${text}ms, ${text}s or ${text}m (a bare number other than 0 has no unit)`);
      }
      const ms = typeof text === 'string' ? parseDurationMs(text) : undefined;
      return ms !== undefined && ms >= 0 ? ms : fail('a duration such as 500ms, 2s, 5m');
    }
    case 'map':
      return parseMap(value, fail);
    case 'paths': {
      const list = Array.isArray(value) ? value : [value];
      return list.length > 0 && list.every((item) => typeof item === 'string' && item.length > 0) ? list : fail('a path or a list of paths');
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      return value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : fail('true or false');
    case 'listen': {
      const text = typeof value === 'number' ? String(value) : value;
      return typeof text === 'string' && parseListenAddress(text) !== undefined ? text.trim() : fail('host:port, [v6]:port or a port, e.g. 127.0.0.1:9464');
    }
    case 'strings': {
      const list = Array.isArray(value) ? value : [value];
      return list.length > 0 && list.every((item) => typeof item === 'string' && item.length > 0) ? list : fail('a string or a list of strings');
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

/** The YAML parser, loaded only when there is a config file to read (it costs start-up time otherwise). */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof Yaml;
  return yaml.parse(text);
}
