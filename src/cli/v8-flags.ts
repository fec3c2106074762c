import { setFlagsFromString } from 'node:v8';

/**
 * V8 settings otel-tail sets at start-up, each left alone when the operator gave it on node's
 * command line (`node --interrupt-budget=67584 bin/otel-tail ...`; node refuses both in
 * NODE_OPTIONS). Both are read by V8 as it goes (at each full collection, at each tier-up check),
 * so setting them before the work starts takes effect, in the export worker too (V8's flags are
 * the process's).
 */
export function tuneV8(): void {
  for (const flag of v8FlagsToSet(process.execArgv)) setFlagsFromString(flag);
}

/** The flags tuneV8 sets, given node's own arguments (`process.execArgv`). */
export function v8FlagsToSet(execArgv: readonly string[]): string[] {
  return TUNING.filter(([flag]) => !execArgv.some((arg) => arg.startsWith(`--${flag}=`) || arg === `--${flag}`)).map(([flag, value]) => `--${flag}=${value}`);
}

const TUNING: readonly (readonly [string, number])[] = [
  /**
   * The old generation may grow to twice what survived the last full collection (V8: 1 + percent /
   * 100). On a machine with a heap limit of 2 GB or more (4 GB of RAM and up), V8 lets it reach 4x
   * before it collects again. otel-tail's live heap is small and bounded (open traces, the
   * exported-span memory), but a backfill allocates fast and what it allocates lives just long
   * enough to be promoted: at 4x, 30,000 traces with 25 MB live peaked at 214 MiB RSS; at 2x, 178
   * (bench late-data; CPU the same within noise on the 100 MB backfill).
   */
  ['heap-growing-percent', 100],
  /**
   * How much a function runs (V8's budget, in bytecode executed) before V8 considers optimizing it:
   * 4x V8's default (67,584). With the default, about 150 functions of a backfill went to TurboFan,
   * whose compiles took 0.45 s of CPU on V8's helper threads beside the 1.1 s of the main thread
   * on two cores; most run a few thousand times in all and pay off little. 97 MB backfill
   * (median of 11, interleaved): CPU 2.18 → 1.97 s, wall 1.42 → 1.34 s; `.gz` 2.38 → 2.18 s and
   * 1.57 → 1.50 s. 2x saved less, 8x no more.
   */
  ['interrupt-budget', 270_336],
];
