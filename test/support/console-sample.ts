import { fixtureLines } from './fixtures.js';

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})\+00:00 /;

/**
 * The sample gateway's console output as journald would hold it: stdout and
 * stderr interleaved by their timestamps (lines without one keep their place
 * at the start). With `shiftTo`, every timestamp moves so that the first one
 * is that time, keeping the spacing: lines written to a journal now then
 * agree with the journal's own clock, as a live gateway's do.
 */
export function consoleSampleLines(shiftTo?: Date): string[] {
  const lines = [...fixtureLines('openclaw-2026.9.6/console.stdout.txt'), ...fixtureLines('openclaw-2026.9.6/console.stderr.txt')];
  const at = (line: string): string => TIMESTAMP.exec(line)?.[1] ?? '';
  lines.sort((a, b) => (at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0));
  if (shiftTo === undefined) return lines;
  const first = lines.map(at).find((t) => t !== '') ?? '';
  const offset = shiftTo.getTime() - Date.parse(`${first}Z`);
  return lines.map((line) => {
    const match = TIMESTAMP.exec(line);
    if (match === null) return line;
    const moved = new Date(Date.parse(`${match[1] as string}Z`) + offset).toISOString().replace('Z', '+00:00');
    return `${moved} ${line.slice(match[0].length)}`;
  });
}
