import { describe, expect, it } from 'vitest';
import { parseDurationMs } from '../../../src/model/key-value-numbers.js';
import { parseKeyValues } from '../../../src/parsers/key-values.js';

describe('parseKeyValues', () => {
  it('reads bare and quoted values and drops `unknown`', () => {
    const values = parseKeyValues('channel=webchat chatId=unknown reason="message_start" error="a \\"quoted\\" word"');
    expect({ ...values }).toEqual({ channel: 'webchat', reason: 'message_start', error: 'a "quoted" word' });
  });

  it('keeps `=` inside bare values and skips words that are not pairs', () => {
    const values = parseKeyValues('start provider=x url=http://h/v1?a=b timeoutMs=60000');
    expect(values['url']).toBe('http://h/v1?a=b');
    expect(values['provider']).toBe('x');
    expect(values['timeoutMs']).toBe('60000');
  });

  it('never lets a __proto__ key reach the result', () => {
    const values = parseKeyValues('__proto__=polluted a=1');
    expect(Object.keys(values)).toEqual(['a']);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('survives an unterminated quote', () => {
    expect(parseKeyValues('error="never closed')['error']).toBe('never closed');
  });
});

describe('parseDurationMs', () => {
  it.each([
    ['123ms', 123],
    ['45s', 45_000],
    ['2m', 120_000],
    ['1.5s', 1500],
    ['250', 250],
  ])('%s → %d', (text, ms) => expect(parseDurationMs(text)).toBe(ms));

  it('rejects what is not a duration', () => {
    expect(parseDurationMs('soon')).toBeUndefined();
    expect(parseDurationMs(undefined)).toBeUndefined();
  });
});
