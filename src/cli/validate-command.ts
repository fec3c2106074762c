import { ConfigError } from '../config/config-error.js';
import { describeConfig, formatDescribedConfig } from '../config/describe-config.js';
import { resolveConfigWithOrigins, type ResolvedWithOrigins } from '../config/resolve-config.js';
import { EXIT_OK, EXIT_USAGE } from './exit-codes.js';
import { configFileOf, failConfig } from './load-config.js';
import { ownLogRaw, setLogFormat, type LogFormat } from './own-log.js';

/**
 * `otel-tail validate [--config FILE] [flags]`: resolves the config exactly as a run would
 * (flags > environment > file > defaults) and prints every key, its value (secrets masked) and
 * where it came from; or every problem, and exit 2. Starts nothing.
 */
export function validateCommand(flags: Record<string, unknown>): number {
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
  process.stdout.write(`${formatDescribedConfig(describeConfig(resolved.config, resolved.origins))}\n`);
  return EXIT_OK;
}
