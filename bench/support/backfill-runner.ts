import { join } from 'node:path';
import { startOtlpReceiver, type OtlpReceiver, type SpanIds } from '../../test/support/otlp-receiver.js';
import { followUntilDelivered, type FollowRun } from './follow-run.js';
import { measureChild, type ChildRun } from './measure-child.js';

/** What `otel-tail backfill` said in its summary line, and what reached the receiver meanwhile. */
export interface BackfillRun {
  run: ChildRun;
  linesRead: number;
  rejected: number;
  traces: number;
  spansExported: number;
  spansFailed: number;
  spansReceived: number;
  distinctSpans: number;
  distinctTraces: number;
  /** CPU the bench process (the receiver, decoding every request) used meanwhile, ms. */
  receiverCpuMs: number;
}

export interface BaselineRun extends ChildRun {
  lines: number;
}

/** The pipeline after parsing (parsed-floor.ts): its timed part. */
export interface ParsedFloorRun {
  ms: number;
  /** CPU of the main thread (reconstruction, hand-off to the export worker) in that time. */
  mainCpuMs: number;
}

const SUMMARY = /: (\d+) lines read, (\d+) rejected[^,]*, (\d+) traces[^,]*, (\d+) spans exported, (\d+) failed/;

/**
 * Runs `bin/otel-tail backfill --endpoint` (or a follower, follow-run.ts) against one real OTLP receiver on 127.0.0.1 (in this
 * process), and the bare read + JSON.parse baseline, each as a child process of its own.
 */
export class BackfillRunner {
  private readonly tally = new ArrivalTally();
  private receiver: OtlpReceiver | undefined;

  private constructor(
    private readonly bin: string,
    private readonly baselineScript: string,
    private readonly floorScript: string,
  ) {}

  static async start(repoRoot: string): Promise<BackfillRunner> {
    const runner = new BackfillRunner(join(repoRoot, 'bin/otel-tail'), new URL('./parse-baseline.js', import.meta.url).pathname, new URL('./parsed-floor.js', import.meta.url).pathname);
    // Every request is decoded, but only ids are read and kept (~10k spans per 100 MB, ~100k per GB): converting each
    // span for assertions took the receiver ~0.3 s of CPU per 100 MB, on the two cores the backfill runs on.
    const receiver = await startOtlpReceiver({ onSpanIds: (spans) => runner.tally.add(spans) });
    runner.receiver = receiver;
    return runner;
  }

  /** Requests the receiver could not decode, over every run so far. */
  get decodeErrors(): number {
    return this.receiver?.errors.length ?? 0;
  }

  async backfill(path: string, nodeArgs: readonly string[] = []): Promise<BackfillRun> {
    const url = this.receiver?.url ?? '';
    this.tally.reset();
    const cpuBefore = process.cpuUsage();
    const run = await measureChild(this.bin, ['backfill', '--endpoint', url, path], nodeArgs);
    const { user, system } = process.cpuUsage(cpuBefore);
    const summary = SUMMARY.exec(run.stderr);
    if (summary === null) throw new Error(`otel-tail backfill ${path}: no summary line (exit ${run.code}, signal ${run.signal}); stderr:\n${run.stderr}`);
    const [linesRead = 0, rejected = 0, traces = 0, spansExported = 0, spansFailed = 0] = summary.slice(1).map(Number);
    return {
      run,
      linesRead,
      rejected,
      traces,
      spansExported,
      spansFailed,
      spansReceived: this.tally.spans,
      distinctSpans: this.tally.spanKeys.size,
      distinctTraces: this.tally.traceIds.size,
      receiverCpuMs: (user + system) / 1000,
    };
  }

  /** A `bin/otel-tail --file DIR --from beginning` follower of `lines` into the same receiver, until `expected` distinct spans arrived. */
  async follow(lines: readonly string[], expected: number, timeoutMs: number): Promise<FollowRun> {
    this.tally.reset();
    const arrived = { distinct: () => this.tally.spanKeys.size, total: () => this.tally.spans };
    return followUntilDelivered(this.bin, this.receiver?.url ?? '', lines, expected, arrived, timeoutMs);
  }

  /** The baseline on `path`; throws unless it read `expectedLines` lines. */
  async baseline(path: string, gzip: boolean, expectedLines: number): Promise<BaselineRun> {
    const run = await measureChild(this.baselineScript, gzip ? [path, '--gzip'] : [path]);
    if (run.code !== 0) throw new Error(`baseline ${path}: exit ${run.code}, signal ${run.signal}; stderr:\n${run.stderr}`);
    const { lines } = JSON.parse(run.stdout) as { lines: number };
    if (lines !== expectedLines) throw new Error(`baseline ${path}: read ${lines} lines, ${expectedLines} were written`);
    return { ...run, lines };
  }

  /** parsed-floor.ts on `path`, into the receiver; throws unless every span of `expectedSpans` arrived. */
  async parsedFloor(path: string, expectedSpans: number): Promise<ParsedFloorRun> {
    this.tally.reset();
    const run = await measureChild(this.floorScript, [path, this.receiver?.url ?? '']);
    if (run.code !== 0) throw new Error(`parsed-floor ${path}: exit ${run.code}, signal ${run.signal}; stderr:\n${run.stderr}`);
    const { ms, mainCpuMs, spans } = JSON.parse(run.stdout) as { ms: number; mainCpuMs: number; spans: number };
    if (spans !== expectedSpans || this.tally.spanKeys.size !== expectedSpans) {
      throw new Error(`parsed-floor ${path}: exported ${spans} spans and ${this.tally.spanKeys.size} distinct arrived; ${expectedSpans} expected`);
    }
    return { ms, mainCpuMs };
  }

  async close(): Promise<void> {
    await this.receiver?.close();
  }
}

/** Counts arrivals and keeps only ids. */
class ArrivalTally {
  spans = 0;
  readonly spanKeys = new Set<string>();
  readonly traceIds = new Set<string>();

  add(spans: readonly SpanIds[]): void {
    this.spans += spans.length;
    for (const span of spans) {
      this.spanKeys.add(span.traceId + span.spanId);
      this.traceIds.add(span.traceId);
    }
  }

  reset(): void {
    this.spans = 0;
    this.spanKeys.clear();
    this.traceIds.clear();
  }
}
