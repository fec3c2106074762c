/**
 * Fragments of the JSON grammar as regular-expression source, for the
 * hot-path readers that recognise OpenClaw's records without JSON.parse
 * (untraced-record.ts, canonical-record.ts). A pattern built from them only
 * matches valid JSON, so a broken line never matches and takes the full
 * parse, which counts it.
 */

/** Characters a JSON string holds unescaped: anything but `"`, `\` and control characters. */
export const PLAIN = String.raw`[^"\\\x00-\x1f]`;
export const ESCAPE = String.raw`\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})`;
export const STRING = `"${PLAIN}*(?:${ESCAPE}${PLAIN}*)*"`;
export const LITERAL = String.raw`(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)`;
export const SCALAR = `(?:${STRING}|${LITERAL})`;
/** An object or array of scalars. */
export const FLAT = `(?:\\{(?:${STRING}:${SCALAR}(?:,${STRING}:${SCALAR})*)?\\}|\\[(?:${SCALAR}(?:,${SCALAR})*)?\\])`;
/** An object whose values are scalars or flat objects and arrays (two levels). */
export const OBJECT2 = `\\{(?:${STRING}:(?:${SCALAR}|${FLAT})(?:,${STRING}:(?:${SCALAR}|${FLAT}))*)?\\}`;

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of a JSON string literal (quotes included) that the grammar above matched. */
export function stringValue(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}
