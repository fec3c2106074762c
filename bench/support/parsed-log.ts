import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as DecodedLinesModule from '../../src/pipeline/decoded-lines.js';
import type * as FileLinesModule from '../../src/sources/file-lines.js';
import type * as LineIntakeModule from '../../src/pipeline/line-intake.js';
import type * as ParseLineModule from '../../src/parsers/parse-line.js';
import type * as PipelineStatsModule from '../../src/telemetry/pipeline-stats.js';
import type * as ReconstructorModule from '../../src/reconstruct/reconstructor.js';
import type * as ReconstructorOptionsModule from '../../src/cli/reconstructor-options.js';
import type * as ResolveConfigModule from '../../src/config/resolve-config.js';
import type { ParsedLine } from '../../src/model/records.js';
import type { DecodedBatch } from '../../src/parsers/decoded-batch.js';
import type { LineIntake } from '../../src/pipeline/line-intake.js';

/** A batch of a log read and decoded, and each of its lines parsed. */
export interface ParsedBatch {
  batch: DecodedBatch;
  lines: ParsedLine[];
}

/**
 * The modules of an otel-tail checkout's dist/ (what the CLI runs, not a copy compiled for the
 * bench) that read, parse and reconstruct a log, and `parseAll` made of them.
 */
export async function pipelineModules(root: string) {
  const dist = (module: string): string => pathToFileURL(join(root, 'dist', module)).href;
  const { resolveConfig } = (await import(dist('config/resolve-config.js'))) as typeof ResolveConfigModule;
  const { parseLine } = (await import(dist('parsers/parse-line.js'))) as typeof ParseLineModule;
  const { LineIntake } = (await import(dist('pipeline/line-intake.js'))) as typeof LineIntakeModule;
  const { Reconstructor } = (await import(dist('reconstruct/reconstructor.js'))) as typeof ReconstructorModule;
  const { readStreamDecoded } = (await import(dist('pipeline/decoded-lines.js'))) as typeof DecodedLinesModule;
  const { openLogFile } = (await import(dist('sources/file-lines.js'))) as typeof FileLinesModule;
  const { PipelineStats } = (await import(dist('telemetry/pipeline-stats.js'))) as typeof PipelineStatsModule;
  const { reconstructorOptions } = (await import(dist('cli/reconstructor-options.js'))) as typeof ReconstructorOptionsModule;

  /** Every line of `path` read, decoded and parsed, held in memory (~190 MB of heap at 97 MB of log). */
  async function parseAll(path: string, maxLineBytes: number): Promise<ParsedBatch[]> {
    const parsed: ParsedBatch[] = [];
    for await (const batch of readStreamDecoded(await openLogFile(path), maxLineBytes)) {
      parsed.push({ batch, lines: batch.texts.map((text) => parseLine(text)) });
      // The texts are parsed: only their count is read from here on.
      batch.texts.fill('');
    }
    return parsed;
  }

  return { resolveConfig, LineIntake, Reconstructor, PipelineStats, reconstructorOptions, parseAll };
}

/** Feeds parsed batches to `intake` as a backfill does (`after` runs after each batch). */
export async function addParsed(intake: LineIntake, parsed: readonly ParsedBatch[], after?: () => Promise<void>): Promise<void> {
  for (const { batch, lines } of parsed) {
    let next = 0;
    intake.addDecoded(batch, () => lines[next++] as ParsedLine);
    if (after !== undefined) await after();
  }
}
