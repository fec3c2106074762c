import type { ResolvedConfig } from '../config/resolve-config.js';

/** The monitoring settings (config-fields.ts); durations in ms as resolveConfig holds them. */
export interface MonitoringConfig {
  metricsListen?: string;
  unhealthyAfterMs: number;
  genaiMetrics: 'on' | 'off';
  metricsEndpoint?: string;
  metricsIntervalMs: number;
}

/** resolveConfig copies every field of config-fields.ts into the result; these are read from it with their defaults. */
export function monitoringConfigOf(config: ResolvedConfig): MonitoringConfig {
  const raw = config as unknown as Partial<MonitoringConfig>;
  return {
    metricsListen: raw.metricsListen,
    unhealthyAfterMs: raw.unhealthyAfterMs ?? 60_000,
    genaiMetrics: raw.genaiMetrics ?? 'off',
    metricsEndpoint: raw.metricsEndpoint,
    metricsIntervalMs: raw.metricsIntervalMs ?? 60_000,
  };
}
