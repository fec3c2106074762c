import { backendAgeLimit, type BackendAgeLimit } from '../export/age-limit.js';
import { plural } from './plural.js';

const HOUR_MS = 3_600_000;

/** How to go on when a backend will not take old spans: said in every message about it. */
const HOW_TO_GO_ON =
  'To import older logs, send them to a backend that accepts history (for example an OpenTelemetry Collector: --preset otlp --endpoint URL); to send Dynatrace only what it takes, limit the run to the last hour with --since 55m.';

/**
 * Backends that refuse or hide old spans. A warning before a backfill sends
 * them (what will happen, and how to go on), or undefined when the backend is
 * not known to care. `limit` is the age limit of the backend sent to (by
 * default, recognised from the URL: see backendAgeLimit): its too-old traces
 * are skipped, not sent.
 */
export function backendAgeWarning(tracesUrl: string, oldestMs: number, nowMs: number, limit = backendAgeLimit('otlp', tracesUrl)): string | undefined {
  if (!Number.isFinite(oldestMs)) return undefined;
  const since = new Date(oldestMs).toISOString();
  if (limit !== undefined) {
    const cutoff = nowMs - limit.admitAgeMs;
    if (oldestMs >= cutoff) return undefined;
    return `the input starts at ${since}: ${limit.backend} rejects spans that ended more than ${minutes(limit.maxAgeMs)} minutes ago, so traces that ended before ${new Date(cutoff).toISOString()} are skipped (and counted in the summary). ${HOW_TO_GO_ON}`;
  }
  if (/tempo/i.test(new URL(tracesUrl).hostname) && nowMs - oldestMs > HOUR_MS) {
    return `the input starts at ${since}: Tempo stores spans older than its ingestion slack (its ingestion_time_range_slack) but its search by time may not find them. Raise that setting for the import, or look the traces up by id.`;
  }
  return undefined;
}

/** What is known of a backfill's time range before anything is read. */
export interface BackfillRangeFacts {
  /** `--until`, when given. */
  untilMs?: number;
  /**
   * The most recently modified input, when every input is a file (no standard
   * input, no journal): no line of a file was written after its mtime, so
   * nothing in the run ended later.
   */
  newestFile?: { path: string; mtimeMs: number };
}

/**
 * A refusal to start, when nothing of the run could be sent to a backend with
 * an age limit: the whole --until window, or every input file, is older than
 * the limit. Undefined when some of it may be recent enough (then the
 * too-old traces are skipped one by one while reading).
 */
export function backendAgeRefusal(limit: BackendAgeLimit, nowMs: number, facts: BackfillRangeFacts): string | undefined {
  const cutoff = nowMs - limit.admitAgeMs;
  const rule = `${limit.backend} rejects spans that ended more than ${minutes(limit.maxAgeMs)} minutes ago`;
  if (facts.untilMs !== undefined && facts.untilMs < cutoff) {
    return `nothing to send: --until ${new Date(facts.untilMs).toISOString()} is ${minutes(nowMs - facts.untilMs)} minutes ago and ${rule}. ${HOW_TO_GO_ON}`;
  }
  const newest = facts.newestFile;
  if (newest !== undefined && newest.mtimeMs < cutoff) {
    return `nothing to send: every input was last written more than ${minutes(limit.admitAgeMs)} minutes ago (the newest, ${newest.path}, at ${new Date(newest.mtimeMs).toISOString()}) and ${rule}. ${HOW_TO_GO_ON}`;
  }
  return undefined;
}

/** The closing line when traces were skipped for their age. */
export function backendAgeSkipped(limit: BackendAgeLimit, skippedTraces: number, skippedSpans: number, latestEndMs: number | undefined): string {
  const until = latestEndMs === undefined ? '' : ` (the latest ended at ${new Date(latestEndMs).toISOString()})`;
  return `skipped ${plural(skippedTraces, 'trace')} (${plural(skippedSpans, 'span')}) that ended more than ${minutes(limit.admitAgeMs)} minutes ago${until}: ${limit.backend} rejects spans that ended more than ${minutes(limit.maxAgeMs)} minutes ago. ${HOW_TO_GO_ON}`;
}

function minutes(ms: number): number {
  return Math.floor(ms / 60_000);
}
