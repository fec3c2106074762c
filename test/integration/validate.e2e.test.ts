import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'otel-tail-validate-')), 'otel-tail.yaml');
  writeFileSync(path, text);
  return path;
}

/** The `from` column of one key in validate's table. */
function originOf(stdout: string, key: string): string | undefined {
  const row = stdout.split('\n').find((line) => line.trimStart().startsWith(`${key} `));
  return row?.trim().split(/\s{2,}/)[2];
}

function valueOf(stdout: string, key: string): string | undefined {
  const row = stdout.split('\n').find((line) => line.trimStart().startsWith(`${key} `));
  return row?.trim().split(/\s{2,}/)[1];
}

describe('otel-tail validate', () => {
  it('shows the defaults a run here would use (the log directory, the state dir, where the salt is kept), not (unset)', async () => {
    const xdg = mkdtempSync(join(tmpdir(), 'otel-tail-validate-'));
    const result = await runCli(['validate'], { XDG_STATE_HOME: xdg, TMPDIR: xdg, OTEL_TAIL_ID_SALT: '' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toMatch(/^\s+(file|stateDir|idSalt)\s+\(unset\)/m);
    expect(valueOf(result.stdout, 'file')).toMatch(/^\/tmp\/openclaw\/ \(|openclaw-\d+\/ \(/);
    expect([valueOf(result.stdout, 'stateDir'), originOf(result.stdout, 'stateDir')]).toEqual([join(xdg, 'otel-tail'), 'default']);
    expect(valueOf(result.stdout, 'idSalt')).toBe(`(generated once in ${join(xdg, 'otel-tail', 'id-salt')})`);
  });

  it('prints each value and where it came from (flag > env > file > default), secrets hidden, exit 0', async () => {
    const file = configFile('journal: openclaw-gateway\ngrace: 2s\nserviceName: from-file\nmaxBatchSpans: 100\n');
    const result = await runCli(['validate', '--config', file, '--max-batch-spans', '50'], {
      OTEL_TAIL_SERVICE_NAME: 'from-env',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20s3cret',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`the config is valid (config file ${file})`);
    expect([valueOf(result.stdout, 'journal'), originOf(result.stdout, 'journal')]).toEqual(['openclaw-gateway', `file ${file}`]);
    expect([valueOf(result.stdout, 'grace'), originOf(result.stdout, 'grace')]).toEqual(['2s', `file ${file}`]);
    expect([valueOf(result.stdout, 'serviceName'), originOf(result.stdout, 'serviceName')]).toEqual(['from-env', 'env OTEL_TAIL_SERVICE_NAME']);
    expect([valueOf(result.stdout, 'maxBatchSpans'), originOf(result.stdout, 'maxBatchSpans')]).toEqual(['50', 'flag --max-batch-spans']);
    expect([valueOf(result.stdout, 'endpoint'), originOf(result.stdout, 'endpoint')]).toEqual(['http://127.0.0.1:4318', 'env OTEL_EXPORTER_OTLP_ENDPOINT']);
    expect([valueOf(result.stdout, 'headers'), originOf(result.stdout, 'headers')]).toEqual(['authorization=<hidden>', 'env OTEL_EXPORTER_OTLP_HEADERS']);
    expect([valueOf(result.stdout, 'idleTimeout'), originOf(result.stdout, 'idleTimeout')]).toEqual(['2m', 'default']);
    expect(result.stdout).not.toContain('s3cret');
  });

  it('takes the config file from OTEL_TAIL_CONFIG', async () => {
    const file = configFile('journal: gw\n');
    const result = await runCli(['validate'], { OTEL_TAIL_CONFIG: file });
    expect(result.code).toBe(0);
    expect(originOf(result.stdout, 'journal')).toBe(`file ${file}`);
  });

  it('prints every problem, naming key, value and what is allowed, and exits 2', async () => {
    const file = configFile('endpiont: http://127.0.0.1:4318\nmaxLineBytes: -1\nfrom: start\n');
    const result = await runCli(['validate', '--config', file, '--grace', 'soon'], { OTEL_TAIL_JOURNL: 'gw', OTEL_EXPORTER_OTLP_HEADERS: 's3cret-without-equals' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`otel-tail: --config ${file}: unknown key "endpiont" (did you mean "endpoint"?); known keys: file, `);
    expect(result.stderr).toContain(`otel-tail: maxLineBytes in ${file}: invalid value -1; expected a whole number greater than 0.`);
    expect(result.stderr).toContain(`otel-tail: from in ${file}: invalid value "start"; expected one of end, beginning.`);
    expect(result.stderr).toContain('otel-tail: --grace: invalid value "soon"; expected a duration');
    expect(result.stderr).toContain('otel-tail: OTEL_TAIL_JOURNL: unknown variable (did you mean OTEL_TAIL_JOURNAL?)');
    expect(result.stderr).toContain('otel-tail: OTEL_EXPORTER_OTLP_HEADERS: invalid value <hidden>');
    expect(result.stderr).not.toContain('s3cret');
    expect(result.stderr).toMatch(/otel-tail validate: 6 problems; nothing was started\.\n$/);
  });

  it('takes preset: from the config file, and says the preset made the URL and headers (from which variables)', async () => {
    const file = configFile('preset: honeycomb\n');
    const result = await runCli(['validate', '--config', file], { HONEYCOMB_API_KEY: 'hc-key-never-shown' });
    expect(result.code, result.stderr).toBe(0);
    expect(valueOf(result.stdout, 'preset')).toBe('honeycomb');
    expect(valueOf(result.stdout, 'tracesEndpoint')).toBe('https://api.honeycomb.io/v1/traces');
    expect(originOf(result.stdout, 'tracesEndpoint')).toBe('preset honeycomb');
    expect(originOf(result.stdout, 'headers')).toBe('preset honeycomb (HONEYCOMB_API_KEY)');
    expect(result.stdout + result.stderr).not.toContain('hc-key-never-shown');
  });

  it('refuses what the follower would refuse: GenAI metrics with nowhere to go, a bad listen address', async () => {
    const file = configFile('genaiMetrics: "on"\nmetricsListen: nonsense\n');
    const result = await runCli(['validate', '--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('otel-tail: genaiMetrics: "on" needs an OTLP endpoint');
    expect(result.stderr).toContain(`otel-tail: metricsListen in ${file}: invalid value "nonsense"; expected host:port`);
    const install = await runCli(['service', 'install', '--dry-run', '--config', file]);
    expect(install.code).toBe(2);
  });

  it('the follower refuses the same config at start-up, with the same messages', async () => {
    const file = configFile('maxLineBytes: lots\n');
    const result = await runCli(['--config', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`otel-tail: maxLineBytes in ${file}: invalid value "lots"; expected a whole number greater than 0.`);
  });
});
