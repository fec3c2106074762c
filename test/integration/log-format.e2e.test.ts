import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForLinesRead } from '../support/daemon-metrics.js';
import { SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * Our own lines: `otel-tail: message` text for one-shot commands and on terminals; JSON (one object
 * per line: time, level, msg, fields) for the follower under journald (JOURNAL_STREAM naming its
 * stderr) or when asked. The test helpers set OTEL_TAIL_LOG_FORMAT=text; these tests unset it
 * (auto) or set the flag.
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
  it('auto: a one-shot command is text, even on a pipe under journald', async () => {
    const r = await startReceiver();
    const result = await runCli(['backfill', '--endpoint', r.url, SAMPLE_LOG], { ...AUTO, JOURNAL_STREAM: '8:1234' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/^otel-tail backfill: 743 lines read, 0 rejected, 11 traces, \d+ spans exported, 0 failed$/m);
    expect(result.stderr).not.toContain('{"time"');
  });

  it('--log-format json: every line of a backfill is one JSON object, the summary with its figures', async () => {
    const r = await startReceiver();
    const result = await runCli(['backfill', '--log-format', 'json', '--endpoint', r.url, SAMPLE_LOG], AUTO);
    expect(result.code, result.stderr).toBe(0);
    const lines = jsonLines(result.stderr);
    const summary = lines.find((line) => typeof line['msg'] === 'string' && line['msg'].startsWith('otel-tail backfill: '));
    expect(summary, result.stderr).toMatchObject({ level: 'info', linesRead: 743, spansExported: r.spans.length, spansFailed: 0 });
  });

  it("says a configuration error, and commander's own errors, as JSON lines at level error when asked; the flag asks for text", async () => {
    const json = await runCli(['backfill', '--max-batch-spans', '0', SAMPLE_LOG], { OTEL_TAIL_LOG_FORMAT: 'json' });
    expect(json.code).toBe(2);
    const [line] = jsonLines(json.stderr);
    expect(line).toMatchObject({ level: 'error', msg: '--max-batch-spans: invalid value "0"; expected a whole number greater than 0.' });

    const text = await runCli(['backfill', '--log-format', 'text', '--max-batch-spans', '0', SAMPLE_LOG], { OTEL_TAIL_LOG_FORMAT: 'json' });
    expect(text.code).toBe(2);
    expect(text.stderr).toBe('otel-tail: --max-batch-spans: invalid value "0"; expected a whole number greater than 0.\n');

    // An unknown flag is commander's error: in the same format as ours, pointing to the command's own help.
    const unknown = await runCli(['backfill', '--log-format', 'json', '--endpont', 'http://127.0.0.1:4318', SAMPLE_LOG], AUTO);
    expect(unknown.code).toBe(2);
    const lines = jsonLines(unknown.stderr);
    expect(lines[0]).toMatchObject({ level: 'error', msg: expect.stringContaining("unknown option '--endpont'") as unknown });
    expect(lines.map((entry) => entry['msg']).join('\n')).toContain('(run otel-tail backfill --help for usage)');
    const plain = await runCli(['backfill', '--endpont', 'http://127.0.0.1:4318', SAMPLE_LOG], AUTO);
    expect(plain.stderr).toBe("error: unknown option '--endpont'\n(Did you mean --endpoint?)\n(run otel-tail backfill --help for usage)\n");
  });

  it('a follower on a pipe that is not the journal (JOURNAL_STREAM inherited, naming another stream) writes text', async () => {
    const r = await startReceiver();
    const daemon = new FollowDaemon(['--file', SAMPLE_LOG, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', r.url], { ...AUTO, JOURNAL_STREAM: '8:1234' });
    await daemon.waitForStderr(/^otel-tail: following /m);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000), daemon.stderr).toEqual({ code: 0, signal: null });
    expect(daemon.stderr).not.toContain('{"time"');
  }, 30_000);

  it('a follower under journald (JOURNAL_STREAM names its stderr): its lines are JSON, each with the priority journald files it at', async () => {
    const r = await startReceiver();
    // journald hands the service a stream whose device:inode it puts in JOURNAL_STREAM; a file stands in for it.
    const journal = join(tempDir('journal'), 'stderr');
    const fd = openSync(journal, 'w');
    const { dev, ino } = fstatSync(fd);
    const daemon = new FollowDaemon(
      // A header given as a flag is warned about: a warning to find by priority.
      ['--file', SAMPLE_LOG, '--from', 'beginning', '--state-dir', tempDir('state'), '--endpoint', r.url, '--metrics-listen', '127.0.0.1:0', '--headers', 'x-test=1'],
      { ...AUTO, JOURNAL_STREAM: `${dev}:${ino}` },
      fd,
    );
    closeSync(fd);
    const base = await daemon.waitUntil(() => /self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(readFileSync(journal, 'utf8'))?.[1], 10_000, 'the metrics address in the journal file');
    await r.waitForSpans(1, 15_000);
    // Stopped once everything is read: a stop while reading would leave lines unread (and the summary short).
    await waitForLinesRead(daemon, base, 743);
    daemon.signal('SIGTERM');
    expect(await daemon.waitForExit(10_000)).toEqual({ code: 0, signal: null });
    // Each line starts with the syslog priority journald files it at (sd-daemon's <N>, taken off by journald).
    const priorities: Record<string, string> = { error: '<3>', warn: '<4>', info: '<6>' };
    const raw = readFileSync(journal, 'utf8').split('\n').filter((line) => line !== '');
    const lines = jsonLines(raw.map((line) => line.slice(3)).join('\n'));
    lines.forEach((line, i) => expect(raw[i]?.slice(0, 3)).toBe(priorities[line['level'] as string]));
    expect(raw.filter((line) => line.startsWith('<4>{') && line.includes('--headers on the command line'))).toHaveLength(1);
    expect(lines.map((line) => line['msg'])).toContainEqual(expect.stringMatching(/^following /));
    expect(lines.map((line) => line['msg'])).toContainEqual(expect.stringMatching(/^SIGTERM: stopping/));
    expect(lines.at(-1)).toMatchObject({ level: 'info', msg: expect.stringMatching(/^otel-tail stopped: /) as unknown, linesRead: 743 });
  }, 30_000);
});
