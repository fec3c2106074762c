import type { ResolvedConfig } from '../config/resolve-config.js';
import { ConsoleTreeExporter } from './console-tree-exporter.js';
import type { OtlpTraceExporterOptions } from './otlp-exporter.js';
import type { OtlpLogExporter } from './logs/otlp-log-exporter.js';
import { logTextScrub, type LogScrub } from './logs/log-scrub.js';
import { effectiveCompression, resolveTracesUrl } from './otlp-target.js';
import { logsTarget } from './logs/logs-target.js';
import { OtlpWorkerExporter } from './otlp-worker-exporter.js';
import type { ResourceOptions } from './readable-span.js';
import type { TraceExporter } from './trace-exporter.js';
import { compileRedactions, maskMatches } from './span-transform/redact.js';
import { resolvedPolicy, transformSteps } from './span-transform/span-transforms.js';
import { TransformingExporter } from './span-transform/transforming-exporter.js';

/**
 * The exporter the config asks for. The OpenTelemetry SDK is imported only
 * when an exporter that uses it is made (it costs ~0.1 s of start-up).
 * Every exporter's spans first go through the span transforms (privacy,
 * presets, redaction: src/export/span-transform/).
 * `inWorker`: run the transforms and the OTLP exporter in a worker thread
 * (backfill: they overlap with reading, and this thread never loads the SDK).
 * A follower exports little at a time and keeps it all in its own thread.
 */
export async function createExporter(config: ResolvedConfig, options: CreateExporterOptions = {}): Promise<TraceExporter> {
  const policy = resolvedPolicy(config, { stateDir: options.stateDir, warn: options.warn });
  if (options.inWorker === true && config.exporter === 'otlp') return new OtlpWorkerExporter(otlpOptions(config), policy, options.onRetry);
  const steps = transformSteps(policy);
  const sink = await createSink(config);
  return steps.length === 0 ? sink : new TransformingExporter(sink, steps);
}

export interface CreateExporterOptions {
  inWorker?: boolean;
  /** With `inWorker`: told each time an export attempt failed and is tried again (a backfill says the collector is unreachable while it waits). */
  onRetry?: () => void;
  /** Where the id salt is kept when none is configured (the follower's and backfill's state directory). */
  stateDir?: string;
  /** Start-up warnings (content capture). */
  warn?: (message: string) => void;
}

async function createSink(config: ResolvedConfig): Promise<TraceExporter> {
  switch (config.exporter) {
    case 'console':
      return new ConsoleTreeExporter({ resource: resourceOf(config) });
    case 'file': {
      const { OtlpJsonFileExporter } = await import('./otlp-json-file-exporter.js');
      return OtlpJsonFileExporter.open({ path: config.output, resource: resourceOf(config) });
    }
    case 'otlp': {
      const { OtlpTraceExporter } = await import('./otlp-exporter.js');
      return new OtlpTraceExporter(otlpOptions(config));
    }
  }
}

/**
 * --logs: the log records' exporter and what their text goes through (the spans' id privacy, same
 * salt, and --redact), or why the config cannot send logs.
 */
export async function createLogExport(
  config: ResolvedConfig,
  options: Pick<CreateExporterOptions, 'stateDir'>,
): Promise<{ sink: OtlpLogExporter; scrub: LogScrub; url: string } | { error: string }> {
  if (config.exporter !== 'otlp') return { error: `--logs sends log records over OTLP: it cannot go with --exporter ${config.exporter}.` };
  if (config.protocol === 'http/json') return { error: '--logs sends protobuf (over HTTP or gRPC) so far: it cannot go with --protocol http/json; use http/protobuf.' };
  const grpc = config.protocol === 'grpc';
  const target = logsTarget(config, process.env);
  if ('error' in target) return target;
  const { url, headers } = target;
  const policy = resolvedPolicy(config, { stateDir: options.stateDir });
  const { OtlpLogExporter } = await import('./logs/otlp-log-exporter.js');
  const { timeoutMillis, resource, tls } = otlpOptions(config);
  const sink = new OtlpLogExporter({ url, headers, resource, grpc, compression: effectiveCompression(config.compression, url), ...(timeoutMillis === undefined ? {} : { timeoutMillis }), ...(tls === undefined ? {} : { tls }) });
  return { sink, scrub: logTextScrub(policy), url };
}

function otlpOptions(config: ResolvedConfig): OtlpTraceExporterOptions {
  // resolveConfig guarantees one of the two is set for otlp.
  const url = resolveTracesUrl(config.endpoint, config.tracesEndpoint, config.protocol) as string;
  const tls = { ca: config.certificate, cert: config.clientCertificate, key: config.clientKey };
  const anyTls = Object.values(tls).some((path) => path !== undefined);
  return {
    url,
    compression: effectiveCompression(config.compression, url),
    protocol: config.protocol,
    ...(anyTls ? { tls: Object.fromEntries(Object.entries(tls).filter(([, path]) => path !== undefined)) } : {}),
    headers: config.headers,
    timeoutMillis: config.exportTimeoutMs,
    resource: resourceOf(config),
    maxBatchSpans: config.maxBatchSpans,
    maxRequestBytes: config.maxRequestBytes,
  };
}

/** The configured resource, `--redact` applied: every exported string is masked, the resource's too. */
function resourceOf(config: ResolvedConfig): ResourceOptions {
  const patterns = compileRedactions(config.redact ?? []);
  const mask = (text: string): string => maskMatches(text, patterns);
  const attributes = Object.fromEntries(Object.entries(config.resourceAttributes).map(([key, value]) => [key, mask(value)]));
  return { serviceName: mask(config.serviceName), attributes };
}
