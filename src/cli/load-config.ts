import { CONFIG_FILE_ENV, tailEnvName } from '../config/config-env.js';
import { CONFIG_FIELDS } from '../config/config-fields.js';
import { ConfigError } from '../model/input-errors.js';
import { resolveConfig, unknownTailVariables, type ResolvedConfig, type ResolveOptions } from '../config/resolve-config.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import { fail } from './exit-codes.js';
import { ownLog, setLogFormat, type LogFormat } from './own-log.js';

/** The run's config from flags, environment and `--config`; or, when it is invalid, the exit code after saying why. */
export function loadConfig(flags: Record<string, unknown>, options: Pick<ResolveOptions, 'sendsNothing'> = {}): ResolvedConfig | number {
  // The flag's format already applies to what is said while the config is read (it may be invalid).
  if (typeof flags['logFormat'] === 'string') setLogFormat(flags['logFormat'] as LogFormat);
  // A misspelt variable is likely a setting lost: say so, but do not refuse to run (`validate` does).
  for (const warning of unknownTailVariables(process.env)) ownLog('warn', `warning: ${warning}`);
  for (const field of CONFIG_FIELDS) {
    if (field.secret === true && flags[field.key] !== undefined) {
      const flag = field.flag.split(' ')[0] ?? field.key;
      const variables = [tailEnvName(field.key), ...(field.env ?? [])].join(', ');
      ownLog('warn', `warning: ${flag} on the command line can be read by every user of this machine (ps, /proc); pass it in the environment (${variables}) or in the --config file instead.`);
    }
  }
  try {
    const config = resolveConfig(flags, process.env, configFileOf(flags, process.env), options);
    applyLogFormat(config);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) return failConfig(error);
    throw error;
  }
}

/** Our own lines from now on in the config's `logFormat` (resolveConfig copies every field; the type does not list this one). */
export function applyLogFormat(config: ResolvedConfig): void {
  setLogFormat((config as unknown as { logFormat?: LogFormat }).logFormat);
}

/** The config file: `--config`, else `OTEL_TAIL_CONFIG` (handy in a service's environment file). */
export function configFileOf(flags: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  const fromFlag = flags['config'];
  if (typeof fromFlag === 'string') return fromFlag;
  const fromEnv = env[CONFIG_FILE_ENV];
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** Prints every problem of an invalid config, one per line, and returns the exit code. */
export function failConfig(error: ConfigError): number {
  for (const problem of error.problems.slice(0, -1)) fail(problem);
  return fail(error.problems.at(-1) ?? error.message);
}

/** The journald stream the config names (`journal`, in `journalDir` or `journalFile`), if any. */
export function journalTargetsOf(config: ResolvedConfig): JournalTarget[] {
  if (config.journal === undefined) return [];
  const journal: JournalTarget = { name: config.journal };
  if (config.journalDir !== undefined) journal.directory = config.journalDir;
  if (config.journalFile !== undefined) journal.file = config.journalFile;
  return [journal];
}
