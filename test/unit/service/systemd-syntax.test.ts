import { describe, expect, it } from 'vitest';
import { envFileLine, execLine, quoteExecArg } from '../../../src/service/systemd-syntax.js';

describe('quoteExecArg (systemd command-line rules)', () => {
  it('leaves plain words alone', () => {
    expect(quoteExecArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteExecArg('--endpoint')).toBe('--endpoint');
    expect(quoteExecArg('http://127.0.0.1:4318')).toBe('http://127.0.0.1:4318');
  });

  it('doubles % (specifiers) and $ (variable expansion), even in plain words', () => {
    expect(quoteExecArg('50%')).toBe('"50%%"');
    expect(quoteExecArg('a$HOME')).toBe('"a$$HOME"');
  });

  it('double-quotes whitespace, quotes, backslashes and a lone ;', () => {
    expect(quoteExecArg('/srv/my logs/')).toBe('"/srv/my logs/"');
    expect(quoteExecArg('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteExecArg('a\\b')).toBe('"a\\\\b"');
    expect(quoteExecArg("it's")).toBe('"it\'s"');
    expect(quoteExecArg(';')).toBe('";"');
    expect(quoteExecArg('')).toBe('""');
    expect(quoteExecArg('two\nlines')).toBe('"two\\nlines"');
  });

  it('joins an argv', () => {
    expect(execLine(['/usr/bin/node', '/opt/otel tail/bin/otel-tail', '--journal', 'openclaw-gateway'])).toBe('/usr/bin/node "/opt/otel tail/bin/otel-tail" --journal openclaw-gateway');
  });
});

describe('envFileLine (EnvironmentFile= syntax)', () => {
  it('single-quotes values so nothing in them is interpreted', () => {
    expect(envFileLine('OTEL_EXPORTER_OTLP_HEADERS', 'authorization=Bearer%20a$b\\c')).toBe("OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer%20a$b\\c'");
  });

  it('double-quotes a value with a single quote, escaping \\ " $ `', () => {
    expect(envFileLine('X', `it's "$x" \\ \``)).toBe('X="it\'s \\"\\$x\\" \\\\ \\`"');
  });

  it('refuses line breaks', () => {
    expect(envFileLine('X', 'a\nb')).toBeUndefined();
  });
});
