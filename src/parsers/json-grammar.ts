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
/**
 * An object of `key:value` members: `{}`, or members separated by commas. Each member is written
 * once, not as `(?:M(?:,M)*)?`: a comma must be followed by the next member's key (`"`), the last
 * member by `}`, so the language is the same, and a pattern that nests these is half the size at
 * each level, and compiles in a third of the time (the canonical record's regex: 8.7 → 4.2 kB, its
 * first match 14 → 4.5 ms). `key` must match only text starting with `"`.
 */
export const objectOf = (key: string, value: string): string => `\\{(?:${key}:${value}(?:,(?=")|(?=\\})))*\\}`;
/** An array of `item`s, each written once as in objectOf: a comma must be followed by another item. */
export const arrayOf = (item: string): string => `\\[(?:${item}(?:,(?!\\])|(?=\\])))*\\]`;
/** An object or array of scalars. */
export const FLAT = `(?:${objectOf(STRING, SCALAR)}|${arrayOf(SCALAR)})`;
/**
 * A log call's object argument, as OpenClaw's are: its values scalars, flat objects and arrays, or
 * arrays of flat objects (the reply and agent-turn timings' `spans`, 20 of the sample's 743 lines).
 */
export const ARG_OBJECT = objectOf(STRING, `(?:${SCALAR}|${FLAT}|${arrayOf(objectOf(STRING, SCALAR))})`);

export const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value of a JSON string literal (quotes included) that the grammar above matched. */
export function stringValue(literal: string): string {
  return literal.includes('\\') ? (JSON.parse(literal) as string) : literal.slice(1, -1);
}
