import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../../../src/config/config-fields.js';
import { renderExampleConfig } from '../../../src/config/example-config.js';
import { resolveConfig, resolveConfigWithOrigins } from '../../../src/config/resolve-config.js';
import { tailEnvName } from '../../../src/config/config-env.js';
import type { ConfigField } from '../../../src/config/config-field.js';

const EXAMPLE = new URL('../../../config.example.yaml', import.meta.url);
const README = new URL('../../../README.md', import.meta.url);

describe('config.example.yaml', () => {
  it('is what the field table renders (run scripts/write-example-config.mjs after changing a field)', () => {
    expect(readFileSync(EXAMPLE, 'utf8')).toBe(renderExampleConfig());
  });

  it('passes the validator and yields exactly the defaults', () => {
    const fromExample = resolveConfig({}, {}, EXAMPLE.pathname);
    const defaults = resolveConfig({}, {});
    expect(fromExample).toEqual(defaults);
    expect(defaults).toMatchObject({ exporter: 'console', serviceName: 'openclaw-gateway', maxLineBytes: 1_048_576, graceMs: 750, from: 'end', idleTimeoutMs: 120_000 });
  });

  it('names the OTEL_TAIL_<KEY> variable of every key, and each one sets that key', () => {
    const example = readFileSync(EXAMPLE, 'utf8');
    for (const field of CONFIG_FIELDS) {
      const name = tailEnvName(field.key);
      expect(example, field.key).toContain(`# Environment: ${name}`);
      // journal and endpoint set too, so that keys which need them (journalDir, exporter otlp) are valid.
      // The TLS files must be readable, and a client certificate comes with its key (any readable file passes the check).
      const tls = TLS_KEYS.includes(field.key) ? { OTEL_TAIL_CLIENT_CERTIFICATE: README.pathname, OTEL_TAIL_CLIENT_KEY: README.pathname, [name]: README.pathname } : {};
      const env = { OTEL_TAIL_JOURNAL: 'openclaw-gateway', OTEL_TAIL_ENDPOINT: 'http://127.0.0.1:4318', [name]: exampleValue(field), ...tls };
      expect(resolveConfigWithOrigins({}, env).origins[field.key], name).toEqual({ from: 'env', name });
    }
  });

  it('documents every key in the README option table', () => {
    const readme = readFileSync(README, 'utf8');
    for (const field of CONFIG_FIELDS) expect(readme, field.key).toContain(`| \`${field.key}\``);
  });
});

const TLS_KEYS = ['certificate', 'clientCertificate', 'clientKey'];

/** A valid value for a field, as an environment variable would carry it. */
function exampleValue(field: ConfigField): string {
  if (field.choices !== undefined) return field.choices[0] as string;
  switch (field.kind) {
    case 'url':
      return 'http://127.0.0.1:4318';
    case 'count':
    case 'bytes':
      return '7';
    case 'duration':
      return '3s';
    case 'map':
      return 'k=v';
    case 'listen':
      return '127.0.0.1:9464';
    default:
      return typeof field.default === 'string' || typeof field.default === 'number' || typeof field.default === 'boolean' ? String(field.default) : 'x';
  }
}
