import { createRequire } from 'node:module';
import type { Attributes, Counter, Histogram } from '@opentelemetry/api';
import type * as OtlpMetricsExporter from '@opentelemetry/exporter-metrics-otlp-proto';
import type * as Resources from '@opentelemetry/resources';
import type * as SdkMetrics from '@opentelemetry/sdk-metrics';
import type { FinishedTrace } from '../model/span-record.js';
import { genAiMeasurements, type GenAiInstrument } from './genai-measurements.js';

/** Advised by the GenAI metrics conventions (ExplicitBucketBoundaries). */
export const TOKEN_USAGE_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
export const OPERATION_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

export interface GenAiMetricsOptions {
  /** Full OTLP/HTTP metrics URL. */
  url: string;
  headers: Record<string, string>;
  resourceAttributes: Record<string, string>;
  exportIntervalMs: number;
  exportTimeoutMs: number;
  /** What the backend wants (a preset's `metrics`): Dynatrace and Datadog take delta; cumulative is the SDK's default. */
  temporality?: 'cumulative' | 'delta';
}

/** What an export of the metrics did: undefined when it was accepted, else why not. */
export type MetricsExportListener = (error: Error | undefined) => void;

export interface GenAiMetrics {
  /** Records what a trace contributes; called once per emitted trace. */
  record(trace: FinishedTrace): void;
  /** Exports what is recorded and stops. */
  shutdown(): Promise<void>;
}

/**
 * GenAI client metrics derived from reconstructed spans, pushed over
 * OTLP/HTTP protobuf. The SDK is loaded here, on demand, so runs that do
 * not ask for metrics (and every backfill) do not load it. It is required
 * from node_modules rather than imported: the bundle (scripts/bundle.mjs)
 * would hand a dynamic import of these CommonJS packages over without
 * their named exports.
 */
export async function startGenAiMetrics(options: GenAiMetricsOptions, exported?: MetricsExportListener): Promise<GenAiMetrics> {
  const require = createRequire(import.meta.url);
  const { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } = require('@opentelemetry/sdk-metrics') as typeof SdkMetrics;
  const { OTLPMetricExporter } = require('@opentelemetry/exporter-metrics-otlp-proto') as typeof OtlpMetricsExporter;
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof Resources;
  const otlp = new OTLPMetricExporter({
    url: options.url,
    headers: options.headers,
    timeoutMillis: options.exportTimeoutMs,
    temporalityPreference: options.temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
  });
  // The reader reports a failed export only to the SDK's diag logger, which we keep quiet: hear it here.
  const exporter: typeof otlp = Object.create(otlp) as typeof otlp;
  exporter.export = (metrics, done) =>
    otlp.export(metrics, (result) => {
      exported?.(result.code === 0 ? undefined : (result.error ?? new Error('the export failed')));
      done(result);
    });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.exportIntervalMs,
    exportTimeoutMillis: Math.min(options.exportTimeoutMs, options.exportIntervalMs),
  });
  const provider = new MeterProvider({ resource: resourceFromAttributes(options.resourceAttributes), readers: [reader] });
  const meter = provider.getMeter('otel-tail');
  // The conventions' time histograms, all in seconds with the advised boundaries of gen_ai.client.operation.duration.
  const seconds = (name: string, description: string): Histogram => meter.createHistogram(name, { unit: 's', description, advice: { explicitBucketBoundaries: OPERATION_DURATION_BUCKETS } });
  const instruments: Record<GenAiInstrument, Histogram | Counter> = {
    tokenUsage: meter.createHistogram('gen_ai.client.token.usage', {
      unit: '{token}',
      description: 'Number of input and output tokens used.',
      advice: { explicitBucketBoundaries: TOKEN_USAGE_BUCKETS },
    }),
    operationDuration: seconds('gen_ai.client.operation.duration', 'GenAI operation duration.'),
    timeToFirstChunk: seconds('gen_ai.client.operation.time_to_first_chunk', 'Time to receive the first chunk, from when the client issues the generation request.'),
    invokeAgentDuration: seconds('gen_ai.invoke_agent.duration', 'The end-to-end duration of a single agent invocation.'),
    executeToolDuration: seconds('gen_ai.execute_tool.duration', 'The duration of a single tool execution.'),
    // No convention for cost: OpenClaw's own name.
    costUsd: meter.createCounter('openclaw.cost.usd', { unit: '{USD}', description: 'Cost of model calls as OpenClaw computed it, in US dollars.' }),
  };
  return {
    record(trace) {
      for (const m of genAiMeasurements(trace)) {
        const instrument = instruments[m.instrument];
        const attributes: Attributes = m.attributes;
        if ('record' in instrument) instrument.record(m.value, attributes);
        else instrument.add(m.value, attributes);
      }
    },
    async shutdown() {
      await provider.shutdown();
    },
  };
}
