import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { PartialRejection } from './partial-rejection.js';

const PARTIAL_SUCCESS = 'Received Partial Success response';
/** The SDK's RetryingTransport says this (at verbose) each time an attempt failed in a way it retries: a network error, 429, 502, 503, 504. */
const RETRY_SCHEDULED = 'Scheduling export retry';
let installed = false;
let last: PartialRejection | undefined;
let retryListener: (() => void) | undefined;

/**
 * Told each time the SDK schedules another attempt of an export (this thread's exports): the
 * collector is not taking requests now. The SDK retries within the export timeout before the
 * export's own callback says anything, so this is the only word of an outage while it lasts.
 */
export function onRetryScheduled(listener: (() => void) | undefined): void {
  retryListener = listener;
}

/**
 * The OTLP exporter of the SDK reports a `partial_success` answer only through `diag.warn`, just
 * before it calls back with success, in the same turn. This registers a diag logger (per thread,
 * once) that keeps that one warning and the retry notice (`onRetryScheduled`), and ignores the
 * rest, as without a logger. The value is
 * cleared at the next microtask: a metrics export's partial success, which no trace export takes,
 * cannot be read by a later trace export.
 */
export function watchPartialSuccess(): void {
  if (installed) return;
  installed = true;
  const ignore = (): void => undefined;
  const logger: DiagLogger = {
    error: ignore,
    info: ignore,
    debug: ignore,
    verbose: (message: string) => {
      if (message.startsWith(RETRY_SCHEDULED)) retryListener?.();
    },
    warn: (message: string, ...args: unknown[]) => {
      if (!message.startsWith(PARTIAL_SUCCESS)) return;
      const rejected = parsePartialSuccess(args[0]);
      // No span rejected: a warning only, and the spans are in.
      if (rejected.spans === 0) return;
      last = rejected;
      queueMicrotask(() => {
        last = undefined;
      });
    },
  };
  diag.setLogger(logger, { logLevel: DiagLogLevel.VERBOSE, suppressOverrideMessage: true });
}

/** The partial success reported in this turn, if any (to be called from the export's own callback). */
export function takePartialRejection(): PartialRejection | undefined {
  const taken = last;
  last = undefined;
  return taken;
}

/** The SDK's `JSON.stringify(response.partialSuccess)`: `{"rejectedSpans":"3","errorMessage":"..."}` (int64 as a string or a number). */
export function parsePartialSuccess(json: unknown): PartialRejection {
  let value: unknown;
  try {
    value = typeof json === 'string' ? JSON.parse(json) : json;
  } catch {
    value = undefined;
  }
  const fields = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const spans = Number(fields['rejectedSpans'] ?? 0);
  const message = typeof fields['errorMessage'] === 'string' ? fields['errorMessage'] : '';
  return { spans: Number.isFinite(spans) && spans > 0 ? spans : 0, message };
}
