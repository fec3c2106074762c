import type { FinishedTrace } from '../model/span-record.js';
import type { ResourceOptions } from './readable-span.js';
import { renderTraceTree } from './render-trace-tree.js';
import type { ExportOutcome, TraceExporter } from './trace-exporter.js';

export interface ConsoleTreeExporterOptions {
  /** Where trees go; process.stdout by default. */
  out?: NodeJS.WritableStream;
  /** ANSI colours; by default on when `out` is a terminal and NO_COLOR is unset. */
  color?: boolean;
  /** Only the service name is shown, in each trace's header. */
  resource?: ResourceOptions;
  /** Columns of the timeline bar (default 30, less on a narrow terminal). */
  barWidth?: number;
  /** Cut lines to this width; by default the terminal's width when `out` is one, else no cut (a pipe, a file). */
  columns?: number;
}

const DEFAULT_BAR_WIDTH = 30;
const MIN_BAR_WIDTH = 10;

/** Prints each trace as a tree, for trying otel-tail out without a backend. */
export class ConsoleTreeExporter implements TraceExporter {
  readonly #out: NodeJS.WritableStream;
  readonly #color: boolean;
  readonly #serviceName: string | undefined;
  readonly #width: number;
  readonly #columns: number | undefined;

  constructor(options: ConsoleTreeExporterOptions = {}) {
    this.#out = options.out ?? process.stdout;
    const isTty = (this.#out as { isTTY?: boolean }).isTTY === true;
    // https://no-color.org: any non-empty NO_COLOR turns default colour off.
    const noColor = (process.env['NO_COLOR'] ?? '') !== '';
    this.#color = options.color ?? (isTty && !noColor);
    this.#serviceName = options.resource?.serviceName;
    const terminalColumns = (this.#out as { columns?: number }).columns;
    this.#columns = options.columns ?? (isTty && typeof terminalColumns === 'number' && terminalColumns > 0 ? terminalColumns : undefined);
    // A fifth of the line for the timeline: 30 columns from 150 on, 20 on a 100-column terminal.
    this.#width = options.barWidth ?? (this.#columns === undefined ? DEFAULT_BAR_WIDTH : Math.max(MIN_BAR_WIDTH, Math.min(DEFAULT_BAR_WIDTH, Math.floor(this.#columns / 5))));
  }

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    if (traces.length === 0) return { status: 'success' };
    try {
      let text = '';
      for (const trace of traces) {
        const tree = renderTraceTree(trace, {
          color: this.#color,
          width: this.#width,
          ...(this.#columns === undefined ? {} : { maxColumns: this.#columns }),
          ...(this.#serviceName === undefined ? {} : { serviceName: this.#serviceName }),
        });
        text += `${tree}\n\n`;
      }
      // One write per call keeps trees from interleaving with other writers' lines.
      await write(this.#out, text);
      return { status: 'success' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { status: 'retryable', error: new Error(`printing traces failed: ${reason}`) };
    }
  }

  async shutdown(): Promise<void> {
    // Nothing is buffered here; the stream belongs to the caller.
  }
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    out.write(text, (error?: Error | null) => {
      if (error) reject(error);
      else resolve();
    });
  });
}
