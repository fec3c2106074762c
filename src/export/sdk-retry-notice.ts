import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';

/** The SDK's RetryingTransport says this (at verbose) each time an attempt failed in a way it retries: a network error, 429, 502, 503, 504. */
const RETRY_SCHEDULED = 'Scheduling export retry';
let installed = false;
let retryListener: (() => void) | undefined;

/**
 * Told each time the SDK schedules another attempt of an export (this thread's exports): the
 * collector is not taking requests now. The SDK retries within the export timeout before the
 * export's own callback says anything, so this is the only word of an outage while it lasts.
 *
 * The SDK (otlp-exporter-base 0.223) says it only through `diag.verbose`, and its retrying transport
 * is not public API to wrap: so this registers a diag logger (per thread, once, only where a
 * listener is wanted: the export worker) that keeps that one notice and ignores the rest, as
 * without a logger. Partial successes are not read here: the sender reads the response itself
 * (otlp-trace-sender.ts `responseReader`).
 */
export function onRetryScheduled(listener: (() => void) | undefined): void {
  retryListener = listener;
  if (installed || listener === undefined) return;
  installed = true;
  const ignore = (): void => undefined;
  const logger: DiagLogger = {
    error: ignore,
    warn: ignore,
    info: ignore,
    debug: ignore,
    verbose: (message: string) => {
      if (message.startsWith(RETRY_SCHEDULED)) retryListener?.();
    },
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.VERBOSE, suppressOverrideMessage: true });
}
