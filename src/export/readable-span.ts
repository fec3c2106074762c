import { createRequire } from 'node:module';
import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { HrTime, SpanContext, SpanStatus } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type * as Resources from '@opentelemetry/resources';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { GENAI_SCHEMA_URL } from '../model/attribute-names.js';
import type {
  FinishedTrace,
  SpanKindName,
  SpanRecord,
  SpanStatusRecord,
} from '../model/span-record.js';

/** What every exported span's resource is made of, besides the trace's `host.name`. */
export interface ResourceOptions {
  /** `service.name`; wins over a `service.name` in `attributes`. */
  serviceName: string;
  /** Extra resource attributes (e.g. `deployment.environment.name`). */
  attributes: Record<string, string>;
}

/** Kept in step with package.json's version by hand. */
export const OTEL_TAIL_VERSION = '0.1.0';

/** The schema URL says which conventions the spans' attributes follow (ScopeSpans.schema_url). */
const SCOPE: InstrumentationScope = { name: 'otel-tail', version: OTEL_TAIL_VERSION, schemaUrl: GENAI_SCHEMA_URL };

const KINDS: Readonly<Record<SpanKindName, SpanKind>> = {
  internal: SpanKind.INTERNAL,
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  producer: SpanKind.PRODUCER,
  consumer: SpanKind.CONSUMER,
};

/**
 * SpanRecords → SDK ReadableSpans, ready for any OTLP serializer. Spans of one
 * host share one Resource object because the serializer groups spans into
 * ResourceSpans by object identity, not by value.
 */
export function toReadableSpans(
  traces: readonly FinishedTrace[],
  resourceBase: ResourceOptions,
): ReadableSpan[] {
  // Per call, so the cache is bounded by the hosts of one batch.
  const resources = new Map<string | undefined, Resource>();
  const out: ReadableSpan[] = [];
  for (const trace of traces) {
    let resource = resources.get(trace.hostName);
    if (resource === undefined) {
      resource = buildResource(resourceBase, trace.hostName);
      resources.set(trace.hostName, resource);
    }
    for (const span of trace.spans) out.push(toReadableSpan(span, resource));
  }
  return out;
}

let resources: typeof Resources | undefined;

/**
 * The SDK's Resource, loaded with require on first use: the protobuf encoder (otlp-trace-encoding.ts)
 * shares this file's helpers but needs no Resource object, and the export worker of every backfill
 * would otherwise load the resources package (and semantic-conventions) at start-up for nothing.
 */
function buildResource(base: ResourceOptions, hostName: string | undefined): Resource {
  resources ??= createRequire(import.meta.url)('@opentelemetry/resources') as typeof Resources;
  return resources.resourceFromAttributes(resourceAttributes(base, hostName));
}

/** The resource of a host's spans: the configured attributes, then `service.name`, then `host.name` (when known). */
export function resourceAttributes(base: ResourceOptions, hostName: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = { ...base.attributes, 'service.name': base.serviceName };
  if (hostName !== undefined && hostName !== '') attributes['host.name'] = hostName;
  return attributes;
}

function toReadableSpan(span: SpanRecord, resource: Resource): ReadableSpan {
  const context: SpanContext = {
    traceId: span.traceId,
    spanId: span.spanId,
    traceFlags: TraceFlags.SAMPLED,
  };
  const startTime = msToHrTime(span.startMs);
  // A span that ends before it starts (clock step, mis-ordered lines) would be
  // rejected or drawn backwards by backends; pin it to zero length instead.
  const endTime = span.endMs >= span.startMs ? msToHrTime(span.endMs) : startTime;
  return {
    name: span.name,
    kind: KINDS[span.kind] ?? SpanKind.INTERNAL,
    spanContext: () => context,
    parentSpanContext:
      span.parentSpanId === undefined
        ? undefined
        : {
            traceId: span.traceId,
            spanId: span.parentSpanId,
            traceFlags: TraceFlags.SAMPLED,
            isRemote: false,
          },
    startTime,
    endTime,
    duration: hrTimeDiff(startTime, endTime),
    status: toStatus(span.status),
    attributes: span.attributes,
    links: [],
    events: span.events.map(
      (event): TimedEvent => ({
        name: event.name,
        time: msToHrTime(event.timeMs),
        attributes: event.attributes ?? {},
        droppedAttributesCount: 0,
      }),
    ),
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

function toStatus(status: SpanStatusRecord): SpanStatus {
  switch (status.code) {
    case 'error':
      return status.message === undefined
        ? { code: SpanStatusCode.ERROR }
        : { code: SpanStatusCode.ERROR, message: status.message };
    case 'ok':
      return { code: SpanStatusCode.OK };
    default:
      return { code: SpanStatusCode.UNSET };
  }
}

/**
 * Epoch milliseconds → [seconds, nanoseconds]. Whole milliseconds are split
 * off first so they stay exact; the fraction is rounded to whole microseconds
 * because an epoch-ms double only resolves ~0.24 µs, and the digits below
 * that are float noise (1700000000123.456 would otherwise become …123456055 ns).
 */
export function msToHrTime(epochMs: number): HrTime {
  const wholeMs = Math.floor(epochMs);
  const micros = Math.round((epochMs - wholeMs) * 1000);
  let seconds = Math.floor(wholeMs / 1000);
  let nanos = (wholeMs - seconds * 1000) * 1_000_000 + micros * 1000;
  if (nanos >= 1_000_000_000) {
    seconds += 1;
    nanos -= 1_000_000_000;
  }
  return [seconds, nanos];
}

function hrTimeDiff(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1_000_000_000;
  }
  return [seconds, nanos];
}
