import { ConfigError } from '../model/input-errors.js';
import type { ResolvedConfig } from '../config/resolve-config.js';
import { displayUrl, resolveTracesUrl } from '../export/otlp-target.js';
import { PRESETS } from '../config/presets.js';
import type { TraceExporter } from '../export/trace-exporter.js';
import type { TraceExit } from '../reconstruct/reconstructor.js';
import type { FinishedTrace } from '../model/span-record.js';
import { followerMetricFamilies } from '../telemetry/follower-metrics.js';
import type { GenAiMetrics } from '../telemetry/genai-metrics.js';
import { assessHealth, type Health } from '../telemetry/health.js';
import { worthProbing, type JournalReader, type JournalReading } from '../telemetry/journal-health.js';
import { MetricsRegistry } from '../telemetry/metrics-registry.js';
import { startMetricsServer, type MetricsServer } from '../telemetry/metrics-server.js';
import { SourceLag, type SourceProgress } from '../telemetry/source-lag.js';
import { TimedExporter } from '../telemetry/timed-exporter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import type { ReconstructorCounters } from '../reconstruct/reconstructor.js';
import { withTimeout } from '../pipeline/bounded-wait.js';
import { monitoringConfigOf, type MonitoringConfig } from './monitoring-config.js';
import type { LogLevel } from './own-log.js';

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
  journalReaders?(): JournalReader[];
}

/** A running GenAI metrics pipeline and the settings it was started with (a reload with the same ones keeps it). */
interface GenAiPart {
  metrics: GenAiMetrics;
  settings: string;
}

/** A listening metrics server and the address it was asked for. */
interface ServerPart {
  server: MetricsServer;
  listen: string;
}

/** What a reload prepared: started beside what runs, swapped in by `commit` or stopped by `discard`. */
export interface MonitoringReload {
  /** For the new follower: the GenAI metrics of the reloaded config. */
  readonly onTrace: ((trace: FinishedTrace, exit: TraceExit) => void) | undefined;
  /** The new follower runs: use the new settings, stop what they no longer need, read the new follower. */
  commit(follower: MonitoredFollower): Promise<void>;
  /** The reload did not happen: stop what was started for it. */
  discard(): Promise<void>;
}

/**
 * Self-monitoring and GenAI metrics around the follower. Started before the
 * follower (a busy --metrics-listen port stops start-up before anything is
 * read); `attach` gives it the follower to read; `stop` after the follower
 * stopped (its flush feeds the last traces to the GenAI metrics). A reload
 * keeps the server and the GenAI metrics whose settings did not change, and
 * the counters of the exporter (its inner exporter is swapped).
 */
export class FollowMonitoring {
  readonly exporter: TimedExporter;
  private follower: MonitoredFollower | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private lastSample: Promise<unknown> = Promise.resolve();
  private settings: MonitoringConfig;
  private genAi: GenAiPart | undefined;
  private server: ServerPart | undefined;
  private readonly registry = new MetricsRegistry();

  private readonly lag = new SourceLag(() => this.follower?.sourceProgress() ?? []);

  private constructor(exporter: TraceExporter, settings: MonitoringConfig) {
    this.exporter = new TimedExporter(exporter);
    this.settings = settings;
    this.registry.register(() => this.families());
  }

  static async start(config: ResolvedConfig, exporter: TraceExporter, log: (message: string, level?: LogLevel) => void): Promise<FollowMonitoring> {
    const monitoring = new FollowMonitoring(exporter, monitoringConfigOf(config));
    const parts = await monitoring.startParts(config, log);
    monitoring.genAi = parts.genAi;
    monitoring.server = parts.server;
    return monitoring;
  }

  /** Hand to Follower.start: every emitted trace feeds the GenAI metrics. */
  get onTrace(): ((trace: FinishedTrace, exit: TraceExit) => void) | undefined {
    return onTraceOf(this.genAi);
  }

  /**
   * Starts what the reloaded `config` needs and is not running yet (a server on another address,
   * GenAI metrics with other settings), beside what runs. Throws, having stopped what it started,
   * when something cannot start (a busy port): the reload then does not happen.
   */
  async prepareReload(config: ResolvedConfig, log: (message: string, level?: LogLevel) => void): Promise<MonitoringReload> {
    const settings = monitoringConfigOf(config);
    const next = await this.startParts(config, log);
    const unused = async (parts: { genAi: GenAiPart | undefined; server: ServerPart | undefined }, kept: { genAi: GenAiPart | undefined; server: ServerPart | undefined }): Promise<void> => {
      if (parts.server !== undefined && parts.server !== kept.server) await parts.server.server.close();
      if (parts.genAi !== undefined && parts.genAi !== kept.genAi) await metricsShutdown(parts.genAi.metrics.shutdown());
    };
    return {
      onTrace: onTraceOf(next.genAi),
      commit: async (follower) => {
        const old = { genAi: this.genAi, server: this.server };
        this.settings = settings;
        this.genAi = next.genAi;
        this.server = next.server;
        this.attach(follower);
        await unused(old, next);
      },
      discard: () => unused(next, { genAi: this.genAi, server: this.server }),
    };
  }

  attach(follower: MonitoredFollower): void {
    this.follower = follower;
    clearInterval(this.sampler);
    this.sampler = undefined;
    if (this.server === undefined) return;
    // Stuck detection needs samples over time, not only at scrapes: one a second, a stat per file.
    this.sampler = setInterval(() => {
      this.lastSample = this.lag.sample().catch(() => undefined);
    }, 1000).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.sampler);
    await this.lastSample;
    await this.server?.server.close();
    // The follower's shutdown promise is 10 s in all: the last metrics get what is left of it, at most 1.5 s.
    if (this.genAi !== undefined) await metricsShutdown(this.genAi.metrics.shutdown());
  }

  /** The server and GenAI metrics `config` asks for: those running with the same settings are kept, others started. */
  private async startParts(config: ResolvedConfig, log: (message: string, level?: LogLevel) => void): Promise<{ genAi: GenAiPart | undefined; server: ServerPart | undefined }> {
    const settings = monitoringConfigOf(config);
    let genAi: GenAiPart | undefined;
    if (settings.genaiMetrics === 'on') {
      const url = resolveMetricsUrl(config, settings);
      // resolveConfig refused genaiMetrics "on" without an endpoint (check-genai-metrics.ts).
      if (url === undefined) throw new ConfigError('genaiMetrics: "on" needs an OTLP endpoint.');
      const options = {
        url,
        headers: config.headers,
        resourceAttributes: { ...config.resourceAttributes, 'service.name': config.serviceName },
        exportIntervalMs: settings.metricsIntervalMs,
        exportTimeoutMs: config.exportTimeoutMs,
        temporality: PRESETS[config.preset].metrics === 'delta' ? ('delta' as const) : ('cumulative' as const),
      };
      const key = JSON.stringify(options);
      if (this.genAi?.settings === key) genAi = this.genAi;
      else {
        // Loaded only when asked for: the metrics SDK costs start-up time nobody else should pay.
        const { startGenAiMetrics } = await import('../telemetry/genai-metrics.js');
        let failing = false;
        // Said once when exports start failing and once when they work again, as the traces' collector is.
        const exported = (error: Error | undefined): void => {
          if (error !== undefined && !failing) log(`GenAI metrics export to ${displayUrl(url)} failed: ${error.message}; the totals are cumulative, so the next export that gets through carries them`, 'warn');
          else if (error === undefined && failing) log(`GenAI metrics export to ${displayUrl(url)} works again`);
          failing = error !== undefined;
        };
        genAi = { metrics: await startGenAiMetrics(options, exported), settings: key };
        log(`GenAI metrics → ${displayUrl(url)} every ${settings.metricsIntervalMs / 1000}s`);
      }
    }
    let server: ServerPart | undefined;
    const listen = settings.metricsListen;
    if (listen !== undefined && this.server?.listen === listen) server = this.server;
    else if (listen !== undefined) {
      try {
        server = { server: await startMetricsServer(listen, this.registry, () => this.health()), listen };
      } catch (error) {
        if (genAi !== undefined && genAi !== this.genAi) await metricsShutdown(genAi.metrics.shutdown());
        throw error;
      }
      log(`self-monitoring at ${server.server.url}/metrics and ${server.server.url}/healthz`);
    }
    return { genAi, server };
  }

  private async health(): Promise<Health> {
    if (this.follower === undefined) return { healthy: false, reason: 'starting' };
    const nowMs = Date.now();
    const thresholdMs = this.settings.unhealthyAfterMs;
    const journals: JournalReading[] = [];
    for (const reader of this.follower.journalReaders?.() ?? []) {
      const state = reader.readerState();
      // journalctl is asked only when the reader has been quiet that long: an idle gateway, or a stuck reader.
      journals.push({ state, oldestUnreadMs: worthProbing(state, nowMs, thresholdMs) ? await reader.oldestUnreadMs() : undefined });
    }
    return assessHealth({
      nowMs,
      thresholdMs,
      exportFailingSinceMs: this.exporter.failingSince,
      lastExportError: this.exporter.lastError,
      sources: await this.lag.sample(),
      journals,
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

function onTraceOf(genAi: GenAiPart | undefined): ((trace: FinishedTrace, exit: TraceExit) => void) | undefined {
  if (genAi === undefined) return undefined;
  return (trace, exit) => {
    // Flushed incomplete at shutdown: the next start rebuilds it whole and it is counted then.
    if (exit.closedBy === 'flushed' && trace.incomplete) return;
    genAi.metrics.record(trace);
  };
}

/** Metrics are a side channel: a shutdown that fails or hangs must not hold the exit. */
async function metricsShutdown(work: Promise<unknown>): Promise<void> {
  await withTimeout(work.catch(() => undefined), 1500);
}
