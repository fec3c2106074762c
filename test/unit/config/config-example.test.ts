import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS } from '../../../src/config/config-fields.js';
import { renderExampleConfig } from '../../../src/config/example-config.js';
import { resolveConfig } from '../../../src/config/resolve-config.js';

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

  it('documents every key in the README option table', () => {
    const readme = readFileSync(README, 'utf8');
    for (const field of CONFIG_FIELDS) expect(readme, field.key).toContain(`| \`${field.key}\``);
  });
});
