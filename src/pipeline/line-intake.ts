import { parseLine } from '../parsers/parse-line.js';
import { untracedRecordTime } from '../parsers/untraced-record.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../reconstruct/trace-lines.js';
import { decodeLine } from '../sources/decode-line.js';
import type { RawLine } from '../sources/line-splitter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import { routeParsed } from './route-parsed.js';

/**
 * Raw lines of one source → parsed → reconstructor, counting every line
 * exactly once (record, event, other or rejected). The only place that
 * knows both the parsers and the reconstructor.
 *
 * An untraced record (no trace ids, nothing a signal could be read from) is
 * recognised by `untracedRecordTime` without JSON.parse: it is counted as a
 * record and handed over with its time only, which is all the reconstructor
 * takes from a record without a trace (it moves the watermark and counts it).
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
  ) {}

  get linesSeen(): number {
    return this.lineNo;
  }

  /** Lines taken as untraced records without a full parse (also counted in `stats.records`). */
  get linesSkimmed(): number {
    return this.skimmed;
  }

  addBatch(lines: readonly RawLine[]): void {
    for (const raw of lines) this.addLine(raw);
    this.reconstructor.tick();
  }

  private addLine(raw: RawLine): void {
    this.lineNo++;
    const stats = this.stats;
    stats.linesRead++;
    stats.bytesRead += raw.end - raw.start;
    const decoded = decodeLine(raw, this.maxLineBytes);
    if (!decoded.ok) {
      stats.lineRejected(decoded.reason, this.where(raw), decoded.detail);
      return;
    }
    const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: raw.start, end: raw.end };
    const untracedAt = untracedRecordTime(decoded.text);
    if (untracedAt !== undefined) {
      // What routeParsed does with a record that has no trace and no signal; level and message are never read for one.
      this.skimmed++;
      stats.records++;
      this.reconstructor.addRecord({ timeMs: untracedAt, level: 'info', message: '' }, at);
      return;
    }
    routeParsed(parseLine(decoded.text), at, () => this.where(raw), stats, this.reconstructor);
  }

  private where(raw: RawLine): string {
    // A followed file is read from a checkpoint, so line numbers would be wrong: name the byte offset.
    return this.sourceKey === undefined ? `${this.sourceName}:${this.lineNo}` : `${this.sourceName} at byte ${raw.start}`;
  }
}
