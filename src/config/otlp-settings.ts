import { accessSync, constants } from 'node:fs';
import type { ValueOrigin } from './value-origin.js';

/**
 * The OTLP exporter settings that depend on each other or on the environment
 * beyond their own value (OpenTelemetry specification: sdk-environment-variables.md
 * and protocol/exporter.md), checked with the other configuration problems so
 * `validate` and `service install` refuse what a run would refuse.
 */
export function applyOtlpSettings(values: Record<string, unknown>, origins: Record<string, ValueOrigin>, env: NodeJS.ProcessEnv, problems: string[], sends: boolean): void {
  serviceNameFromResource(values, origins);
  checkTlsFiles(values, problems);
  checkGrpc(values, problems);
  // "OTEL_SDK_DISABLED: Disable the SDK for all signals." Sending anyway would ignore the operator; sending
  // nothing while reading on would settle lines whose spans never left. So a run that would send refuses.
  if (sends && env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') {
    problems.push(
      'OTEL_SDK_DISABLED=true: OpenTelemetry export is disabled in this environment, and exporting is what otel-tail is for. Unset it (or set it to false) for otel-tail, or look without sending: --exporter console, --exporter file, or backfill --dry-run.',
    );
  }
}

/**
 * `service.name` in OTEL_RESOURCE_ATTRIBUTES (or resourceAttributes) applies when OTEL_SERVICE_NAME (or
 * serviceName, or --service-name) is not set: "OTEL_SERVICE_NAME ... If service.name is also provided in
 * OTEL_RESOURCE_ATTRIBUTES, then OTEL_SERVICE_NAME takes precedence." Our default comes last.
 */
function serviceNameFromResource(values: Record<string, unknown>, origins: Record<string, ValueOrigin>): void {
  const fromResource = (values['resourceAttributes'] as Record<string, string> | undefined)?.['service.name'];
  if (fromResource === undefined || fromResource === '' || origins['serviceName']?.from !== 'default') return;
  values['serviceName'] = fromResource;
  const origin = origins['resourceAttributes'];
  if (origin !== undefined) origins['serviceName'] = { from: origin.from, name: `${origin.name} (service.name)` };
}

function checkTlsFiles(values: Record<string, unknown>, problems: string[]): void {
  for (const key of ['certificate', 'clientCertificate', 'clientKey']) {
    const path = values[key];
    if (typeof path !== 'string') continue;
    try {
      accessSync(path, constants.R_OK);
    } catch (error) {
      problems.push(`${key}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}); give a readable PEM file.`);
    }
  }
  if ((values['clientCertificate'] === undefined) !== (values['clientKey'] === undefined)) {
    problems.push('clientCertificate and clientKey: mutual TLS needs both the certificate chain and its private key; give both or neither.');
  }
}

/** OTLP/gRPC goes to a collector; the presets' backends document OTLP/HTTP paths, and metrics are sent over HTTP. */
function checkGrpc(values: Record<string, unknown>, problems: string[]): void {
  if (values['protocol'] !== 'grpc') return;
  const preset = values['preset'];
  if (preset !== undefined && preset !== 'otlp') {
    problems.push(`protocol: "grpc" with preset "${String(preset)}": that backend is documented for OTLP/HTTP only; use --protocol http/protobuf, or send to a Collector with --preset otlp.`);
  }
  if (values['genaiMetrics'] === 'on' && values['metricsEndpoint'] === undefined) {
    problems.push('genaiMetrics: "on" with protocol "grpc": metrics are sent over OTLP/HTTP; give the collector\'s HTTP metrics URL with --metrics-endpoint (e.g. http://collector:4318/v1/metrics).');
  }
}
