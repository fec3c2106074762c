import { describe, expect, it } from 'vitest';
import { EVENTS_FIXTURE } from '../support/fixtures.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import type { ReceivedMetric, ReceivedSpan } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * --genai-metrics on: while following, GenAI metrics derived from the spans reach a real OTLP/HTTP
 * receiver (/v1/metrics, protobuf) with the conventions' names, units, attributes and advised
 * buckets, and their values add up to what the exported spans carry.
 */

const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];

const startReceiver = cleanUpAfterEach();

/** The last export of each metric: temporality is cumulative, so it holds the totals. */
function latest(metrics: readonly ReceivedMetric[]): Map<string, ReceivedMetric> {
  const out = new Map<string, ReceivedMetric>();
  for (const metric of metrics) out.set(metric.name, metric);
  return out;
}

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const inference = (spans: readonly ReceivedSpan[]): ReceivedSpan[] => spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'chat');

describe('otel-tail --genai-metrics on', () => {
  it('sends token usage, durations, time to first chunk, cost, tool and agent-run durations derived from the spans', async () => {
    const reference = await startReceiver();
    const backfill = await runCli(['backfill', '--endpoint', reference.url, EVENTS_FIXTURE]);
    expect(backfill.code, backfill.stderr).toBe(0);
    const receiver = await startReceiver();
    const daemon = new FollowDaemon([
      '--file', EVENTS_FIXTURE, '--from', 'beginning', '--state-dir', tempDir('state'),
      '--endpoint', receiver.url, '--genai-metrics', 'on', '--metrics-interval', '300ms',
    ]);
    await daemon.waitForStderr(new RegExp(`GenAI metrics → ${receiver.metricsUrl} every 0.3s`));
    await receiver.waitForSpans(reference.spans.length, 10_000);
    const chats = inference(receiver.spans);
    expect(chats.length).toBeGreaterThan(0);
    const tools = receiver.spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'execute_tool');
    const runs = receiver.spans.filter((s) => s.attributes['gen_ai.operation.name'] === 'invoke_agent');
    const inputTokens = chats.reduce((n, s) => n + num(s.attributes['gen_ai.usage.input_tokens']), 0);
    const outputTokens = chats.reduce((n, s) => n + num(s.attributes['gen_ai.usage.output_tokens']), 0);
    const cost = chats.reduce((n, s) => n + num(s.attributes['openclaw.cost.usd']), 0);
    expect(inputTokens).toBeGreaterThan(0);

    await receiver.waitForMetrics((received) => {
      const tokens = latest(received).get('gen_ai.client.token.usage');
      return tokens !== undefined && tokens.points.reduce((n, p) => n + (p.sum ?? 0), 0) === inputTokens + outputTokens;
    }, 10_000);
    const byName = latest(receiver.metrics);
    expect(receiver.errors).toEqual([]);

    const tokens = byName.get('gen_ai.client.token.usage') as ReceivedMetric;
    expect(tokens).toMatchObject({ type: 'histogram', unit: '{token}', scope: 'otel-tail' });
    expect(tokens.resource['service.name']).toBe('openclaw-gateway');
    const input = tokens.points.filter((p) => p.attributes['gen_ai.token.type'] === 'input');
    const output = tokens.points.filter((p) => p.attributes['gen_ai.token.type'] === 'output');
    expect(input.reduce((n, p) => n + (p.sum ?? 0), 0)).toBe(inputTokens);
    expect(output.reduce((n, p) => n + (p.sum ?? 0), 0)).toBe(outputTokens);
    for (const point of tokens.points) {
      expect(point.explicitBounds).toEqual(TOKEN_BUCKETS);
      expect(point.attributes['gen_ai.operation.name']).toBe('chat');
      expect(typeof point.attributes['gen_ai.provider.name']).toBe('string');
      expect(typeof point.attributes['gen_ai.request.model']).toBe('string');
    }
    const chatModels = new Set(chats.map((s) => s.attributes['gen_ai.request.model']));
    expect(new Set(tokens.points.map((p) => p.attributes['gen_ai.request.model']))).toEqual(new Set([...chatModels].filter((m) => chats.some((s) => s.attributes['gen_ai.request.model'] === m && s.attributes['gen_ai.usage.input_tokens'] !== undefined))));

    const duration = byName.get('gen_ai.client.operation.duration') as ReceivedMetric;
    expect(duration).toMatchObject({ type: 'histogram', unit: 's' });
    const complete = chats.filter((s) => s.attributes['openclaw.span.incomplete'] !== true);
    expect(duration.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(complete.length);
    expect(duration.points.reduce((n, p) => n + (p.sum ?? 0), 0)).toBeCloseTo(complete.reduce((n, s) => n + (s.endMs - s.startMs) / 1000, 0), 6);
    for (const point of duration.points) expect(point.explicitBounds).toEqual(DURATION_BUCKETS);
    const failedChats = chats.filter((s) => s.status.code === 2);
    expect(duration.points.filter((p) => p.attributes['error.type'] !== undefined).reduce((n, p) => n + (p.count ?? 0), 0)).toBe(failedChats.length);

    // The fixture's model calls carry their cost: the sum must be there and add up.
    expect(cost).toBeGreaterThan(0);
    const costMetric = byName.get('openclaw.cost.usd') as ReceivedMetric;
    expect(costMetric).toMatchObject({ type: 'sum', unit: '{USD}', isMonotonic: true });
    expect(costMetric.points.reduce((n, p) => n + (p.value ?? 0), 0)).toBeCloseTo(cost, 9);
    // The conventions' histograms (semantic-conventions-genai model/gen-ai/metrics.yaml) in place of our own counters:
    // their count is the number of tool calls and agent runs, their sum the time spent.
    const whole = (spans: readonly ReceivedSpan[]): ReceivedSpan[] => spans.filter((s) => s.attributes['openclaw.span.incomplete'] !== true);
    expect(byName.has('openclaw.tool.calls')).toBe(false);
    expect(byName.has('openclaw.agent.runs')).toBe(false);
    const toolDuration = byName.get('gen_ai.execute_tool.duration') as ReceivedMetric;
    expect(toolDuration).toMatchObject({ type: 'histogram', unit: 's' });
    expect(toolDuration.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(whole(tools).length);
    expect(toolDuration.points.reduce((n, p) => n + (p.sum ?? 0), 0)).toBeCloseTo(whole(tools).reduce((n, s) => n + (s.endMs - s.startMs) / 1000, 0), 6);
    for (const point of toolDuration.points) expect(point.attributes).toMatchObject({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': expect.any(String), 'gen_ai.tool.type': 'function' });
    const agentDuration = byName.get('gen_ai.invoke_agent.duration') as ReceivedMetric;
    expect(agentDuration).toMatchObject({ type: 'histogram', unit: 's' });
    expect(agentDuration.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(whole(runs).length);
    for (const point of agentDuration.points) expect(typeof point.attributes['gen_ai.agent.name']).toBe('string');
    // Per-agent tokens and cost (openclaw/openclaw#24079): every token and cost point names its agent.
    for (const point of [...tokens.points, ...costMetric.points]) expect(typeof point.attributes['gen_ai.agent.name']).toBe('string');
    const streamed = whole(chats).filter((s) => s.attributes['gen_ai.request.stream'] === true && typeof s.attributes['gen_ai.response.time_to_first_chunk'] === 'number');
    expect(streamed.length).toBeGreaterThan(0);
    const firstChunk = byName.get('gen_ai.client.operation.time_to_first_chunk') as ReceivedMetric;
    expect(firstChunk).toMatchObject({ type: 'histogram', unit: 's' });
    expect(firstChunk.points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(streamed.length);
    expect(firstChunk.points.reduce((n, p) => n + (p.sum ?? 0), 0)).toBeCloseTo(streamed.reduce((n, s) => n + num(s.attributes['gen_ai.response.time_to_first_chunk']), 0), 9);
  });

  // Datadog's OTLP metrics intake prefers delta, Dynatrace's takes nothing else; other backends get the SDK's cumulative.
  it.each([
    ['datadog', 'delta', { DD_API_KEY: 'dd-key-abcdefgh' }],
    ['otlp', 'cumulative', {}],
  ] as const)('preset %s: metrics go with %s temporality', async (preset, temporality, env) => {
    const receiver = await startReceiver();
    const daemon = new FollowDaemon(
      ['--file', EVENTS_FIXTURE, '--from', 'beginning', '--state-dir', tempDir('state'), '--preset', preset, '--endpoint', receiver.url, '--genai-metrics', 'on', '--metrics-interval', '300ms'],
      env,
    );
    await daemon.waitForStderr(/GenAI metrics → /);
    await receiver.waitForMetrics((received) => received.some((m) => m.name === 'gen_ai.client.operation.duration'), 10_000);
    const withTemporality = receiver.metrics.filter((m) => m.type !== 'gauge');
    expect(withTemporality.length).toBeGreaterThan(0);
    for (const metric of withTemporality) expect(metric.temporality, metric.name).toBe(temporality);
  });

  it('backfill offers no metrics flags; given genaiMetrics by the environment (or a shared config), it says once that it does not send metrics, and sends none', async () => {
    const receiver = await startReceiver();
    const flag = await runCli(['backfill', '--endpoint', receiver.url, '--genai-metrics', 'on', EVENTS_FIXTURE]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("unknown option '--genai-metrics'");
    const result = await runCli(['backfill', '--endpoint', receiver.url, EVENTS_FIXTURE], { OTEL_TAIL_GENAI_METRICS: 'on' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr.match(/genaiMetrics: not sent by backfill/g)).toHaveLength(1);
    expect(receiver.spans.length).toBeGreaterThan(0);
    expect(receiver.metrics).toEqual([]);
  });
});
