import type { ResolvedConfig } from '../config/resolve-config.js';
import { displayPath, STDIN } from '../sources/expand-inputs.js';
import { describeTarget } from './follow-setup.js';
import { plural } from './plural.js';

/**
 * The first line of a backfill: what is read and where its traces go, so that a first run
 * without an endpoint says that nothing is sent (the trees on the screen are all there is).
 */
export function backfillOrientation(config: ResolvedConfig, paths: readonly string[], journals: readonly string[], dryRun: boolean): string {
  const shown = [...paths.map((path) => (path === STDIN ? 'standard input' : displayPath(path))), ...journals.map((name) => `journal ${name}`)];
  const count = shown.length === 1 ? '' : `${plural(shown.length, 'input')}: `;
  const named = shown.length <= 3 ? shown.join(', ') : `${shown.slice(0, 3).join(', ')} and ${shown.length - 3} more`;
  let target = `traces go to ${describeTarget(config)}`;
  if (config.exporter === 'console') target = 'no endpoint: printing traces here; nothing is sent (--endpoint http://HOST:4318 sends them to a collector)';
  if (dryRun) target = `dry run: printing the traces that would go to ${describeTarget(config)}; nothing is sent`;
  return `reading ${count}${named}; ${target}`;
}

/** Said when traces are printed with ids hashed: a 16-digit hash on the screen is not OpenClaw's id. */
export function hashedIdsNote(config: ResolvedConfig): string | undefined {
  const hashed = [...(config.sessionIds === 'hash' ? ['session'] : []), ...(config.chatIds === 'hash' ? ['chat', 'message', 'user'] : [])];
  if (hashed.length === 0) return undefined;
  const kinds = hashed.length === 1 ? hashed[0] : `${hashed.slice(0, -1).join(', ')} and ${hashed.at(-1) ?? ''}`;
  return `${kinds} ids (and run ids made of them) are shown as salted hashes, as they would be sent; --session-ids raw --chat-ids raw shows them as they are`;
}
