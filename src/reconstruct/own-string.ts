/** V8 keeps a substring or concatenation this long as a view of the string(s) it came from, not a copy. */
const VIEW_MIN_CHARS = 13;

/**
 * `text` (followed by `more`) as a string of its own, sharing no memory with the strings it was
 * made from. V8 keeps a substring of 13 or more characters (a regex capture, `slice()`) as a view
 * of the whole string it was cut from, and a concatenation as a pair of its parts: a memory that
 * outlives its lines and keeps such an id keeps the whole log line behind it (~470 bytes per
 * span id in the 30,000-trace bench). Array.prototype.join of two parts writes a new flat string
 * (a join of one part may return that part itself, hence the split). Once per kept string, never per line.
 */
export function ownCopy(text: string, more = ''): string {
  const whole = more === '' ? text : text + more;
  if (whole.length < VIEW_MIN_CHARS) return whole;
  return [whole.slice(0, 1), whole.slice(1)].join('');
}

/**
 * `a === b` for ids, where `a` is often a view of its line (a regex capture): V8 compares such a
 * string through a runtime call (~0.3 µs), and hashing it for a Map lookup costs as much again;
 * indexOf reads it in place (~0.08 µs). For the lookups every traced line makes (its trace, its scope).
 */
export function sameId(a: string, b: string): boolean {
  return a.length === b.length && a.indexOf(b) === 0;
}

/** ownCopy of a value that may be missing. */
export function ownCopyOf(text: string | undefined): string | undefined {
  return text === undefined ? undefined : ownCopy(text);
}
