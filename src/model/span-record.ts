import type { AttributeValue } from '@opentelemetry/api';

/**
 * A finished span as the reconstructor emits it: plain data, times in epoch
 * milliseconds exactly as the gateway wrote them. The exporters turn it into
 * an OpenTelemetry ReadableSpan (export/readable-span.ts).
 */
export type SpanKindName = 'internal' | 'server' | 'client' | 'producer' | 'consumer';

export type SpanAttributes = Record<string, AttributeValue>;

export interface SpanEventRecord {
  name: string;
  timeMs: number;
  attributes?: SpanAttributes;
}

export interface SpanStatusRecord {
  code: 'unset' | 'ok' | 'error';
  message?: string;
}

export interface SpanRecord {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKindName;
  startMs: number;
  endMs: number;
  attributes: SpanAttributes;
  status: SpanStatusRecord;
  events: SpanEventRecord[];
}

/** Everything the reconstructor knows about one trace when it lets go of it. */
export interface FinishedTrace {
  traceId: string;
  /** `host.name` for the resource, from the log's hostname. */
  hostName?: string;
  /** True when the trace was emitted with spans still open (idle timeout, eviction or shutdown). */
  incomplete: boolean;
  spans: SpanRecord[];
}
