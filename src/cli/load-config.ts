import { ConfigError } from '../config/config-error.js';
import { resolveConfig, type ResolvedConfig } from '../config/resolve-config.js';
import type { JournalTarget } from '../sources/journalctl-args.js';
import { fail } from './exit-codes.js';

/** The run's config from flags, environment and `--config`; or, when it is invalid, the exit code after saying why. */
export function loadConfig(flags: Record<string, unknown>): ResolvedConfig | number {
  try {
    return resolveConfig(flags, process.env, flags['config'] as string | undefined);
  } catch (error) {
    if (error instanceof ConfigError) return fail(error.message);
    throw error;
  }
}

/** The journald stream the config names (`journal`, in `journalDir` or `journalFile`), if any. */
export function journalTargetsOf(config: ResolvedConfig): JournalTarget[] {
  if (config.journal === undefined) return [];
  const journal: JournalTarget = { name: config.journal };
  if (config.journalDir !== undefined) journal.directory = config.journalDir;
  if (config.journalFile !== undefined) journal.file = config.journalFile;
  return [journal];
}
