import type { ResolvedConfig } from '../config/resolve-config.js';
import type { ReconstructorOptions } from '../reconstruct/reconstructor.js';

export function reconstructorOptions(config: ResolvedConfig): ReconstructorOptions {
  return {
    graceMs: config.graceMs,
    idleTimeoutMs: config.idleTimeoutMs,
    maxOpenTraces: config.maxOpenTraces,
    rememberEmitted: Math.max(50_000, config.maxOpenTraces * 5),
  };
}
