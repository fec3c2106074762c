import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLine } from '../../../src/parsers/parse-line.js';
import { eventCounts, eventTraces, fileLogCounts, fileLogTraces, mergedTraces, rawFileLog, releaseFile, spanCounts, upstreamRequests } from '../../support/release-runs.js';

/**
 * Releases run through the real-gateway harness (test/gateway/run-gateway-scenario.mjs: one turn
 * in which the model calls the `read` tool), their output kept under
 * test/fixtures/openclaw-versions/<release>/. Checked as the four shared runs are: every
 * expectation counted from the raw lines and the fake upstream's request log.
 */
const GATEWAY_RUNS: readonly string[] = ['2026.6.1-harness', '2026.9.6-harness'];

describe.each(GATEWAY_RUNS)('a real %s gateway through the harness', (release) => {
  it('the raw run is there: a turn with a tool call, answered by the fake upstream', () => {
    expect(existsSync(releaseFile(release, 'file-log.jsonl'))).toBe(true);
    expect(upstreamRequests(release).length).toBeGreaterThanOrEqual(2);
    expect(rawFileLog(release).some((line) => line.text.startsWith('embedded run tool start:'))).toBe(true);
  });

  it('file log: one invoke_agent per run, one execute_tool per tool call, one chat per [model-fetch] request; every trace complete', () => {
    const traces = fileLogTraces(release);
    expect(spanCounts(traces, 'invoke_agent')).toEqual(fileLogCounts(release, 'embedded run start:'));
    expect(spanCounts(traces, 'execute_tool')).toEqual(fileLogCounts(release, 'embedded run tool start:'));
    expect(spanCounts(traces, 'chat ')).toEqual(fileLogCounts(release, '[model-fetch] start'));
    expect(traces.filter((trace) => trace.incomplete).map((trace) => trace.traceId)).toEqual([]);
  });

  it('events: every type known; one span per harness run, model call and tool execution; every trace complete', () => {
    if (!existsSync(releaseFile(release, 'events.jsonl'))) return;
    const lines = readFileSync(releaseFile(release, 'events.jsonl'), 'utf8').split('\n').filter((line) => line.length > 0);
    expect(lines.map(parseLine).filter((parsed) => parsed.kind !== 'diagnostic')).toEqual([]);
    const traces = eventTraces(release);
    expect(spanCounts(traces, 'openclaw.harness.run')).toEqual(eventCounts(release, 'harness.run.completed'));
    expect(spanCounts(traces, 'chat ')).toEqual(eventCounts(release, 'model.call.started'));
    expect(spanCounts(traces, 'execute_tool')).toEqual(eventCounts(release, 'tool.execution.started'));
    expect(traces.filter((trace) => trace.incomplete).map((trace) => trace.traceId)).toEqual([]);
  });

  it('merged: the model calls are the parents the gateway sent upstream, one request span each or under them', () => {
    if (!existsSync(releaseFile(release, 'events.jsonl'))) return;
    const spans = mergedTraces(release).flatMap((trace) => trace.spans);
    const calls = new Set(spans.filter((span) => span.attributes['openclaw.call.id'] !== undefined).map((span) => span.spanId));
    for (const request of upstreamRequests(release)) if (request.parentSpanId !== undefined) expect(calls.has(request.parentSpanId)).toBe(true);
    expect(spanCounts(mergedTraces(release), 'invoke_agent')).toEqual(eventCounts(release, 'run.started'));
  });
});
