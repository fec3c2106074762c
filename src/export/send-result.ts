import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { IOtlpExportDelegate } from '@opentelemetry/otlp-exporter-base';
import type { PartialRejection } from './partial-rejection.js';

/**
 * What one request came to, decided here, where the transport's status is known: accepted (maybe
 * with a partial rejection), refused (the backend refused what the request holds: sent again, it
 * is refused again), or retryable (no answer, busy, down, or the config is wrong: it may pass later).
 */
export type SendResult =
  | { status: 'success'; rejected?: PartialRejection }
  | { status: 'retryable' | 'refused'; reason: string; statusCode: number | undefined };

/** How a transport's failure is read: the words for the operator, and whether it refuses the content. */
export type FailureReader = (error: unknown) => { reason: string; statusCode: number | undefined; refused: boolean };

/**
 * One request through the SDK's delegate. `takeRejection` gives what the response the delegate
 * just deserialized said it dropped: the delegate deserializes and calls back in the same turn,
 * so the sender's slot holds this request's answer.
 */
export function sendThrough<Request>(
  delegate: IOtlpExportDelegate<Request>,
  request: Request,
  takeRejection: () => PartialRejection | undefined,
  readFailure: FailureReader,
): Promise<SendResult> {
  return new Promise((resolve) => {
    const answer = (result: ExportResult): void => {
      const rejected = takeRejection();
      if (result.code === ExportResultCode.SUCCESS) {
        resolve(rejected === undefined ? { status: 'success' } : { status: 'success', rejected });
        return;
      }
      const { reason, statusCode, refused } = readFailure(result.error);
      resolve({ status: refused ? 'refused' : 'retryable', reason, statusCode });
    };
    try {
      delegate.export(request, answer);
    } catch (error) {
      // The transport is called synchronously inside export(); keep the promise contract.
      answer({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  });
}

/** An OTLP `partialSuccess` (from the library's deserializer) as what was rejected; none when it rejected nothing. */
export function rejectionOf(partial: { rejectedSpans?: unknown; rejectedLogRecords?: unknown; errorMessage?: unknown } | undefined): PartialRejection | undefined {
  if (partial === undefined) return undefined;
  const count = Number(partial.rejectedSpans ?? partial.rejectedLogRecords ?? 0);
  // No item rejected: a warning only, and everything is in.
  if (!Number.isFinite(count) || count <= 0) return undefined;
  return { spans: count, message: typeof partial.errorMessage === 'string' ? partial.errorMessage : '' };
}

/**
 * Statuses that refuse what the request holds rather than say the backend is down or the config
 * is wrong: 400 Bad Request, 413 Content Too Large, 422 Unprocessable Content. Everything else
 * (no answer, 429, 5xx, 401/403/404) may pass later: the backend comes back, or the operator
 * fixes the config.
 */
export function isRefusingHttpStatus(status: number): boolean {
  return status === 400 || status === 413 || status === 422;
}

/**
 * Turns what the SDK's HTTP transport reports into one readable reason. The SDK gives the HTTP
 * status only for non-retryable answers (OTLPExporterError.code); for 429/502/503/504 it says just
 * "Export failed with retryable status".
 */
export const readHttpFailure: FailureReader = (error) => {
  if (!(error instanceof Error)) return { reason: String(error), statusCode: undefined, refused: false };
  const fields = error as Error & { code?: unknown; data?: unknown };
  if (typeof fields.code === 'number') {
    const body = printableBody(fields.data);
    const text = error.message === '' ? '' : ` ${error.message}`;
    return { reason: `HTTP ${fields.code}${text}${body === undefined ? '' : `: ${body}`}`, statusCode: fields.code, refused: isRefusingHttpStatus(fields.code) };
  }
  if (error.message === 'Export failed with retryable status') {
    return { reason: 'server answered a retryable status (429/502/503/504) to every attempt within the timeout', statusCode: undefined, refused: false };
  }
  return { reason: networkReason(error), statusCode: undefined, refused: false };
};

/** gRPC's INVALID_ARGUMENT: the OTLP/gRPC counterpart of HTTP 400 (the content is refused; the other codes may pass later). */
const GRPC_INVALID_ARGUMENT = 3;

/** A gRPC status error (`code` is the gRPC status, its message already says `3 INVALID_ARGUMENT: ...`), or a connection error. */
export const readGrpcFailure: FailureReader = (error) => {
  if (!(error instanceof Error)) return { reason: String(error), statusCode: undefined, refused: false };
  const code = (error as Error & { code?: unknown }).code;
  if (typeof code === 'number') return { reason: `gRPC status ${error.message}`, statusCode: undefined, refused: code === GRPC_INVALID_ARGUMENT };
  return { reason: networkReason(error), statusCode: undefined, refused: false };
};

/** Node's happy-eyeballs connect (e.g. to "localhost") fails with an AggregateError whose own message is empty; the per-address errors say why. */
function networkReason(error: Error): string {
  const message =
    error instanceof AggregateError && error.message === ''
      ? error.errors.map((inner) => (inner instanceof Error ? inner.message : String(inner))).join('; ')
      : error.message;
  const code = (error as Error & { code?: unknown }).code;
  const prefix = typeof code === 'string' && !message.includes(code) ? `${code}: ` : '';
  return `${prefix}${message}`;
}

/** A collector's error body helps (e.g. "invalid wire format"); binary protobuf bodies do not. */
function printableBody(data: unknown): string | undefined {
  if (typeof data !== 'string') return undefined;
  const text = data.trim();
  if (text === '' || !/^[\x20-\x7e\t\r\n]*$/.test(text)) return undefined;
  return text.replace(/\s+/g, ' ');
}
