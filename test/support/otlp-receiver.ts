import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';

/** One span as it arrived, decoded to plain JS for assertions. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  /** OTLP enum: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  /** Epoch ms, from the nanos (sub-ms digits kept as a fraction). */
  startMs: number;
  endMs: number;
  attributes: Record<string, unknown>;
  /** OTLP enum: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: string;
}

/** One metric of an ExportMetricsServiceRequest, decoded for assertions (points flattened). */
export interface ReceivedMetric {
  name: string;
  unit: string;
  description: string;
  type: 'histogram' | 'sum' | 'gauge';
  /** Sums only. */
  isMonotonic?: boolean;
  /** Sums and histograms: OTLP's AggregationTemporality. */
  temporality?: 'delta' | 'cumulative';
  points: ReceivedMetricPoint[];
  resource: Record<string, unknown>;
  scope: string;
}

export interface ReceivedMetricPoint {
  attributes: Record<string, unknown>;
  /** Sums and gauges. */
  value?: number;
  /** Histograms. */
  count?: number;
  sum?: number;
  bucketCounts?: number[];
  explicitBounds?: number[];
}

export interface ReceivedRequest {
  headers: IncomingHttpHeaders;
  /** The request path (the receiver answers 404 to any other than its `path`). */
  path: string;
  /** The body as sent (before gunzip), so a test can search every exported byte. */
  body: Buffer;
  contentType: string;
  /** The status this receiver answered with. */
  status: number;
  /** ResourceSpans entries in the request: one per distinct Resource the exporter sent. */
  resourceSpans: number;
  spanCount: number;
}

/** One log record as it arrived (ExportLogsServiceRequest), decoded for assertions. */
export interface ReceivedLogRecord {
  timeMs: number;
  observedMs: number;
  severityNumber: number;
  severityText: string;
  body: unknown;
  attributes: Record<string, unknown>;
  flags: number;
  traceId: string | undefined;
  spanId: string | undefined;
  resource: Record<string, unknown>;
  scope: string;
}

export interface SpanIds {
  traceId: string;
  spanId: string;
}

export interface OtlpReceiverOptions {
  /** Answer with this HTTP status instead of 200; a function is asked per request, with its spans (undefined → 200). */
  failWith?: number | ((spans: readonly ReceivedSpan[]) => number | undefined);
  /** Called with the spans of each request answered 200 as it arrives (a benchmark times arrivals with it). */
  onSpans?: (spans: readonly ReceivedSpan[]) => void;
  /**
   * Set, protobuf requests are decoded whole but only their span ids are read: they are handed here,
   * not kept in `spans`, and always answered 200. For a benchmark, whose receiver shares the CPU of
   * the process it measures: converting every span for assertions would cost that process time.
   */
  onSpanIds?: (spans: readonly SpanIds[]) => void;
  /**
   * Listen on this port instead of a free one, so a test can close the receiver and start it again
   * on the same address (a collector that goes down and comes back).
   */
  port?: number;
  /**
   * Hold each decoded request this long before answering; a function is asked per request
   * (undefined or 0 → answer at once). Spans count as received only once the answer is sent: a
   * request whose client went away while it was held (a killed exporter) goes to `abandoned`.
   */
  delayMs?: number | (() => number | undefined);
  /** The traces path to accept (default /v1/traces): backends such as Langfuse use their own. */
  path?: string;
  /** Body of non-200 answers (default says which status it was told to answer); a test can echo the request in it. */
  errorBody?: (req: IncomingMessage, body: Buffer) => string;
  /** Answer /v1/logs requests with this HTTP status instead of 200. */
  failLogsWith?: number;
  /** The logs path to accept (default /v1/logs): a backend's own, beside its traces path. */
  logsPath?: string;
  /**
   * Set, logs requests are decoded but only their records counted: handed here, not kept in `logs`
   * (a benchmark's receiver shares the CPU of the process it measures).
   */
  onLogCount?: (records: number) => void;
  /** A 200 answer's OTLP `partial_success` for a request's spans (undefined: none), as a backend that drops some spans says so. */
  partialSuccess?: (spans: readonly ReceivedSpan[]) => { rejectedSpans: number; errorMessage: string } | undefined;
}

export interface OtlpReceiver {
  /** Base URL, e.g. http://127.0.0.1:PORT (what OTEL_EXPORTER_OTLP_ENDPOINT would hold). */
  readonly url: string;
  readonly tracesUrl: string;
  readonly requests: ReceivedRequest[];
  /** Spans of every request answered 200, in arrival order. */
  readonly spans: ReceivedSpan[];
  /** Requests that could not be decoded, so a test can assert there were none. */
  readonly errors: string[];
  readonly metricsUrl: string;
  /** Metrics of every /v1/metrics request, in arrival order (always answered 200). */
  readonly metrics: ReceivedMetric[];
  readonly logsUrl: string;
  /** Log records of every /v1/logs request answered 200, in arrival order. */
  readonly logs: ReceivedLogRecord[];
  /** The raw bodies of every /v1/logs request (to search the bytes that arrived). */
  readonly logBodies: Buffer[];
  /** Path and headers of every logs request, in arrival order. */
  readonly logRequests: { path: string; headers: IncomingMessage['headers'] }[];
  /** Resolves with the metrics received once `done` says they are enough. */
  waitForMetrics(done: (metrics: readonly ReceivedMetric[]) => boolean, timeoutMs?: number): Promise<ReceivedMetric[]>;
  /** Requests decoded and being held (see `delayMs`), not answered yet. */
  readonly pending: number;
  /** Held requests whose client disconnected before the answer: their spans are not in `spans`. */
  readonly abandoned: ReceivedRequest[];
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  /** Resolves once a request is being held (see `delayMs`). */
  waitForPending(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const PACKAGE = 'opentelemetry.proto.collector.trace.v1';
const METRICS_PACKAGE = 'opentelemetry.proto.collector.metrics.v1';
// The shared messages first: the trace and metrics files name them by their full names.
const root = new protobuf.Root();
for (const file of ['otlp-common.proto', 'otlp-trace.proto', 'otlp-metrics.proto', 'otlp-logs.proto']) {
  protobuf.parse(readFileSync(new URL(`./${file}`, import.meta.url), 'utf8'), root, { keepCase: false });
}
const RequestType = root.lookupType(`${PACKAGE}.ExportTraceServiceRequest`);
const MetricsRequestType = root.lookupType(`${METRICS_PACKAGE}.ExportMetricsServiceRequest`);
const MetricsResponseType = root.lookupType(`${METRICS_PACKAGE}.ExportMetricsServiceResponse`);
const ResponseType = root.lookupType(`${PACKAGE}.ExportTraceServiceResponse`);
const LogsRequestType = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest');
const LogsResponseType = root.lookupType('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse');

/** A real OTLP/HTTP traces endpoint on 127.0.0.1, decoding protobuf (gzip or not) and JSON. */
export async function startOtlpReceiver(options: OtlpReceiverOptions = {}): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  const spans: ReceivedSpan[] = [];
  const errors: string[] = [];
  const metrics: ReceivedMetric[] = [];
  const abandoned: ReceivedRequest[] = [];
  const waiters = new Set<() => boolean>();
  let pending = 0;
  const wakeAll = (): void => {
    for (const wake of waiters) wake();
  };

  const handleMetrics = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    try {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      const request = MetricsRequestType.toObject(MetricsRequestType.decode(raw), { longs: String, enums: Number, arrays: true });
      metrics.push(...toReceivedMetrics(request));
    } catch (error) {
      errors.push(`undecodable metrics body: ${String(error)}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('undecodable body');
      return;
    }
    wakeAll();
    const bytes = MetricsResponseType.encode(MetricsResponseType.create({})).finish();
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(bytes));
  };

  const logs: ReceivedLogRecord[] = [];
  const logBodies: Buffer[] = [];
  const logRequests: { path: string; headers: IncomingMessage['headers'] }[] = [];
  const handleLogs = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
    if (options.onLogCount === undefined) {
      logRequests.push({ path: req.url ?? '', headers: req.headers });
      logBodies.push(raw);
    }
    let received: ReceivedLogRecord[];
    try {
      if (options.onLogCount !== undefined) {
        const request = LogsRequestType.decode(raw) as unknown as { resourceLogs: { scopeLogs: { logRecords: unknown[] }[] }[] };
        options.onLogCount(request.resourceLogs.reduce((sum, rl) => sum + rl.scopeLogs.reduce((n, sl) => n + sl.logRecords.length, 0), 0));
        res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(LogsResponseType.encode(LogsResponseType.create({})).finish()));
        return;
      }
      received = toReceivedLogs(LogsRequestType.toObject(LogsRequestType.decode(raw), { longs: String, enums: Number, arrays: true }));
    } catch (error) {
      errors.push(`undecodable logs body: ${String(error)}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('undecodable body');
      return;
    }
    if (options.failLogsWith !== undefined) {
      res.writeHead(options.failLogsWith, { 'content-type': 'text/plain' }).end(`receiver told to answer ${options.failLogsWith}`);
      return;
    }
    logs.push(...received);
    wakeAll();
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(LogsResponseType.encode(LogsResponseType.create({})).finish()));
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: Buffer): void => {
    if (req.method === 'POST' && req.url === '/v1/metrics') {
      handleMetrics(req, res, body);
      return;
    }
    if (req.method === 'POST' && req.url === (options.logsPath ?? '/v1/logs')) {
      handleLogs(req, res, body);
      return;
    }
    if (req.method !== 'POST' || req.url !== (options.path ?? '/v1/traces')) {
      res.writeHead(404).end();
      return;
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]?.trim() ?? '';
    const isProto = contentType === 'application/x-protobuf';
    if (!isProto && contentType !== 'application/json') {
      errors.push(`unsupported content-type ${contentType}`);
      res.writeHead(415).end();
      return;
    }
    if (isProto && options.onSpanIds !== undefined) {
      answerIds(req, res, body, options.onSpanIds);
      return;
    }
    let decoded: ReturnType<typeof toReceivedSpans>;
    try {
      const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      const request: unknown = isProto
        ? RequestType.toObject(RequestType.decode(raw), { longs: String, enums: Number, arrays: true })
        : JSON.parse(raw.toString('utf8'));
      decoded = toReceivedSpans(request);
    } catch (error) {
      errors.push(`undecodable ${contentType} body: ${String(error)}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('undecodable body');
      return;
    }
    const failWith = typeof options.failWith === 'function' ? options.failWith(decoded.spans) : options.failWith;
    const request: ReceivedRequest = {
      headers: req.headers,
      path: req.url ?? '',
      body,
      contentType,
      status: failWith ?? 200,
      resourceSpans: decoded.resourceSpans,
      spanCount: decoded.spans.length,
    };
    const delay = typeof options.delayMs === 'function' ? options.delayMs() : options.delayMs;
    if (delay === undefined || delay <= 0) {
      answer(res, request, decoded.spans, isProto, req);
      return;
    }
    pending++;
    const timer = setTimeout(() => {
      pending--;
      res.off('close', gone);
      answer(res, request, decoded.spans, isProto, req);
    }, delay);
    timer.unref();
    // The client went away (a killed exporter) while the answer was held: nothing was acknowledged.
    const gone = (): void => {
      clearTimeout(timer);
      pending--;
      abandoned.push(request);
      wakeAll();
    };
    res.once('close', gone);
    wakeAll();
  };

  const answerIds = (req: IncomingMessage, res: ServerResponse, body: Buffer, onSpanIds: (spans: readonly SpanIds[]) => void): void => {
    let decoded: ReturnType<typeof spanIdsOf>;
    try {
      decoded = spanIdsOf(RequestType.decode(req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body));
    } catch (error) {
      errors.push(`undecodable application/x-protobuf body: ${String(error)}`);
      res.writeHead(400, { 'content-type': 'text/plain' }).end('undecodable body');
      return;
    }
    const { resourceSpans, ids } = decoded;
    requests.push({ headers: req.headers, path: req.url ?? '', body, contentType: 'application/x-protobuf', status: 200, resourceSpans, spanCount: ids.length });
    onSpanIds(ids);
    wakeAll();
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(ResponseType.encode(ResponseType.create({})).finish()));
  };

  const answer = (res: ServerResponse, request: ReceivedRequest, received: ReceivedSpan[], isProto: boolean, req: IncomingMessage): void => {
    const { status } = request;
    requests.push(request);
    if (status !== 200) {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(options.errorBody?.(req, request.body) ?? `receiver told to answer ${status}`);
      return;
    }
    spans.push(...received);
    options.onSpans?.(received);
    wakeAll();
    if (isProto) {
      const partial = options.partialSuccess?.(received);
      const bytes = ResponseType.encode(ResponseType.create(partial === undefined ? {} : { partialSuccess: partial })).finish();
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(Buffer.from(bytes));
    } else {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks)));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: a test receiver must never be reachable from outside.
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    tracesUrl: `${url}${options.path ?? '/v1/traces'}`,
    requests,
    spans,
    errors,
    metricsUrl: `${url}/v1/metrics`,
    metrics,
    logsUrl: `${url}${options.logsPath ?? '/v1/logs'}`,
    logRequests,
    logs,
    logBodies,
    waitForMetrics(done: (received: readonly ReceivedMetric[]) => boolean, timeoutMs = 5000): Promise<ReceivedMetric[]> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (!done(metrics)) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(metrics);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected metrics within ${timeoutMs} ms; got ${metrics.map((m) => m.name).join(', ') || 'none'}`));
        }, timeoutMs);
        timer.unref();
        if (!check()) waiters.add(check);
      });
    },
    get pending(): number {
      return pending;
    },
    abandoned,
    waitForPending(timeoutMs = 5000): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (pending === 0) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected an export request to be held within ${timeoutMs} ms; ${requests.length} answered`));
        }, timeoutMs);
        timer.unref();
        if (!check()) waiters.add(check);
      });
    },
    waitForSpans(count: number, timeoutMs = 5000): Promise<ReceivedSpan[]> {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (spans.length < count) return false;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(spans);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`expected ${count} spans within ${timeoutMs} ms, got ${spans.length}`));
        }, timeoutMs);
        timer.unref();
        if (!check()) waiters.add(check);
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        // The SDK keeps connections alive; without this close() waits for them to idle out.
        server.closeAllConnections();
        server.close(() => resolve());
      });
    },
  };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * Flattens an ExportTraceServiceRequest. Works on both shapes it arrives in:
 * protobufjs' toObject (ids as bytes, int64 as strings) and OTLP/JSON (ids as
 * hex, int64 as strings or numbers); both use lowerCamelCase keys.
 */
/** The ids of every span of a decoded (not converted) ExportTraceServiceRequest message. */
function spanIdsOf(request: unknown): { resourceSpans: number; ids: SpanIds[] } {
  const ids: SpanIds[] = [];
  const resourceSpans = list(obj(request)['resourceSpans']);
  for (const rs of resourceSpans) {
    for (const ss of list(obj(rs)['scopeSpans'])) {
      for (const span of list(obj(ss)['spans'])) ids.push({ traceId: hex(obj(span)['traceId']) ?? '', spanId: hex(obj(span)['spanId']) ?? '' });
    }
  }
  return { resourceSpans: resourceSpans.length, ids };
}

function toReceivedSpans(request: unknown): { resourceSpans: number; spans: ReceivedSpan[] } {
  const spans: ReceivedSpan[] = [];
  const resourceSpans = list(obj(request)['resourceSpans']);
  for (const rs of resourceSpans) {
    const resource = attributesOf(obj(obj(rs)['resource'])['attributes']);
    for (const ss of list(obj(rs)['scopeSpans'])) {
      const scope = str(obj(obj(ss)['scope'])['name']);
      for (const item of list(obj(ss)['spans'])) {
        const span = obj(item);
        const status = obj(span['status']);
        const message = str(status['message']);
        spans.push({
          traceId: hex(span['traceId']) ?? '',
          spanId: hex(span['spanId']) ?? '',
          parentSpanId: hex(span['parentSpanId']),
          name: str(span['name']),
          kind: Number(span['kind'] ?? 0),
          startMs: nanosToMs(span['startTimeUnixNano']),
          endMs: nanosToMs(span['endTimeUnixNano']),
          attributes: attributesOf(span['attributes']),
          status: { code: Number(status['code'] ?? 0), ...(message === '' ? {} : { message }) },
          events: list(span['events']).map((e) => ({
            name: str(obj(e)['name']),
            timeMs: nanosToMs(obj(e)['timeUnixNano']),
            attributes: attributesOf(obj(e)['attributes']),
          })),
          resource,
          scope,
        });
      }
    }
  }
  return { resourceSpans: resourceSpans.length, spans };
}

/** Flattens an ExportMetricsServiceRequest (protobufjs' toObject shape). */
function toReceivedMetrics(request: unknown): ReceivedMetric[] {
  const out: ReceivedMetric[] = [];
  for (const rm of list(obj(request)['resourceMetrics'])) {
    const resource = attributesOf(obj(obj(rm)['resource'])['attributes']);
    for (const sm of list(obj(rm)['scopeMetrics'])) {
      const scope = str(obj(obj(sm)['scope'])['name']);
      for (const item of list(obj(sm)['metrics'])) {
        const metric = obj(item);
        const base = { name: str(metric['name']), unit: str(metric['unit']), description: str(metric['description']), resource, scope };
        if ('histogram' in metric) {
          const points = list(obj(metric['histogram'])['dataPoints']).map((p) => {
            const point = obj(p);
            return {
              attributes: attributesOf(point['attributes']),
              count: Number(point['count'] ?? 0),
              sum: Number(point['sum'] ?? 0),
              bucketCounts: list(point['bucketCounts']).map(Number),
              explicitBounds: list(point['explicitBounds']).map(Number),
            };
          });
          out.push({ ...base, type: 'histogram', ...temporalityOf(obj(metric['histogram'])), points });
        } else {
          const isSum = 'sum' in metric;
          const data = obj(metric['sum'] ?? metric['gauge']);
          const points = list(data['dataPoints']).map((p) => {
            const point = obj(p);
            return { attributes: attributesOf(point['attributes']), value: Number(point['asDouble'] ?? point['asInt'] ?? 0) };
          });
          out.push({ ...base, type: isSum ? 'sum' : 'gauge', ...(isSum ? { isMonotonic: data['isMonotonic'] === true, ...temporalityOf(data) } : {}), points });
        }
      }
    }
  }
  return out;
}

function hex(value: unknown): string | undefined {
  if (value instanceof Uint8Array) return value.length === 0 ? undefined : Buffer.from(value).toString('hex');
  return typeof value === 'string' && value !== '' ? value.toLowerCase() : undefined;
}

/** BigInt so that 19-digit nanosecond stamps keep every whole millisecond exact. */
function nanosToMs(value: unknown): number {
  if (typeof value !== 'string' && typeof value !== 'number') return Number.NaN;
  const nanos = BigInt(value);
  return Number(nanos / 1_000_000n) + Number(nanos % 1_000_000n) / 1e6;
}

function attributesOf(keyValues: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list(keyValues)) out[str(obj(kv)['key'])] = anyValue(obj(kv)['value']);
  return out;
}

function anyValue(value: unknown): unknown {
  const v = obj(value);
  if ('stringValue' in v) return v['stringValue'];
  if ('boolValue' in v) return v['boolValue'];
  if ('intValue' in v) return Number(v['intValue']);
  if ('doubleValue' in v) return Number(v['doubleValue']);
  if ('arrayValue' in v) return list(obj(v['arrayValue'])['values']).map(anyValue);
  if ('kvlistValue' in v) return attributesOf(obj(v['kvlistValue'])['values']);
  if ('bytesValue' in v) return v['bytesValue'];
  return undefined;
}

function toReceivedLogs(request: unknown): ReceivedLogRecord[] {
  const out: ReceivedLogRecord[] = [];
  for (const rl of list(obj(request)['resourceLogs'])) {
    const resource = attributesOf(obj(obj(rl)['resource'])['attributes']);
    for (const sl of list(obj(rl)['scopeLogs'])) {
      const scope = str(obj(obj(sl)['scope'])['name']);
      for (const item of list(obj(sl)['logRecords'])) {
        const record = obj(item);
        out.push({
          timeMs: nanosToMs(record['timeUnixNano']),
          observedMs: nanosToMs(record['observedTimeUnixNano']),
          severityNumber: Number(record['severityNumber'] ?? 0),
          severityText: str(record['severityText']),
          body: anyValue(record['body']),
          attributes: attributesOf(record['attributes']),
          flags: Number(record['flags'] ?? 0),
          traceId: hex(record['traceId']),
          spanId: hex(record['spanId']),
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

/** AGGREGATION_TEMPORALITY_DELTA = 1, _CUMULATIVE = 2 (as a number or the enum's name, whichever the decoder gives). */
function temporalityOf(data: Record<string, unknown>): { temporality?: 'delta' | 'cumulative' } {
  const value = data['aggregationTemporality'];
  if (value === 1 || value === 'AGGREGATION_TEMPORALITY_DELTA') return { temporality: 'delta' };
  if (value === 2 || value === 'AGGREGATION_TEMPORALITY_CUMULATIVE') return { temporality: 'cumulative' };
  return {};
}

/** An ExportTraceServiceRequest in protobuf, decoded as the HTTP receiver decodes it (for the gRPC receiver). */
export function decodeTraceRequest(bytes: Uint8Array): ReceivedSpan[] {
  return toReceivedSpans(RequestType.toObject(RequestType.decode(bytes), { longs: String, enums: Number, arrays: true })).spans;
}

/** An ExportLogsServiceRequest's records (the gRPC receiver's LogsService uses it). */
export function decodeLogsRequest(bytes: Uint8Array): ReceivedLogRecord[] {
  return toReceivedLogs(LogsRequestType.toObject(LogsRequestType.decode(bytes), { longs: String, enums: Number, arrays: true }));
}
