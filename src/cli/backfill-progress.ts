import type { BackfillProgress } from '../pipeline/run-backfill.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/**
 * Progress of a backfill on standard error: on a terminal, one line redrawn
 * four times a second (bytes, lines/s, spans sent, ETA); otherwise a plain
 * line every 10 s, so logs of a long run under systemd or CI show it moving.
 */
export class BackfillProgressReporter implements BackfillProgress {
  private readBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly startedMs = Date.now();
  /** Spans exported when the collector was found unreachable; undefined while it takes requests. */
  private exportedAtOutage: number | undefined;

  constructor(
    private readonly totalBytes: number,
    private readonly stats: PipelineStats,
    private readonly tty: boolean,
    private readonly write: (text: string) => void,
  ) {}

  readonly diskBytes = (bytes: number): void => {
    this.readBytes += bytes;
  };

  start(): void {
    this.timer = setInterval(() => this.render(), this.tty ? 250 : 10_000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.tty) this.write('\r\u001b[K');
  }

  /**
   * An export attempt failed and is being tried again: the progress line says so at once, and
   * `say` (a warning) runs on a line of its own, once per outage. Cleared when spans go out again.
   */
  collectorRetrying(say: () => void): void {
    if (this.exportedAtOutage !== undefined) return;
    this.exportedAtOutage = this.stats.spansExported;
    // On a terminal, the warning must not be appended to the line being redrawn.
    if (this.tty) this.write('\r\u001b[K');
    say();
    this.render();
  }

  /** Whether the collector was unreachable at the last attempt and no span went out since. */
  private outage(): boolean {
    if (this.exportedAtOutage === undefined) return false;
    if (this.stats.spansExported === this.exportedAtOutage) return true;
    this.exportedAtOutage = undefined;
    return false;
  }

  /** The progress line now (also used by tests). */
  line(nowMs = Date.now()): string {
    const seconds = Math.max((nowMs - this.startedMs) / 1000, 0.001);
    const rates = [`${Math.round(this.stats.linesRead / seconds).toLocaleString('en-US')} lines/s`, `${this.stats.spansExported.toLocaleString('en-US')} spans sent`];
    if (this.outage()) rates.push('collector unreachable, retrying');
    // Standard input alone, or journals: no size to measure against, so no percentage and no ETA.
    if (this.totalBytes === 0) return [`${mb(this.stats.bytesRead)} MB read`, ...rates].join(' · ');
    const fraction = Math.min(this.readBytes / this.totalBytes, 1);
    const eta = fraction > 0 && fraction < 1 ? formatDuration((seconds / fraction) * (1 - fraction)) : '-';
    return [`${(fraction * 100).toFixed(0)}% ${mb(this.readBytes)}/${mb(this.totalBytes)} MB`, ...rates, `ETA ${eta}`].join(' · ');
  }

  private render(): void {
    this.write(this.tty ? `\r\u001b[Kotel-tail backfill: ${this.line()}` : `otel-tail backfill: ${this.line()}\n`);
  }
}

function mb(bytes: number): string {
  return (bytes / 1_000_000).toFixed(1);
}

function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
