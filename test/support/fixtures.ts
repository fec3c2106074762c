import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Absolute path of a file under test/fixtures. */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
}

/** The real gateway run's file log (OpenClaw 2026.9.6), one string per line. */
export const SAMPLE_LOG = fixturePath('openclaw-2026.9.6/file-log.jsonl');
export const SAMPLE_UPSTREAM = fixturePath('openclaw-2026.9.6/upstream-requests.jsonl');
export const EVENTS_FIXTURE = fixturePath('diagnostic-events.jsonl');

export function fixtureLines(name: string): string[] {
  return readFileSync(fixturePath(name), 'utf8').split('\n').filter((line) => line.length > 0);
}
