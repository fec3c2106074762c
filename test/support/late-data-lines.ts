/**
 * The two big inputs of issue 18, shared by test/integration/late-lines.e2e.test.ts (delivery)
 * and bench/late-data.ts (peak RSS): each is the lines of a file log and the spans (trace/span
 * ids) a backfill of it must deliver. Built from a line of the real sample, not read here, so the
 * bench (compiled elsewhere) can use it too.
 */
export interface LateDataInput {
  lines: string[];
  /** `traceId/spanId` of every span the lines describe. */
  expected: Set<string>;
}

const T0 = Date.parse('2026-11-21T10:00:00.000Z');
const hex = (n: number, width: number, tag: string): string => `${tag}${n.toString(16).padStart(width - tag.length, '0')}`;

/**
 * `traces` traces opened within 20 s of log time (a root each), then one more line each 25 s
 * later (a child scope): with more open than maxOpenTraces, evicted traces get their later line.
 * `traceLine` is a traced line of the real sample, used as the template of every line.
 */
export function manyTracesLines(traceLine: string, traces = 30_000): LateDataInput {
  const template = JSON.parse(traceLine) as Record<string, unknown> & { _meta: Record<string, unknown> };
  const record = (atMs: number, traceId: string, spanId: string, parentSpanId: string | undefined, message: string): string => {
    const time = new Date(atMs).toISOString();
    const out: Record<string, unknown> = { ...template, _meta: { ...template._meta, date: time }, time: time.replace('Z', '+00:00'), message, '1': message, traceId, spanId };
    if (parentSpanId === undefined) delete out['parentSpanId'];
    else out['parentSpanId'] = parentSpanId;
    return JSON.stringify(out);
  };
  const first: string[] = [];
  const later: string[] = [];
  const expected = new Set<string>();
  for (let i = 0; i < traces; i++) {
    const traceId = hex(i, 32, 'e');
    const [root, scope] = [hex(i, 16, 'a'), hex(i, 16, 'b')];
    const at = T0 + Math.floor((i * 20_000) / traces);
    first.push(record(at, traceId, root, undefined, 'agent harness selected'));
    later.push(record(at + 25_000, traceId, scope, root, 'agent harness selected'));
    expected.add(`${traceId}/${root}`).add(`${traceId}/${scope}`);
  }
  return { lines: [...first, ...later], expected };
}

/** A traced file-log line as OpenClaw writes it ("agent harness selected"): span `spanId` of `traceId` at `atMs`. */
export function harnessLine(traceId: string, atMs: number, spanId: string, parent?: string): string {
  const time = new Date(atMs).toISOString();
  const subsystem = '"{\\"subsystem\\":\\"agent/embedded\\"}"';
  return (
    `{"0":${subsystem},"1":"agent harness selected","_meta":{"runtime":"node","name":${subsystem},"date":"${time}","logLevelId":2,"logLevelName":"DEBUG"},` +
    `"time":"${time.replace('Z', '+00:00')}","hostname":"gw01","message":"agent harness selected","traceId":"${traceId}","spanId":"${spanId}"${parent === undefined ? '' : `,"parentSpanId":"${parent}"`}}`
  );
}

/** One trace of a root and `lines` lines under it, ten per child scope (300,000 lines: 30,001 spans). */
export function hugeTraceLines(lines = 300_000): LateDataInput {
  const traceId = 'f'.repeat(32);
  const root = 'a'.repeat(16);
  const out = [harnessLine(traceId, T0, root)];
  const expected = new Set([`${traceId}/${root}`]);
  for (let i = 0; i < lines; i++) {
    const scope = `b${Math.floor(i / 10).toString(16).padStart(15, '0')}`;
    out.push(harnessLine(traceId, T0 + Math.floor(i / 10), scope, root));
    expected.add(`${traceId}/${scope}`);
  }
  return { lines: out, expected };
}
