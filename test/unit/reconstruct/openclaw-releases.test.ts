import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NOT_TRACED_EVENT_TYPES } from '../../../src/model/event-types.js';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS, Reconstructor } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';
import {
  consoleTraces,
  countByTrace,
  eventBuilds,
  eventCounts,
  eventTraceId,
  eventTraces,
  fileLogCounts,
  fileLogTraces,
  mergedTraces,
  rawConsole,
  rawEvents,
  rawFileLog,
  releaseFile,
  spanCounts,
  spansNamed,
  upstreamRequests,
} from '../../support/release-runs.js';

/**
 * The same scenario (two plain turns, a tool turn, a turn whose upstream
 * answers 500 until the gateway gives up) on four real releases. Every
 * expectation is counted from the raw output (the JSON lines, the console
 * text, the fake upstream's request log), never from our parser.
 */

const RUN_START = 'embedded run start:';
const TOOL_START = 'embedded run tool start:';
const FETCH_START = '[model-fetch] start';

function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const n of counts.values()) sum += n;
  return sum;
}

function requestsByTrace(release: string, failedOnly = false): Map<string, number> {
  return countByTrace(upstreamRequests(release), (request) => request.traceId, (request) => !failedOnly || request.status >= 400);
}

describe('the console (journald) of every release gives runs and tools', () => {
  for (const release of ['2026.3.22', '2026.4.27', '2026.5.28', '2026.8.2']) {
    it(release, () => {
      const lines = rawConsole(release);
      const traces = consoleTraces(release);
      const count = (marker: string): number => lines.filter((line) => line.includes(marker)).length;
      expect(count(RUN_START)).toBeGreaterThan(0);
      expect(total(spanCounts(traces, 'invoke_agent'))).toBe(count(RUN_START));
      expect(total(spanCounts(traces, 'execute_tool'))).toBe(count(TOOL_START));
      // Model requests only where the release logs them ([model-fetch] since 2026.5).
      expect(total(spanCounts(traces, 'chat '))).toBe(count(FETCH_START));
    });
  }
});

describe('file log of 2026.8.2 (parentSpanId since 2026.6.1): every run, tool and HTTP request', () => {
  const release = '2026.8.2';
  const traces = fileLogTraces(release);

  it('one invoke_agent per run, one execute_tool per tool call', () => {
    expect(spanCounts(traces, 'invoke_agent')).toEqual(fileLogCounts(release, RUN_START));
    expect(spanCounts(traces, 'execute_tool')).toEqual(fileLogCounts(release, TOOL_START));
  });

  it('one chat span per upstream HTTP request, in the trace whose traceparent it carried; 500s are errors', () => {
    expect(spanCounts(traces, 'chat ')).toEqual(requestsByTrace(release));
    const failed = new Map<string, number>();
    for (const trace of traces) {
      const n = spansNamed(trace, 'chat ').filter((span) => span.status.code === 'error' && span.attributes['http.response.status_code'] === 500).length;
      if (n > 0) failed.set(trace.traceId, n);
    }
    expect(failed).toEqual(requestsByTrace(release, true));
    expect(traces.every((trace) => !trace.incomplete)).toBe(true);
  });
});

describe('file log of 2026.5.28 ([model-fetch] lines, no parentSpanId)', () => {
  const release = '2026.5.28';
  const traces = fileLogTraces(release);

  it('one chat span per upstream HTTP request, in the trace whose traceparent it carried', () => {
    expect(spanCounts(traces, 'chat ')).toEqual(requestsByTrace(release));
    expect(spanCounts(traces, 'execute_tool')).toEqual(fileLogCounts(release, TOOL_START));
  });
});

describe('diagnostic events of 2026.8.2', () => {
  const release = '2026.8.2';
  const traces = eventTraces(release);

  it('one span per harness run, model call and tool execution; every trace complete', () => {
    expect(spanCounts(traces, 'openclaw.harness.run')).toEqual(eventCounts(release, 'harness.run.completed'));
    expect(spanCounts(traces, 'chat ')).toEqual(eventCounts(release, 'model.call.started'));
    expect(spanCounts(traces, 'execute_tool')).toEqual(eventCounts(release, 'tool.execution.started'));
    expect(traces.filter((trace) => trace.incomplete)).toEqual([]);
  });

  it('the model call span ids are the parents the gateway sent upstream in traceparent', () => {
    const callIds = new Set(traces.flatMap((trace) => spansNamed(trace, 'chat ').map((span) => span.spanId)));
    const sent = upstreamRequests(release).map((request) => request.parentSpanId);
    expect(sent.length).toBeGreaterThan(0);
    for (const parent of sent) expect(callIds.has(parent as string)).toBe(true);
  });
});

describe('diagnostic events of 2026.4.27 and 2026.5.28: harness.run.started carries the request span, .completed the harness span', () => {
  for (const release of ['2026.4.27', '2026.5.28']) {
    it(`${release}: one harness span per run, under the request span its start named, in complete traces`, () => {
      const traces = eventTraces(release);
      expect(spanCounts(traces, 'openclaw.harness.run')).toEqual(eventCounts(release, 'harness.run.completed'));
      expect(spanCounts(traces, 'chat ')).toEqual(eventCounts(release, 'model.call.started'));
      expect(spanCounts(traces, 'execute_tool')).toEqual(eventCounts(release, 'tool.execution.started'));
      expect(traces.filter((trace) => trace.incomplete).map((trace) => trace.traceId)).toEqual([]);
      for (const event of rawEvents(release).filter((e) => e['type'] === 'harness.run.completed')) {
        const scope = event['trace'] as { traceId: string; spanId: string; parentSpanId: string };
        const trace = traces.find((t) => t.traceId === scope.traceId) as FinishedTrace;
        const harness = trace.spans.find((span) => span.spanId === scope.spanId);
        const request = trace.spans.find((span) => span.spanId === scope.parentSpanId);
        expect(harness?.name).toMatch(/^openclaw\.harness\.run/);
        expect(harness?.parentSpanId).toBe(scope.parentSpanId);
        expect(request?.name).toBe('openclaw.request');
        expect(request?.parentSpanId).toBeUndefined();
        // The start's time, not the end's duration: the started event's ts.
        const started = rawEvents(release).find((e) => e['type'] === 'harness.run.started' && e['runId'] === event['runId']);
        expect(harness?.startMs).toBe(started?.['ts']);
      }
    });
  }

  it('whichever half arrives first (events are delivered out of seq order)', () => {
    const release = '2026.4.27';
    const forward = eventBuilds(release, 'forward');
    const backward = eventBuilds(release, 'reversed');
    const shape = (traces: FinishedTrace[]): string[] =>
      traces.flatMap((trace) => trace.spans.map((span) => `${span.spanId}<${span.parentSpanId ?? '-'} ${span.name} ${span.startMs}-${span.endMs}`)).sort();
    expect(shape(backward)).toEqual(shape(forward));
    expect(backward.filter((trace) => trace.incomplete)).toEqual([]);
  });
});

describe('file logs of 2026.4.27 and 2026.5.28 (no parentSpanId): runs placed under the request by runId', () => {
  for (const release of ['2026.4.27', '2026.5.28']) {
    it(`${release}: one invoke_agent per run under the request span its lines carry, with the run's tools and requests under it`, () => {
      const traces = fileLogTraces(release);
      expect(spanCounts(traces, 'invoke_agent')).toEqual(fileLogCounts(release, RUN_START));
      expect(spanCounts(traces, 'execute_tool')).toEqual(fileLogCounts(release, TOOL_START));
      expect(spanCounts(traces, 'chat ')).toEqual(fileLogCounts(release, FETCH_START));
      for (const line of rawFileLog(release).filter((l) => l.text.startsWith(RUN_START))) {
        expect(line.parentSpanId).toBeUndefined();
        const trace = traces.find((t) => t.traceId === line.traceId) as FinishedTrace;
        const run = spansNamed(trace, 'invoke_agent')[0];
        expect(run?.parentSpanId).toBe(line.spanId);
        expect(trace.spans.find((span) => span.spanId === line.spanId)?.parentSpanId).toBeUndefined();
        for (const call of [...spansNamed(trace, 'chat '), ...spansNamed(trace, 'execute_tool')]) expect(call.parentSpanId).toBe(run?.spanId);
      }
      expect(traces.filter((trace) => trace.incomplete).map((trace) => trace.traceId)).toEqual([]);
    });

    it(`${release} merged with its events: the log's run is the events' harness run, not a second span`, () => {
      const traces = mergedTraces(release);
      expect(spanCounts(traces, 'invoke_agent')).toEqual(eventCounts(release, 'run.started'));
      expect(spanCounts(traces, 'openclaw.harness.run')).toEqual(eventCounts(release, 'harness.run.completed'));
      expect(spanCounts(traces, 'execute_tool')).toEqual(eventCounts(release, 'tool.execution.started'));
      expect(traces.filter((trace) => trace.incomplete).map((trace) => trace.traceId)).toEqual([]);
    });
  }

  it('2026.5.28: the trace of the `device pairing auto-approved` line is a pairing request, complete', () => {
    const pairing = rawFileLog('2026.5.28').filter((line) => line.text.startsWith('device pairing auto-approved'));
    expect(pairing).toHaveLength(1);
    const trace = fileLogTraces('2026.5.28').find((t) => t.traceId === pairing[0]?.traceId) as FinishedTrace;
    expect(trace.incomplete).toBe(false);
    expect(trace.spans.map((span) => [span.name, span.attributes['openclaw.device.role']])).toEqual([['openclaw.device.pairing', 'operator']]);
  });
});

describe('event types seen on real releases', () => {
  it('every type the three event streams hold is known; security.event and the other not-traced types make no trace', () => {
    for (const release of ['2026.4.27', '2026.5.28', '2026.8.2']) {
      const lines = readFileSync(releaseFile(release, 'events.jsonl'), 'utf8').split('\n').filter((line) => line.length > 0);
      expect(lines.map(parseLine).filter((parsed) => parsed.kind !== 'diagnostic')).toEqual([]);
    }
    const security = rawEvents('2026.8.2').filter((event) => event['type'] === 'security.event');
    expect(security).toHaveLength(1);
    const own = eventTraceId(security[0] as Record<string, unknown>);
    expect(own).toBeDefined();
    expect(eventTraces('2026.8.2').map((trace) => trace.traceId)).not.toContain(own);
    for (const type of NOT_TRACED_EVENT_TYPES) {
      const traces: FinishedTrace[] = [];
      const reconstructor = new Reconstructor(DEFAULT_RECONSTRUCTOR_OPTIONS, (trace) => traces.push(trace));
      const parsed = parseLine(JSON.stringify({ type, ts: 1_796_000_000_000, trace: { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) } }));
      expect(parsed.kind).toBe('diagnostic');
      if (parsed.kind === 'diagnostic') reconstructor.addEvent(parsed.event);
      reconstructor.flush();
      expect(traces).toEqual([]);
      expect(reconstructor.counters.infrastructureEvents).toBe(1);
    }
  });
});

describe('file log and events merged (2026.5.28, 2026.8.2): one span per model call and one per HTTP request', () => {
  for (const release of ['2026.5.28', '2026.8.2']) {
    it(`${release}: the calls the gateway sent upstream (traceparent), each holding the requests the SDK made, the failed one an error`, () => {
      const traces = mergedTraces(release);
      const spans = traces.flatMap((trace) => trace.spans);
      const calls = spans.filter((span) => span.attributes['openclaw.call.id'] !== undefined);
      expect(calls).toHaveLength(rawEvents(release).filter((event) => event['type'] === 'model.call.started').length);
      const byCall = new Map<string, number[]>();
      for (const request of upstreamRequests(release)) byCall.set(request.parentSpanId as string, [...(byCall.get(request.parentSpanId as string) ?? []), request.status]);
      expect(new Set(calls.map((call) => call.spanId))).toEqual(new Set(byCall.keys()));
      let httpSpans = 0;
      for (const call of calls) {
        const statuses = byCall.get(call.spanId) as number[];
        const children = spans.filter((span) => span.parentSpanId === call.spanId && span.attributes['http.response.status_code'] !== undefined);
        if (statuses.length === 1) expect(children).toEqual([]);
        else expect(children.map((child) => child.attributes['http.response.status_code'])).toEqual(statuses);
        httpSpans += Math.max(1, children.length);
        // The last request decides: the events said "completed" with zero usage; the log's 500 wins.
        const last = statuses[statuses.length - 1] as number;
        expect(call.attributes['http.response.status_code']).toBe(last);
        expect(call.status.code).toBe(last >= 400 ? 'error' : 'unset');
      }
      expect(httpSpans).toBe(upstreamRequests(release).length);
      expect(traces.filter((trace) => trace.incomplete)).toEqual([]);
    });
  }
});
