/**
 * What of a header value must never be printed: the value itself and what a
 * backend may echo of it on its own (the token after `Bearer ` or
 * `Api-Token `, the base64 of Basic auth decoded, and its user and password
 * apart). Longest first, so a secret containing another is redacted whole;
 * values under 4 characters are left out, because redacting "1" would shred
 * every message.
 */
export function secretFragments(headerValues: Iterable<string>): string[] {
  const fragments = new Set<string>();
  for (const value of headerValues) {
    fragments.add(value);
    const scheme = /^(\S+)\s+(\S.*)$/.exec(value);
    if (scheme === null) continue;
    const [, name = '', credential = ''] = scheme;
    fragments.add(credential);
    if (name.toLowerCase() !== 'basic') continue;
    const decoded = Buffer.from(credential, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon === -1) continue;
    fragments.add(decoded);
    fragments.add(decoded.slice(0, colon));
    fragments.add(decoded.slice(colon + 1));
  }
  return [...fragments].filter((fragment) => fragment.length >= 4).sort((a, b) => b.length - a.length);
}

/** `text` with every fragment replaced by `[redacted]`. */
export function redactSecrets(text: string, fragments: readonly string[]): string {
  let out = text;
  for (const fragment of fragments) out = out.split(fragment).join('[redacted]');
  return out;
}
