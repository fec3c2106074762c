import type { SpanAttributes, SpanEventRecord } from '../../model/span-record.js';
import { CONTENT_ATTRIBUTE_NAMES } from '../../model/attribute-names.js';
import { mapStringValue, type SpanTransform } from './span-transform.js';

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
    if (value !== undefined) map[key] = mapStringValue(value, (text) => truncateContent(text, maxBytes));
  } : (map: SpanAttributes, key: string): void => {
    delete map[key];
  };
  return (trace) => {
    for (const span of trace.spans) {
      eachContentKey(span.attributes, step);
      const events = span.events;
      for (let i = 0; i < events.length; i++) {
        const attributes = (events[i] as SpanEventRecord).attributes;
        if (attributes !== undefined) eachContentKey(attributes, step);
      }
    }
  };
}

/** A plain walk, no key array: almost no map holds content, and every span is walked. Deleting the key being visited is safe in `for…in`. */
function eachContentKey(map: SpanAttributes, step: (map: SpanAttributes, key: string) => void): void {
  for (const key in map) if (CONTENT_KEYS.has(key)) step(map, key);
}

/**
 * Content cut to at most `maxBytes` UTF-8 bytes. JSON (the GenAI message attributes, tool
 * arguments and results given as objects) stays valid JSON: its long strings are shortened, each
 * marked, as little as fits, so a backend can still show the messages. Anything else, and JSON
 * whose structure alone is too big, is cut as text (truncateUtf8).
 */
export function truncateContent(text: string, maxBytes: number): string {
  if (text.length * 3 <= maxBytes || Buffer.byteLength(text) <= maxBytes) return text;
  const first = text.charCodeAt(0);
  if (first === 0x5b /* [ */ || first === 0x7b /* { */) {
    const json = truncateJson(text, maxBytes);
    if (json !== undefined) return json;
  }
  return truncateUtf8(text, maxBytes);
}

/** Strings are not cut below this many characters: below it the structure, not the content, is too big. */
const MIN_STRING_CHARS = 64;

/** The JSON in `text` with every string longer than some cap cut to it (the largest cap that fits); undefined when none does. */
function truncateJson(text: string, maxBytes: number): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  let low = MIN_STRING_CHARS;
  let high = longestString(value) - 1;
  let best: string | undefined;
  while (low <= high) {
    const cap = (low + high) >> 1;
    const out = JSON.stringify(capStrings(value, cap));
    if (Buffer.byteLength(out) <= maxBytes) {
      best = out;
      low = cap + 1;
    } else high = cap - 1;
  }
  return best;
}

function longestString(value: unknown): number {
  if (typeof value === 'string') return value.length;
  let longest = 0;
  if (Array.isArray(value)) for (const item of value) longest = Math.max(longest, longestString(item));
  else if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) longest = Math.max(longest, longestString(item));
  return longest;
}

/** A copy of `value` whose strings longer than `cap` characters are cut to it (not inside a surrogate pair) and marked. */
function capStrings(value: unknown, cap: number): unknown {
  if (typeof value === 'string') {
    if (value.length <= cap) return value;
    const end = isHighSurrogate(value.charCodeAt(cap - 1)) ? cap - 1 : cap;
    return `${value.slice(0, end)}${TRUNCATED_MARK}`;
  }
  if (Array.isArray(value)) return value.map((item) => capStrings(item, cap));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item, cap)]));
  return value;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
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
