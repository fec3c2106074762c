import type { LogScrub } from '../export/logs/log-scrub.js';
import { toOtlpLogRecord } from '../export/logs/otlp-log-record.js';
import { parseLine } from '../parsers/parse-line.js';
import type { ParsedLine } from '../model/records.js';
import { LINE_REJECTED, type DecodedBatch } from '../parsers/decoded-batch.js';
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
 * The log records of one input, taken from the span pass's own read and parse: the input is read
 * with every line as text (readStreamDecoded's `skim` off), and `parse` (LineIntake.addDecoded's
 * parser) hands each parsed record to the log queue before the reconstructor gets it. So a file is
 * read and parsed once for both, and standard input, which cannot be read twice, can send logs too.
 * `batch` is told each batch first: the line numbers of its texts, and the time it was read.
 */
export class FileLogTap {
  private lineNo = 0;
  private observedMs = 0;
  private textLines: number[] = [];
  private next = 0;

  constructor(
    /** log.file.path: the file, or `-` for standard input. */
    private readonly path: string,
    private readonly logs: BackfillLogs,
  ) {}

  batch(batch: DecodedBatch): void {
    // The receive time: when this chunk was read.
    this.observedMs = Date.now();
    const { kinds } = batch;
    const lines: number[] = [];
    for (let i = 0; i < kinds.length; i++) {
      this.lineNo++;
      if (kinds[i] !== LINE_REJECTED) lines.push(this.lineNo);
    }
    this.textLines = lines;
    this.next = 0;
  }

  readonly parse = (text: string): ParsedLine => {
    const parsed = parseLine(text);
    const line = this.textLines[this.next++] ?? this.lineNo;
    if (parsed.kind === 'log' && this.logs.inWindow(parsed.record.timeMs)) {
      this.logs.queue.push(toOtlpLogRecord(parsed.record, { kind: 'file', path: this.path, line }, this.observedMs, this.logs.scrub));
    }
    return parsed;
  };
}

/**
 * A journal entry's console record as a log record, once JournalIntake has given it its time (its
 * own, else the entry's) and, for a line of an agent run, the run's derived trace and span ids
 * (console-run-scopes.ts: the ids of the run's spans), so it sits under the run's span.
 */
export function journalLogRecord(logs: BackfillLogs, observedMs: () => number): RecordTap {
  return (record, position) => {
    if (!logs.inWindow(record.timeMs)) return;
    logs.queue.push(toOtlpLogRecord(record, position, observedMs(), logs.scrub));
  };
}
