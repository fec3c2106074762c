import type { ReconstructorCounters } from '../reconstruct/reconstructor.js';
import type { PipelineStats } from './pipeline-stats.js';
import type { MetricFamily, Sample } from './prometheus-text.js';
import type { SourceLagReading } from './source-lag.js';
import type { TimedExporter } from './timed-exporter.js';

/** What the follower's self-monitoring reads at scrape time: the counters it keeps anyway. */
export interface FollowerReadings {
  stats: PipelineStats;
  counters: ReconstructorCounters;
  openTraces: number;
  exporter: TimedExporter;
  sources: readonly SourceLagReading[];
}

const counter = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name, help, type: 'counter', samples });
const gauge = (name: string, help: string, samples: Sample[]): MetricFamily => ({ name, help, type: 'gauge', samples });
const one = (value: number): Sample[] => [{ value }];

/** The `otel_tail_*` families of a follower. */
export function followerMetricFamilies(r: FollowerReadings): MetricFamily[] {
  const { stats, counters, exporter } = r;
  const byReason = (map: ReadonlyMap<string, number>): Sample[] => [...map].map(([reason, value]) => ({ labels: { reason }, value }));
  const fileSources = r.sources.filter((s) => s.bytesBehind !== undefined);
  return [
    counter('otel_tail_lines_read_total', 'Lines (and journal entries) read from every source.', one(stats.linesRead)),
    counter('otel_tail_bytes_read_total', 'Bytes read from every source.', one(stats.bytesRead)),
    counter('otel_tail_lines_rejected_total', 'Lines skipped as unusable, by reason (invalid_json, too_long, binary, ...).', byReason(stats.rejected)),
    counter('otel_tail_lines_other_total', 'Lines that are neither a record nor an event (plain text, unknown JSON), by reason.', byReason(stats.other)),
    counter('otel_tail_records_total', 'Log records parsed.', one(stats.records)),
    counter('otel_tail_events_total', 'Diagnostic events parsed.', one(stats.events)),
    counter('otel_tail_lines_amended_after_export_total', 'Lines that arrived after the spans they describe were exported and only amend them (not sent again).', one(counters.amendedAfterExport)),
    counter('otel_tail_clock_outliers_total', 'Lines whose time was far ahead of their source\'s lines (or of the wall clock): placed by their own time, log time did not follow.', one(counters.clockOutliers)),
    counter('otel_tail_traces_reopened_total', 'Parts of traces exported after the trace was first exported (retries, lines after an eviction): their new spans only.', one(counters.tracesReopened)),
    counter('otel_tail_gateway_dropped_total', 'Log records the gateway reported dropping itself (file log queue overflow).', one(stats.gatewayDropped)),
    gauge('otel_tail_traces_open', 'Traces being reconstructed now.', one(r.openTraces)),
    counter('otel_tail_traces_emitted_total', 'Traces handed to the exporter.', one(stats.traces)),
    counter('otel_tail_traces_incomplete_total', 'Traces emitted with spans still open (idle timeout, eviction, shutdown).', one(counters.tracesIncomplete)),
    counter('otel_tail_traces_evicted_total', 'Evictions: open traces emitted early because maxOpenTraces was reached (a reopened trace evicted again counts again).', one(counters.tracesEvicted)),
    counter('otel_tail_spans_exported_total', 'Spans the exporter accepted.', one(stats.spansExported)),
    counter('otel_tail_spans_failed_total', 'Spans given up: refused by the backend (kept in the dead-letter file) or listed as rejected in a 200 answer; the stop summary\'s "failed".', one(stats.spansFailed)),
    counter('otel_tail_export_retried_spans_total', 'Spans in export requests that failed and are retried (a span can count more than once).', one(exporter.spansFailed)),
    counter('otel_tail_log_records_exported_total', 'With --logs: log records the backend accepted.', one(stats.logRecordsExported)),
    counter('otel_tail_log_records_failed_total', 'With --logs: log records given up: refused by the backend (HTTP 400, 413, 422) or listed as rejected in a 200 answer.', one(stats.logRecordsFailed)),
    counter('otel_tail_dead_letter_traces_total', 'Refused traces written to the dead-letter file (otel-tail dead-letter replay sends them again).', one(stats.deadLettered.traces)),
    counter('otel_tail_dead_letter_spans_total', 'Spans of the refused traces written to the dead-letter file.', one(stats.deadLettered.spans)),
    counter('otel_tail_dead_letter_lost_spans_total', 'Spans of refused traces the dead-letter file could not take (full, or a write error): lost.', one(stats.deadLetterLost)),
    counter('otel_tail_export_requests_total', 'Export requests, by outcome.', [
      { labels: { outcome: 'success' }, value: exporter.requestsSucceeded },
      { labels: { outcome: 'failure' }, value: exporter.requestsFailed },
    ]),
    { name: 'otel_tail_export_duration_seconds', help: 'Time one export request took, retries within the SDK included.', type: 'histogram', samples: exporter.latency.samples() },
    gauge('otel_tail_exporter_failing', '1 while exports are failing (the collector is down or refusing), else 0.', one(exporter.failingSince === undefined ? 0 : 1)),
    gauge('otel_tail_checkpoint_lag_bytes', 'Bytes between the checkpoint and the end of the file.', fileSources.map((s) => ({ labels: { source: s.source }, value: s.bytesBehind ?? 0 }))),
    gauge(
      'otel_tail_checkpoint_lag_seconds',
      'How long the oldest line not covered by the checkpoint has waited (journal: log time between the checkpoint and the last entry read).',
      r.sources.map((s) => ({ labels: { source: s.source }, value: s.secondsBehind })),
    ),
    counter('otel_tail_source_restarts_total', 'Sources started over: journalctl restarted, or a file rewritten in place (copytruncate) and read again from 0.', [
      { labels: { kind: 'journalctl' }, value: stats.sourceRestarts },
      { labels: { kind: 'truncated' }, value: stats.truncations },
    ]),
    counter('otel_tail_file_rotations_total', 'Rotations of a followed directory, by kind: renamed (the live file became .1.log), new_day (a file of a later date appeared, the midnight roll).', [
      { labels: { kind: 'renamed' }, value: stats.rotations.renamed },
      { labels: { kind: 'new_day' }, value: stats.rotations.new_day },
    ]),
  ];
}
