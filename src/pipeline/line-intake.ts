import type { LogPosition } from '../export/logs/otlp-log-record.js';
import { parseLine } from '../parsers/parse-line.js';
import type { LogRecord, ParsedLine } from '../model/records.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../model/line-refs.js';
import { decodeBatch, LINE_PLAIN_TRACED, LINE_REJECTED, LINE_UNTRACED, type DecodedBatch } from '../parsers/decoded-batch.js';
import type { RawLine } from '../model/raw-line.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { routeParsed } from './route-parsed.js';

/**
 * With --logs: every record a source gives, whole (its message and all its fields), with where it
 * came from, before the reconstructor takes it. `at` is set when lines are checkpointed.
 */
export type RecordTap = (record: LogRecord, position: LogPosition, at: LineRef | undefined) => void;

/**
 * Lines of one source → parsed → reconstructor, counting every line
 * exactly once (record, event, other or rejected). The only place that
 * knows both the parsers and the reconstructor.
 *
 * Lines come as bytes with their positions (a source's RawLine) and are
 * decoded here, or come decoded by the reader (parsers/decoded-batch.ts). An
 * untraced record (no trace ids, nothing a signal could be read from) was
 * recognised there without JSON.parse: it is counted as a record and handed
 * over as an UntracedRecord, its time only, which is all the reconstructor
 * takes from a record without a trace. A traced record without a signal
 * comes with just what the reconstructor reads of it.
 */
export class LineIntake {
  private lineNo = 0;
  private skimmed = 0;
  /** Where the current run of contiguous lines began (a checkpoint, a re-read from 0), and how many lines it holds so far. */
  private runStart = 0;
  private runLines = 0;
  private nextStart: number | undefined;
  private found = 0;
  private firstText: string | undefined;

  constructor(
    private readonly sourceName: string,
    private readonly maxLineBytes: number,
    private readonly stats: PipelineStats,
    private readonly reconstructor: Reconstructor,
    /** Set when lines are checkpointed: records and events then carry where they came from, and messages name byte offsets. */
    private readonly sourceKey?: string,
    /** The clock the lines' times count in (log-clock.ts): the followed directory, which every rotation of a file shares. */
    private readonly clock?: string,
    /** --logs: every record goes here too; lines are then parsed whole, none skimmed (a skimmed record has no message). */
    private readonly tap?: RecordTap,
  ) {}

  get linesSeen(): number {
    return this.lineNo;
  }

  /** Lines taken as records without a full parse, untraced or traced without a signal (also counted in `stats.records`). */
  get linesSkimmed(): number {
    return this.skimmed;
  }

  /** Records and events this source gave (0: nothing of it is OpenClaw's). */
  get openclawItems(): number {
    return this.found;
  }

  /** The first line of text that needed a parse (to say what a source without records looks like). */
  get firstLine(): string | undefined {
    return this.firstText;
  }

  addBatch(lines: readonly RawLine[]): void {
    // With a tap every line is parsed whole: a skimmed record has no message.
    this.addDecoded(decodeBatch(lines, this.maxLineBytes, this.tap === undefined));
  }

  /** `parse` is parseLine; the benchmark passes lines it parsed beforehand, to time what comes after parsing. */
  addDecoded(batch: DecodedBatch, parse: (text: string) => ParsedLine = parseLine): void {
    const { kinds, texts, times, records, rejects, starts, ends } = batch;
    const stats = this.stats;
    const before = stats.records + stats.events;
    this.firstText ??= texts.find((line) => line.trim() !== '');
    let text = 0;
    let untraced = 0;
    let plain = 0;
    let rejected = 0;
    for (let i = 0; i < kinds.length; i++) {
      this.lineNo++;
      const lineStart = starts[i] as number;
      if (lineStart !== this.nextStart) {
        // Not where the last line ended: a checkpoint, a file read again from its start, skipped lines.
        this.runStart = lineStart;
        this.runLines = 0;
      }
      this.runLines++;
      this.nextStart = ends[i] as number;
      stats.linesRead++;
      stats.bytesRead += (ends[i] as number) - (starts[i] as number);
      const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: starts[i] as number, end: ends[i] as number, clock: this.clock };
      switch (kinds[i]) {
        case LINE_UNTRACED:
          // What routeParsed does with a record that has no trace and no signal.
          this.skimmed++;
          stats.records++;
          this.reconstructor.addRecord({ timeMs: times[untraced++] as number }, at);
          break;
        case LINE_PLAIN_TRACED:
          // What routeParsed does with a record without a signal (it can hold no overflow count).
          this.skimmed++;
          stats.records++;
          this.reconstructor.addRecord(records[plain++] as DecodedBatch['records'][number], at);
          break;
        case LINE_REJECTED: {
          const reject = rejects[rejected++] as DecodedBatch['rejects'][number];
          stats.lineRejected(reject.reason, this.where(lineStart), reject.detail);
          break;
        }
        default: {
          const line = this.runLines;
          const runStart = this.runStart;
          const parsed = parse(texts[text++] as string);
          if (this.tap !== undefined && parsed.kind === 'log') this.tap(parsed.record, this.position(line, runStart), at);
          routeParsed(parsed, at, () => this.where(lineStart, line, runStart), stats, this.reconstructor);
        }
      }
    }
    this.found += stats.records + stats.events - before;
    this.reconstructor.tick();
  }

  /** A record's file and line number; the number only where it is exact (see `where`). */
  private position(line: number, runStart: number): LogPosition {
    if (this.sourceKey === undefined) return { kind: 'file', path: this.sourceName, line: this.lineNo };
    return runStart === 0 ? { kind: 'file', path: this.sourceName, line } : { kind: 'file', path: this.sourceName };
  }

  /**
   * `file:line`, as an editor takes it. A followed file may be read from a checkpoint: its lines are
   * counted from there, so the line number is exact only when reading began at byte 0; else the
   * byte offset is named as well, and where the count began.
   */
  private where(start: number, line = this.runLines, runStart = this.runStart): string {
    if (this.sourceKey === undefined) return `${this.sourceName}:${this.lineNo}`;
    if (runStart === 0) return `${this.sourceName}:${line}`;
    return `${this.sourceName} at byte ${start} (line ${line} of those read from byte ${runStart} on)`;
  }
}
