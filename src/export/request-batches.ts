import type { FinishedTrace } from '../model/span-record.js';
import type { TraceRequestWriter } from './trace-request-writer.js';

/** The limits of one OTLP request. */
export interface RequestLimits {
  maxSpans: number;
  /** Encoded body size (protobuf, before compression). */
  maxBytes: number;
}

/** One OTLP request of an export call, encoded. */
export interface EncodedTraceRequest {
  /** ExportTraceServiceRequest in protobuf. */
  body: Uint8Array;
  spans: number;
  /** Where its spans start among the call's spans (counted across traces, in order). */
  firstSpan: number;
}

/**
 * Cuts one export call into requests that each hold at most `maxSpans` spans and encode to at
 * most `maxBytes`, encoding them as it goes: a span is written into the current request, and
 * the request is cut before the span that would pass a limit (its exact size is known once it is
 * written, so there is no estimate pass). A trace may be split across requests (backends join
 * spans by trace id). A single span bigger than `maxBytes` on its own goes alone: it cannot be
 * cut, and `--max-content-bytes` bounds what makes spans big.
 * `writer` is the exporter's own, kept from call to call: its buffers are already grown (memory
 * freshly taken from the system costs more to write than the encoding itself).
 */
export function encodeRequests(traces: readonly FinishedTrace[], writer: TraceRequestWriter, limits: RequestLimits): EncodedTraceRequest[] {
  const requests: EncodedTraceRequest[] = [];
  writer.reset();
  let firstSpan = 0;
  let spanAt = 0;
  for (const trace of traces) {
    const host = writer.host(trace.hostName);
    for (const span of trace.spans) {
      if (writer.spans >= limits.maxSpans || !writer.add(host, span, limits.maxBytes)) {
        requests.push({ body: writer.finish(), spans: writer.spans, firstSpan });
        writer.reset();
        firstSpan = spanAt;
        writer.add(host, span, limits.maxBytes);
      }
      spanAt++;
    }
  }
  if (writer.spans > 0) requests.push({ body: writer.finish(), spans: writer.spans, firstSpan });
  return requests;
}

/** The traces of one request (for a serializer of its own: OTLP/JSON), parts of a trace split across requests as traces of their own. */
export function requestTraces(traces: readonly FinishedTrace[], request: EncodedTraceRequest): FinishedTrace[] {
  const parts: FinishedTrace[] = [];
  const end = request.firstSpan + request.spans;
  let traceStart = 0;
  for (const trace of traces) {
    const traceEnd = traceStart + trace.spans.length;
    if (traceEnd > request.firstSpan && traceStart < end) {
      const from = Math.max(request.firstSpan, traceStart) - traceStart;
      const to = Math.min(end, traceEnd) - traceStart;
      parts.push(from === 0 && to === trace.spans.length ? trace : { ...trace, spans: trace.spans.slice(from, to) });
    }
    if (traceEnd >= end) break;
    traceStart = traceEnd;
  }
  return parts;
}
