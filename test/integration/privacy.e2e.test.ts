import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedRequest } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';

const LOG = new URL('../fixtures/openclaw-2026.9.6/file-log.jsonl', import.meta.url).pathname;
const EVENTS = new URL('../fixtures/diagnostic-events.jsonl', import.meta.url).pathname;

/** Every session key the sample holds (`agent:<id>:...`), as written. */
const RAW_SESSION_KEYS = [...new Set([LOG, EVENTS].flatMap((path) => readFileSync(path, 'utf8').match(/agent:[A-Za-z0-9_.-]+(?::[A-Za-z0-9_.+-]+)*/g) ?? []))];

let receiver: OtlpReceiver | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function stateHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-tail-privacy-'));
  dirs.push(dir);
  return dir;
}

function bodyBytes(request: ReceivedRequest): Buffer {
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(request.body) : request.body;
}

async function backfill(args: string[], env: Record<string, string>): Promise<OtlpReceiver> {
  await receiver?.close();
  receiver = await startOtlpReceiver();
  const result = await runCli(['backfill', '--endpoint', receiver.url, ...args, LOG, EVENTS], env);
  expect(result.code, result.stderr).toBe(0);
  expect(receiver.spans.length).toBeGreaterThan(50);
  return receiver;
}

/** Hashed session key per trace id (every span of a trace carries the same session). */
function sessionKeysByTrace(r: OtlpReceiver): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const span of r.spans) if (span.attributes['openclaw.session.key'] !== undefined) out.set(span.traceId, span.attributes['openclaw.session.key']);
  return out;
}

describe('privacy by default', () => {
  it('the sample really holds session keys with a phone-like peer id', () => {
    expect(RAW_SESSION_KEYS).toContain('agent:ops:telegram:direct:48213377');
  });

  it('sends no raw session key, peer id or session id in any byte under the default (hash)', async () => {
    const r = await backfill([], { XDG_STATE_HOME: stateHome(), OTEL_TAIL_ID_SALT: '' });
    const bytes = Buffer.concat(r.requests.map(bodyBytes)).toString('latin1');
    for (const key of RAW_SESSION_KEYS) expect(bytes).not.toContain(key);
    expect(bytes).not.toContain('48213377');
    expect(bytes).not.toContain('0d52d58a-7abd-4dde-bc2a-0983e04377ba');
    expect(bytes).not.toContain('agent:');
    const hashed = [...sessionKeysByTrace(r).values()];
    expect(hashed.length).toBeGreaterThan(5);
    for (const value of hashed) expect(value).toMatch(/^[0-9a-f]{16}$/);
  });

  it('hashes stay the same across runs (salt kept in the state dir) and differ with another salt', async () => {
    const home = stateHome();
    // No configured salt: the one generated in the state dir at the first run is reused by the second.
    const first = sessionKeysByTrace(await backfill(['--force'], { XDG_STATE_HOME: home, OTEL_TAIL_ID_SALT: '' }));
    const second = sessionKeysByTrace(await backfill(['--force'], { XDG_STATE_HOME: home, OTEL_TAIL_ID_SALT: '' }));
    expect(second).toEqual(first);
    expect(readFileSync(join(home, 'otel-tail', 'id-salt'), 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    const salted = sessionKeysByTrace(await backfill([], { XDG_STATE_HOME: stateHome(), OTEL_TAIL_ID_SALT: 'another-salt' }));
    expect([...salted.keys()].sort()).toEqual([...first.keys()].sort());
    for (const [trace, value] of salted) expect(value).not.toBe(first.get(trace));
  }, 30_000);

  it('--session-ids raw --chat-ids raw sends them as they are; omit sends none', async () => {
    const raw = await backfill(['--session-ids', 'raw', '--chat-ids', 'raw'], { XDG_STATE_HOME: stateHome() });
    expect(raw.spans.some((s) => s.attributes['openclaw.session.key'] === 'agent:ops:telegram:direct:48213377')).toBe(true);
    const omitted = await backfill(['--session-ids', 'omit', '--chat-ids', 'omit'], { XDG_STATE_HOME: stateHome() });
    expect(omitted.spans.filter((s) => s.attributes['openclaw.session.key'] !== undefined || s.attributes['gen_ai.conversation.id'] !== undefined)).toEqual([]);
    expect(Buffer.concat(omitted.requests.map(bodyBytes)).toString('latin1')).not.toContain('48213377');
  }, 30_000);

  it('--redact masks matches in span attributes and span-event attributes', async () => {
    const r = await backfill(['--redact', 'gpt-5\\.1', '--redact', 'fake upstream \\w+'], { XDG_STATE_HOME: stateHome() });
    const bytes = Buffer.concat(r.requests.map(bodyBytes)).toString('latin1');
    expect(bytes).not.toContain('gpt-5.1');
    expect(bytes).not.toContain('fake upstream exploded');
    expect(r.spans.some((s) => s.attributes['gen_ai.request.model'] === '[REDACTED]')).toBe(true);
    const eventValues = r.spans.flatMap((s) => s.events.flatMap((e) => Object.values(e.attributes)));
    expect(eventValues.some((v) => typeof v === 'string' && v.includes('[REDACTED]'))).toBe(true);
  });

  it('--redact masks the resource too: the host name from the log and the configured attributes', async () => {
    const r = await backfill(['--redact', '^vm$', '--redact', 'team-\\d+', '--resource-attributes', 'team=team-42,deployment.environment.name=prod'], { XDG_STATE_HOME: stateHome() });
    // The log's spans carry host.name; the events file names no host.
    const resources = [...new Set(r.spans.map((s) => JSON.stringify(s.resource)))].map((text) => JSON.parse(text) as Record<string, unknown>);
    expect(resources.filter((resource) => 'host.name' in resource)).toEqual([expect.objectContaining({ 'host.name': '[REDACTED]' })]);
    for (const resource of resources) expect(resource).toMatchObject({ team: '[REDACTED]', 'deployment.environment.name': 'prod' });
    expect(Buffer.concat(r.requests.map(bodyBytes)).toString('latin1')).not.toContain('team-42');
  });

  it('--capture-content warns at start-up; an invalid --redact is a configuration error', async () => {
    const warned = await runCli(['backfill', '--dry-run', '--capture-content', LOG]);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toContain('--capture-content is on');
    const bad = await runCli(['backfill', '--redact', '(unclosed', LOG]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--redact "(unclosed"');
  });

  it('--semconv openclaw names spans as the diagnostics-otel plugin does', async () => {
    const r = await backfill(['--semconv', 'openclaw'], { XDG_STATE_HOME: stateHome() });
    const names = new Set(r.spans.map((s) => s.name));
    for (const name of ['openclaw.model.call', 'openclaw.tool.execution', 'openclaw.run', 'openclaw.harness.run']) expect(names).toContain(name);
    expect([...names].some((name) => name.startsWith('chat ') || name.startsWith('execute_tool'))).toBe(false);
  });
});
