import { constants } from 'node:fs';
import { access, appendFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import { InputError } from '../model/input-errors.js';
import type { FinishedTrace } from '../model/span-record.js';
import { toReadableSpans } from './readable-span.js';
import type { ResourceOptions } from './readable-span.js';
import type { ExportOutcome, TraceExporter } from './trace-exporter.js';

export interface OtlpJsonFileExporterOptions {
  /** File to append to, or `-` for stdout. */
  path: string;
  resource: ResourceOptions;
}

/**
 * Writes each export call as one OTLP/JSON ExportTraceServiceRequest per line
 * (the Collector's `file` exporter format), so `otelcol`'s otlpjsonfile
 * receiver or `jq` can read it back.
 */
export class OtlpJsonFileExporter implements TraceExporter {
  readonly #path: string;
  readonly #resource: ResourceOptions;
  readonly #decoder = new TextDecoder();

  constructor(options: OtlpJsonFileExporterOptions) {
    this.#path = options.path;
    this.#resource = options.resource;
  }

  async export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    try {
      const spans = toReadableSpans(traces, this.#resource);
      if (spans.length === 0) return { status: 'success' };
      const bytes = JsonTraceSerializer.serializeRequest(spans);
      if (bytes === undefined) return failure('the OTLP/JSON serializer produced nothing');
      const line = `${toSingleLine(this.#decoder.decode(bytes))}\n`;
      if (this.#path === '-') {
        await writeStdout(line);
      } else {
        // One appendFile per call (O_APPEND): each line lands whole, and there
        // is no long-lived stream whose late 'error' event could go unheard.
        await appendFile(this.#path, line, 'utf8');
      }
      return { status: 'success' };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return failure(`writing OTLP/JSON to ${this.#path === '-' ? 'stdout' : this.#path} failed: ${reason}`);
    }
  }

  /**
   * Checks at start-up that the file can be created (its directory exists and is writable), so a
   * mistyped --output stops the run (exit 2) before any input is read, not after all of it.
   */
  static async open(options: OtlpJsonFileExporterOptions): Promise<OtlpJsonFileExporter> {
    if (options.path !== '-') {
      const dir = dirname(options.path);
      const info = await stat(dir).catch(() => undefined);
      if (info?.isDirectory() !== true) throw new InputError(`--output ${options.path}: ${info === undefined ? 'there is no directory' : 'not a directory:'} ${dir}; create it or choose another path.`);
      // An existing file is appended to: it must be writable; else the directory must be, to create it.
      const target = await stat(options.path).then(() => options.path, () => dir);
      const writable = await access(target, constants.W_OK).then(() => true, () => false);
      if (!writable) throw new InputError(`--output ${options.path}: cannot write there (permission denied); choose another path.`);
    }
    return new OtlpJsonFileExporter(options);
  }

  async shutdown(): Promise<void> {
    // Every export call has already been written and closed.
  }
}

/**
 * JSON.stringify never emits a raw newline, but it leaves U+2028/U+2029 raw,
 * and some line readers (Python's splitlines, old JS parsers) split on them.
 */
function toSingleLine(json: string): string {
  return json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}

function failure(message: string): ExportOutcome {
  return { status: 'retryable', error: new Error(message) };
}
