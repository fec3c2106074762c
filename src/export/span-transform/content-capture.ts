import type { SpanAttributes } from '../../reconstruct/span-record.js';
import { CONTENT_ATTRIBUTE_NAMES } from '../../reconstruct/event-content-attributes.js';
import { attributeMaps, mapStringValue, type SpanTransform } from './span-transform.js';

/**
 * Attributes that hold message content: the GenAI and OpenInference names on
 * spans, and OpenClaw's own field names on span events (a diagnostic event's
 * scalar fields become event attributes as they are). The gateway's streams
 * carry none of these today; a newer gateway or plugin may. The GenAI names
 * are the reconstructor's own list, so whatever content it maps is covered.
 */
const CONTENT_KEYS = new Set([
  ...CONTENT_ATTRIBUTE_NAMES,
  'gen_ai.prompt',
  'gen_ai.completion',
  'input.value',
  'output.value',
  'prompt',
  'systemPrompt',
  'content',
  'text',
  'body',
  'messages',
  'params',
  'arguments',
  'args',
  'result',
  'response',
  'toolParams',
  'toolResult',
]);

export const TRUNCATED_MARK = '…[truncated]';

/**
 * Content leaves only with `--capture-content`, cut to `maxBytes` (UTF-8);
 * otherwise every content attribute is dropped.
 */
export function contentTransform(capture: boolean, maxBytes: number): SpanTransform {
  const step = capture ? (map: SpanAttributes, key: string): void => {
    const value = map[key];
    if (value !== undefined) map[key] = mapStringValue(value, (text) => truncateUtf8(text, maxBytes));
  } : (map: SpanAttributes, key: string): void => {
    delete map[key];
  };
  return (trace) => {
    for (const span of trace.spans) {
      for (const map of attributeMaps(span)) for (const key of Object.keys(map)) if (CONTENT_KEYS.has(key)) step(map, key);
    }
  };
}

/** `text` cut to at most `maxBytes` UTF-8 bytes (never inside a character), marked when cut. */
export function truncateUtf8(text: string, maxBytes: number): string {
  // Fast path: a string of n UTF-16 units is at most 3n UTF-8 bytes.
  if (text.length * 3 <= maxBytes) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Back off continuation bytes (10xxxxxx) so the cut falls on a character boundary.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return `${bytes.subarray(0, end).toString('utf8')}${TRUNCATED_MARK}`;
}
