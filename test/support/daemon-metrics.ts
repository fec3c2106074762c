import { setTimeout as sleep } from 'node:timers/promises';
import type { FollowDaemon } from './follow-daemon.js';

/** The base URL a daemon started with `--metrics-listen 127.0.0.1:0` serves /metrics at (it says so in its start-up lines). */
export async function metricsBase(daemon: FollowDaemon): Promise<string> {
  return (await daemon.waitForStderr(/self-monitoring at (http:\/\/127\.0\.0\.1:\d+)\/metrics/))[1] as string;
}

/** Lines the daemon has read so far, from its /metrics. */
export async function linesRead(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith('otel_tail_lines_read_total '));
  return Number(line?.split(' ')[1] ?? 0);
}

/** Polls /metrics until the daemon has read `count` lines; throws, with its stderr, after 15 s. */
export async function waitForLinesRead(daemon: FollowDaemon, base: string, count: number): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await linesRead(base)) < count) {
    if (Date.now() > deadline) throw new Error(`the follower did not read ${count} lines:\n${daemon.stderr}`);
    await sleep(20);
  }
}
