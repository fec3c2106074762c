import { isPreTraceLog, PRE_TRACE_PEEK_RECORDS } from '../parsers/release-support.js';
import { decodeLine } from '../parsers/decode-line.js';
import { STDIN } from '../sources/expand-inputs.js';
import { readFileLines } from '../sources/file-lines.js';

/** Lines read at most per file: start-up banners and console captures come before the first records. */
const PEEK_LINES = 4 * PRE_TRACE_PEEK_RECORDS;

/**
 * Those of `paths` that are file logs of an OpenClaw release before 2026.4
 * (release-support.ts), judged from their first lines. Called only when a
 * backfill found no trace, to say why instead of a bare "0 traces".
 */
export async function preTraceLogs(paths: readonly string[], maxLineBytes: number): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    if (path === STDIN) continue;
    if (isPreTraceLog(await firstLines(path, maxLineBytes))) found.push(path);
  }
  return found;
}

async function firstLines(path: string, maxLineBytes: number): Promise<string[]> {
  const lines: string[] = [];
  try {
    for await (const batch of readFileLines(path, maxLineBytes)) {
      for (const raw of batch) {
        const decoded = decodeLine(raw, maxLineBytes);
        if (decoded.ok) lines.push(decoded.text);
        if (lines.length >= PEEK_LINES) return lines;
      }
    }
  } catch {
    // Unreadable: the backfill has said so already.
  }
  return lines;
}
