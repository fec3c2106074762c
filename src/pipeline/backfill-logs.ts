import type { LogScrub } from '../export/logs/log-scrub.js';
import { toOtlpLogRecord } from '../export/logs/otlp-log-record.js';
import type { RecordTap } from './line-intake.js';
import type { LogQueue } from './log-queue.js';

/** What a backfill with --logs needs besides the span pipeline. */
export interface BackfillLogs {
  queue: LogQueue;
  /** Ids hashed or omitted, --redact, --capture-content for reply text (logs/log-scrub.ts). */
  scrub: LogScrub;
  /** --since/--until: a record outside them is not sent, as it makes no span. */
  inWindow: (timeMs: number) => boolean;
}

/**
 * A backfill's log records, taken from the span pass's own read and parse: the inputs are read with
 * every line as text (readStreamDecoded's `skim` off), and the intakes (LineIntake for file logs and
 * standard input, JournalIntake for journals) hand each record to this tap before the reconstructor
 * gets it, with its file and line number or its journal cursor. So a file is read and parsed once for
 * both, and standard input, which cannot be read twice, can send logs too. `path`: the
 * log.file.path to give in place of the intake's name (`-` for standard input). The receive time is
 * when the record is taken. For a journal's console lines, JournalIntake has set the time (its own,
 * else the entry's) and, for a line of an agent run, the run's derived ids (console-run-scopes.ts),
 * so it sits under the run's span.
 */
export function logRecordTap(logs: BackfillLogs, path?: string): RecordTap {
  return (record, position) => {
    if (!logs.inWindow(record.timeMs)) return;
    const where = path === undefined || position.kind !== 'file' ? position : { ...position, path };
    logs.queue.push(toOtlpLogRecord(record, where, Date.now(), logs.scrub));
  };
}
