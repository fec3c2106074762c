import { describe, expect, it } from 'vitest';
import { parseConsoleMessage } from '../../../src/parsers/console-line.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { ConsoleRunScopes } from '../../../src/reconstruct/console-run-scopes.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';
import { consoleSampleLines } from '../../support/console-sample.js';
import { fixtureLines } from '../../support/fixtures.js';

/** Per run id, its model calls and tools in time order: `c<status>` or `e<toolCallId>`. */
function callsByRun(traces: readonly FinishedTrace[]): Record<string, string> {
  const calls = traces
    .flatMap((trace) => trace.spans)
    .filter((span) => span.name.startsWith('chat ') || span.name.startsWith('execute_tool '))
    .sort((a, b) => a.startMs - b.startMs);
  const out: Record<string, string[]> = {};
  for (const span of calls) {
    const run = String(span.attributes['openclaw.run.id']);
    const label = span.name.startsWith('chat ') ? `c${String(span.attributes['http.response.status_code'])}` : `e${String(span.attributes['gen_ai.tool.call.id'])}`;
    (out[run] ??= []).push(label);
  }
  return Object.fromEntries(Object.entries(out).map(([run, labels]) => [run, labels.join(',')]));
}

function rebuild(add: (reconstructor: Reconstructor) => void): FinishedTrace[] {
  const traces: FinishedTrace[] = [];
  const reconstructor = new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, (trace) => traces.push(trace));
  add(reconstructor);
  reconstructor.flush();
  return traces;
}

describe('ConsoleRunScopes', () => {
  it("attributes every model call and tool of the sample's console to the run the file log says made it", () => {
    const fromFileLog = rebuild((r) => {
      for (const line of fixtureLines('openclaw-2026.9.6/file-log.jsonl')) {
        const parsed = parseLine(line);
        if (parsed.kind === 'log') r.addRecord(parsed.record);
      }
    });
    const scopes = new ConsoleRunScopes();
    const fromConsole = rebuild((r) => {
      let lastMs = Date.parse('2026-11-21T16:49:45Z');
      for (const line of consoleSampleLines()) {
        const parsed = parseConsoleMessage(line, lastMs);
        if (parsed.kind !== 'log') continue;
        lastMs = parsed.record.timeMs;
        scopes.assign(parsed.record);
        r.addRecord(parsed.record);
      }
    });
    const truth = callsByRun(fromFileLog);
    // 8 runs, 20 model calls (one 429, eight 500s), 4 tools: concurrent runs on the same model included.
    expect(Object.keys(truth)).toHaveLength(8);
    expect(Object.values(truth).join(',').split(',').filter((l) => l.startsWith('c'))).toHaveLength(20);
    expect(callsByRun(fromConsole)).toEqual(truth);
    // One trace per run, ids derived from the runId: a re-read gives the same ones.
    const runTraces = fromConsole.filter((t) => t.spans.some((s) => s.name.startsWith('invoke_agent')));
    expect(runTraces).toHaveLength(8);
    expect(runTraces.every((t) => t.spans.some((s) => s.attributes['openclaw.span.synthesized'] === true && s.parentSpanId === undefined))).toBe(true);
  });

  it('leaves lines that name no run, and match no open run, without a scope', () => {
    const scopes = new ConsoleRunScopes();
    const parsed = parseConsoleMessage('2026-11-21T16:49:45.388+00:00 [gateway] loading configuration…', 0);
    expect(parsed.kind).toBe('log');
    if (parsed.kind !== 'log') return;
    scopes.assign(parsed.record);
    expect(parsed.record.trace).toBeUndefined();
  });
});
