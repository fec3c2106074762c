import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * OpenClaw's state directory as the gateway resolves it (src/config/paths.ts): OPENCLAW_STATE_DIR
 * (a leading `~` is the home), else `<home>/.openclaw`, where home is OPENCLAW_HOME, else the
 * user's home. Used only when the gateway's own resolver (plugin-sdk/state-paths) is unavailable.
 */
export function fallbackStateDir(env = process.env) {
  const home = () => {
    const explicit = env.OPENCLAW_HOME?.trim();
    if (explicit) return resolve(explicit.replace(/^~(?=$|[\\/])/, () => homedir()));
    return env.HOME?.trim() || homedir();
  };
  const override = env.OPENCLAW_STATE_DIR?.trim();
  if (override) return resolve(override.replace(/^~(?=$|[\\/])/, () => home()));
  return join(home(), '.openclaw');
}

/** `<state dir>/logs/diagnostics`, asking the gateway's resolver first. */
export async function defaultEventsDir() {
  let stateDir;
  try {
    const paths = await import('openclaw/plugin-sdk/state-paths');
    if (typeof paths.resolveStateDir === 'function') stateDir = paths.resolveStateDir(process.env);
  } catch {
    // Older gateways or a test outside the gateway: resolve as the gateway documents it.
  }
  if (typeof stateDir !== 'string' || stateDir === '') stateDir = fallbackStateDir();
  return join(stateDir, 'logs', 'diagnostics');
}
