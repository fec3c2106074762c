import { ConfigError } from '../config/config-error.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { resolveTracesUrl } from '../export/otlp-target.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../reconstruct/span-record.js';
import { followerMetricFamilies } from '../telemetry/follower-metrics.js';
import type { GenAiMetrics } from '../telemetry/genai-metrics.js';
import { assessHealth, type Health } from '../telemetry/health.js';
import { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { startMetricsServer, type MetricsServer } from '../telemetry/metrics-server.js';
import { SourceLag, type SourceProgress } from '../telemetry/source-lag.js';
import { TimedExporter } from '../telemetry/timed-exporter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import type { ReconstructorCounters } from '../reconstruct/reconstructor.js';

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

/** The metrics URL: as given, else the traces URL's sibling `/v1/metrics`. */
export function resolveMetricsUrl(config: ResolvedConfig, monitoring: MonitoringConfig): string | undefined {
  if (monitoring.metricsEndpoint !== undefined) return monitoring.metricsEndpoint;
  const traces = resolveTracesUrl(config.endpoint, config.tracesEndpoint);
  if (traces === undefined) return undefined;
  return /\/v1\/traces\/?$/.test(traces) ? traces.replace(/\/v1\/traces\/?$/, '/v1/metrics') : `${traces.replace(/\/+$/, '')}/v1/metrics`;
}

/** What the monitoring reads of a running follower. */
export interface MonitoredFollower {
  readonly stats: PipelineStats;
  readonly reconstructor: { readonly counters: ReconstructorCounters; readonly openTraces: number };
  sourceProgress(): SourceProgress[];
}

/**
 * Self-monitoring and GenAI metrics around one follower. Started before the
 * follower (a busy --metrics-listen port stops start-up before anything is
 * read); `attach` gives it the follower to read; `stop` after the follower
 * stopped (its flush feeds the last traces to the GenAI metrics).
 */
export class FollowMonitoring {
  readonly exporter: TimedExporter;
  private follower: MonitoredFollower | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private lastSample: Promise<unknown> = Promise.resolve();

  private readonly lag = new SourceLag(() => this.follower?.sourceProgress() ?? []);
  private server: MetricsServer | undefined;

  private constructor(
    exporter: TraceExporter,
    private readonly settings: MonitoringConfig,
    private readonly genAi: GenAiMetrics | undefined,
  ) {
    this.exporter = new TimedExporter(exporter);
  }

  static async start(config: ResolvedConfig, exporter: TraceExporter, log: (message: string) => void): Promise<FollowMonitoring> {
    const settings = monitoringConfigOf(config);
    let genAi: GenAiMetrics | undefined;
    if (settings.genaiMetrics === 'on') {
      const url = resolveMetricsUrl(config, settings);
      if (url === undefined) throw new ConfigError('genaiMetrics: "on" needs an OTLP endpoint: pass --endpoint http://host:4318 or --metrics-endpoint URL (or set OTEL_EXPORTER_OTLP_METRICS_ENDPOINT).');
      if (settings.metricsIntervalMs < 100) throw new ConfigError(`metricsInterval: invalid value ${settings.metricsIntervalMs}ms; expected at least 100ms.`);
      // Loaded only when asked for: the metrics SDK costs start-up time nobody else should pay.
      const { startGenAiMetrics } = await import('../telemetry/genai-metrics.js');
      genAi = await startGenAiMetrics({
        url,
        headers: config.headers,
        resourceAttributes: { ...config.resourceAttributes, 'service.name': config.serviceName },
        exportIntervalMs: settings.metricsIntervalMs,
        exportTimeoutMs: config.exportTimeoutMs,
      });
      log(`GenAI metrics → ${withoutSecrets(url)} every ${settings.metricsIntervalMs / 1000}s`);
    }
    const monitoring = new FollowMonitoring(exporter, settings, genAi);
    if (settings.metricsListen !== undefined) {
      const registry = new MetricsRegistry();
      registry.register(() => monitoring.families());
      try {
        monitoring.server = await startMetricsServer(settings.metricsListen, registry, () => monitoring.health());
      } catch (error) {
        await genAi?.shutdown();
        throw error;
      }
      log(`self-monitoring at ${monitoring.server.url}/metrics and ${monitoring.server.url}/healthz`);
    }
    return monitoring;
  }

  /** Hand to Follower.start: every emitted trace feeds the GenAI metrics. */
  get onTrace(): ((trace: FinishedTrace, exit: TraceExit) => void) | undefined {
    const genAi = this.genAi;
    if (genAi === undefined) return undefined;
    return (trace, exit) => {
      // Flushed incomplete at shutdown: the next start rebuilds it whole and it is counted then.
      if (exit.closedBy === 'flushed' && trace.incomplete) return;
      genAi.record(trace);
    };
  }

  attach(follower: MonitoredFollower): void {
    this.follower = follower;
    if (this.server === undefined) return;
    // Stuck detection needs samples over time, not only at scrapes: one a second, a stat per file.
    this.sampler = setInterval(() => {
      this.lastSample = this.lag.sample().catch(() => undefined);
    }, 1000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    await this.lastSample;
    await this.server?.close();
    // The follower's shutdown promise is 10 s in all: the last metrics get what is left of it, at most 1.5 s.
    if (this.genAi !== undefined) await withTimeout(this.genAi.shutdown(), 1500);
  }

  private async health(): Promise<Health> {
    if (this.follower === undefined) return { healthy: false, reason: 'starting' };
    return assessHealth({
      nowMs: Date.now(),
      thresholdMs: this.settings.unhealthyAfterMs,
      exportFailingSinceMs: this.exporter.failingSince,
      lastExportError: this.exporter.lastError,
      sources: await this.lag.sample(),
    });
  }

  private async families(): Promise<ReturnType<typeof followerMetricFamilies>> {
    const follower = this.follower;
    if (follower === undefined) return [];
    return followerMetricFamilies({
      stats: follower.stats,
      counters: follower.reconstructor.counters,
      openTraces: follower.reconstructor.openTraces,
      exporter: this.exporter,
      sources: await this.lag.sample(),
    });
  }
}

function withoutSecrets(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  return parsed.href;
}

async function withTimeout(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
