import type { ReconstructorCounters } from '../reconstruct/reconstructor.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';

/** What a run leaves to summarise: a backfill's result, or a follower when it stops. */
export interface RunTotals {
  stats: PipelineStats;
  counters: ReconstructorCounters;
  exportError?: Error;
}

/** The one-line summary printed when a backfill ends or a follower stops; `dryRun`: the spans were printed, not sent. */
export function formatSummary(result: RunTotals, label: string, dryRun = false): string {
  const { stats, counters } = result;
  const rejected = [...stats.rejected.entries()].map(([reason, n]) => `${reason}=${n}`).join(' ');
  const incomplete = counters.tracesIncomplete;
  const parts = [
    `${stats.linesRead} lines read`,
    `${stats.rejectedTotal} rejected${rejected === '' ? '' : ` (${rejected})`}`,
    `${stats.traces} traces${incomplete > 0 ? ` (${incomplete} incomplete)` : ''}`,
    dryRun ? `${stats.spansExported} spans would be sent (printed above)` : `${stats.spansExported} spans exported`,
    `${stats.spansFailed} failed`,
  ];
  if (stats.truncations > 0) parts.push(`${stats.truncations} files truncated in place`);
  return `${label}: ${parts.join(', ')}`;
}

/** The summary's figures as fields of a JSON log line (`--log-format json`). */
export function summaryFields(result: RunTotals): Record<string, unknown> {
  const { stats, counters } = result;
  return {
    linesRead: stats.linesRead,
    rejected: Object.fromEntries(stats.rejected),
    traces: stats.traces,
    tracesIncomplete: counters.tracesIncomplete,
    spansExported: stats.spansExported,
    spansFailed: stats.spansFailed,
    truncations: stats.truncations,
  };
}

/** Extra lines worth one mention each: where the first bad line of each kind was, gaps, export errors. */
export function formatNotes(result: RunTotals): string[] {
  const notes: string[] = [];
  for (const [reason, where] of result.stats.firstRejection) notes.push(`skipped ${reason} lines; the first was ${where}`);
  if (result.stats.gatewayDropped > 0) {
    notes.push(`the gateway reported dropping ${result.stats.gatewayDropped} log records (file log queue overflow): traces around them may be partial`);
  }
  notes.push(...result.stats.eventDrops);
  // Only the first reports are kept: then the total says the rest.
  if (result.stats.eventDrops.length >= 20) notes.push(`the OpenClaw plugin dropped ${result.stats.eventsDropped} diagnostic events in all`);
  const other = otherLinesNote(result.stats);
  if (other !== undefined) notes.push(other);
  const reopened = result.counters.tracesReopened;
  if (reopened > 0) notes.push(`${reopened} traces got spans after they were first exported (a retry, lines after an eviction or idle timeout): only the new spans were sent, under the same trace and parents`);
  const amended = result.counters.amendedAfterExport;
  if (amended > 0) notes.push(`${amended} lines arrived after the spans they describe were exported and only amend them (an end, a trailing line): counted as amended_after_export, not sent again`);
  const reread = result.counters.rereadItems;
  if (reread > 0) notes.push(`${reread} lines of traces exported before the last stop were read again from the checkpoint and skipped`);
  const outliers = result.counters.clockOutliers;
  if (outliers > 0) notes.push(`${outliers} lines had a time far ahead of the lines around them (clock_outlier): each was placed by its own time, but log time did not follow it`);
  const evicted = result.counters.tracesEvicted;
  if (evicted > 0) notes.push(`${evicted} traces were exported early because --max-open-traces was reached`);
  for (const error of result.stats.fileErrors) notes.push(`could not read to the end: ${error}`);
  if (result.exportError !== undefined) notes.push(`export failed: ${result.exportError.message}`);
  return notes;
}

/**
 * Lines that were neither a record nor an event: counted, not rejected (console text in a journal
 * is expected), but named at the end, so that a run that found nothing says why.
 */
function otherLinesNote(stats: PipelineStats): string | undefined {
  const total = stats.otherTotal;
  if (total === 0) return undefined;
  const reasons = [...stats.other.entries()].map(([reason, n]) => `${reason}=${n}`).join(' ');
  const hints: string[] = [];
  if ((stats.other.get('unknown_event_type') ?? 0) > 0) hints.push('unknown_event_type: diagnostic events of types this otel-tail does not know (a newer OpenClaw?)');
  if (stats.records + stats.events === 0) hints.push(`nothing else was found: is the input OpenClaw's (its file log of JSON lines with "_meta" and "time", its journald stream, or its diagnostic events)?`);
  return `${total} lines were neither OpenClaw records nor diagnostic events, and were skipped (${reasons})${hints.length === 0 ? '' : `; ${hints.join('; ')}`}`;
}
