import { describe, expect, it } from 'vitest';
import { ARG_OBJECT, FLAT, SCALAR } from '../../../src/parsers/json-grammar.js';

/** What JSON.parse makes of `text`, or undefined when it throws. */
function parsed(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

const isScalar = (value: unknown): boolean => value === null || ['string', 'number', 'boolean'].includes(typeof value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isFlat = (value: unknown): boolean => (Array.isArray(value) ? value.every(isScalar) : isObject(value) && Object.values(value).every(isScalar));
const isFlatObject = (value: unknown): boolean => isObject(value) && isFlat(value);
const isArgObject = (value: unknown): boolean =>
  isObject(value) && Object.values(value).every((member) => isScalar(member) || isFlat(member) || (Array.isArray(member) && member.every(isFlatObject)));

/**
 * Strings of JSON tokens put together at random, without whitespace (none of OpenClaw's records has
 * any): most are broken (a comma too many or too few, a missing colon, a bracket left open), some are
 * valid objects and arrays one to three levels deep. Seeded: the same strings on every run.
 */
function tokenSoup(count: number): string[] {
  const tokens = ['{', '}', '[', ']', ',', ':', '"k"', '"v"', '"a\\"b"', '1', '-0.5', 'true', 'null', '{}', '[]', '"x":1', '"y":[1,"z"]', '"o":{"p":null}', '"s":[{"n":1}', '{"n":"m"}'];
  let seed = 22;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const opener = next() < 0.8 ? '{' : '[';
    let text = opener;
    const length = 1 + Math.floor(next() * 8);
    for (let t = 0; t < length; t++) text += tokens[Math.floor(next() * tokens.length)];
    out.push(text + (next() < 0.85 ? (opener === '{' ? '}' : ']') : ''));
  }
  return out;
}

describe('the JSON grammar fragments of the hot-path readers', () => {
  const flat = new RegExp(`^${FLAT}$`);
  const argObject = new RegExp(`^${ARG_OBJECT}$`);
  const scalar = new RegExp(`^${SCALAR}$`);

  it('accept exactly the texts JSON.parse reads as their shape, on valid and broken token strings alike', () => {
    const samples = [
      ...tokenSoup(20_000),
      // Edge cases of the comma-separated members, written out.
      '{}', '[]', '{,}', '[,]', '{"a":1,}', '[1,]', '{,"a":1}', '[,1]', '{"a":1,,"b":2}', '[1,,2]', '{"a":1"b":2}', '[1 2]', '[12]',
      '{"a":[1,2],"b":{"c":"d"}}', '{"a":{"b":{"c":1}}}', '{"a":[[1]]}', '[{"a":1}]', '["a",{"b":1}]', '{"a":1}}', '[[1]',
      '{"spans":[{"name":"a","ms":1},{}]}', '{"spans":[{"a":[1]}]}', '{"spans":[{"a":1},1]}', '{"spans":[{"a":1},]}', '{"s":[{"a":{"b":1}}]}',
    ];
    let valid = 0;
    for (const text of samples) {
      const reference = parsed(text);
      if (reference !== undefined) valid++;
      expect(flat.test(text), `FLAT ${text}`).toBe(reference !== undefined && isFlat(reference.value));
      expect(argObject.test(text), `ARG_OBJECT ${text}`).toBe(reference !== undefined && isArgObject(reference.value));
    }
    // The soup must hold both kinds, or it tests little.
    expect(valid).toBeGreaterThan(500);
    expect(samples.length - valid).toBeGreaterThan(5_000);
  });

  it('reads scalars as JSON does', () => {
    for (const text of ['"a"', '"a\\u0062"', '-1.5e3', '0', 'true', 'null', '"', '01', '1.', 'nul', '"\\x"']) {
      const reference = parsed(text);
      expect(scalar.test(text), text).toBe(reference !== undefined && isScalar(reference.value));
    }
  });
});
