import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { shiftedSampleLog } from '../support/shifted-sample.js';

const LOG = new URL('../fixtures/openclaw-2026.9.6/file-log.jsonl', import.meta.url).pathname;
const EVENTS = new URL('../fixtures/diagnostic-events.jsonl', import.meta.url).pathname;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

async function sendWith(preset: string, path: string, env: Record<string, string>, extra: string[] = []): Promise<{ spans: ReceivedSpan[]; headers: Record<string, unknown>; path: string; stderr: string }> {
  receiver = await startOtlpReceiver({ path });
  const result = await runCli(['backfill', '--preset', preset, '--endpoint', receiver.url, ...extra, LOG, EVENTS], env);
  expect(result.stderr).not.toContain('Error');
  expect(result.code, result.stderr).toBe(0);
  expect(receiver.errors).toEqual([]);
  const request = receiver.requests[0];
  expect(request).toBeDefined();
  for (const value of Object.values(env)) if (value.length > 8) expect(result.stderr + result.stdout).not.toContain(value);
  return { spans: receiver.spans, headers: request?.headers ?? {}, path: request?.path ?? '', stderr: result.stderr };
}

const byName = (spans: ReceivedSpan[], prefix: string): ReceivedSpan[] => spans.filter((s) => s.name.startsWith(prefix));

describe('--preset', () => {
  // Langfuse: langfuse/langfuse web/src/features/otel/server/attributes.ts (session.id, user.id, langfuse.observation.*),
  // packages/shared/src/server/otel/OtelIngestionProcessor.ts (extractCostDetails); /api/public/otel/v1/traces with Basic auth.
  it('langfuse: its path, Basic auth from the two keys, ingestion version, session/user/observation type, cost', async () => {
    const { spans, headers, path } = await sendWith('langfuse', '/api/public/otel/v1/traces', { LANGFUSE_PUBLIC_KEY: 'pk-lf-public-1234', LANGFUSE_SECRET_KEY: 'sk-lf-secret-5678' });
    expect(path).toBe('/api/public/otel/v1/traces');
    expect(headers['authorization']).toBe(`Basic ${Buffer.from('pk-lf-public-1234:sk-lf-secret-5678').toString('base64')}`);
    expect(headers['x-langfuse-ingestion-version']).toBe('4');
    const model = byName(spans, 'chat ')[0];
    expect(model?.attributes['langfuse.observation.type']).toBe('generation');
    expect(byName(spans, 'execute_tool')[0]?.attributes['langfuse.observation.type']).toBe('tool');
    expect(byName(spans, 'invoke_agent')[0]?.attributes['langfuse.observation.type']).toBe('agent');
    const withSession = spans.filter((s) => s.attributes['session.id'] !== undefined);
    expect(withSession.length).toBeGreaterThan(0);
    for (const span of withSession) expect(span.attributes['session.id']).toMatch(/^[0-9a-f]{16}$/);
    const priced = spans.filter((s) => typeof s.attributes['openclaw.cost.usd'] === 'number' && s.attributes['gen_ai.operation.name'] === 'chat');
    expect(priced.length).toBeGreaterThan(0);
    for (const span of priced) expect(JSON.parse(String(span.attributes['langfuse.observation.cost_details']))).toEqual({ total: span.attributes['openclaw.cost.usd'] });
    // The Telegram DM's peer is the user, hashed like a chat id.
    const users = new Set(spans.map((s) => s.attributes['user.id']).filter((u) => u !== undefined));
    expect(users.size).toBeGreaterThan(0);
    for (const user of users) expect(user).toMatch(/^[0-9a-f]{16}$/);
  });

  // MLflow: mlflow/mlflow mlflow/tracing/otel/translation/__init__.py (translate_loaded_span: gen_ai.operation.name → span type
  // only without mlflow.spanType); its tracking-users-sessions guide (session.id / user.id → trace metadata).
  it('mlflow: /v1/traces under the tracking URI, the experiment header, session.id, no span type over GenAI operations', async () => {
    const { spans, headers, path } = await sendWith('mlflow', '/v1/traces', { MLFLOW_EXPERIMENT_ID: '42' });
    expect(path).toBe('/v1/traces');
    expect(headers['x-mlflow-experiment-id']).toBe('42');
    expect(headers['authorization']).toBeUndefined();
    const withSession = spans.filter((s) => s.attributes['session.id'] !== undefined);
    expect(withSession.length).toBeGreaterThan(0);
    for (const span of spans) {
      expect(Object.keys(span.attributes).filter((key) => key.startsWith('mlflow.trace.'))).toEqual([]);
      if (span.attributes['gen_ai.operation.name'] !== undefined) expect(span.attributes['mlflow.spanType']).toBeUndefined();
    }
  });

  it('mlflow: Basic auth from MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD (a basic-auth tracking server)', async () => {
    const { headers } = await sendWith('mlflow', '/v1/traces', { MLFLOW_EXPERIMENT_ID: '42', MLFLOW_TRACKING_USERNAME: 'tracker-user', MLFLOW_TRACKING_PASSWORD: 'pw-abcdefgh' });
    expect(headers['authorization']).toBe(`Basic ${Buffer.from('tracker-user:pw-abcdefgh').toString('base64')}`);
  });

  it('braintrust: its path, Bearer key, x-bt-parent, span types and token metrics', async () => {
    const { spans, headers, path } = await sendWith('braintrust', '/otel/v1/traces', { BRAINTRUST_API_KEY: 'bt-key-abcdefgh', BRAINTRUST_PARENT: 'project_name:openclaw' });
    expect(path).toBe('/otel/v1/traces');
    expect(headers['authorization']).toBe('Bearer bt-key-abcdefgh');
    expect(headers['x-bt-parent']).toBe('project_name:openclaw');
    const withTokens = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat' && s.attributes['gen_ai.usage.input_tokens'] !== undefined);
    // Braintrust's SDKs send the metrics and span type as JSON objects; time to first token in seconds, from the
    // model call's timeToFirstByteMs (diagnostic events), the GenAI attribute next to it.
    const metrics = JSON.parse(String(withTokens?.attributes['braintrust.metrics'])) as Record<string, number>;
    expect(metrics['prompt_tokens']).toBe(withTokens?.attributes['gen_ai.usage.input_tokens']);
    expect(JSON.parse(String(withTokens?.attributes['braintrust.span_attributes']))).toEqual({ type: 'llm' });
    const ttft = withTokens?.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof ttft).toBe('number');
    expect(metrics['time_to_first_token']).toBe(ttft);
    // The file log's model calls carry no first-token time: none is made up for them.
    for (const span of spans.filter((s) => s.attributes['gen_ai.response.time_to_first_chunk'] === undefined && s.attributes['braintrust.metrics'] !== undefined)) {
      expect(JSON.parse(String(span.attributes['braintrust.metrics']))).not.toHaveProperty('time_to_first_token');
    }
  });

  it("braintrust: time to first token from a real gateway's model calls (the events plugin's timeToFirstByteMs)", async () => {
    receiver = await startOtlpReceiver({ path: '/otel/v1/traces' });
    const plugin = new URL('../fixtures/openclaw-2026.9.6-plugin/', import.meta.url).pathname;
    const result = await runCli(['backfill', '--preset', 'braintrust', '--endpoint', receiver.url, '--events', `${plugin}events`, `${plugin}file-log`], {
      BRAINTRUST_API_KEY: 'bt-key-abcdefgh',
      BRAINTRUST_PARENT: 'project_name:openclaw',
    });
    expect(result.code, result.stderr).toBe(0);
    // The two model calls of the recorded turn: timeToFirstByteMs 109 and 78 (fixture README), in seconds.
    const call = (spanId: string): Record<string, unknown> | undefined => receiver?.spans.find((s) => s.spanId === spanId)?.attributes;
    for (const [spanId, seconds] of [['c4729933fb6875f3', 0.109], ['344fe2c808b14999', 0.078]] as const) {
      expect(call(spanId)?.['gen_ai.response.time_to_first_chunk']).toBe(seconds);
      expect((JSON.parse(String(call(spanId)?.['braintrust.metrics'])) as Record<string, number>)['time_to_first_token']).toBe(seconds);
    }
  });

  it('phoenix: OpenInference attributes next to the GenAI ones', async () => {
    const { spans, headers } = await sendWith('phoenix', '/v1/traces', { PHOENIX_API_KEY: 'phx-key-abcdefgh' });
    expect(headers['authorization']).toBe('Bearer phx-key-abcdefgh');
    const model = spans.find((s) => s.attributes['gen_ai.operation.name'] === 'chat' && s.attributes['gen_ai.usage.input_tokens'] !== undefined);
    expect(model?.attributes).toMatchObject({ 'openinference.span.kind': 'LLM', 'llm.model_name': model?.attributes['gen_ai.request.model'] });
    expect(typeof model?.attributes['llm.token_count.prompt']).toBe('number');
    const tools = byName(spans, 'execute_tool');
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) {
      expect(tool.attributes['tool.name']).toEqual(expect.any(String));
      expect(tool.attributes['tool.name']).toBe(tool.attributes['gen_ai.tool.name']);
    }
    expect(spans.some((s) => typeof s.attributes['session.id'] === 'string')).toBe(true);
  });

  // Phoenix: openinference.project.name as phoenix.otel's register() sets it (a resource attribute); llm.provider from
  // OpenInference's LLMProvider enum (the file log's custom providers fakeoai/fakeant are outside it, so none).
  it('phoenix: PHOENIX_PROJECT_NAME as the openinference.project.name resource attribute; llm.provider only from the OpenInference enum', async () => {
    const { spans } = await sendWith('phoenix', '/v1/traces', { PHOENIX_PROJECT_NAME: 'openclaw-prod' });
    expect(spans.length).toBeGreaterThan(0);
    for (const span of spans) expect(span.resource['openinference.project.name']).toBe('openclaw-prod');
    const providers = new Set(spans.map((s) => s.attributes['llm.provider']).filter((p) => p !== undefined));
    expect([...providers].sort()).toEqual(['anthropic', 'openai']);
    for (const span of spans.filter((s) => String(s.attributes['gen_ai.provider.name']).startsWith('fake'))) expect(span.attributes['llm.provider']).toBeUndefined();
  });

  // Grafana Cloud's OTLP gateway: <gateway>/otlp/v1/traces, Basic auth of instance id and token (its "Send data using
  // OpenTelemetry Protocol" page).
  it('grafana: /otlp/v1/traces under the gateway, Basic instance:token, session.id on every span', async () => {
    receiver = await startOtlpReceiver({ path: '/otlp/v1/traces' });
    const env = { GRAFANA_CLOUD_INSTANCE_ID: '123456', GRAFANA_CLOUD_API_KEY: 'glc_token-abcdefgh' };
    const result = await runCli(['backfill', '--preset', 'grafana', LOG, EVENTS], { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}/otlp` });
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.requests[0]?.path).toBe('/otlp/v1/traces');
    expect(receiver.requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('123456:glc_token-abcdefgh').toString('base64')}`);
    expect(result.stderr + result.stdout).not.toContain('token-abcdefgh');
    const withSession = receiver.spans.filter((s) => s.attributes['session.id'] !== undefined);
    expect(withSession.length).toBeGreaterThan(0);
  });

  // Langfuse's guide sets OTEL_EXPORTER_OTLP_ENDPOINT to <host>/api/public/otel; Braintrust's to https://api.braintrust.dev/otel.
  it.each([
    ['langfuse', '/api/public/otel', '/api/public/otel/v1/traces', { LANGFUSE_PUBLIC_KEY: 'pk-lf-1', LANGFUSE_SECRET_KEY: 'sk-lf-1' }],
    ['braintrust', '/otel', '/otel/v1/traces', { BRAINTRUST_API_KEY: 'bt-1', BRAINTRUST_PARENT: 'project_name:gw' }],
  ])('%s: OTEL_EXPORTER_OTLP_ENDPOINT at the documented base (%s) is not doubled', async (preset, base, path, env) => {
    receiver = await startOtlpReceiver({ path });
    const result = await runCli(['backfill', '--preset', preset, LOG], { ...env, OTEL_EXPORTER_OTLP_ENDPOINT: `${receiver.url}${base}` });
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) expect(request.path).toBe(path);
  });

  it('plain otlp: session.id beside gen_ai.conversation.id, so a Collector forwarding to Langfuse still groups sessions', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, LOG, EVENTS]);
    expect(result.code, result.stderr).toBe(0);
    const withConversation = receiver.spans.filter((s) => s.attributes['gen_ai.conversation.id'] !== undefined);
    expect(withConversation.length).toBeGreaterThan(0);
    for (const span of receiver.spans) if (span.attributes['session.id'] !== undefined) expect(span.attributes['session.id']).toMatch(/^[0-9a-f]{16}$/);
    expect(receiver.spans.filter((s) => s.attributes['session.id'] !== undefined).length).toBeGreaterThanOrEqual(withConversation.length);
  });

  it.each(['mlflow', 'langfuse', 'braintrust', 'phoenix'])('%s: --genai-metrics on is refused (traces-only backend) unless the metrics go elsewhere', async (preset) => {
    const result = await runCli(['validate', '--preset', preset, '--endpoint', 'http://127.0.0.1:9', '--genai-metrics', 'on'], {
      MLFLOW_EXPERIMENT_ID: '1',
      LANGFUSE_PUBLIC_KEY: 'pk',
      LANGFUSE_SECRET_KEY: 'sk',
      BRAINTRUST_API_KEY: 'bt',
      BRAINTRUST_PARENT: 'project_name:gw',
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`genaiMetrics: "on" with preset "${preset}": that backend takes no OTLP metrics`);
    const elsewhere = await runCli(['validate', '--preset', preset, '--endpoint', 'http://127.0.0.1:9', '--genai-metrics', 'on', '--metrics-endpoint', 'http://127.0.0.1:9/v1/metrics'], {
      MLFLOW_EXPERIMENT_ID: '1',
      LANGFUSE_PUBLIC_KEY: 'pk',
      LANGFUSE_SECRET_KEY: 'sk',
      BRAINTRUST_API_KEY: 'bt',
      BRAINTRUST_PARENT: 'project_name:gw',
    });
    expect(elsewhere.code, elsewhere.stderr + elsewhere.stdout).toBe(0);
  });

  it('honeycomb: team header; conversation id, agent name and operation on agent spans', async () => {
    const { spans, headers } = await sendWith('honeycomb', '/v1/traces', { HONEYCOMB_API_KEY: 'hc-key-abcdefgh' });
    expect(headers['x-honeycomb-team']).toBe('hc-key-abcdefgh');
    const agent = byName(spans, 'invoke_agent')[0];
    expect(agent?.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': agent?.attributes['gen_ai.agent.id'] });
    expect(agent?.attributes['gen_ai.conversation.id']).toMatch(/^[0-9a-f]{16}$/);
  });

  it('datadog: API key and the LLM Observability source header', async () => {
    const { headers } = await sendWith('datadog', '/v1/traces', { DD_API_KEY: 'dd-key-abcdefgh' });
    expect(headers['dd-api-key']).toBe('dd-key-abcdefgh');
    expect(headers['dd-otlp-source']).toBe('llmobs');
  });

  it('dynatrace: Api-Token authorization over protobuf, to <environment>/api/v2/otlp/v1/traces', async () => {
    // Dynatrace takes spans that ended in the last hour only (dynatrace-age.e2e.test.ts): the sample, moved to 10 minutes ago.
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-preset-dt-'));
    const log = join(dir, 'recent.log');
    writeFileSync(log, `${shiftedSampleLog(Date.now() - 10 * 60_000).join('\n')}\n`);
    receiver = await startOtlpReceiver({ path: '/api/v2/otlp/v1/traces' });
    const result = await runCli(['backfill', '--preset', 'dynatrace', '--endpoint', `${receiver.url}/api/v2/otlp`, log], { DT_API_TOKEN: 'dt0c01.token-abcdefgh' });
    rmSync(dir, { recursive: true, force: true });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('skipped');
    expect(receiver.requests[0]?.path).toBe('/api/v2/otlp/v1/traces');
    expect(receiver.requests[0]?.headers['authorization']).toBe('Api-Token dt0c01.token-abcdefgh');
    expect(receiver.requests[0]?.contentType).toBe('application/x-protobuf');
    expect(receiver.spans.length).toBeGreaterThan(0);
    expect(result.stderr + result.stdout).not.toContain('token-abcdefgh');
  });

  it.each([
    ['langfuse', 'LANGFUSE_SECRET_KEY', { LANGFUSE_PUBLIC_KEY: 'pk-lf-public-1234', LANGFUSE_SECRET_KEY: '' }],
    ['mlflow', 'MLFLOW_EXPERIMENT_ID', {}],
    ['braintrust', 'BRAINTRUST_API_KEY', { BRAINTRUST_PARENT: 'project_name:gw' }],
    ['honeycomb', 'HONEYCOMB_API_KEY', {}],
    ['datadog', 'DD_API_KEY', {}],
    ['dynatrace', 'DT_API_TOKEN', {}],
  ])('%s: a missing secret fails at start-up naming %s, before anything is read or sent', async (preset, variable, env) => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--preset', preset, '--endpoint', receiver.url, LOG], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(variable);
    expect(result.stderr).not.toContain('pk-lf-public-1234');
    expect(receiver.requests).toEqual([]);
  });

  it('mlflow without an endpoint says what --endpoint is for it', async () => {
    const result = await runCli(['backfill', '--preset', 'mlflow', LOG], { MLFLOW_EXPERIMENT_ID: '1' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MLflow tracking URI');
  });

  // Each preset's credentials as a backend might echo them: the raw key, the token after the scheme, Basic auth decoded.
  it.each([
    ['honeycomb', '/v1/traces', { HONEYCOMB_API_KEY: 'hc-s3cr3t-never-printed' }],
    ['braintrust', '/otel/v1/traces', { BRAINTRUST_API_KEY: 'bt-s3cr3t-never-printed', BRAINTRUST_PARENT: 'project_name:gw' }],
    ['langfuse', '/api/public/otel/v1/traces', { LANGFUSE_PUBLIC_KEY: 'pk-lf-s3cr3t-public', LANGFUSE_SECRET_KEY: 'sk-lf-s3cr3t-never-printed' }],
    ['dynatrace', '/v1/traces', { DT_API_TOKEN: 'dt0c01.s3cr3t-never-printed' }],
  ])('%s: prints no secret when the backend refuses and echoes its headers and the bare credentials', async (preset, path, env) => {
    receiver = await startOtlpReceiver({
      path,
      failWith: 400,
      errorBody: (req) => {
        const authorization = req.headers['authorization'];
        const [scheme = '', credential = ''] = String(authorization ?? '').split(' ');
        const bare =
          authorization === undefined ? String(req.headers['x-honeycomb-team'])
          : scheme.toLowerCase() === 'basic' ? Buffer.from(credential, 'base64').toString('utf8')
          : credential;
        // The padding puts the bare credential across the first 200 characters, where an echoed body used to be cut.
        return `${'x'.repeat(190)} invalid credentials ${bare} ${JSON.stringify(req.headers)}`;
      },
    });
    const log = join(mkdtempSync(join(tmpdir(), 'otel-tail-echo-')), 'recent.log');
    // Recent enough for Dynatrace's 60-minute limit.
    writeFileSync(log, `${shiftedSampleLog(Date.now() - 10 * 60_000).join('\n')}\n`);
    const result = await runCli(['backfill', '--preset', preset, '--endpoint', receiver.url, '--export-timeout', '2s', log], env);
    rmSync(dirname(log), { recursive: true, force: true });
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid credentials [redacted]');
    expect(result.stderr + result.stdout).not.toContain('s3cr3t');
  }, 30_000);
});
