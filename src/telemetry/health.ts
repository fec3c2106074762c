import { journalProblem, type JournalReading } from './journal-health.js';
import type { SourceLagReading } from './source-lag.js';

export type Health = { healthy: true } | { healthy: false; reason: string };

export interface HealthInputs {
  nowMs: number;
  /** Past this, a failing exporter or a stuck source makes the daemon unhealthy. */
  thresholdMs: number;
  /** Wall time of the first failed export of the current outage; undefined while exports succeed. */
  exportFailingSinceMs: number | undefined;
  /** The last export error (never with credentials: the exporter redacts them). */
  lastExportError: string | undefined;
  sources: readonly SourceLagReading[];
  /** Journal sources: journalctl keeps exiting, or runs and leaves entries unread. */
  journals?: readonly JournalReading[];
}

/** What /healthz answers: the first reason found, so an operator reads one sentence. */
export function assessHealth(inputs: HealthInputs): Health {
  const { nowMs, thresholdMs } = inputs;
  if (inputs.exportFailingSinceMs !== undefined && nowMs - inputs.exportFailingSinceMs >= thresholdMs) {
    const seconds = Math.round((nowMs - inputs.exportFailingSinceMs) / 1000);
    return { healthy: false, reason: `exports have been failing for ${seconds}s: ${inputs.lastExportError ?? 'unknown error'}` };
  }
  for (const source of inputs.sources) {
    if (source.stuckMs >= thresholdMs) {
      return { healthy: false, reason: `${source.source} has had lines to read for ${Math.round(source.stuckMs / 1000)}s without any being read` };
    }
  }
  for (const journal of inputs.journals ?? []) {
    const problem = journalProblem(journal, nowMs, thresholdMs);
    if (problem !== undefined) return { healthy: false, reason: problem };
  }
  return { healthy: true };
}
