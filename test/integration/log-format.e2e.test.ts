import { describe, expect, it } from 'vitest';
import { metricsBase, waitForLinesRead } from '../support/daemon-metrics.js';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * Our own lines: JSON (one object per line: time, level, msg, fields) when standard error is not a
 * terminal and nothing says otherwise, `otel-tail: message` text when asked. The test helpers set
 * OTEL_TAIL_LOG_FORMAT=text; these tests unset it (auto) or set the flag.
 */

const AUTO = { OTEL_TAIL_LOG_FORMAT: '' };

const startReceiver = cleanUpAfterEach();

function jsonLines(stderr: string): Record<string, unknown>[] {
  const lines = stderr.split('\n').filter((line) => line !== '');
  expect(lines.length).toBeGreaterThan(0);
  return lines.map((line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    expect(Object.keys(parsed).slice(0, 3), line).toEqual(['time', 'level', 'msg']);
    expect(['info', 'warn', 'error']).toContain(parsed['level']);
    expect(Number.isNaN(Date.parse(parsed['time'] as string))).toBe(false);
    return parsed;
  });
}

describe('--log-format', () => {
  it('auto on a pipe: every line of a backfill is one JSON object, the summary with its figures', async () => {
    const r = await startReceiver();
    const result = await runCli(['backfill', '--endpoint', r.url, SAMPLE_LOG], AUTO);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stderr);
    const summary = lines.find((line) => typeof line['msg'] === 'string' && line['msg'].startsWith('otel-tail backfill: '));
    expect(summary, result.stderr).toMatchObject({ level: 'info', linesRead: 743, spansExported: r.spans.length, spansFailed: 0 });
  });

  it('says a configuration error as a JSON line at level error; the flag asks for text', async () => {
    const json = await runCli(['backfill', '--max-batch-spans', '0', SAMPLE_LOG], AUTO);
    expect(json.code).toBe(2);
    const [line] = jsonLines(json.stderr);
    expect(line).toMatchObject({ level: 'error', msg: '--max-batch-spans: invalid value "0"; expected a whole number greater than 0.' });

    const text = await runCli(['backfill', '--log-format', 'text', '--max-batch-spans', '0', SAMPLE_LOG], { OTEL_TAIL_LOG_FORMAT: 'json' });
    expect(text.code).toBe(2);
    expect(text.stderr).toBe('otel-tail: --max-batch-spans: invalid value "0"; expected a whole number greater than 0.\n');
  });

  it('a follower under a service manager (stderr a pipe): its start, stop and summary lines are JSON', async () => {
    const r = await startReceiver();
    const daemon = new FollowDaemon(['--file', SAMPLE_LOG, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', r.url, '--metrics-listen', '127.0.0.1:0'], AUTO);
    const base = await metricsBase(daemon);
    await daemon.waitForStderr(/"msg":"following /);
    await r.waitForSpans(1, 15_000);
    // Stopped once everything is read: a stop while reading would leave lines unread (and the summary short).
    await waitForLinesRead(daemon, base, 743);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    const lines = jsonLines(daemon.stderr);
    expect(lines.map((line) => line['msg'])).toContainEqual(expect.stringMatching(/^SIGTERM: stopping/));
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: expect.stringMatching(/^otel-tail stopped: /) as unknown, linesRead: 743 });
  }, 30_000);
});
