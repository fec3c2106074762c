/**
 * `redact` patterns are compiled here, at start-up, so a bad one is reported
 * with the other configuration problems (exit 2) instead of at the first export.
 */
export function checkRedactPatterns(values: Record<string, unknown>, problems: string[]): void {
  const patterns = values['redact'];
  if (!Array.isArray(patterns)) return;
  for (const pattern of patterns as string[]) {
    try {
      new RegExp(pattern, 'gu');
    } catch (error) {
      problems.push(`--redact ${JSON.stringify(pattern)}: not a valid regular expression (${(error as Error).message}).`);
    }
  }
}
