import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleTreeExporter } from '../../../src/export/console-tree-exporter.js';
import { formatDuration, renderTraceTree } from '../../../src/export/render-trace-tree.js';
import type { FinishedTrace, SpanRecord } from '../../../src/model/span-record.js';

const T = 1_700_000_000_000;

/** The guide and name part of a span line: everything before the duration column. */
function label(line: string): string {
  return line.slice(0, line.search(/ +[\d.]+m?s( {2}|$)/));
}
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

function span(partial: Partial<SpanRecord> & Pick<SpanRecord, 'spanId' | 'name' | 'startMs' | 'endMs'>): SpanRecord {
  return {
    traceId: TRACE_ID,
    kind: 'internal',
    attributes: {},
    status: { code: 'unset' },
    events: [],
    ...partial,
  };
}

// Deliberately out of start order: the renderer must sort children itself.
const trace: FinishedTrace = {
  traceId: TRACE_ID,
  hostName: 'gw-1',
  incomplete: true,
  spans: [
    span({
      spanId: 'cccccccccccccccc',
      parentSpanId: 'aaaaaaaaaaaaaaaa',
      name: 'execute_tool exec',
      startMs: T + 700,
      endMs: T + 1000,
      attributes: { 'gen_ai.tool.name': 'exec', 'gen_ai.tool.call.id': 'call_1' },
      status: { code: 'error', message: 'exit code 1' },
    }),
    span({
      spanId: 'aaaaaaaaaaaaaaaa',
      name: 'invoke_agent main',
      kind: 'server',
      startMs: T,
      endMs: T + 1230,
      attributes: { 'openclaw.run.id': 'run-1', 'openclaw.cost.usd': 0.0123, 'not.shown': 'x' },
      events: [{ name: 'queued', timeMs: T }],
    }),
    span({
      spanId: 'bbbbbbbbbbbbbbbb',
      parentSpanId: 'aaaaaaaaaaaaaaaa',
      name: 'chat gpt-4o',
      kind: 'client',
      startMs: T + 10,
      endMs: T + 607,
      attributes: {
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.usage.input_tokens': 1200,
        'gen_ai.usage.output_tokens': 85,
      },
      status: { code: 'ok' },
    }),
    span({
      spanId: 'dddddddddddddddd',
      parentSpanId: 'bbbbbbbbbbbbbbbb',
      name: 'http',
      startMs: T + 20,
      endMs: T + 600,
      attributes: { 'http.response.status_code': 200 },
    }),
    span({
      spanId: 'eeeeeeeeeeeeeeee',
      parentSpanId: 'ffffffffffffffff',
      name: 'orphan',
      startMs: T + 1107,
      endMs: T + 1230,
      attributes: { 'openclaw.span.incomplete': true },
    }),
  ],
};

describe('renderTraceTree', () => {
  const lines = renderTraceTree(trace, { color: false, width: 10 }).split('\n');

  it('starts with a header naming the trace, its absolute start, host, span count, duration, incompleteness and the run', () => {
    expect(lines[0]).toBe(`trace ${TRACE_ID}  ${new Date(T).toISOString()}  host=gw-1  5 spans  1.23s  incomplete  run=run-1`);
  });

  it('draws one line per span, nested by parent and ordered by start, orphans at top level', () => {
    expect(lines).toHaveLength(6);
    const labels = lines.slice(1).map(label);
    expect(labels).toEqual([
      'invoke_agent main',
      '├─ chat gpt-4o',
      '│  └─ http',
      '└─ execute_tool exec',
      'orphan',
    ]);
  });

  it('shows durations, a proportional bar, ERROR status and key attributes under readable labels', () => {
    expect(lines[1]).toMatch(/^invoke_agent main\s+1\.23s {2}██████████ {2}/);
    // The run is said once, in the header.
    expect(lines[1]).toContain('cost=$0.0123');
    expect(lines[1]).not.toContain('run=');
    expect(lines[1]).toContain('events: queued');
    expect(lines[1]).not.toContain('not.shown');
    // 10..607 ms of 0..1230 ms → columns 0..4 of 10; the model is in the span's name already.
    expect(lines[2]).toMatch(/597ms {2}█████····· {2}tokens=1200 in\/85 out$/);
    expect(lines[2]).not.toContain('ERROR');
    expect(lines[3]).toMatch(/580ms {2}█████····· {2}HTTP 200$/);
    // 700..1000 ms of 1230 → columns 5 (floor 5.7) to 8 (ceil 8.1, exclusive 9); the tool is in the name.
    expect(lines[4]).toMatch(/300ms {2}·····████· {2}✗ ERROR: exit code 1 {2}call=call_1$/);
    expect(lines[5]).toMatch(/123ms {2}·········█ {2}incomplete$/);
  });

  it('counts events by kind: log lines, then other names', () => {
    const logged: FinishedTrace = {
      traceId: TRACE_ID,
      incomplete: false,
      spans: [
        span({
          spanId: '1111111111111111',
          name: 'openclaw.request',
          startMs: T,
          endMs: T + 5,
          events: ['log', 'log', 'openclaw.failover', 'log', 'a', 'b'].map((name) => ({ name, timeMs: T })),
        }),
      ],
    };
    expect(renderTraceTree(logged, { color: false, width: 0 }).split('\n')[1]).toMatch(/events: 3 log lines, openclaw\.failover, a \+1 more$/);
  });

  it('cuts every line to maxColumns (colours not counted), marking the cut', () => {
    const ansi = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
    const cut = renderTraceTree(trace, { color: true, width: 10, maxColumns: 40 })
      .split('\n')
      .map((line) => line.replace(ansi, ''));
    for (const line of cut) expect(line.length, line).toBeLessThanOrEqual(40);
    // Cut where a part no longer fits: the header keeps the trace id whole.
    expect(cut[0]).toBe(`trace ${TRACE_ID}`);
    expect(cut[4]).toMatch(/^└─ execute_tool exec +300ms {2}·····███…$/);
  });

  it('aligns durations and bars in columns', () => {
    const barColumns = lines.slice(1).map((line) => line.search(/[█·]{10}/));
    expect(barColumns[0]).toBeGreaterThan(0);
    expect(new Set(barColumns).size).toBe(1);
  });

  it('uses ANSI colour only when asked', () => {
    expect(renderTraceTree(trace, { color: false, width: 10 })).not.toContain('\x1b[');
    const coloured = renderTraceTree(trace, { color: true, width: 10 });
    expect(coloured).toContain('\x1b[31m✗ ERROR: exit code 1\x1b[0m');
    expect(coloured).toContain('\x1b[33mincomplete\x1b[0m');
  });

  it('does not lose spans caught in a parent cycle', () => {
    const cyclic: FinishedTrace = {
      traceId: TRACE_ID,
      incomplete: false,
      spans: [
        span({ spanId: '1111111111111111', parentSpanId: '2222222222222222', name: 'a', startMs: T, endMs: T + 5 }),
        span({ spanId: '2222222222222222', parentSpanId: '1111111111111111', name: 'b', startMs: T + 1, endMs: T + 2 }),
      ],
    };
    const out = renderTraceTree(cyclic, { color: false, width: 0 }).split('\n');
    expect(out.slice(1).map(label)).toEqual(['a', '└─ b']);
  });
});

describe('formatDuration', () => {
  it.each([
    [0.42, '0.42ms'],
    [597, '597ms'],
    [1234, '1.23s'],
    [125_000, '2m05s'],
  ])('%s ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('ConsoleTreeExporter', () => {
  it('writes the rendered trees to its stream', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (chunk: Buffer) => (written += chunk.toString('utf8')));
    const exporter = new ConsoleTreeExporter({
      out,
      color: false,
      resource: { serviceName: 'openclaw', attributes: {} },
    });
    await expect(exporter.export([trace])).resolves.toEqual({ status: 'success' });
    expect(written).toContain(`trace ${TRACE_ID}  ${new Date(T).toISOString()}  host=gw-1  5 spans  1.23s  incomplete  run=run-1  service=openclaw`);
    expect(written).toContain('└─ execute_tool exec');
    await exporter.shutdown();
  });
});
