import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OtlpLogRecord } from '../../../src/export/logs/otlp-log-record.js';
import { OtlpExportError } from '../../../src/export/otlp-target.js';
import type { ExportOutcome, TraceExporter } from '../../../src/export/trace-exporter.js';
import type { FollowSourceHooks } from '../../../src/pipeline/follow-sources.js';
import { Follower, type FollowOptions } from '../../../src/pipeline/follower.js';
import { DEFAULT_RECONSTRUCTOR_OPTIONS } from '../../../src/reconstruct/reconstructor.js';
import type { FinishedTrace } from '../../../src/model/span-record.js';
import type { LiveSource } from '../../../src/sources/live-source.js';
import type { SourcePosition } from '../../../src/checkpoint/source-position.js';
import { harnessLine } from '../../support/late-data-lines.js';
import { FakeWallClock } from './fake-wall-clock.js';

/**
 * The follower's ordering and settlement rules, on its seams: a source the test writes to, a wall
 * clock it moves, an exporter whose answers it gives. The checkpoint is the real Settlement over a
 * store in a temp dir; the source records every mark it is asked to save.
 */

const TRACE = 'c'.repeat(32);
const ROOT = 'a'.repeat(16);
const T0 = Date.now() - 60_000;
const CHECKPOINT_MS = 100;

/** A line of TRACE: span `spanId` at `atMs`. */
const line = (atMs: number, spanId: string, parent?: string): string => harnessLine(TRACE, atMs, spanId, parent);

/** One file whose lines the test appends; it hands them over as a file source does, and records the marks saved. */
class WrittenSource implements LiveSource {
  readonly target = 'test:/log';
  reading = false;
  consumed = 0;
  readonly marks: number[] = [];
  /** Byte offset where each line written starts. */
  readonly starts: number[] = [];
  constructor(private readonly hooks: FollowSourceHooks) {}
  async start(): Promise<void> {}
  async recheck(): Promise<void> {}
  stopReading(): void {}
  async close(): Promise<void> {}
  takeRetired(): string[] {
    return [];
  }
  positions(): SourcePosition[] {
    return [{ key: 'file-1', consumed: this.consumed, save: (mark) => this.marks.push(mark) }];
  }
  async write(...lines: string[]): Promise<void> {
    const raw = lines.map((text) => {
      const bytes = Buffer.from(text);
      const start = this.consumed;
      this.starts.push(start);
      this.consumed += bytes.length + 1;
      return { bytes, start, end: this.consumed, tooLong: false, length: bytes.length };
    });
    this.reading = true;
    const room = this.hooks.sink.take({ key: 'file-1', path: '/test/openclaw-2026-11-21.log' }, raw);
    this.reading = false;
    await room;
    this.hooks.caughtUp();
  }
}

/** Each export waits for the test's answer. */
class AnsweredExporter implements TraceExporter {
  readonly calls: { spanIds: string[]; answer: (outcome: ExportOutcome) => void }[] = [];
  export(traces: readonly FinishedTrace[]): Promise<ExportOutcome> {
    return new Promise((answer) => this.calls.push({ spanIds: traces.flatMap((trace) => trace.spans.map((span) => span.spanId)), answer }));
  }
  async shutdown(): Promise<void> {}
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function follow(extra: Partial<FollowOptions> = {}): Promise<{ follower: Follower; source: WrittenSource; wall: FakeWallClock; exporter: AnsweredExporter; checkpoint: () => Promise<number> }> {
  const stateDir = mkdtempSync(join(tmpdir(), 'otel-tail-follower-'));
  dirs.push(stateDir);
  const wall = new FakeWallClock();
  const exporter = new AnsweredExporter();
  let source: WrittenSource | undefined;
  const options: FollowOptions = {
    paths: [],
    journals: [],
    journalctl: 'journalctl',
    from: 'beginning',
    stateDir,
    maxLineBytes: 64 * 1024,
    maxBatchSpans: 100,
    reconstructor: { ...DEFAULT_RECONSTRUCTOR_OPTIONS, graceMs: 1_000, idleTimeoutMs: 5_000 },
    exporter,
    exportTarget: 'test receiver',
    log: () => undefined,
    shutdownTimeoutMs: 2_000,
    checkpointIntervalMs: CHECKPOINT_MS,
    inFlightWaitMs: 50,
    ...extra,
  };
  const follower = await Follower.start(options, undefined, {
    clock: wall,
    sources: (hooks) => {
      source = new WrittenSource(hooks);
      return { all: [source], startOrder: [source], journals: [], streams: { log: [source], event: [] }, fileTargets: new Set() };
    },
  });
  const written = source as WrittenSource;
  /** Moves the wall clock to the next checkpoint write and returns the mark it saved. */
  const checkpoint = async (): Promise<number> => {
    const before = written.marks.length;
    wall.advance(CHECKPOINT_MS);
    await vi.waitFor(() => expect(written.marks.length).toBeGreaterThan(before));
    return written.marks.at(-1) as number;
  };
  return { follower, source: written, wall, exporter, checkpoint };
}

/** Lets the log be quiet long enough (wall clock) for the open trace to leave; resolves once its export is asked. */
async function untilExported(wall: FakeWallClock, exporter: AnsweredExporter, calls: number): Promise<void> {
  wall.advance(60_000);
  await vi.waitFor(() => expect(exporter.calls).toHaveLength(calls));
}

/** The trace's root and a child, written, exported once the log is quiet, and answered. */
async function deliverTrace(source: WrittenSource, wall: FakeWallClock, exporter: AnsweredExporter): Promise<void> {
  await source.write(line(T0, ROOT), line(T0 + 100, 'b'.repeat(16), ROOT));
  await untilExported(wall, exporter, 1);
  exporter.calls[0]?.answer({ status: 'success' });
}

describe('Follower: nothing is settled that was not delivered', () => {
  it('a checkpoint never passes a line of a trace open, or exported and not yet answered', async () => {
    const { follower, source, wall, exporter, checkpoint } = await follow();
    await source.write(line(T0, ROOT), line(T0 + 100, 'b'.repeat(16), ROOT));
    expect(await checkpoint()).toBe(0);
    await untilExported(wall, exporter, 1);
    expect(await checkpoint()).toBe(0);
    exporter.calls[0]?.answer({ status: 'success' });
    await vi.waitFor(async () => expect(await checkpoint()).toBe(source.consumed));
    await follower.stop();
  });

  it('a trace exported and reopened by a late line: that line is settled only when its fragment is delivered, and only the new span is sent', async () => {
    const { follower, source, wall, exporter, checkpoint } = await follow();
    await deliverTrace(source, wall, exporter);
    await vi.waitFor(async () => expect(await checkpoint()).toBe(source.consumed));

    await source.write(line(T0 + 30_000, 'd'.repeat(16), ROOT));
    const late = source.starts[2];
    expect(await checkpoint()).toBe(late);
    await untilExported(wall, exporter, 2);
    expect(exporter.calls[1]?.spanIds).toEqual(['d'.repeat(16)]);
    expect(await checkpoint()).toBe(late);
    exporter.calls[1]?.answer({ status: 'success' });
    await vi.waitFor(async () => expect(await checkpoint()).toBe(source.consumed));
    await follower.stop();
  });

  it('a late line after a quiet spell longer than the idle timeout: its fragment leaves once the log has been quiet for the idle timeout, not for the spell', async () => {
    const { follower, source, wall, exporter } = await follow();
    await deliverTrace(source, wall, exporter);
    // 30 s of log time after the last line: more than the idle timeout (5 s) ahead, so log time waits for lines that confirm it.
    await source.write(line(T0 + 30_000, 'd'.repeat(16), ROOT));
    wall.advance(4_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(exporter.calls).toHaveLength(1);
    wall.advance(1_500);
    await vi.waitFor(() => expect(exporter.calls).toHaveLength(2));
    expect(exporter.calls[1]?.spanIds).toEqual(['d'.repeat(16)]);
    exporter.calls[1]?.answer({ status: 'success' });
    await follower.stop();
  });

  it('a reload hands on the spans delivered, less those emitted but not delivered (their lines are read again and sent)', async () => {
    const { follower, source, wall, exporter } = await follow();
    await deliverTrace(source, wall, exporter);
    await source.write(line(T0 + 30_000, 'd'.repeat(16), ROOT));
    await untilExported(wall, exporter, 2);
    // The fragment's export is never answered: still in flight when the reload gives up on it.
    const carry = await follower.stopForReload(50, new Promise(() => undefined));
    const spans = carry.exported.flatMap((trace) => trace.spanIds).sort();
    expect(spans).toEqual(['a'.repeat(16), 'b'.repeat(16)]);
  });
});

/** Each logs request waits for the test's answer. */
class AnsweredLogSink {
  readonly calls: { records: readonly OtlpLogRecord[]; answer: (outcome: ExportOutcome) => void }[] = [];
  export(records: readonly OtlpLogRecord[]): Promise<ExportOutcome> {
    return new Promise((answer) => this.calls.push({ records, answer }));
  }
  async shutdown(): Promise<void> {}
}

describe('Follower --logs: a line is settled only when its trace and its log record are', () => {
  const withLogs = (sink: AnsweredLogSink, said: string[] = []): Partial<FollowOptions> => ({
    logs: { sink, scrub: (text) => text.replace('harness', '[REDACTED]'), target: 'test logs receiver' },
    log: (message, level) => said.push(`${level ?? 'info'}: ${message}`),
  });

  it('every record goes whole (message, ids, line number), and the checkpoint waits for both answers', async () => {
    const sink = new AnsweredLogSink();
    const { follower, source, wall, exporter, checkpoint } = await follow(withLogs(sink));
    await source.write(line(T0, ROOT), line(T0 + 100, 'b'.repeat(16), ROOT));
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    // The skimming reader would leave the message empty: with --logs each line is parsed whole, and scrubbed.
    expect(sink.calls[0]?.records.map((r) => [r.body, r.traceId, r.spanId, r.severityText, r.attributes['log.file.line'], r.observedMs])).toEqual([
      ['agent [REDACTED] selected', TRACE, ROOT, 'DEBUG', 1, wall.nowMs],
      ['agent [REDACTED] selected', TRACE, 'b'.repeat(16), 'DEBUG', 2, wall.nowMs],
    ]);
    await untilExported(wall, exporter, 1);
    exporter.calls[0]?.answer({ status: 'success' });
    // The spans are delivered, the log records not yet: the lines are not settled.
    expect(await checkpoint()).toBe(0);
    sink.calls[0]?.answer({ status: 'success' });
    await vi.waitFor(async () => expect(await checkpoint()).toBe(source.consumed));
    expect(follower.stats.logRecordsExported).toBe(2);
    expect(await follower.stop()).toBe(true);
  });

  it('log records answered before their trace: the checkpoint still waits for the trace', async () => {
    const sink = new AnsweredLogSink();
    const { follower, source, wall, exporter, checkpoint } = await follow(withLogs(sink));
    await source.write(line(T0, ROOT));
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    sink.calls[0]?.answer({ status: 'success' });
    expect(await checkpoint()).toBe(0);
    await untilExported(wall, exporter, 1);
    exporter.calls[0]?.answer({ status: 'success' });
    await vi.waitFor(async () => expect(await checkpoint()).toBe(source.consumed));
    await follower.stop();
  });

  it('log records the backend refuses (HTTP 400) are counted, said at warn, and their lines settled', async () => {
    const sink = new AnsweredLogSink();
    const said: string[] = [];
    const { follower, source, wall, exporter, checkpoint } = await follow(withLogs(sink, said));
    await source.write(line(T0, ROOT));
    await untilExported(wall, exporter, 1);
    exporter.calls[0]?.answer({ status: 'success' });
    await vi.waitFor(() => expect(sink.calls).toHaveLength(1));
    sink.calls[0]?.answer({ status: 'refused', error: new OtlpExportError('HTTP 400: bad log record', 400) });
    await vi.waitFor(async () => expect(await checkpoint()).toBe(source.consumed));
    expect(follower.stats.logRecordsFailed).toBe(1);
    expect(said.filter((text) => text.includes('refused'))).toEqual([
      'warn: test logs receiver refused 1 log record: HTTP 400: bad log record. Sent again as they are they would be refused again: counted as failed and not kept; the log records after them go on.',
    ]);
    await follower.stop();
  });

  it('stopped with log records unanswered: the stop says not everything went, and the checkpoint stays before their lines', async () => {
    const sink = new AnsweredLogSink();
    const { follower, source, wall, exporter } = await follow(withLogs(sink));
    await source.write(line(T0, ROOT));
    await untilExported(wall, exporter, 1);
    exporter.calls[0]?.answer({ status: 'success' });
    expect(await follower.stop()).toBe(false);
    expect(source.marks.at(-1)).toBe(0);
  });
});
