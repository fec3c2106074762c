import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/model/input-errors.js';
import { resolveConfig, resolveConfigWithOrigins, unknownTailVariables } from '../../../src/config/resolve-config.js';

/** A key resolveConfig copies through without ResolvedConfig naming it (the monitoring ones). */
function resolvedKey(config: ReturnType<typeof resolveConfig>, key: string): unknown {
  return (config as unknown as Record<string, unknown>)[key];
}

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'otel-tail-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

describe('resolveConfig', () => {
  it('defaults to the console exporter with no endpoint, and to otlp with one', () => {
    expect(resolveConfig({}, {}).exporter).toBe('console');
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }).exporter).toBe('otlp');
    expect(resolveConfig({ endpoint: 'http://127.0.0.1:4318' }, {}).exporter).toBe('otlp');
  });

  it('takes flags over environment over file over defaults', () => {
    const file = configFile('serviceName: from-file\ngrace: 5s\nmaxBatchSpans: 100\n');
    const env = { OTEL_SERVICE_NAME: 'from-env' };
    expect(resolveConfig({}, {}, file)).toMatchObject({ serviceName: 'from-file', graceMs: 5000, maxBatchSpans: 100 });
    expect(resolveConfig({}, env, file).serviceName).toBe('from-env');
    expect(resolveConfig({ serviceName: 'from-flag' }, env, file).serviceName).toBe('from-flag');
  });

  it('reads OTel header and resource lists, percent-decoded', () => {
    const config = resolveConfig({}, { OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20abc,x-team=t1', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod' });
    expect(config.headers).toEqual({ authorization: 'Bearer abc', 'x-team': 't1' });
    expect(config.resourceAttributes).toEqual({ 'deployment.environment': 'prod' });
  });

  it.each([
    [{ endpoint: 'localhost:4318' }, /--endpoint: invalid value "localhost:4318"; expected an http:\/\/ or https:\/\/ URL/],
    [{ maxLineBytes: '-5' }, /--max-line-bytes: invalid value "-5"; expected a whole number greater than 0/],
    [{ grace: 'a while' }, /--grace: invalid value "a while"; expected a duration/],
    [{ grace: '2' }, /--grace: invalid value "2"; expected a duration with its unit: 2ms, 2s or 2m \(a bare number other than 0 has no unit\)/],
    [{ exporter: 'otlp' }, /exporter: "otlp" needs an endpoint/],
    [{ metricsListen: 'nonsense' }, /--metrics-listen: invalid value "nonsense"; expected host:port, \[v6\]:port or a port/],
    [{ metricsListen: '127.0.0.1:70000' }, /--metrics-listen: invalid value "127.0.0.1:70000"/],
    [{ genaiMetrics: 'on' }, /genaiMetrics: "on" needs an OTLP endpoint/],
    [{ genaiMetrics: 'on', endpoint: 'http://127.0.0.1:4318', metricsInterval: '50ms' }, /metricsInterval: invalid value 50ms; expected at least 100ms/],
  ])('names the key, the value and what is allowed: %j', (flags, message) => {
    expect(() => resolveConfig(flags, {})).toThrow(ConfigError);
    expect(() => resolveConfig(flags, {})).toThrow(message);
  });

  it('reads the traces-specific OTel variables over the general ones, and their timeout in milliseconds', () => {
    const env = { OTEL_EXPORTER_OTLP_HEADERS: 'x-team=general', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-team=traces', OTEL_EXPORTER_OTLP_TIMEOUT: '2500' };
    const config = resolveConfig({}, env);
    expect(config.headers).toEqual({ 'x-team': 'traces' });
    expect(config.exportTimeoutMs).toBe(2500);
    expect(resolveConfig({}, { ...env, OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '4s' }).exportTimeoutMs).toBe(4000);
  });

  it('needs a unit on a duration, as the Collector does, except 0 and the standard OTEL_* variables (milliseconds)', () => {
    expect(resolveConfig({ grace: '0' }, {}).graceMs).toBe(0);
    expect(resolveConfig({ grace: '2s' }, {}).graceMs).toBe(2000);
    expect(() => resolveConfig({}, { OTEL_TAIL_GRACE: '2' })).toThrow(/OTEL_TAIL_GRACE: invalid value "2"; expected a duration with its unit/);
    expect(() => resolveConfig({}, {}, configFile('grace: 2\n'))).toThrow(/grace in .*: invalid value 2; expected a duration with its unit/);
    expect(resolveConfig({}, { OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '5000' }).exportTimeoutMs).toBe(5000);
  });

  it('takes a listen address as host:port, [v6]:port, or a bare port (a number in YAML)', () => {
    expect(resolvedKey(resolveConfig({ metricsListen: '127.0.0.1:9464' }, {}), 'metricsListen')).toBe('127.0.0.1:9464');
    expect(resolvedKey(resolveConfig({ metricsListen: '[::1]:9464' }, {}), 'metricsListen')).toBe('[::1]:9464');
    expect(resolvedKey(resolveConfig({}, {}, configFile('metricsListen: 9464\n')), 'metricsListen')).toBe('9464');
  });

  it('accepts GenAI metrics with an endpoint for traces or for metrics alone', () => {
    expect(resolvedKey(resolveConfig({ genaiMetrics: 'on', endpoint: 'http://127.0.0.1:4318' }, {}), 'genaiMetrics')).toBe('on');
    expect(resolvedKey(resolveConfig({ genaiMetrics: 'on', metricsEndpoint: 'http://127.0.0.1:4318/v1/metrics' }, {}), 'genaiMetrics')).toBe('on');
  });

  it("asks for a preset's endpoint and secrets only when spans are sent over OTLP", () => {
    const needs = (flags: Record<string, unknown>, options = {}): readonly string[] => {
      try {
        resolveConfig({ preset: 'dynatrace', ...flags }, {}, undefined, options);
        return [];
      } catch (error) {
        return (error as ConfigError).problems;
      }
    };
    expect(needs({})).toEqual([expect.stringContaining('preset: "dynatrace" needs --endpoint')]);
    expect(needs({ endpoint: 'https://abc.live.dynatrace.com/api/v2/otlp' })).toEqual([expect.stringContaining('needs the environment variable DT_API_TOKEN')]);
    expect(needs({ exporter: 'otlp' })).toHaveLength(2);
    // Printed or written to a file, or not sent at all (a dry run): the preset's attributes without its backend.
    expect(needs({ exporter: 'console' })).toEqual([]);
    expect(needs({ exporter: 'file', output: '-' })).toEqual([]);
    expect(needs({}, { sendsNothing: true })).toEqual([]);
    expect(needs({ exporter: 'otlp' }, { sendsNothing: true })).toEqual([]);
    expect(resolveConfig({ preset: 'dynatrace' }, {}, undefined, { sendsNothing: true })).toMatchObject({ preset: 'dynatrace', exporter: 'console' });
  });

  it('never echoes a header value in an error', () => {
    expect(() => resolveConfig({ headers: 'secret-token-without-equals' }, {})).toThrow(/<hidden>/);
    expect(() => resolveConfig({ headers: 'secret-token-without-equals' }, {})).not.toThrow(/secret-token/);
  });

  it('refuses unknown keys and bad YAML in the config file, naming the file', () => {
    expect(() => resolveConfig({}, {}, configFile('endpiont: http://x\n'))).toThrow(/unknown key "endpiont"/);
    expect(() => resolveConfig({}, {}, configFile('a: [\n'))).toThrow(/not valid YAML/);
    expect(() => resolveConfig({}, {}, '/nonexistent/otel-tail.yaml')).toThrow(/cannot read it \(ENOENT\)/);
  });
});

describe('resolveConfigWithOrigins', () => {
  it('reads OTEL_TAIL_<KEY> for every key, over the standard variable, under the flag', () => {
    const env = { OTEL_TAIL_SERVICE_NAME: 'tail-env', OTEL_SERVICE_NAME: 'otel-env', OTEL_TAIL_JOURNAL: 'openclaw-gateway', OTEL_TAIL_MAX_LINE_BYTES: '2048', OTEL_TAIL_GRACE: '2s' };
    const { config, origins } = resolveConfigWithOrigins({}, env);
    expect(config).toMatchObject({ serviceName: 'tail-env', journal: 'openclaw-gateway', maxLineBytes: 2048, graceMs: 2000 });
    expect(origins['serviceName']).toEqual({ from: 'env', name: 'OTEL_TAIL_SERVICE_NAME' });
    expect(resolveConfigWithOrigins({ serviceName: 'flag' }, env).origins['serviceName']).toEqual({ from: 'flag', name: '--service-name' });
    expect(resolveConfigWithOrigins({}, { OTEL_SERVICE_NAME: 'otel-env' }).config.serviceName).toBe('otel-env');
  });

  it('splits a paths variable on ":" as PATH is', () => {
    expect(resolveConfig({}, { OTEL_TAIL_FILE: '/tmp/openclaw/:/var/log/gw.log' }).file).toEqual(['/tmp/openclaw/', '/var/log/gw.log']);
  });

  it('says where each value came from: flag, env, file or default', () => {
    const file = configFile('grace: 5s\nmaxBatchSpans: 100\n');
    const { origins } = resolveConfigWithOrigins({ maxBatchSpans: '50' }, { OTEL_TAIL_IDLE_TIMEOUT: '30s' }, file);
    expect(origins['grace']).toEqual({ from: 'file', name: file });
    expect(origins['maxBatchSpans']).toEqual({ from: 'flag', name: '--max-batch-spans' });
    expect(origins['idleTimeout']).toEqual({ from: 'env', name: 'OTEL_TAIL_IDLE_TIMEOUT' });
    expect(origins['maxOpenTraces']).toEqual({ from: 'default', name: 'default' });
  });

  it('lets a run go on with an OTEL_TAIL_* variable that names no key (only validate refuses it)', () => {
    expect(resolveConfig({}, { OTEL_TAIL_JOURNL: 'gw', OTEL_TAIL_E2E_CACHE: '/tmp/x' }).journal).toBeUndefined();
    expect(unknownTailVariables({ OTEL_TAIL_JOURNL: 'gw', OTEL_TAIL_JOURNAL: 'gw' })).toEqual([
      'OTEL_TAIL_JOURNL: unknown variable (did you mean OTEL_TAIL_JOURNAL?); otel-tail reads OTEL_TAIL_<KEY> for each key of config.example.yaml (e.g. OTEL_TAIL_JOURNAL).',
    ]);
  });

  it('reports every problem at once, a misspelt key or variable with a suggestion', () => {
    const file = configFile('endpiont: http://x\nmaxOpenTraces: lots\n');
    let error: ConfigError | undefined;
    try {
      resolveConfigWithOrigins({ grace: 'soon' }, { OTEL_TAIL_JOURNL: 'gw' }, file, { strictEnv: true });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toHaveLength(4);
    expect(error?.message).toContain(`--config ${file}: unknown key "endpiont" (did you mean "endpoint"?)`);
    expect(error?.message).toContain('OTEL_TAIL_JOURNL: unknown variable (did you mean OTEL_TAIL_JOURNAL?)');
    expect(error?.message).toContain(`maxOpenTraces in ${file}: invalid value "lots"; expected a whole number greater than 0`);
    expect(error?.message).toContain('--grace: invalid value "soon"; expected a duration');
  });

  it('offers no guess for a key that is nothing like any', () => {
    expect(() => resolveConfig({}, {}, configFile('colour: blue\n'))).toThrow(/unknown key "colour"; known keys: /);
  });
});
