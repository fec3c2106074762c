import { describe, expect, it } from 'vitest';
import { logsTarget } from '../../../../src/export/logs/logs-target.js';

describe('where log records go', () => {
  it('without a preset: <endpoint>/v1/logs, or the traces URL with /v1/logs; gRPC: the address itself', () => {
    expect(logsTarget({ preset: 'otlp', endpoint: 'http://c:4318/', headers: { a: '1' } }, {})).toEqual({ url: 'http://c:4318/v1/logs', headers: { a: '1' } });
    expect(logsTarget({ preset: 'otlp', tracesEndpoint: 'http://c:4318/x/v1/traces', headers: {} }, {})).toEqual({ url: 'http://c:4318/x/v1/logs', headers: {} });
    expect(logsTarget({ preset: 'otlp', tracesEndpoint: 'http://c:4318/ingest', headers: {} }, {})).toEqual({ error: expect.stringContaining('set --endpoint') });
    expect(logsTarget({ preset: 'otlp', endpoint: 'http://c:4317', headers: {}, protocol: 'grpc' }, {})).toEqual({ url: 'http://c:4317', headers: {} });
  });

  it("with a preset: beside its traces (the vendor's path kept), with the headers its logs intake reads", () => {
    expect(logsTarget({ preset: 'grafana', endpoint: 'https://gw', tracesEndpoint: 'https://gw/otlp/v1/traces', headers: { authorization: 'Basic x' } }, {})).toEqual({
      url: 'https://gw/otlp/v1/logs',
      headers: { authorization: 'Basic x' },
    });
    const datadog = { preset: 'datadog' as const, tracesEndpoint: 'https://otlp.datadoghq.eu/v1/traces', headers: { 'dd-api-key': 'k', 'dd-otlp-source': 'llmobs' } };
    expect(logsTarget(datadog, {})).toEqual({ url: 'https://otlp.datadoghq.eu/v1/logs', headers: { 'dd-api-key': 'k' } });
    const honeycomb = { preset: 'honeycomb' as const, tracesEndpoint: 'https://api.honeycomb.io/v1/traces', headers: { 'x-honeycomb-team': 't', 'x-honeycomb-dataset': 'traces' } };
    expect(logsTarget(honeycomb, { HONEYCOMB_LOGS_DATASET: 'logs' })).toMatchObject({ headers: { 'x-honeycomb-team': 't', 'x-honeycomb-dataset': 'logs' } });
    expect(logsTarget(honeycomb, {})).toEqual({ url: 'https://api.honeycomb.io/v1/logs', headers: { 'x-honeycomb-team': 't' } });
  });

  it('a traces-only backend has no logs target', () => {
    for (const preset of ['langfuse', 'mlflow', 'braintrust', 'phoenix'] as const) {
      expect(logsTarget({ preset, endpoint: 'http://b', tracesEndpoint: 'http://b/v1/traces', headers: {} }, {})).toEqual({ error: expect.stringContaining(`--preset ${preset} cannot take --logs`) });
    }
  });
});
