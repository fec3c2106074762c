import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { shiftedSampleLog } from '../support/shifted-sample.js';

const RECORDS = 743;

let receiver: OtlpReceiver | undefined;
let dir: string | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The sample moved to 10 minutes ago (Dynatrace takes spans of the last hour only), in a temp dir with its own state. */
function recentSample(): { log: string; state: string } {
  dir = mkdtempSync(join(tmpdir(), 'otel-tail-preset-logs-'));
  const log = join(dir, 'recent.log');
  writeFileSync(log, `${shiftedSampleLog(Date.now() - 10 * 60_000).join('\n')}\n`);
  return { log, state: join(dir, 'state') };
}

describe('--logs with a preset', () => {
  // Sources for each backend's logs intake are next to its `logs` entry in src/config/presets.ts.
  it.each([
    ['datadog', '', '/v1/traces', '/v1/logs', { DD_API_KEY: 'dd-key-abcdefgh' }, { 'dd-api-key': 'dd-key-abcdefgh' }, ['dd-otlp-source']],
    ['dynatrace', '/api/v2/otlp', '/api/v2/otlp/v1/traces', '/api/v2/otlp/v1/logs', { DT_API_TOKEN: 'dt0c01.token-abcdefgh' }, { authorization: 'Api-Token dt0c01.token-abcdefgh' }, []],
    [
      'grafana',
      '/otlp',
      '/otlp/v1/traces',
      '/otlp/v1/logs',
      { GRAFANA_CLOUD_INSTANCE_ID: '123456', GRAFANA_CLOUD_API_KEY: 'glc_token-abcdefgh' },
      { authorization: `Basic ${Buffer.from('123456:glc_token-abcdefgh').toString('base64')}` },
      [],
    ],
    [
      'honeycomb',
      '',
      '/v1/traces',
      '/v1/logs',
      { HONEYCOMB_API_KEY: 'hc-key-abcdefgh', HONEYCOMB_DATASET: 'gateway-traces', HONEYCOMB_LOGS_DATASET: 'gateway-logs' },
      { 'x-honeycomb-team': 'hc-key-abcdefgh', 'x-honeycomb-dataset': 'gateway-logs' },
      [],
    ],
  ] as const)('%s: every record to its logs path beside the traces, with the headers its logs intake reads', async (preset, base, tracesPath, logsPath, env, logHeaders, notOnLogs) => {
    receiver = await startOtlpReceiver({ path: tracesPath, logsPath });
    const { log, state } = recentSample();
    const result = await runCli(['backfill', '--logs', '--preset', preset, '--endpoint', `${receiver.url}${base}`, log], { ...env, XDG_STATE_HOME: state });
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.errors).toEqual([]);
    expect(receiver.spans.length).toBeGreaterThan(0);
    expect(receiver.logs).toHaveLength(RECORDS);
    expect(receiver.logRequests.length).toBeGreaterThan(0);
    for (const request of receiver.logRequests) {
      expect(request.path).toBe(logsPath);
      expect(request.headers).toMatchObject(logHeaders);
      for (const name of notOnLogs) expect(request.headers[name]).toBeUndefined();
    }
    // The traces keep their own headers (Honeycomb Classic's traces dataset, Datadog's LLM Observability source).
    if (preset === 'honeycomb') expect(receiver.requests[0]?.headers['x-honeycomb-dataset']).toBe('gateway-traces');
    if (preset === 'datadog') expect(receiver.requests[0]?.headers['dd-otlp-source']).toBe('llmobs');
    expect(result.stderr + result.stdout).not.toContain('abcdefgh');
  });

  it('honeycomb without HONEYCOMB_LOGS_DATASET: no dataset header on the logs (Honeycomb files them under service.name)', async () => {
    receiver = await startOtlpReceiver();
    const { log, state } = recentSample();
    const result = await runCli(['backfill', '--logs', '--preset', 'honeycomb', '--endpoint', receiver.url, log], { HONEYCOMB_API_KEY: 'hc-key-abcdefgh', HONEYCOMB_DATASET: 'gateway-traces', XDG_STATE_HOME: state });
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.logs).toHaveLength(RECORDS);
    for (const request of receiver.logRequests) expect(request.headers['x-honeycomb-dataset']).toBeUndefined();
  });

  // Langfuse: langfuse.com/faq/all/opentelemetry-logs-metrics-span-links ("Logs: No. There is no logs endpoint.");
  // MLflow: mlflow.org/docs/latest/genai/tracing/opentelemetry/ingest (an OTLP endpoint at /v1/traces);
  // Braintrust: braintrust.dev/docs/kb/ingest-otlp-log-records-into-braintrust ("accepts traces, not OTLP logs");
  // Phoenix: arize.com/docs/phoenix/learn/tracing/how-tracing-works ("collector of traces over OTLP").
  it.each([
    ['langfuse', 'Langfuse', { LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-1' }],
    ['mlflow', 'MLflow', { MLFLOW_EXPERIMENT_ID: '42' }],
    ['braintrust', 'Braintrust', { BRAINTRUST_API_KEY: 'bt-1', BRAINTRUST_PARENT: 'project_name:gw' }],
    ['phoenix', 'Phoenix', {}],
  ])('%s takes no OTLP logs: refused at start-up (exit 2), naming the preset and what to do, before anything is sent', async (preset, backend, env) => {
    receiver = await startOtlpReceiver();
    const { log, state } = recentSample();
    const result = await runCli(['backfill', '--logs', '--preset', preset, '--endpoint', receiver.url, log], { ...env, XDG_STATE_HOME: state });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--preset ${preset} cannot take --logs`);
    expect(result.stderr).toContain(backend);
    expect(result.stderr).toContain('without --logs');
    expect(result.stderr).toContain('OpenTelemetry Collector');
    expect(receiver.requests).toEqual([]);
    expect(receiver.logRequests).toEqual([]);
    // validate says the same as the run (logs: on from the environment, as a service would set it).
    const validate = await runCli(['validate', '--preset', preset, '--endpoint', receiver.url], { ...env, OTEL_TAIL_LOGS: 'true' });
    expect(validate.code).toBe(2);
    expect(validate.stderr).toContain(`--preset ${preset} cannot take --logs`);
  });
});
