import { PRESETS, type PresetName } from './presets.js';

/**
 * GenAI metrics need somewhere to go and a sane interval: checked here, with the
 * other configuration problems, so `validate` and `service install` refuse what
 * the follower would refuse at start-up.
 */
export function checkGenAiMetrics(values: Record<string, unknown>, problems: string[]): void {
  if (values['genaiMetrics'] !== 'on') return;
  if (values['metricsEndpoint'] === undefined && values['endpoint'] === undefined && values['tracesEndpoint'] === undefined) {
    problems.push('genaiMetrics: "on" needs an OTLP endpoint: pass --endpoint http://host:4318 or --metrics-endpoint URL (or set OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).');
  }
  const preset = PRESETS[(values['preset'] as PresetName | undefined) ?? 'otlp'];
  if (preset.metrics === 'none' && values['metricsEndpoint'] === undefined) {
    problems.push(
      `genaiMetrics: "on" with preset "${preset.name}": that backend takes no OTLP metrics (traces only), so they would be refused. Send them elsewhere with --metrics-endpoint URL (a Collector, Prometheus's OTLP receiver), or turn genaiMetrics off.`,
    );
  }
  const intervalMs = values['metricsIntervalMs'];
  if (typeof intervalMs === 'number' && intervalMs < 100) {
    problems.push(`metricsInterval: invalid value ${intervalMs}ms; expected at least 100ms.`);
  }
}
