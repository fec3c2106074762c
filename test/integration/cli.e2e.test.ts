import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { EVENTS_FIXTURE, SAMPLE_LOG } from '../support/fixtures.js';
import { runCli } from '../support/run-cli.js';

describe('otel-tail CLI', () => {
  it('prints the rebuilt traces as a tree when no collector is configured', async () => {
    const result = await runCli(['backfill', SAMPLE_LOG]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('trace 33ed4075bbfd3e5b7e328aadd54a642c');
    expect(result.stdout).toMatch(/└─ invoke_agent helper +\d/);
    expect(result.stdout).toMatch(/chat fake-model .*✗ ERROR: HTTP 429/);
    expect(result.stdout).toMatch(/execute_tool read .*toolu_fake11/);
    expect(result.stderr).toMatch(/otel-tail backfill: 743 lines read, 0 rejected, 11 traces, (\d+) spans printed \(nothing sent\), 0 failed/);
  });

  it('writes OTLP JSON lines with --exporter file', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'otel-tail-cli-')), 'traces.jsonl');
    const result = await runCli(['backfill', '--exporter', 'file', '--output', out, SAMPLE_LOG]);
    expect(result.code).toBe(0);
    const spans = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .flatMap((line) => (JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: unknown[] }[] }[] }).resourceSpans)
      .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans));
    const exported = Number(/(\d+) spans exported/.exec(result.stderr)?.[1]);
    expect(spans).toHaveLength(exported);
  });

  it('exits 1 and says so when the collector refuses the spans', async () => {
    const receiver = await startOtlpReceiver({ failWith: 400 });
    try {
      const result = await runCli(['backfill', '--endpoint', receiver.url, '--export-timeout', '500ms', SAMPLE_LOG]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/0 spans exported, [1-9]\d* failed/);
      expect(result.stderr).toMatch(/export failed: OTLP export to http:\/\/127\.0\.0\.1:\d+\/v1\/traces failed/);
      // Which inputs are left to send, and how.
      expect(result.stderr).toMatch(/[1-9]\d* spans? (was|were) not exported, so the ledger recorded nothing of the input read \(\S*file-log\.jsonl\)\. Run the same command again once http:\/\/127\.0\.0\.1:\d+\/v1\/traces takes spans/);
    } finally {
      await receiver.close();
    }
  });

  it('honours OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, and sends the headers', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const result = await runCli(['backfill', SAMPLE_LOG], {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'gw-prod',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod',
        OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=s3cr3t-value',
      });
      expect(result.code).toBe(0);
      expect(receiver.spans.length).toBeGreaterThan(0);
      expect(new Set(receiver.spans.map((s) => s.resource['service.name']))).toEqual(new Set(['gw-prod']));
      expect(receiver.spans[0]?.resource['deployment.environment']).toBe('prod');
      expect(receiver.requests[0]?.headers['x-api-key']).toBe('s3cr3t-value');
      expect(result.stderr + result.stdout).not.toContain('s3cr3t-value');
    } finally {
      await receiver.close();
    }
  });

  it.each([
    [['backfill', '/nonexistent/openclaw.log'], /\/nonexistent\/openclaw\.log: no such file/],
    [['backfill', '--endpoint', 'localhost:4318', SAMPLE_LOG], /--endpoint: invalid value "localhost:4318"; expected an http:\/\/ or https:\/\/ URL/],
    [['backfill', '--exporter', 'kafka', SAMPLE_LOG], /argument 'kafka' is invalid. Allowed choices are otlp, console, file/],
    [['backfill'], /nothing to read: pass log files, or --journal NAME/],
    [['backfill', '--journal-dir', '/var/log/journal', SAMPLE_LOG], /journalDir\/journalFile: say which stream to read in them with --journal NAME/],
    [['backfill', '--journal', 'gw', '--journalctl', '/nonexistent/journalctl'], /\/nonexistent\/journalctl not found/],
  ])('refuses %j with exit 2 and a message that says what to do', async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it('warns that a secret given as a flag is visible to other users, naming the variable to use, never the value', async () => {
    const result = await runCli(['backfill', '--dry-run', '--headers', 'authorization=Bearer%20argv-s3cret', '--id-salt', 'salt-s3cret', SAMPLE_LOG]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(
      '--headers on the command line can be read by every user of this machine (ps, /proc); pass it in the environment (OTEL_TAIL_HEADERS, OTEL_EXPORTER_OTLP_TRACES_HEADERS, OTEL_EXPORTER_OTLP_HEADERS) or in the --config file instead.',
    );
    expect(result.stderr).toContain('--id-salt on the command line can be read by every user of this machine (ps, /proc); pass it in the environment (OTEL_TAIL_ID_SALT) or in the --config file instead.');
    expect(result.stderr + result.stdout).not.toContain('s3cret');
    const fromEnv = await runCli(['backfill', '--dry-run', SAMPLE_LOG], { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20env-s3cret' });
    expect(fromEnv.stderr).not.toContain('on the command line');
  });

  it('teaches in --help: every option, its environment variable, and examples', async () => {
    const result = await runCli(['backfill', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--endpoint <url>');
    expect(result.stdout).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('Exit status:');
  });
});

function spansOf(path: string): unknown[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .flatMap((line) => (JSON.parse(line) as { resourceSpans: { scopeSpans: { spans: { spanId: string }[] }[] }[] }).resourceSpans)
    .flatMap((rs) => rs.scopeSpans.flatMap((ss) => ss.spans))
    .sort((a, b) => a.spanId.localeCompare(b.spanId));
}

describe('otel-tail backfill of gzip archives', () => {
  it('reads a .gz by its magic bytes, whatever its name, with the same result as the plain file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-gz-'));
    const path = join(dir, 'archive-without-extension');
    writeFileSync(path, gzipSync(readFileSync(SAMPLE_LOG)));
    const plain = await runCli(['backfill', '--exporter', 'file', '--output', join(dir, 'plain.jsonl'), SAMPLE_LOG]);
    const gz = await runCli(['backfill', '--exporter', 'file', '--output', join(dir, 'gz.jsonl'), path]);
    expect(gz.code).toBe(0);
    expect(gz.stderr.split('\n').at(-2)).toBe(plain.stderr.split('\n').at(-2));
    // Same spans; batch boundaries may differ (gunzip yields smaller chunks, so traces are flushed at other points).
    expect(spansOf(join(dir, 'gz.jsonl'))).toEqual(spansOf(join(dir, 'plain.jsonl')));
  });

  it('keeps what a truncated .gz holds, names the file, reads the next file, and exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-tail-gz-'));
    const whole = gzipSync(readFileSync(SAMPLE_LOG));
    const truncated = join(dir, 'truncated.log.gz');
    writeFileSync(truncated, whole.subarray(0, Math.floor(whole.length / 2)));
    const result = await runCli(['backfill', '--exporter', 'file', '--output', join(dir, 'out.jsonl'), truncated, EVENTS_FIXTURE]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not read to the end: .*truncated\.log\.gz: stopped after \d+ lines: unexpected end of file/);
    const read = Number(/(\d+) lines read/.exec(result.stderr)?.[1]);
    expect(read).toBeGreaterThan(53 + 100);
    expect(result.stderr).toMatch(/[1-9]\d* spans exported, 0 failed/);
  });

  it('says what to type when a path is given to the follower without --file', async () => {
    const result = await runCli(['/tmp/openclaw']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'otel-tail: unexpected argument "/tmp/openclaw": to follow it, pass --file /tmp/openclaw; to replay files once, run otel-tail backfill /tmp/openclaw\n',
    );
  });

  it('refuses to follow with a corrupt checkpoint file, naming it and what to do', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-cli-state-'));
    writeFileSync(join(stateDir, 'checkpoints.json'), '{"version":1,');
    const result = await runCli(['--file', mkdtempSync(join(tmpdir(), 'otel-tail-cli-logs-')), '--state-dir', stateDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(stateDir, 'checkpoints.json')}: not valid JSON. Move it aside`);
  });

  it('refuses a state dir it cannot create, naming it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'otel-tail-cli-')), 'not-a-dir');
    writeFileSync(file, '');
    const result = await runCli(['--file', tmpdir(), '--state-dir', join(file, 'state')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`--state-dir ${join(file, 'state')}: cannot create it (ENOTDIR)`);
  });
});
