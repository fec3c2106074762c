/** What every benchmark under bench/ implements; bench/run.ts runs them and prints their figures. */

/** A figure is held to a target only when it has one; a missed target is printed, never thrown. */
export type Target = { op: '<'; value: number } | { op: '>='; value: number } | { op: '='; value: number };

export interface Figure {
  label: string;
  value: number;
  unit: string;
  target?: Target;
  /** One short remark printed after the figure (what it is relative to, what a miss means). */
  note?: string;
}

export interface BenchContext {
  /** Absolute path of the otel-tail checkout (where package.json is). */
  readonly repoRoot: string;
  /** A number given as `--name=value` on the command line, else the default. */
  param(name: string, fallback: number): number;
  /** Progress for the person watching (stderr), not a figure. */
  log(message: string): void;
}

export interface Benchmark {
  /** The name given on the command line to run only this one. */
  readonly name: string;
  readonly description: string;
  run(context: BenchContext): Promise<Figure[]>;
}

export function targetMet(figure: Figure): boolean | undefined {
  const { target } = figure;
  if (target === undefined) return undefined;
  if (target.op === '<') return figure.value < target.value;
  if (target.op === '>=') return figure.value >= target.value;
  return figure.value === target.value;
}
