import type { FinishedTrace } from '../reconstruct/span-record.js';
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
  /** Columns of the timeline bar (default 30). */
  barWidth?: number;
}

const DEFAULT_BAR_WIDTH = 30;

/** Prints each trace as a tree, for trying otel-tail out without a backend. */
export class ConsoleTreeExporter implements TraceExporter {
  readonly #out: NodeJS.WritableStream;
  readonly #color: boolean;
  readonly #serviceName: string | undefined;
  readonly #width: number;

  constructor(options: ConsoleTreeExporterOptions = {}) {
    this.#out = options.out ?? process.stdout;
    const isTty = (this.#out as { isTTY?: boolean }).isTTY === true;
    // https://no-color.org: any non-empty NO_COLOR turns default colour off.
    const noColor = (process.env['NO_COLOR'] ?? '') !== '';
    this.#color = options.color ?? (isTty && !noColor);
    this.#serviceName = options.resource?.serviceName;
    this.#width = options.barWidth ?? DEFAULT_BAR_WIDTH;
  }

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    if (traces.length === 0) return { status: 'success' };
    try {
      let text = '';
      for (const trace of traces) {
        const tree = renderTraceTree(trace, {
          color: this.#color,
          width: this.#width,
          ...(this.#serviceName === undefined ? {} : { serviceName: this.#serviceName }),
        });
        text += `${tree}\n\n`;
      }
      // One write per call keeps trees from interleaving with other writers' lines.
      await write(this.#out, text);
      return { status: 'success' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { status: 'failure', error: new Error(`printing traces failed: ${reason}`) };
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
