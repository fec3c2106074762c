import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/config/config-error.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';

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
    [{ exporter: 'otlp' }, /exporter: "otlp" needs an endpoint/],
  ])('names the key, the value and what is allowed: %j', (flags, message) => {
    expect(() => resolveConfig(flags, {})).toThrow(ConfigError);
    expect(() => resolveConfig(flags, {})).toThrow(message);
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
