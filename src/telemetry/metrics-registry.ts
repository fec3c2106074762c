import type { MetricFamily } from './prometheus-text.js';

/** Reads the current value of some metrics when asked: at scrape time, never on the line path. */
export type MetricsCollector = () => readonly MetricFamily[] | Promise<readonly MetricFamily[]>;

/** Every source of self-monitoring metrics, gathered for one scrape. */
export class MetricsRegistry {
  private readonly collectors: MetricsCollector[] = [];

  register(collector: MetricsCollector): void {
    this.collectors.push(collector);
  }

  async collect(): Promise<MetricFamily[]> {
    const families: MetricFamily[] = [];
    for (const collector of this.collectors) families.push(...(await collector()));
    return families;
  }
}
