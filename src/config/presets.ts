/**
 * Backends as one-word choices (`--preset NAME`): where traces go, the
 * headers each one needs, and the attribute dialect its UI reads. Secrets
 * come only from the named environment variables, never from argv or the
 * config file, and their values are never printed.
 */
export const PRESET_NAMES = ['otlp', 'mlflow', 'langfuse', 'braintrust', 'phoenix', 'honeycomb', 'datadog', 'dynatrace', 'grafana'] as const;

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
  /**
   * What the backend takes of OTLP metrics (--genai-metrics): the aggregation temporality it wants, or
   * `none` when it has no OTLP metrics intake (then --genai-metrics needs a --metrics-endpoint elsewhere).
   */
  metrics: 'cumulative' | 'delta' | 'none';
  /** A resource attribute the backend reads, from an optional variable (Phoenix's project). */
  resourceFromEnv?: { attribute: string; env: string };
  /** Whether the backend takes OTLP log records (--logs), and how; or why not, with the vendor's word for it. */
  logs: PresetLogs;
}

/**
 * A backend that takes OTLP logs gets them at its traces URL with `/v1/logs` for `/v1/traces`
 * (every vendor here documents its OTLP base URL once for all signals), with the traces' headers
 * less `withoutHeaders` (headers that mean something for spans only) plus `headers` (what its logs
 * intake reads besides). One that does not is refused at start-up: `instead` says what to do.
 */
export type PresetLogs =
  | { takes: true; withoutHeaders?: readonly string[]; headers?: readonly PresetHeader[] }
  | { takes: false; why: string; instead: string };

/** What an operator of a traces-only backend can do with the log records. */
const LOGS_ELSEWHERE = 'run without --logs (logs: off), or send to an OpenTelemetry Collector (--preset otlp --endpoint http://collector:4318) that forwards the traces there and the logs to a logs backend';

const bearer = ([token]: readonly string[]): string => `Bearer ${token ?? ''}`;
const basic = ([user, secret]: readonly string[]): string => `Basic ${Buffer.from(`${user ?? ''}:${secret ?? ''}`).toString('base64')}`;
const plain = ([value]: readonly string[]): string => value ?? '';

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  otlp: { name: 'otlp', tracesPath: '/v1/traces', endpointHint: 'the collector base URL (http://host:4318)', headers: [], metrics: 'cumulative', logs: { takes: true } },
  mlflow: {
    name: 'mlflow',
    tracesPath: '/v1/traces',
    endpointHint: 'the MLflow tracking URI (http://mlflow-host:5000)',
    headers: [
      { header: 'x-mlflow-experiment-id', env: ['MLFLOW_EXPERIMENT_ID'], value: plain },
      // A tracking server run with --app-name basic-auth takes MLflow's own client variables; a token wins over them.
      { header: 'authorization', env: ['MLFLOW_TRACKING_USERNAME', 'MLFLOW_TRACKING_PASSWORD'], optional: true, value: basic },
      { header: 'authorization', env: ['MLFLOW_TRACKING_TOKEN'], optional: true, value: bearer },
    ],
    metrics: 'none',
    // mlflow.org/docs/latest/genai/tracing/opentelemetry/ingest: "MLflow Server exposes an OTLP endpoint at /v1/traces"; no logs or metrics intake.
    logs: { takes: false, why: 'the MLflow tracking server takes OTLP traces only (/v1/traces)', instead: LOGS_ELSEWHERE },
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
        value: basic,
      },
    ],
    fixedHeaders: { 'x-langfuse-ingestion-version': '4' },
    metrics: 'none',
    // langfuse.com/faq/all/opentelemetry-logs-metrics-span-links: "Langfuse ingests traces only ... Logs: No. There is no logs endpoint."
    logs: { takes: false, why: 'Langfuse ingests OTLP traces only: it has no logs endpoint', instead: LOGS_ELSEWHERE },
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
    metrics: 'none',
    // braintrust.dev/docs/kb/ingest-otlp-log-records-into-braintrust: "Braintrust's OTLP intake accepts traces, not OTLP logs ...
    // does not provide an OTLP logs endpoint such as /v1/logs" (log records must be turned into spans first).
    logs: { takes: false, why: "Braintrust's OTLP intake accepts traces, not logs (it has no /otel/v1/logs)", instead: LOGS_ELSEWHERE },
  },
  phoenix: {
    name: 'phoenix',
    tracesPath: '/v1/traces',
    defaultEndpoint: (env) => nonEmpty(env['PHOENIX_COLLECTOR_ENDPOINT']) ?? 'http://127.0.0.1:6006',
    endpointHint: 'the Phoenix URL (http://127.0.0.1:6006)',
    headers: [{ header: 'authorization', env: ['PHOENIX_API_KEY'], optional: true, value: bearer }],
    // The project Phoenix files the traces under, as phoenix.otel's register() sets it: a resource attribute.
    resourceFromEnv: { attribute: 'openinference.project.name', env: 'PHOENIX_PROJECT_NAME' },
    metrics: 'none',
    // arize.com/docs/phoenix/learn/tracing/how-tracing-works: "The phoenix server is collector of traces over OTLP"; its OTLP
    // endpoints are /v1/traces (HTTP) and the gRPC trace service (arize.com/docs/phoenix/.../what-is-my-phoenix-endpoint).
    logs: { takes: false, why: 'Phoenix collects OTLP traces only (/v1/traces)', instead: LOGS_ELSEWHERE },
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
    metrics: 'cumulative',
    // docs.honeycomb.io/send-data/logs/opentelemetry/sdk, .../destinations/honeycomb: logs over OTLP to /v1/logs; their dataset is
    // x-honeycomb-dataset, else the service.name resource attribute (beside the spans). HONEYCOMB_DATASET is the traces' (Classic).
    logs: { takes: true, withoutHeaders: ['x-honeycomb-dataset'], headers: [{ header: 'x-honeycomb-dataset', env: ['HONEYCOMB_LOGS_DATASET'], optional: true, value: plain }] },
  },
  datadog: {
    name: 'datadog',
    tracesPath: '/v1/traces',
    defaultEndpoint: (env) => `https://otlp.${nonEmpty(env['DD_SITE']) ?? 'datadoghq.com'}`,
    endpointHint: 'the Datadog OTLP intake (https://otlp.datadoghq.com; DD_SITE picks the site)',
    headers: [{ header: 'dd-api-key', env: ['DD_API_KEY'], value: plain }],
    fixedHeaders: { 'dd-otlp-source': 'llmobs' },
    // Datadog's OTLP metrics intake wants delta temporality.
    metrics: 'delta',
    // docs.datadoghq.com/opentelemetry/setup/otlp_ingest/logs: OTLP/HTTP protobuf to https://otlp.<site>/v1/logs with dd-api-key.
    // dd-otlp-source: llmobs routes spans to LLM Observability; it is not sent with the logs.
    logs: { takes: true, withoutHeaders: ['dd-otlp-source'] },
  },
  dynatrace: {
    name: 'dynatrace',
    tracesPath: '/v1/traces',
    endpointHint: 'the environment OTLP URL (https://<env-id>.live.dynatrace.com/api/v2/otlp)',
    headers: [{ header: 'authorization', env: ['DT_API_TOKEN'], value: ([token]) => `Api-Token ${token ?? ''}` }],
    // Dynatrace's OTLP metrics ingest refuses cumulative sums and histograms.
    metrics: 'delta',
    // Dynatrace's OTLP API takes logs at <environment>/api/v2/otlp/v1/logs (the token needs the logs.ingest scope).
    logs: { takes: true },
  },
  grafana: {
    name: 'grafana',
    // Grafana Cloud's OTLP gateway: https://otlp-gateway-<zone>.grafana.net/otlp, then /v1/traces.
    tracesPath: '/otlp/v1/traces',
    endpointHint: "the stack's OTLP gateway (https://otlp-gateway-prod-<zone>.grafana.net, from the stack's OpenTelemetry page)",
    headers: [{ header: 'authorization', env: ['GRAFANA_CLOUD_INSTANCE_ID', 'GRAFANA_CLOUD_API_KEY'], value: basic }],
    metrics: 'cumulative',
    // The OTLP gateway takes all three signals: /otlp/v1/logs goes to the stack's Loki.
    logs: { takes: true },
  },
};

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
