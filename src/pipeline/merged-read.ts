import type { Reconstructor, StreamKind } from '../reconstruct/reconstructor.js';
import type { DecodedBatch } from '../parsers/decoded-batch.js';

/** One input file of a merged backfill group: its lines, and where they go. */
export interface MergedInput {
  path: string;
  kind: StreamKind;
  lines: () => AsyncGenerator<DecodedBatch>;
  add: (batch: DecodedBatch) => void;
}

/**
 * Reads the file log and the diagnostic events of one gateway side by side:
 * the next batch always comes from the stream that is further behind in log
 * time, so both reach a trace at about the same time and the reconstructor
 * holds only the traces of the window between them, not a whole file's.
 * Each stream's files are read in the order given. Returns the inputs that
 * stopped on an error, with it (what was read stays in the pipeline).
 */
export async function readMerged(
  inputs: readonly MergedInput[],
  reconstructor: Reconstructor,
  afterBatch: () => Promise<void>,
): Promise<Map<string, Error>> {
  const failed = new Map<string, Error>();
  const streams = (['log', 'event'] as const).map((kind) => ({
    kind,
    queue: inputs.filter((input) => input.kind === kind),
    current: undefined as { input: MergedInput; lines: AsyncGenerator<DecodedBatch> } | undefined,
  }));
  for (;;) {
    const live = streams.filter((stream) => stream.current !== undefined || stream.queue.length > 0);
    if (live.length === 0) return failed;
    const stream = live.reduce((a, b) => (reconstructor.streamWatermark(b.kind) < reconstructor.streamWatermark(a.kind) ? b : a));
    if (stream.current === undefined) {
      const input = stream.queue.shift() as MergedInput;
      stream.current = { input, lines: input.lines() };
    }
    const { input, lines } = stream.current;
    try {
      const next = await lines.next();
      if (next.done === true) {
        stream.current = undefined;
        continue;
      }
      input.add(next.value);
    } catch (error) {
      // A truncated archive or an I/O error ends this input only.
      failed.set(input.path, error as Error);
      stream.current = undefined;
      continue;
    }
    await afterBatch();
  }
}
