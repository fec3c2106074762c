import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { CONFIG_FILE_ENV, envNamesOf } from '../config/config-env.js';
import { CONFIG_FIELDS } from '../config/config-fields.js';
import { HIDDEN } from '../config/describe-config.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { envFileLine, execLine } from './systemd-syntax.js';

export type ServiceScope = 'user' | 'system';

export const UNIT_NAME = 'otel-tail.service';
/** Where a system service keeps its checkpoints when none is configured (systemd's StateDirectory=). */
const SYSTEM_STATE_DIR = '/var/lib/otel-tail';

/** Keys whose values are paths: made absolute, since a service does not run in the installer's directory. */
const PATH_KEYS = new Set(['stateDir', 'journalDir', 'journalFile', 'output']);

export interface ServicePaths {
  unitPath: string;
  envPath: string;
}

export interface EnvEntry {
  name: string;
  value: string;
  secret: boolean;
}

/** What `service install` writes. */
export interface ServicePlan extends ServicePaths {
  scope: ServiceScope;
  argv: string[];
  env: EnvEntry[];
  unit: string;
}

export interface PlanInput {
  scope: ServiceScope;
  /** The options given to `service install` (commander's camelCase keys). */
  flags: Record<string, unknown>;
  /** The installer's environment: the service does not inherit it, so what otel-tail reads from it is carried over. */
  env: NodeJS.ProcessEnv;
  /** The config the service will run with (already validated). */
  config: ResolvedConfig;
  node: string;
  entry: string;
  cwd: string;
}

export function servicePaths(scope: ServiceScope, env: NodeJS.ProcessEnv): ServicePaths {
  if (scope === 'system') return { unitPath: join('/etc/systemd/system', UNIT_NAME), envPath: '/etc/otel-tail/otel-tail.env' };
  const xdg = env['XDG_CONFIG_HOME'];
  const config = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env['HOME'] ?? homedir(), '.config');
  return { unitPath: join(config, 'systemd', 'user', UNIT_NAME), envPath: join(config, 'otel-tail', 'otel-tail.env') };
}

/**
 * The unit and its environment file. Secrets (header values) go in the environment file (mode
 * 0600), never in ExecStart= (world-readable in the unit and in `ps`).
 */
export function planService(input: PlanInput): ServicePlan {
  const { flags, cwd } = input;
  const argv = [input.node, input.entry];
  const env: EnvEntry[] = [];
  // A trailing slash is kept: it says "a directory" to the reader of the unit.
  const absolute = (path: string): string => resolve(cwd, path) + (path.endsWith('/') && path !== '/' ? '/' : '');
  if (typeof flags['config'] === 'string') argv.push('--config', absolute(flags['config']));
  for (const field of CONFIG_FIELDS) {
    const value = flags[field.key];
    if (value === undefined) continue;
    const flag = field.flag.split(' ')[0] ?? `--${field.key}`;
    if (typeof value === 'boolean') {
      if (value) argv.push(flag);
    } else if (field.secret === true) env.push({ name: envNamesOf(field)[0] as string, value: String(value), secret: true });
    else if (Array.isArray(value)) for (const item of value) argv.push(flag, field.kind === 'paths' ? absolute(String(item)) : String(item));
    else if (PATH_KEYS.has(field.key) && value !== '-') argv.push(flag, absolute(String(value)));
    else if (field.key === 'journalctl' && String(value).includes('/')) argv.push(flag, absolute(String(value)));
    else argv.push(flag, String(value));
  }
  if (input.scope === 'system' && input.config.stateDir === undefined) argv.push('--state-dir', SYSTEM_STATE_DIR);
  // Variables otel-tail reads, set where `service install` ran: carried over, flag values first.
  for (const field of CONFIG_FIELDS) {
    for (const name of envNamesOf(field)) {
      const value = input.env[name];
      if (value === undefined || value === '' || env.some((entry) => entry.name === name)) continue;
      env.push({ name, value: field.kind === 'paths' || PATH_KEYS.has(field.key) ? value.split(':').map(absolute).join(':') : value, secret: field.secret === true });
    }
  }
  const configFromEnv = input.env[CONFIG_FILE_ENV];
  if (configFromEnv !== undefined && configFromEnv !== '' && flags['config'] === undefined) env.push({ name: CONFIG_FILE_ENV, value: absolute(configFromEnv), secret: false });
  const paths = servicePaths(input.scope, input.env);
  return { scope: input.scope, ...paths, argv, env, unit: renderUnit(input, argv, paths.envPath) };
}

function renderUnit(input: PlanInput, argv: readonly string[], envPath: string): string {
  const gateway = input.config.journal === undefined ? undefined : `${input.config.journal.replace(/\.service$/, '')}.service`;
  const after = [...(input.scope === 'system' ? ['network-online.target'] : []), ...(gateway === undefined ? [] : [gateway])];
  const lines = [
    '# Written by `otel-tail service install`; remove with `otel-tail service uninstall`.',
    '[Unit]',
    'Description=otel-tail: OpenClaw gateway logs to OpenTelemetry traces',
    ...(input.scope === 'system' ? ['Wants=network-online.target'] : []),
    ...(after.length === 0 ? [] : [`After=${after.join(' ')}`]),
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${execLine(argv)}`,
    // `systemctl reload otel-tail`: SIGHUP re-reads the config file without losing what is in flight.
    'ExecReload=/bin/kill -HUP $MAINPID',
    // "-": the unit still starts if the file is removed; it holds the secrets (mode 0600).
    `EnvironmentFile=-${envPath}`,
    ...(input.scope === 'system' && input.config.stateDir === undefined ? ['StateDirectory=otel-tail', 'StateDirectoryMode=0700'] : []),
    'Restart=on-failure',
    'RestartSec=5s',
    // SIGTERM exports open traces and writes checkpoints within 10 s.
    'TimeoutStopSec=20s',
    '',
    '[Install]',
    `WantedBy=${input.scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ];
  return lines.join('\n');
}

/** The environment file's text; `masked` shows `<hidden>` for secrets (for --dry-run). Undefined entries cannot be written. */
export function renderEnvFile(entries: readonly EnvEntry[], masked: boolean): { text: string; unwritable: string[] } {
  const out = ['# Environment of otel-tail.service (mode 0600: it may hold export headers). Written by `otel-tail service install`.'];
  const unwritable: string[] = [];
  for (const entry of entries) {
    const line = envFileLine(entry.name, masked && entry.secret ? HIDDEN : entry.value);
    if (line === undefined) unwritable.push(entry.name);
    else out.push(line);
  }
  return { text: `${out.join('\n')}\n`, unwritable };
}
