import { parseLine } from '../parsers/parse-line.js';
import type { Reconstructor } from '../reconstruct/reconstructor.js';
import type { LineRef } from '../reconstruct/trace-lines.js';
import { decodeLine } from '../sources/decode-line.js';
import type { RawLine } from '../sources/line-splitter.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * Raw lines of one source → parsed → reconstructor, counting every line
 * exactly once (record, event, other or rejected). The only place that
 * knows both the parsers and the reconstructor.
 */
export class LineIntake {
  private lineNo = 0;

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
    const parsed = parseLine(decoded.text);
    const at: LineRef | undefined = this.sourceKey === undefined ? undefined : { source: this.sourceKey, start: raw.start, end: raw.end };
    switch (parsed.kind) {
      case 'log':
        stats.records++;
        if (parsed.record.signal?.kind === 'queue.overflow') stats.gatewayDropped += parsed.record.signal.dropped;
        this.reconstructor.addRecord(parsed.record, at);
        return;
      case 'diagnostic':
        stats.events++;
        this.reconstructor.addEvent(parsed.event, at);
        return;
      case 'other':
        stats.lineOther(parsed.reason);
        return;
      case 'rejected':
        stats.lineRejected(parsed.reason, this.where(raw), parsed.detail);
        return;
    }
  }

  private where(raw: RawLine): string {
    // A followed file is read from a checkpoint, so line numbers would be wrong: name the byte offset.
    return this.sourceKey === undefined ? `${this.sourceName}:${this.lineNo}` : `${this.sourceName} at byte ${raw.start}`;
  }
}
