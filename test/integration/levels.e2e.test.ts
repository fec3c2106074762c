import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { EVENTS_FIXTURE, SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * Every failure is said at level warn or error, never info: a journal filtered by priority
 * (journalctl -p warning) must show each of them. Read as JSON lines, where the level is a field.
 */

const startReceiver = cleanUpAfterEach();

const JSON_LOG = { OTEL_TAIL_LOG_FORMAT: 'json' };

interface Line {
  level: string;
  msg: string;
}

function lines(stderr: string): Line[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Line);
}

/** The one line whose message matches, and its level. */
function levelOf(stderr: string, pattern: RegExp): string {
  const found = lines(stderr).filter((line) => pattern.test(line.msg));
  expect(found, `${String(pattern)} in\n${stderr}`).toHaveLength(1);
  return (found[0] as Line).level;
}

/** A port nothing listens on: connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('levels of what otel-tail says', () => {
  it('a collector that refuses connections: "export failed … ECONNREFUSED" at error, the summary with failed spans at warn', async () => {
    const port = await closedPort();
    const result = await runCli(['backfill', '--endpoint', `http://127.0.0.1:${port}`, '--export-timeout', '500ms', SAMPLE_LOG], JSON_LOG);
    expect(result.code).toBe(1);
    expect(levelOf(result.stderr, /^export failed: .*ECONNREFUSED/)).toBe('error');
    expect(levelOf(result.stderr, /^otel-tail backfill: .* 0 spans exported, [1-9]\d* failed/)).toBe('warn');
    // Nothing that says a failure is at info.
    expect(lines(result.stderr).filter((line) => line.level === 'info' && /fail|refused|not exported/i.test(line.msg))).toEqual([]);
  });

  it('a truncated .gz: "could not read to the end" and the inputs not read to their end at error, the summary at warn', async () => {
    const dir = tempDir('levels');
    const truncated = join(dir, 'truncated.log.gz');
    const whole = gzipSync(readFileSync(SAMPLE_LOG));
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await runCli(['backfill', '--exporter', 'file', '--output', join(dir, 'out.jsonl'), truncated], JSON_LOG);
    expect(result.code).toBe(1);
    expect(levelOf(result.stderr, /^could not read to the end: .*truncated\.log\.gz/)).toBe('error');
    expect(levelOf(result.stderr, /^these inputs were not read to their end/)).toBe('error');
    expect(levelOf(result.stderr, /^otel-tail backfill: /)).toBe('warn');
  });

  it('an output that cannot be written: "writing OTLP/JSON to … failed" at error', async () => {
    const result = await runCli(['backfill', '--exporter', 'file', '--output', '/dev/full', SAMPLE_LOG], JSON_LOG);
    expect(result.code).toBe(1);
    expect(levelOf(result.stderr, /writing OTLP\/JSON to \/dev\/full failed: ENOSPC/)).toBe('error');
    expect(levelOf(result.stderr, /^otel-tail backfill: /)).toBe('warn');
  });

  it('input with nothing of OpenClaw in it: the hint is a warning at least', async () => {
    const file = join(tempDir('levels'), 'nginx.log');
    writeFileSync(file, '{"remote_addr":"10.0.0.1","request":"GET / HTTP/1.1","status":200}\n'.repeat(3));
    const result = await runCli(['backfill', file], JSON_LOG);
    expect(['warn', 'error']).toContain(levelOf(result.stderr, /neither OpenClaw records nor diagnostic events/));
  });

  it('a bad line is a warning, named by file and line; a clean run says its summary at info', async () => {
    const file = join(tempDir('levels'), 'openclaw-2026-11-21.log');
    const sample = readFileSync(SAMPLE_LOG, 'utf8').split('\n').filter((line) => line !== '');
    writeFileSync(file, [...sample.slice(0, 10), '{"truncated": ', ...sample.slice(10)].join('\n') + '\n');
    const result = await runCli(['backfill', file], JSON_LOG);
    expect(result.code).toBe(0);
    expect(levelOf(result.stderr, new RegExp(`^skipped invalid_json lines; the first was ${file}:11`))).toBe('warn');
    const clean = await runCli(['backfill', SAMPLE_LOG], JSON_LOG);
    expect(levelOf(clean.stderr, /^otel-tail backfill: 743 lines read/)).toBe('info');
  });

  it('a follower whose GenAI metrics cannot be sent says so once, at warn (the SDK alone would only tell its quiet diag logger)', async () => {
    const receiver = await startReceiver();
    const port = await closedPort();
    const daemon = new FollowDaemon(
      ['--file', EVENTS_FIXTURE, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', receiver.url, '--genai-metrics', 'on', '--metrics-interval', '300ms', '--metrics-endpoint', `http://127.0.0.1:${port}/v1/metrics`],
      JSON_LOG,
    );
    await daemon.waitForStderr(/GenAI metrics export to http:\/\/127\.0\.0\.1:\d+\/v1\/metrics failed/, 15_000);
    daemon.signal('SIGTERM');
    await daemon.waitForExit(10_000);
    expect(levelOf(daemon.stderr, /^GenAI metrics export to .* failed: .*ECONNREFUSED/)).toBe('warn');
  }, 30_000);
});
