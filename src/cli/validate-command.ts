import { ConfigError } from '../model/input-errors.js';
import { join } from 'node:path';
import { describeConfig, formatDescribedConfig, type DescribedValue } from '../config/describe-config.js';
import { resolveConfigWithOrigins, type ResolvedConfig, type ResolvedWithOrigins } from '../config/resolve-config.js';
import { chooseDefaultLogDir } from '../sources/default-dirs.js';
import { defaultStateDir } from './follow-setup.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { configFileOf, failConfig } from './load-config.js';
import { ownLogRaw, setLogFormat, type LogFormat } from './own-log.js';

/**
 * `otel-tail validate [--config FILE] [flags]`: resolves the config exactly as a run would
 * (flags > environment > file > defaults) and prints every key, its value (secrets masked) and
 * where it came from; or every problem, and exit 2. Starts nothing.
 */
export async function validateCommand(flags: Record<string, unknown>): Promise<number> {
  const file = configFileOf(flags, process.env);
  if (typeof flags['logFormat'] === 'string') setLogFormat(flags['logFormat'] as LogFormat);
  let resolved: ResolvedWithOrigins;
  try {
    resolved = resolveConfigWithOrigins(flags, process.env, file, { strictEnv: true });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    failConfig(error);
    ownLogRaw('error', `otel-tail validate: ${error.problems.length === 1 ? '1 problem' : `${error.problems.length} problems`}; nothing was started.`);
    return EXIT_USAGE;
  }
  process.stdout.write(`otel-tail validate: the config is valid (${file === undefined ? 'no config file' : `config file ${file}`}).\n`);
  const rows = await withDefaultsUsed(describeConfig(resolved.config, resolved.origins), resolved.config);
  process.stdout.write(`${formatDescribedConfig(rows)}\n`);
  return EXIT_OK;
}

/** A key left unset whose default is chosen at run time shows what a run here would use, not `(unset)`. */
async function withDefaultsUsed(rows: DescribedValue[], config: ResolvedConfig): Promise<DescribedValue[]> {
  const stateDir = config.stateDir ?? defaultStateDir(process.env);
  const used: Record<string, () => Promise<string | undefined>> = {
    // The follower's default source: only when nothing else is followed.
    file: async () => {
      if (config.journal !== undefined || config.events !== undefined) return undefined;
      const chosen = await chooseDefaultLogDir();
      return `${chosen.dir}/ (${chosen.why})`;
    },
    stateDir: async () => stateDir,
    idSalt: async () => `(generated once in ${join(stateDir, 'id-salt')})`,
  };
  return Promise.all(
    rows.map(async (row) => {
      const value = row.value === '(unset)' ? await used[row.key]?.() : undefined;
      return value === undefined ? row : { ...row, value };
    }),
  );
}
