import { ConfigError } from '../../model/input-errors.js';
import { rewriteStrings, type SpanTransform } from './span-transform.js';

/** What a match is replaced with. */
export const REDACTED = '[REDACTED]';

/**
 * `--redact REGEX` (repeatable): every match in every exported string is
 * masked. Runs last, so it also sees what the other steps added. Patterns are
 * compiled once, at start-up, where a bad one is a configuration error.
 */
export function compileRedactions(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern, 'gu');
    } catch (error) {
      throw new ConfigError(`--redact ${JSON.stringify(pattern)}: not a valid regular expression (${(error as Error).message}).`);
    }
  });
}

/** Every match of `patterns` in `text` masked. A pattern that can match the empty string would insert the mask between every character: it masks nothing instead. */
export function maskMatches(text: string, patterns: readonly RegExp[]): string {
  let out = text;
  for (const pattern of patterns) out = out.replace(pattern, (match) => (match === '' ? '' : REDACTED));
  return out;
}

/** Masks every string of every span, and the trace's host name (its resource's `host.name`). */
export function redactTransform(patterns: readonly RegExp[]): SpanTransform {
  const mask = (text: string): string => maskMatches(text, patterns);
  return (trace) => {
    for (const span of trace.spans) rewriteStrings(span, mask);
    if (trace.hostName !== undefined) trace.hostName = mask(trace.hostName);
  };
}
