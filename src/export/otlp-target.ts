/**
 * What the rest of otel-tail needs to know about the OTLP exporter without
 * loading the OpenTelemetry SDK (about 0.1 s of start-up): where spans go, and
 * what a failed export looks like. Backfill runs the exporter in a worker
 * thread, so its main thread never loads the SDK at all.
 */

/** Why an OTLP export failed; `statusCode` is set when the SDK reported the HTTP status. */
export class OtlpExportError extends Error {
  override readonly name = 'OtlpExportError';
  readonly statusCode: number | undefined;

  constructor(message: string, statusCode: number | undefined) {
    super(message);
    this.statusCode = statusCode;
  }
}

/**
 * A URL as messages show it: without user:password or the query string, either
 * of which may hold a credential (some backends take an API key as a query
 * parameter).
 */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return url;
  }
}

/** The values of a URL's query parameters: secrets for redaction, like header values. */
export function queryValues(url: string): string[] {
  try {
    return [...new URL(url).searchParams.values()];
  } catch {
    return [];
  }
}

/**
 * The spec's endpoint rules: the signal-specific variable is used as-is, the
 * generic one is a base URL that gets `/v1/traces` appended (OTLP/HTTP only). Empty counts as
 * unset, as the spec says for all OTEL_* variables.
 */
export function resolveTracesUrl(
  endpoint: string | undefined,
  tracesEndpoint: string | undefined,
  protocol?: string,
): string | undefined {
  const specific = tracesEndpoint?.trim();
  if (specific !== undefined && specific !== '') return specific;
  const base = endpoint?.trim();
  if (base === undefined || base === '') return undefined;
  // OTLP/gRPC has no per-signal path: the endpoint is the collector's address.
  if (protocol === 'grpc') return base;
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Where log records go (OTLP/HTTP): `<endpoint>/v1/logs`, or, with only a traces URL that ends in
 * `/v1/traces`, the same URL with `/v1/logs`. Undefined when neither says (a traces URL of its own
 * path, as some backends have): the caller asks for --endpoint.
 */
export function resolveLogsUrl(endpoint: string | undefined, tracesEndpoint: string | undefined): string | undefined {
  const base = endpoint?.trim();
  if (base !== undefined && base !== '') return `${base.replace(/\/+$/, '')}/v1/logs`;
  const traces = tracesEndpoint?.trim();
  if (traces !== undefined && /\/v1\/traces\/?$/.test(traces)) return traces.replace(/\/v1\/traces\/?$/, '/v1/logs');
  return undefined;
}

/** Hosts whose traffic never leaves this machine: compressing it costs CPU and saves nothing. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
  } catch {
    return false;
  }
}

/** `auto` → gzip unless the traces go to this host (the measurement is in the `compression` field's doc, src/config/otlp-fields.ts). */
export function effectiveCompression(setting: string | undefined, url: string): 'gzip' | 'none' {
  if (setting === 'gzip' || setting === 'none') return setting;
  return isLoopbackUrl(url) ? 'none' : 'gzip';
}
