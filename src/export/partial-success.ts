import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import type { PartialRejection } from './partial-rejection.js';

const PARTIAL_SUCCESS = 'Received Partial Success response';
let installed = false;
let last: PartialRejection | undefined;

/**
 * The OTLP exporter of the SDK reports a `partial_success` answer only through `diag.warn`, just
 * before it calls back with success, in the same turn. This registers a diag logger (per thread,
 * once) that keeps that one warning and ignores the rest, as without a logger. The value is
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
    verbose: ignore,
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
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
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
