import { hash } from 'node:crypto';

/**
 * Ids for spans otel-tail synthesises (OpenClaw's own ids are kept as they
 * are). They are derived from what the span is made of, never from where it
 * was read or when, so the same input always yields byte-identical ids and a
 * backend can deduplicate a re-run.
 */
export function deriveSpanId(traceId: string, ...parts: readonly (string | number)[]): string {
  return nonZero(digest(traceId, parts).slice(0, 16));
}

/** A trace id for spans that have no W3C trace from the gateway (console lines, untraced events). */
export function deriveTraceId(...parts: readonly (string | number)[]): string {
  return nonZero(digest('trace', parts).slice(0, 32));
}

function digest(head: string, parts: readonly (string | number)[]): string {
  // A separator that cannot appear in ids or numbers keeps ('a','bc') and ('ab','c') apart. One string
  // hashed at once: the same bytes as hashing the pieces in turn, without a call into the hash per piece.
  let text = head;
  for (const part of parts) text += `\u0000${part}`;
  return hash('sha256', text, 'hex');
}

function nonZero(hex: string): string {
  // An all-zero id is invalid in W3C trace context; the chance is negligible but the fix is free.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}
