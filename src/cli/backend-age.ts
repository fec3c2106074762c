const HOUR_MS = 3_600_000;

/**
 * Backends that refuse or hide old spans, told apart by their endpoint. A
 * warning before a backfill sends them (what will happen, and how to go on),
 * or undefined when the backend is not known to care.
 */
export function backendAgeWarning(tracesUrl: string, oldestMs: number, nowMs: number): string | undefined {
  if (!Number.isFinite(oldestMs)) return undefined;
  const url = new URL(tracesUrl);
  const age = nowMs - oldestMs;
  const since = new Date(oldestMs).toISOString();
  if (/dynatrace/i.test(url.hostname) || url.pathname.includes('/api/v2/otlp')) {
    if (age <= HOUR_MS) return undefined;
    return `the input starts at ${since}, more than 60 min ago: Dynatrace rejects spans that ended over 60 minutes ago, so those will fail. To import older logs, send them through an OpenTelemetry Collector to a backend that accepts history, or limit this run with --since 55m.`;
  }
  if (/tempo/i.test(url.hostname) && age > HOUR_MS) {
    return `the input starts at ${since}: Tempo stores spans older than its ingestion slack (its ingestion_time_range_slack) but its search by time may not find them. Raise that setting for the import, or look the traces up by id.`;
  }
  return undefined;
}
