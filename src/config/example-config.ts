import { envNamesOf } from './config-env.js';
import { CONFIG_FIELDS } from './config-fields.js';

/** config.example.yaml, rendered from the field table (a test checks the committed file matches). */
export function renderExampleConfig(): string {
  const out = [
    '# otel-tail configuration (pass with --config FILE).',
    '# Precedence: command-line flags > environment (OTEL_TAIL_<KEY>, then the standard OTEL_* variable) > this file > defaults.',
    '# Every key is shown with its default; unset keys are commented out.',
    '',
  ];
  for (const field of CONFIG_FIELDS) {
    out.push(`# ${field.doc}`);
    out.push(`# Environment: ${envNamesOf(field).join(', ')}.`);
    if (field.choices !== undefined) out.push(`# One of: ${field.choices.join(', ')}.`);
    const value = field.default;
    if (value === undefined) out.push(`# ${field.key}:`);
    else if (typeof value === 'object') out.push(`${field.key}: {}`);
    else out.push(`${field.key}: ${typeof value === 'string' ? JSON.stringify(value) : String(value)}`);
    out.push('');
  }
  return out.join('\n');
}
