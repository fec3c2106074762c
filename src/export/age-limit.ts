import type { ResolvedConfig } from '../config/resolve-config.js';
import type { FinishedTrace } from '../model/span-record.js';
import { resolveTracesUrl } from './otlp-target.js';
import type { PresetName } from '../config/presets.js';

/**
 * Backends that refuse spans by their age. Dynatrace's OTLP trace ingest
 * rejects a span whose end time is more than 60 minutes in the past at the
 * time it arrives (docs.dynatrace.com, "Ingest OTLP traces", ingestion limits).
 */
export interface BackendAgeLimit {
  backend: string;
  /** The backend's own limit on a span's end time, back from now. */
  maxAgeMs: number;
  /** What otel-tail admits: the limit less a margin for clock skew and time in transit. */
  admitAgeMs: number;
}

const MINUTE_MS = 60_000;

/** One minute of the 60 is kept for clock skew between hosts and for the time a batch waits and travels. */
export const DYNATRACE_AGE_LIMIT: BackendAgeLimit = { backend: 'Dynatrace', maxAgeMs: 60 * MINUTE_MS, admitAgeMs: 59 * MINUTE_MS };

/** The age limit of the backend a run sends to: by preset, or by a Dynatrace endpoint given to another preset. */
export function backendAgeLimit(preset: PresetName, tracesUrl: string | undefined): BackendAgeLimit | undefined {
  if (preset === 'dynatrace' || (tracesUrl !== undefined && isDynatraceUrl(tracesUrl))) return DYNATRACE_AGE_LIMIT;
  return undefined;
}

/** The age limit of the backend a run's config sends spans to over OTLP, if it has one (backfill and follow alike). */
export function configuredAgeLimit(config: Pick<ResolvedConfig, 'exporter' | 'preset' | 'endpoint' | 'tracesEndpoint'>): BackendAgeLimit | undefined {
  return config.exporter === 'otlp' ? backendAgeLimit(config.preset, resolveTracesUrl(config.endpoint, config.tracesEndpoint)) : undefined;
}

/** A Dynatrace environment (`*.dynatrace.com`, `*.dynatrace-managed.com`) or an ActiveGate's OTLP path. */
export function isDynatraceUrl(tracesUrl: string): boolean {
  let url: URL;
  try {
    url = new URL(tracesUrl);
  } catch {
    return false;
  }
  return /(^|\.)dynatrace(-managed)?\.com$/i.test(url.hostname) || url.pathname.includes('/api/v2/otlp');
}

/**
 * Decides, trace by trace and at the moment it is about to be queued, whether
 * the backend would take it: a trace is sent only if every span ended within
 * `admitAgeMs` of now. A trace with one span too old is skipped whole (a
 * backend that drops some of its spans would show a broken tree), and counted.
 */
export class AgeGate {
  skippedTraces = 0;
  skippedSpans = 0;
  /** End of the latest span of the skipped traces: how far back the skipped part reaches. */
  latestSkippedEndMs: number | undefined;

  constructor(
    readonly limit: BackendAgeLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** The earliest end time a span may have to be sent now. */
  cutoffMs(): number {
    return this.now() - this.limit.admitAgeMs;
  }

  admit(trace: FinishedTrace): boolean {
    const cutoff = this.cutoffMs();
    let oldestEnd = Infinity;
    let latestEnd = -Infinity;
    for (const span of trace.spans) {
      if (span.endMs < oldestEnd) oldestEnd = span.endMs;
      if (span.endMs > latestEnd) latestEnd = span.endMs;
    }
    if (oldestEnd >= cutoff) return true;
    this.skippedTraces++;
    this.skippedSpans += trace.spans.length;
    this.latestSkippedEndMs = Math.max(this.latestSkippedEndMs ?? -Infinity, latestEnd);
    return false;
  }
}
