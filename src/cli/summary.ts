import type { ReconstructorCounters } from '../reconstruct/reconstructor.js';
import type { PipelineStats } from '../telemetry/pipeline-stats.js';
import type { LogLevel } from './own-log.js';
import { plural } from './plural.js';

/** What a run leaves to summarise: a backfill's result, or a follower when it stops. */
export interface RunTotals {
  stats: PipelineStats;
  counters: ReconstructorCounters;
  exportError?: Error;
}

/**
 * Where the spans went, as the summary says it: `exported` (to a collector or a file), `printed`
 * (the console: nothing was sent), or `dry-run` (printed as they would have been sent).
 */
export type SpanDelivery = 'exported' | 'printed' | 'dry-run';

const DELIVERED: Readonly<Record<SpanDelivery, (spans: string) => string>> = {
  exported: (spans) => `${spans} exported`,
  printed: (spans) => `${spans} printed (nothing sent)`,
  'dry-run': (spans) => `${spans} would be sent (printed above)`,
};

/** The one-line summary printed when a backfill ends or a follower stops. */
export function formatSummary(result: RunTotals, label: string, delivery: SpanDelivery = 'exported'): string {
  const { stats, counters } = result;
  const rejected = [...stats.rejected.entries()].map(([reason, n]) => `${reason}=${n}`).join(' ');
  const incomplete = counters.tracesIncomplete;
  const parts = [
    `${plural(stats.linesRead, 'line')} read`,
    `${stats.rejectedTotal} rejected${rejected === '' ? '' : ` (${rejected})`}`,
    `${plural(stats.traces, 'trace')}${incomplete > 0 ? ` (${incomplete} incomplete)` : ''}`,
    DELIVERED[delivery](plural(stats.spansExported, 'span')),
    `${stats.spansFailed} failed`,
  ];
  if (stats.logsOn) parts.push(`${plural(stats.logRecordsExported, 'log record')} exported, ${stats.logRecordsFailed} failed`);
  if (stats.truncations > 0) parts.push(`${plural(stats.truncations, 'file')} truncated in place`);
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
    ...(stats.logsOn ? { logRecordsExported: stats.logRecordsExported, logRecordsFailed: stats.logRecordsFailed } : {}),
    truncations: stats.truncations,
  };
}

/** One line for the operator after a run, at the level a journal filter by priority must see it at. */
export interface RunNote {
  level: LogLevel;
  text: string;
}

/** The summary's level: a run that lost spans or stopped reading early is a warning, never info. */
export function summaryLevel(result: RunTotals): LogLevel {
  return result.stats.spansFailed > 0 || result.stats.logRecordsFailed > 0 || result.stats.fileErrors.length > 0 || result.exportError !== undefined ? 'warn' : 'info';
}

/**
 * Extra lines worth one mention each: where the first bad line of each kind was, gaps, export errors.
 * `foreignNamed`: each input that held nothing of OpenClaw's was already named as such (backfill), so
 * the count of its lines does not ask again whether the input is OpenClaw's.
 */
export function formatNotes(result: RunTotals, foreignNamed = false): RunNote[] {
  const notes: RunNote[] = [];
  const warn = (text: string): number => notes.push({ level: 'warn', text });
  for (const [reason, where] of result.stats.firstRejection) warn(`skipped ${reason} lines; the first was ${where}`);
  if (result.stats.gatewayDropped > 0) {
    warn(`the gateway reported dropping ${result.stats.gatewayDropped} log records (file log queue overflow): traces around them may be partial`);
  }
  for (const drop of result.stats.eventDrops) warn(drop);
  // Only the first reports are kept: then the total says the rest.
  if (result.stats.eventDrops.length >= 20) warn(`the OpenClaw plugin dropped ${result.stats.eventsDropped} diagnostic events in all`);
  // Events alone (no log record read): their release may not mark failed calls.
  const unmarked = result.stats.unmarkedFailures.notice(result.stats.records > 0);
  if (unmarked !== undefined) notes.push({ level: 'info', text: unmarked });
  const other = otherLinesNote(result.stats, foreignNamed);
  if (other !== undefined) notes.push(other);
  const reopened = result.counters.tracesReopened;
  if (reopened > 0) notes.push({ level: 'info', text: `${plural(reopened, 'trace')} got spans after ${reopened === 1 ? 'it was' : 'they were'} first exported (a retry, lines after an eviction or idle timeout): only the new spans were sent, under the same trace and parents` });
  const amended = result.counters.amendedAfterExport;
  if (amended > 0) notes.push({ level: 'info', text: `${plural(amended, 'line')} arrived after the spans ${amended === 1 ? 'it describes' : 'they describe'} were exported and only amend them (an end, a trailing line): counted as amended_after_export, not sent again` });
  const reread = result.counters.rereadItems;
  if (reread > 0) notes.push({ level: 'info', text: `${plural(reread, 'line')} of traces exported before the last stop were read again from the checkpoint and skipped` });
  const outliers = result.counters.clockOutliers;
  if (outliers > 0) warn(`${plural(outliers, 'line')} had a time far ahead of the lines around ${outliers === 1 ? 'it' : 'them'} (clock_outlier): each was placed by its own time, but log time did not follow it`);
  const evicted = result.counters.tracesEvicted;
  // Counted per eviction: a trace evicted, reopened by its later lines and evicted again counts twice, so say evictions, not traces.
  if (evicted > 0) warn(`${plural(evicted, 'eviction')}: open traces were exported early because --max-open-traces was reached (their later lines still became spans; a trace reopened and evicted again counts again)`);
  for (const error of result.stats.fileErrors) notes.push({ level: 'error', text: `could not read to the end: ${error}` });
  if (result.exportError !== undefined) notes.push({ level: 'error', text: `export failed: ${result.exportError.message}` });
  return notes;
}

/**
 * Lines that were neither a record nor an event: counted, not rejected (console text in a journal
 * is expected), but named at the end, so that a run that found nothing says why.
 */
function otherLinesNote(stats: PipelineStats, foreignNamed: boolean): RunNote | undefined {
  const total = stats.otherTotal;
  if (total === 0) return undefined;
  const reasons = [...stats.other.entries()].map(([reason, n]) => `${reason}=${n}`).join(' ');
  const hints: string[] = [];
  if ((stats.other.get('unknown_event_type') ?? 0) > 0) hints.push('unknown_event_type: diagnostic events of types this otel-tail does not know (a newer OpenClaw?)');
  const nothingElse = stats.records + stats.events === 0;
  if (nothingElse && !foreignNamed) hints.push(`nothing else was found: is the input OpenClaw's (its file log of JSON lines with "_meta" and "time", its journald stream, or its diagnostic events)?`);
  const what = total === 1 ? 'was neither an OpenClaw record nor a diagnostic event, and was' : 'were neither OpenClaw records nor diagnostic events, and were';
  const text = `${plural(total, 'line')} ${what} skipped (${reasons})${hints.length === 0 ? '' : `; ${hints.join('; ')}`}`;
  // A run that found nothing of OpenClaw's read the wrong input: a warning. Console text beside records is expected.
  return { level: nothingElse ? 'warn' : 'info', text };
}
