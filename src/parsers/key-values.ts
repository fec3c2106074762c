import type { KeyValues } from '../model/records.js';

/**
 * Reads OpenClaw's `key=value key2="quoted value"` message tails. Values are
 * bare tokens up to the next space, or double-quoted with backslash escapes.
 * `unknown` is how OpenClaw writes an absent value, so it is dropped.
 */
export function parseKeyValues(text: string, from = 0): KeyValues {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  const n = text.length;
  let i = from;
  while (i < n) {
    while (i < n && text.charCodeAt(i) === 32) i++;
    const keyStart = i;
    while (i < n && isKeyChar(text.charCodeAt(i))) i++;
    if (i === keyStart || i >= n || text.charCodeAt(i) !== 61 /* = */) {
      // Not a key=value token: skip the word and carry on.
      i = wordEnd(text, i);
      continue;
    }
    const key = text.slice(keyStart, i);
    i++;
    let value: string;
    if (i < n && text.charCodeAt(i) === 34 /* " */) {
      const end = closingQuote(text, i + 1);
      value = unescape(text.slice(i + 1, end));
      i = end + 1;
    } else {
      const valueStart = i;
      i = wordEnd(text, i);
      value = text.slice(valueStart, i);
    }
    if (value !== 'unknown' && key !== '__proto__') out[key] = value;
  }
  return out;
}

/** Where the word at `from` ends: the next space, or the end. indexOf rather than a loop: values (URLs, ids) are long. */
function wordEnd(text: string, from: number): number {
  const space = text.indexOf(' ', from);
  return space === -1 ? text.length : space;
}

function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45
  );
}

function closingQuote(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34) return i;
  }
  return text.length;
}

function unescape(value: string): string {
  return value.includes('\\') ? value.replace(/\\(.)/g, '$1') : value;
}
