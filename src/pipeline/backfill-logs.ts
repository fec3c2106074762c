import { toOtlpLogRecord } from '../export/logs/otlp-log-record.js';
import { parseLine } from '../parsers/parse-line.js';
import { decodeLine } from '../parsers/decode-line.js';
import { readFileLines } from '../sources/file-lines.js';
import type { LogQueue } from './log-queue.js';

/** What a backfill with --logs needs besides the span pipeline. */
export interface BackfillLogs {
  queue: LogQueue;
  /** Ids hashed or omitted, --redact (logs/log-scrub.ts). */
  scrub: (text: string) => string;
  /** --since/--until: a record outside them is not sent, as it makes no span. */
  inWindow: (timeMs: number) => boolean;
}

/**
 * Every record of one file as a log record, in the file's order. A pass of its own, after the
 * file's spans: the span pipeline reads most lines without a full parse (decoded-batch.ts), and
 * a log record needs all of a line. Lines that are no record (rejected, plain text, events) are
 * counted by the span pass already. Returns the error the file stopped on, if any (the span pass
 * has reported it).
 */
export async function sendFileLogs(path: string, maxLineBytes: number, logs: BackfillLogs): Promise<Error | undefined> {
  let line = 0;
  try {
    for await (const batch of readFileLines(path, maxLineBytes)) {
      // The receive time: when this chunk was read.
      const observedMs = Date.now();
      for (const raw of batch) {
        line++;
        const decoded = decodeLine(raw, maxLineBytes);
        if (!decoded.ok) continue;
        const parsed = parseLine(decoded.text);
        if (parsed.kind !== 'log' || !logs.inWindow(parsed.record.timeMs)) continue;
        logs.queue.push(toOtlpLogRecord(parsed.record, { kind: 'file', path, line }, observedMs, logs.scrub));
        if (logs.queue.full) await logs.queue.sendFull();
      }
    }
    return undefined;
  } catch (error) {
    return error as Error;
  }
}
