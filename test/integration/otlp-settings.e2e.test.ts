import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

const LOG = new URL('../fixtures/openclaw-2026.9.6/file-log.jsonl', import.meta.url).pathname;

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

// The OpenTelemetry specification's exporter settings (protocol/exporter.md, sdk-environment-variables.md), end to end.
describe('OTLP exporter settings, end to end', () => {
  it('OTEL_EXPORTER_OTLP_COMPRESSION=gzip: gzipped protobuf the receiver decodes, every span of the sample', async () => {
    receiver = await startOtlpReceiver();
    const plain = await runCli(['backfill', '--endpoint', receiver.url, LOG]);
    expect(plain.code, plain.stderr).toBe(0);
    const plainSpans = receiver.spans.length;
    // On 127.0.0.1, auto sends it uncompressed.
    expect(receiver.requests.every((r) => r.headers['content-encoding'] === undefined)).toBe(true);
    await receiver.close();
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, LOG], { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' });
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.errors).toEqual([]);
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) expect(request.headers['content-encoding']).toBe('gzip');
    expect(receiver.spans.length).toBe(plainSpans);
  });

  it('service.name from OTEL_RESOURCE_ATTRIBUTES when OTEL_SERVICE_NAME is unset', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, LOG], { OTEL_RESOURCE_ATTRIBUTES: 'service.name=gw-eu-1,deployment.environment.name=prod' });
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.spans.length).toBeGreaterThan(0);
    for (const span of receiver.spans) expect(span.resource).toMatchObject({ 'service.name': 'gw-eu-1', 'deployment.environment.name': 'prod' });
  });

  it('the scope says which conventions the attributes follow (schema URL of semantic-conventions-genai)', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, LOG]);
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.requests[0]?.body.toString('latin1')).toContain('https://opentelemetry.io/schemas/gen-ai/1.42.0');
  });

  it('OTEL_SDK_DISABLED=true: exit 2 naming it, nothing read or sent', async () => {
    receiver = await startOtlpReceiver();
    const result = await runCli(['backfill', '--endpoint', receiver.url, LOG], { OTEL_SDK_DISABLED: 'true' });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('OTEL_SDK_DISABLED=true');
    expect(receiver.requests).toEqual([]);
  });
});
