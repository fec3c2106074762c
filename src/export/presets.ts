/**
 * Backends as one-word choices (`--preset NAME`): where traces go, the
 * headers each one needs, and the attribute dialect its UI reads. Secrets
 * come only from the named environment variables, never from argv or the
 * config file, and their values are never printed.
 */
export const PRESET_NAMES = ['otlp', 'mlflow', 'langfuse', 'braintrust', 'phoenix', 'honeycomb', 'datadog', 'dynatrace'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

/** One header a preset sends; its value is built from environment variables. */
export interface PresetHeader {
  header: string;
  /** The variables the value is made of, in the order `value` takes them. */
  env: readonly string[];
  /** Absent variables are an error at start-up, unless the header is optional. */
  optional?: boolean;
  value: (parts: readonly string[]) => string;
}

export interface Preset {
  name: PresetName;
  /** Appended to `endpoint` (the backend's base URL) to make the traces URL. */
  tracesPath: string;
  /** Base URL when no endpoint is given; a function of the environment (a site variable), or none: then --endpoint is required. */
  defaultEndpoint?: (env: NodeJS.ProcessEnv) => string;
  /** What --endpoint means for this backend, for the error when it is missing. */
  endpointHint: string;
  headers: readonly PresetHeader[];
  /** Headers whose value is fixed (no secret). */
  fixedHeaders?: Readonly<Record<string, string>>;
}

const bearer = ([token]: readonly string[]): string => `Bearer ${token ?? ''}`;
const plain = ([value]: readonly string[]): string => value ?? '';

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  otlp: { name: 'otlp', tracesPath: '/v1/traces', endpointHint: 'the collector base URL (http://host:4318)', headers: [] },
  mlflow: {
    name: 'mlflow',
    tracesPath: '/v1/traces',
    endpointHint: 'the MLflow tracking URI (http://mlflow-host:5000)',
    headers: [
      { header: 'x-mlflow-experiment-id', env: ['MLFLOW_EXPERIMENT_ID'], value: plain },
      { header: 'authorization', env: ['MLFLOW_TRACKING_TOKEN'], optional: true, value: bearer },
    ],
  },
  langfuse: {
    name: 'langfuse',
    tracesPath: '/api/public/otel/v1/traces',
    defaultEndpoint: (env) => nonEmpty(env['LANGFUSE_HOST']) ?? nonEmpty(env['LANGFUSE_BASE_URL']) ?? 'https://cloud.langfuse.com',
    endpointHint: 'the Langfuse base URL (https://cloud.langfuse.com)',
    headers: [
      {
        header: 'authorization',
        env: ['LANGFUSE_PUBLIC_KEY', 'LANGFUSE_SECRET_KEY'],
        value: ([publicKey, secretKey]) => `Basic ${Buffer.from(`${publicKey ?? ''}:${secretKey ?? ''}`).toString('base64')}`,
      },
    ],
    fixedHeaders: { 'x-langfuse-ingestion-version': '4' },
  },
  braintrust: {
    name: 'braintrust',
    tracesPath: '/otel/v1/traces',
    defaultEndpoint: () => 'https://api.braintrust.dev',
    endpointHint: 'the Braintrust API URL (https://api.braintrust.dev)',
    headers: [
      { header: 'authorization', env: ['BRAINTRUST_API_KEY'], value: bearer },
      // Where the spans land: project_id:<id>, project_name:<name> or experiment_id:<id>.
      { header: 'x-bt-parent', env: ['BRAINTRUST_PARENT'], value: plain },
    ],
  },
  phoenix: {
    name: 'phoenix',
    tracesPath: '/v1/traces',
    defaultEndpoint: (env) => nonEmpty(env['PHOENIX_COLLECTOR_ENDPOINT']) ?? 'http://127.0.0.1:6006',
    endpointHint: 'the Phoenix URL (http://127.0.0.1:6006)',
    headers: [{ header: 'authorization', env: ['PHOENIX_API_KEY'], optional: true, value: bearer }],
  },
  honeycomb: {
    name: 'honeycomb',
    tracesPath: '/v1/traces',
    defaultEndpoint: () => 'https://api.honeycomb.io',
    endpointHint: 'the Honeycomb API URL (https://api.honeycomb.io, or https://api.eu1.honeycomb.io)',
    headers: [
      { header: 'x-honeycomb-team', env: ['HONEYCOMB_API_KEY'], value: plain },
      { header: 'x-honeycomb-dataset', env: ['HONEYCOMB_DATASET'], optional: true, value: plain },
    ],
  },
  datadog: {
    name: 'datadog',
    tracesPath: '/v1/traces',
    defaultEndpoint: (env) => `https://otlp.${nonEmpty(env['DD_SITE']) ?? 'datadoghq.com'}`,
    endpointHint: 'the Datadog OTLP intake (https://otlp.datadoghq.com; DD_SITE picks the site)',
    headers: [{ header: 'dd-api-key', env: ['DD_API_KEY'], value: plain }],
    fixedHeaders: { 'dd-otlp-source': 'llmobs' },
  },
  dynatrace: {
    name: 'dynatrace',
    tracesPath: '/v1/traces',
    endpointHint: 'the environment OTLP URL (https://<env-id>.live.dynatrace.com/api/v2/otlp)',
    headers: [{ header: 'authorization', env: ['DT_API_TOKEN'], value: ([token]) => `Api-Token ${token ?? ''}` }],
  },
};

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
