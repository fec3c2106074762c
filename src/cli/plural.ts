/** `1 line`, `2 lines`, `0 spans`: a count with its noun, singular only for exactly one. */
export function plural(count: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
