import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetTracesUrl } from '../../../src/config/apply-preset.js';
import { ConfigError } from '../../../src/model/input-errors.js';
import { resolveConfig, resolveConfigWithOrigins } from '../../../src/config/resolve-config.js';
import { effectiveCompression } from '../../../src/export/otlp-target.js';

const ENDPOINT = { endpoint: 'http://127.0.0.1:4318' };

function problems(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

// OpenTelemetry specification, sdk-environment-variables.md (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
// OTEL_SDK_DISABLED) and protocol/exporter.md (OTEL_EXPORTER_OTLP_[TRACES_]COMPRESSION, _CERTIFICATE,
// _CLIENT_KEY, _CLIENT_CERTIFICATE).
describe('OTLP exporter settings', () => {
  it('service.name from OTEL_RESOURCE_ATTRIBUTES applies when OTEL_SERVICE_NAME is unset, and says where it came from', () => {
    const { config, origins } = resolveConfigWithOrigins(ENDPOINT, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=gw-eu,deployment.environment=prod' });
    expect(config.serviceName).toBe('gw-eu');
    expect(origins['serviceName']).toEqual({ from: 'env', name: 'OTEL_RESOURCE_ATTRIBUTES (service.name)' });
  });

  it('OTEL_SERVICE_NAME (and --service-name) win over service.name in the resource attributes', () => {
    expect(resolveConfig(ENDPOINT, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=gw-eu', OTEL_SERVICE_NAME: 'named' }).serviceName).toBe('named');
    expect(resolveConfig({ ...ENDPOINT, serviceName: 'flag' }, { OTEL_RESOURCE_ATTRIBUTES: 'service.name=gw-eu' }).serviceName).toBe('flag');
    expect(resolveConfig(ENDPOINT, {}).serviceName).toBe('openclaw-gateway');
  });

  it('compression: the traces variable over the generic one; auto is gzip unless the URL is on this host', () => {
    expect(resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }).compression).toBe('gzip');
    expect(resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }).compression).toBe('none');
    expect(resolveConfig(ENDPOINT, {}).compression).toBe('auto');
    expect(problems(() => resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }))).toEqual([
      'OTEL_EXPORTER_OTLP_COMPRESSION: invalid value "zstd"; expected one of auto, gzip, none.',
    ]);
    expect(effectiveCompression('auto', 'https://cloud.langfuse.com/api/public/otel/v1/traces')).toBe('gzip');
    for (const url of ['http://127.0.0.1:4318/v1/traces', 'http://localhost:4318/v1/traces', 'http://[::1]:4318/v1/traces']) expect(effectiveCompression('auto', url)).toBe('none');
    expect(effectiveCompression('gzip', 'http://127.0.0.1:4318/v1/traces')).toBe('gzip');
  });

  it('certificate files: read from the variables, refused when unreadable, client certificate and key only together', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-tls-'));
    const pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\n');
    expect(resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_CERTIFICATE: pem }).certificate).toBe(pem);
    expect(problems(() => resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: join(dir, 'missing.pem') }))).toEqual([
      `certificate: cannot read ${join(dir, 'missing.pem')} (ENOENT); give a readable PEM file.`,
    ]);
    expect(problems(() => resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem }))).toEqual([
      'clientCertificate and clientKey: mutual TLS needs both the certificate chain and its private key; give both or neither.',
    ]);
    expect(resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem, OTEL_EXPORTER_OTLP_CLIENT_KEY: pem }).clientKey).toBe(pem);
  });

  it('OTEL_SDK_DISABLED=true refuses a run that would send, naming the variable; console, file and dry runs go on', () => {
    const env = { OTEL_SDK_DISABLED: 'true' };
    expect(problems(() => resolveConfig(ENDPOINT, env))[0]).toMatch(/^OTEL_SDK_DISABLED=true: .*Unset it/);
    expect(resolveConfig({}, env).exporter).toBe('console');
    expect(resolveConfig({ ...ENDPOINT, exporter: 'file' }, env).exporter).toBe('file');
    expect(resolveConfig(ENDPOINT, env, undefined, { sendsNothing: true }).exporter).toBe('otlp');
    expect(resolveConfig(ENDPOINT, { OTEL_SDK_DISABLED: 'false' }).exporter).toBe('otlp');
  });

  it('protocol: the traces variable over the generic one; grpc only with the plain otlp preset, and metrics need an HTTP URL', () => {
    expect(resolveConfig(ENDPOINT, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }).protocol).toBe('http/json');
    expect(resolveConfig(ENDPOINT, {}).protocol).toBe('http/protobuf');
    expect(problems(() => resolveConfig({ ...ENDPOINT, preset: 'honeycomb' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', HONEYCOMB_API_KEY: 'k' }))).toEqual([
      'protocol: "grpc" with preset "honeycomb": that backend is documented for OTLP/HTTP only; use --protocol http/protobuf, or send to a Collector with --preset otlp.',
    ]);
    expect(problems(() => resolveConfig({ ...ENDPOINT, genaiMetrics: 'on' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }))[0]).toMatch(/^genaiMetrics: "on" with protocol "grpc"/);
    expect(resolveConfig({ ...ENDPOINT, genaiMetrics: 'on', metricsEndpoint: 'http://127.0.0.1:4318/v1/metrics' }, { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).protocol).toBe('grpc');
  });

  it.each([
    // Langfuse's OpenTelemetry guide sets OTEL_EXPORTER_OTLP_ENDPOINT to <host>/api/public/otel.
    ['https://cloud.langfuse.com/api/public/otel', '/api/public/otel/v1/traces', 'https://cloud.langfuse.com/api/public/otel/v1/traces'],
    ['https://cloud.langfuse.com/api/public/otel/', '/api/public/otel/v1/traces', 'https://cloud.langfuse.com/api/public/otel/v1/traces'],
    ['https://cloud.langfuse.com', '/api/public/otel/v1/traces', 'https://cloud.langfuse.com/api/public/otel/v1/traces'],
    // Braintrust's: https://api.braintrust.dev/otel.
    ['https://api.braintrust.dev/otel', '/otel/v1/traces', 'https://api.braintrust.dev/otel/v1/traces'],
    ['https://api.braintrust.dev/otel/v1/traces', '/otel/v1/traces', 'https://api.braintrust.dev/otel/v1/traces'],
    ['http://mlflow:5000', '/v1/traces', 'http://mlflow:5000/v1/traces'],
  ])('a preset endpoint %s with path %s gives %s (the vendor path is not doubled)', (base, path, url) => {
    expect(presetTracesUrl(base, path)).toBe(url);
  });

  it('--preset langfuse with OTEL_EXPORTER_OTLP_ENDPOINT at the documented base URL', () => {
    const config = resolveConfig({ preset: 'langfuse' }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://eu.cloud.langfuse.com/api/public/otel', LANGFUSE_PUBLIC_KEY: 'pk', LANGFUSE_SECRET_KEY: 'sk' });
    expect(config.tracesEndpoint).toBe('https://eu.cloud.langfuse.com/api/public/otel/v1/traces');
  });
});
