import { PRESETS, type PresetName } from '../../config/presets.js';
import { resolveLogsUrl, resolveTracesUrl } from '../otlp-target.js';

/** Where log records go and with which headers, or why the config says nowhere. */
export type LogsTarget = { url: string; headers: Record<string, string> } | { error: string };

const TRACES_SIGNAL = /\/v1\/traces\/?$/;

/**
 * The logs URL and headers for a config: a preset's logs go beside its traces (`…/v1/traces` →
 * `…/v1/logs`, so Grafana's `/otlp` and Dynatrace's `/api/v2/otlp` are kept) with the headers its
 * logs intake wants (presets.ts `logs`); without a preset, `<endpoint>/v1/logs` as the OTLP
 * specification builds it; over gRPC, the collector's address. A preset whose backend takes no
 * logs was refused with the config.
 */
export function logsTarget(
  config: { preset: PresetName; endpoint?: string; tracesEndpoint?: string; headers: Record<string, string>; protocol?: string },
  env: NodeJS.ProcessEnv,
): LogsTarget {
  const preset = PRESETS[config.preset];
  if (!preset.logs.takes) return { error: `--preset ${preset.name} cannot take --logs: ${preset.logs.why}.` };
  const traces = config.tracesEndpoint?.trim();
  const url =
    // gRPC has no per-signal path: the LogsService is at the collector's address, as the traces' service is.
    config.protocol === 'grpc' ? resolveTracesUrl(config.endpoint, config.tracesEndpoint, 'grpc')
    : config.preset !== 'otlp' && traces !== undefined && TRACES_SIGNAL.test(traces)
      ? traces.replace(TRACES_SIGNAL, '/v1/logs')
      : resolveLogsUrl(config.endpoint, config.tracesEndpoint);
  if (url === undefined) return { error: '--logs: the logs URL is ENDPOINT/v1/logs; set --endpoint (the traces URL given does not end in /v1/traces).' };
  const headers = { ...config.headers };
  for (const name of preset.logs.withoutHeaders ?? []) delete headers[name];
  for (const spec of preset.logs.headers ?? []) {
    const parts = spec.env.map((variable) => env[variable] ?? '');
    if (parts.every((part) => part !== '')) headers[spec.header] = spec.value(parts);
  }
  return { url, headers };
}
