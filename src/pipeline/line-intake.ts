import { parseLine } from '../parsers/parse-line.js';
import type { ParsedLine } from '../parsers/types.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../reconstruct/trace-lines.js';
import { decodeBatch, LINE_PLAIN_TRACED, LINE_REJECTED, LINE_UNTRACED, type DecodedBatch } from '../sources/decoded-batch.js';
import type { RawLine } from '../sources/line-splitter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { routeParsed } from './route-parsed.js';

/**
 * Lines of one source → parsed → reconstructor, counting every line
 * exactly once (record, event, other or rejected). The only place that
 * knows both the parsers and the reconstructor.
 *
 * Lines come decoded (decoded-batch.ts, here or in the reader). An untraced
 * record (no trace ids, nothing a signal could be read from) was recognised
 * there without JSON.parse: it is counted as a record and handed over with its
 * time only, which is all the reconstructor takes from a record without a
 * trace (it moves the watermark and counts it). A traced record without a
 * signal comes with just what the reconstructor reads of it.
 */
export class LineIntake {
  private lineNo = 0;
  private skimmed = 0;

  constructor(
    private readonly sourceName: string,
    private readonly maxLineBytes: number,
    private readonly stats: PipelineStats,
    private readonly reconstructor: Reconstructor,
    /** Set when lines are checkpointed: records and events then carry where they came from, and messages name byte offsets. */
    private readonly sourceKey?: string,
    /** The clock the lines' times count in (log-clock.ts): the followed directory, which every rotation of a file shares. */
    private readonly clock?: string,
  ) {}

  get linesSeen(): number {
    return this.lineNo;
  }

  /** Lines taken as records without a full parse, untraced or traced without a signal (also counted in `stats.records`). */
  get linesSkimmed(): number {
    return this.skimmed;
  }

  addBatch(lines: readonly RawLine[]): void {
    this.addDecoded(decodeBatch(lines, this.maxLineBytes));
  }

  /** `parse` is parseLine; the benchmark passes lines it parsed beforehand, to time what comes after parsing. */
  addDecoded(batch: DecodedBatch, parse: (text: string) => ParsedLine = parseLine): void {
    const { kinds, texts, times, records, rejects, starts, ends } = batch;
    const stats = this.stats;
    let text = 0;
    let untraced = 0;
    let plain = 0;
    let rejected = 0;
    for (let i = 0; i < kinds.length; i++) {
      this.lineNo++;
      stats.linesRead++;
      stats.bytesRead += (ends[i] as number) - (starts[i] as number);
      const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: starts[i] as number, end: ends[i] as number, clock: this.clock };
      switch (kinds[i]) {
        case LINE_UNTRACED:
          // What routeParsed does with a record that has no trace and no signal; level and message are never read for one.
          this.skimmed++;
          stats.records++;
          this.reconstructor.addRecord({ timeMs: times[untraced++] as number, level: 'info', message: '' }, at);
          break;
        case LINE_PLAIN_TRACED:
          // What routeParsed does with a record without a signal (it can hold no overflow count).
          this.skimmed++;
          stats.records++;
          this.reconstructor.addRecord(records[plain++] as DecodedBatch['records'][number], at);
          break;
        case LINE_REJECTED: {
          const reject = rejects[rejected++] as DecodedBatch['rejects'][number];
          stats.lineRejected(reject.reason, this.where(starts[i] as number), reject.detail);
          break;
        }
        default: {
          const start = starts[i] as number;
          routeParsed(parse(texts[text++] as string), at, () => this.where(start), stats, this.reconstructor);
        }
      }
    }
    this.reconstructor.tick();
  }

  private where(start: number): string {
    // A followed file is read from a checkpoint, so line numbers would be wrong: name the byte offset.
    return this.sourceKey === undefined ? `${this.sourceName}:${this.lineNo}` : `${this.sourceName} at byte ${start}`;
  }
}
