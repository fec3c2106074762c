import type { Sample } from './prometheus-text.js';

/**
 * A cumulative histogram with fixed upper bounds, for our own latencies.
 * `observe` is a short loop over a dozen bounds: called once per export
 * request, never per line.
 */
export class FixedHistogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.bounds.length; i++) {
      if (value <= (this.bounds[i] as number)) {
        this.counts[i] = (this.counts[i] as number) + 1;
        return;
      }
    }
  }

  /** Prometheus samples: cumulative `_bucket{le}` (ending with `+Inf`), `_sum`, `_count`. */
  samples(labels: Readonly<Record<string, string>> = {}): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    this.bounds.forEach((bound, i) => {
      cumulative += this.counts[i] as number;
      out.push({ suffix: '_bucket', labels: { ...labels, le: String(bound) }, value: cumulative });
    });
    out.push({ suffix: '_bucket', labels: { ...labels, le: '+Inf' }, value: this.count });
    out.push({ suffix: '_sum', labels, value: this.sum });
    out.push({ suffix: '_count', labels, value: this.count });
    return out;
  }
}
