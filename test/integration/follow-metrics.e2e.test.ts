import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENTS_FIXTURE, SAMPLE_LOG } from '../support/fixtures.js';
import { FollowDaemon, tempDir } from '../support/follow-daemon.js';
import { type OtlpReceiver, startOtlpReceiver } from '../support/otlp-receiver.js';
import { runCli } from '../support/run-cli.js';
import { cleanUpAfterEach } from '../support/e2e-cleanup.js';

/**
 * --metrics-listen: the counters a Prometheus scrape sees while following the real sample match
 * what a backfill of the same file reports, and /healthz follows the collector down and back up.
 */

const startReceiver = cleanUpAfterEach();
const receiverOn = (port?: number): Promise<OtlpReceiver> => startReceiver(port === undefined ? {} : { port });

async function startMonitored(follow: string, endpoint: string, extra: readonly string[] = []): Promise<{ daemon: FollowDaemon; base: string }> {
  const daemon = new FollowDaemon([
    '--file', follow,
    '--from', 'beginning',
    '--state-dir', tempDir('state'),
    '--endpoint', endpoint,
    '--metrics-listen', '127.0.0.1:0',
    ...extra,
  ]);
  const match = await daemon.waitForStderr(/self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/);
  await daemon.waitForStderr(/otel-tail: following /);
  return { daemon, base: match[1] as string };
}

/** The value of one sample (`name` or `name{labels}` exactly as rendered) in a scrape; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function scrape(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

async function healthz(base: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${base}/healthz`);
  return { status: res.status, body: await res.text() };
}

describe('otel-tail --metrics-listen', () => {
  it('reports counters that match a backfill of the same file', async () => {
    const reference = await receiverOn();
    const backfill = await runCli(['backfill', '--endpoint', reference.url, SAMPLE_LOG]);
    expect(backfill.code, backfill.stderr).toBe(0);
    const summary = /(\d+) lines read, (\d+) rejected, (\d+) traces, (\d+) spans exported, (\d+) failed/.exec(backfill.stderr);
    expect(summary, backfill.stderr).not.toBeNull();
    const [linesRead, rejected, traces, spans] = (summary as RegExpExecArray).slice(1, 5).map(Number) as [number, number, number, number];
    expect(spans).toBeGreaterThan(0);

    const receiver = await receiverOn();
    const { daemon, base } = await startMonitored(SAMPLE_LOG, receiver.url);
    await receiver.waitForSpans(spans, 15_000);
    let text = '';
    const deadline = Date.now() + 10_000;
    // Spans reach the receiver before the exporter's answer is counted, and checkpoints are written each second.
    for (;;) {
      text = await scrape(base);
      if (sample(text, 'otel_tail_spans_exported_total') === spans && sample(text, `otel_tail_checkpoint_lag_bytes{source="${SAMPLE_LOG}"}`) === 0) break;
      if (Date.now() > deadline) throw new Error(`counters did not settle; last scrape:\n${text}\nstderr:\n${daemon.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sample(text, 'otel_tail_lines_read_total')).toBe(linesRead);
    expect(sample(text, 'otel_tail_records_total')).toBe(linesRead - rejected);
    expect(sample(text, 'otel_tail_traces_emitted_total')).toBe(traces);
    expect(sample(text, 'otel_tail_spans_exported_total')).toBe(receiver.spans.length);
    expect(sample(text, 'otel_tail_spans_failed_total')).toBe(0);
    expect(sample(text, 'otel_tail_traces_open')).toBe(0);
    expect(sample(text, 'otel_tail_export_requests_total{outcome="failure"}')).toBe(0);
    expect(sample(text, 'otel_tail_export_duration_seconds_count')).toBe(sample(text, 'otel_tail_export_requests_total{outcome="success"}'));
    expect(sample(text, `otel_tail_checkpoint_lag_seconds{source="${SAMPLE_LOG}"}`)).toBe(0);
    expect(text).toContain('# TYPE otel_tail_lines_read_total counter');
    expect(text).toContain('# HELP otel_tail_lines_read_total ');
    expect(text).toContain('# TYPE otel_tail_export_duration_seconds histogram');
    expect(text).toContain('otel_tail_export_duration_seconds_bucket{le="+Inf"}');
    expect(await healthz(base)).toEqual({ status: 200, body: 'ok\n' });
  });

  it('counts rejected lines by reason, diagnostic events and evictions of a known input', async () => {
    const dir = tempDir('metrics-input');
    const log = join(dir, 'openclaw-2026-11-21.log');
    // The sample, then one line of each unusable kind: invalid JSON, binary (a NUL byte), over --max-line-bytes.
    writeFileSync(log, `${readFileSync(SAMPLE_LOG, 'utf8')}{"0":"cut short\n{"0":"a\u0000b"}\n{"0":"${'x'.repeat(1024 * 1024)}"}\n`);
    const events = join(dir, 'events.jsonl');
    copyFileSync(EVENTS_FIXTURE, events);
    const eventCount = readFileSync(EVENTS_FIXTURE, 'utf8').split('\n').filter((line) => line !== '').length;

    const receiver = await receiverOn();
    const { daemon, base } = await startMonitored(log, receiver.url, ['--events', events, '--max-open-traces', '1']);
    const sampleLines = readFileSync(SAMPLE_LOG, 'utf8').split('\n').filter((line) => line !== '').length;
    let text = '';
    for (const deadline = Date.now() + 15_000; ; ) {
      text = await scrape(base);
      if (sample(text, 'otel_tail_lines_read_total') === sampleLines + 3 + eventCount) break;
      if (Date.now() > deadline) throw new Error(`lines not read; last scrape:\n${text}\nstderr:\n${daemon.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(sample(text, 'otel_tail_lines_rejected_total{reason="invalid_json"}')).toBe(1);
    expect(sample(text, 'otel_tail_lines_rejected_total{reason="binary"}')).toBe(1);
    expect(sample(text, 'otel_tail_lines_rejected_total{reason="too_long"}')).toBe(1);
    expect(sample(text, 'otel_tail_events_total')).toBe(eventCount);
    // One open trace at a time: the sample's overlapping traces push each other out.
    expect(sample(text, 'otel_tail_traces_evicted_total')).toBeGreaterThan(0);
    // Their later lines are not dropped: they send the spans they add.
    expect(sample(text, 'otel_tail_traces_reopened_total')).toBeGreaterThan(0);
    expect(sample(text, 'otel_tail_clock_outliers_total')).toBe(0);
    expect(text).toMatch(/^otel_tail_lines_amended_after_export_total \d+$/m);
  });

  it('turns /healthz unhealthy while the collector is down and healthy again once it is back', async () => {
    const probe = await startOtlpReceiver();
    await probe.close();
    const port = Number(new URL(probe.url).port);
    const { base } = await startMonitored(SAMPLE_LOG, probe.url, ['--export-timeout', '500ms', '--unhealthy-after', '1s']);

    let health = await healthz(base);
    const downBy = Date.now() + 15_000;
    while (health.status !== 503) {
      if (Date.now() > downBy) throw new Error(`/healthz stayed ${health.status} ${health.body}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      health = await healthz(base);
    }
    expect(health.body).toMatch(/^unhealthy: exports have been failing for \d+s: .*ECONNREFUSED/);
    const down = await scrape(base);
    expect(sample(down, 'otel_tail_exporter_failing')).toBe(1);
    expect(sample(down, 'otel_tail_export_requests_total{outcome="failure"}')).toBeGreaterThan(0);
    expect(sample(down, 'otel_tail_export_retried_spans_total')).toBeGreaterThan(0);
    // Retried, not given up: nothing failed for good while the collector is only down.
    expect(sample(down, 'otel_tail_spans_failed_total')).toBe(0);
    expect(sample(down, 'otel_tail_spans_exported_total')).toBe(0);

    const receiver = await receiverOn(port);
    const upBy = Date.now() + 20_000;
    while (health.status !== 200) {
      if (Date.now() > upBy) throw new Error(`/healthz stayed ${health.status} ${health.body}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      health = await healthz(base);
    }
    expect(health.body).toBe('ok\n');
    const up = await scrape(base);
    expect(sample(up, 'otel_tail_exporter_failing')).toBe(0);
    expect(receiver.spans.length).toBeGreaterThan(0);
  });

  it('refuses a --metrics-listen address it cannot use, naming it', async () => {
    const busy = await receiverOn();
    const address = busy.url.replace('http://', '');
    const daemon = new FollowDaemon(['--file', SAMPLE_LOG, '--state-dir', tempDir('state'), '--endpoint', busy.url, '--metrics-listen', address]);
    const exit = await daemon.waitForExit();
    expect(exit.code).toBe(2);
    expect(daemon.stderr).toContain(`--metrics-listen ${address}: cannot listen there (EADDRINUSE)`);
  });
});
