import { describe, expect, it } from 'vitest';
import { redactSecrets, secretFragments } from '../../../src/export/secret-fragments.js';

describe('secretFragments', () => {
  it('holds each value, the credential after its scheme, and Basic auth decoded whole and apart', () => {
    const basic = `Basic ${Buffer.from('pk-lf-1234:sk-lf-5678').toString('base64')}`;
    const fragments = secretFragments(['Bearer bt-token-1', 'Api-Token dt0c01.abc', basic, 'hc-plain-key']);
    expect(new Set(fragments)).toEqual(
      new Set(['Bearer bt-token-1', 'bt-token-1', 'Api-Token dt0c01.abc', 'dt0c01.abc', basic, basic.slice(6), 'pk-lf-1234:sk-lf-5678', 'pk-lf-1234', 'sk-lf-5678', 'hc-plain-key']),
    );
  });

  it('puts longer fragments first and leaves out ones too short to redact', () => {
    const fragments = secretFragments(['Bearer abcdefgh', 'on', 'x-1']);
    expect(fragments).toEqual(['Bearer abcdefgh', 'abcdefgh']);
  });
});

describe('redactSecrets', () => {
  it('redacts a secret whole even when a shorter one is inside it', () => {
    const fragments = secretFragments(['Bearer tok-1234']);
    expect(redactSecrets('auth Bearer tok-1234 then tok-1234 alone', fragments)).toBe('auth [redacted] then [redacted] alone');
  });
});
